"""Dates as feeds write them: ``YYYY-MM-DD`` (canonical), ``YYYYMMDD``, ``YYYY/M/D``.

Anything else, an impossible calendar date (2015-02-30) or a year outside
``FIRST_YEAR..LAST_YEAR`` does not parse.  Everything here is a polars expression,
so a column of any length is parsed without a Python loop.
"""

from __future__ import annotations

import polars as pl

FIRST_YEAR = 1850
LAST_YEAR = 2100
_ISO = r"^\d{4}-\d{2}-\d{2}$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
_SLASHED = r"^\d{4}/\d{1,2}/\d{1,2}$"


def iso_text(column: str) -> pl.Expr:
    """The column rewritten as ``YYYY-MM-DD`` text when it has one of the three shapes.

    Args:
        column: a string column.

    Returns:
        A string expression: the ISO form, or null for empty or other shapes.
    """
    text = pl.col(column).str.strip_chars()
    slashed = (
        text.str.replace(r"/(\d)/", "/0${1}/").str.replace(r"/(\d)$", "/0${1}")
        .str.replace_all("/", "-", literal=True)
    )
    return (
        pl.when(text.str.contains(_ISO)).then(text)
        .when(text.str.contains(_COMPACT)).then(text.str.replace(_COMPACT, "${1}-${2}-${3}"))
        .when(text.str.contains(_SLASHED)).then(slashed)
        .otherwise(pl.lit(None, pl.String))
    )


def parse(column: str) -> pl.Expr:
    """The column as ``pl.Date``; null when empty or unreadable.

    Args:
        column: a string column.

    Returns:
        A date expression.
    """
    day = iso_text(column).str.to_date("%Y-%m-%d", strict=False)
    return pl.when(day.dt.year().is_between(FIRST_YEAR, LAST_YEAR)).then(day)


def unreadable(column: str) -> pl.Expr:
    """True where the column holds text that :func:`parse` cannot read."""
    present = pl.col(column).str.strip_chars().fill_null("") != ""
    return present & parse(column).is_null()


def iso_column(column: str) -> str:
    """Name of the helper column holding ``column``'s ISO text (see :func:`with_parsed`)."""
    return f"{column}__iso"


def date_column(column: str) -> str:
    """Name of the helper column holding ``column`` parsed (see :func:`with_parsed`)."""
    return f"{column}__date"


def with_parsed(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Add ISO text and parsed date helper columns, parsing each distinct value once.

    Dates repeat a lot (a few tens of thousands of distinct days), so parsing the
    distinct values and joining back is much cheaper than parsing every row.

    Args:
        frame: a frame with the string columns.
        columns: the date columns.

    Returns:
        ``frame`` with :func:`iso_column` and :func:`date_column` for each column.
    """
    for column in columns:
        distinct = frame.select(pl.col(column).unique())
        table = distinct.select(
            pl.col(column), iso_text(column).alias(iso_column(column)),
            parse(column).alias(date_column(column)),
        )
        frame = frame.join(table, on=column, how="left", maintain_order="left",
                           nulls_equal=True)
    return frame
