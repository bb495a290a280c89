"""Citizen ID number columns: GB 11643 validation of each distinct value.

``lookup`` maps each distinct raw value to

- ``number``: the normalised 18-character number when usable (valid or upgraded
  from 15 digits), else null: only these serve as exact keys;
- ``raw``: the cleaned text (spaces removed, ``x`` -> ``X``) when a value is present
  but not usable (bad check, bad date, malformed), kept as evidence; else null;
- ``status``: :class:`kingraph.ids.IdStatus` value (``empty`` for a missing cell);
- ``birth_date`` and ``sex``: what a usable number encodes.

The common case (an already clean 18-character number with a good date and check)
is recognised with polars expressions; every other value goes through
:func:`kingraph.ids.parse`, which stays the one definition of the rules.  The fast
path accepts nothing ``parse`` would reject: it needs the same shape, date and
check, and no all-same-character placeholder can pass the date check.
"""

from __future__ import annotations

import polars as pl

from kingraph import ids
from kingraph.ids import CHECK_CHARS, WEIGHTS, IdStatus

ID_SCHEMA = {"raw_value": pl.String, "number": pl.String, "raw": pl.String,
             "status": pl.String, "birth_date": pl.Date, "sex": pl.String}
_EVIDENCE = (IdStatus.BAD_CHECK, IdStatus.BAD_DATE, IdStatus.MALFORMED)


def _row(value: str) -> tuple[object, ...]:
    parsed = ids.parse(value)
    kept = parsed.number if parsed.status in _EVIDENCE else None
    usable = parsed.number if parsed.usable else None
    return value, usable, kept, parsed.status.value, parsed.birth_date, parsed.sex


def _check_char(text: pl.Expr) -> pl.Expr:
    total = pl.sum_horizontal(
        text.str.slice(i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(WEIGHTS)
    )
    return pl.lit(CHECK_CHARS).str.slice(total % 11, 1)


def _fast(values: pl.Series) -> pl.DataFrame:
    """Values that are clean, well-formed, well-dated and well-checked, as usable numbers."""
    text = pl.col("raw_value").str.strip_chars().str.to_uppercase()
    born = text.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    frame = values.to_frame("raw_value").with_columns(
        number=text, birth_date=born,
        sex=pl.when(text.str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1)
        .then(pl.lit("1")).otherwise(pl.lit("2")),
    )
    good = (text.str.contains(r"^\d{17}[\dX]$") & (born.dt.year() >= 1850)
            & (_check_char(text) == text.str.slice(17, 1)))
    return frame.filter(good.fill_null(False)).with_columns(
        raw=pl.lit(None, pl.String), status=pl.lit(IdStatus.VALID.value)
    ).select(list(ID_SCHEMA))


def lookup(raw: pl.Series) -> pl.DataFrame:
    """Validate every distinct value of an ID number column once.

    Args:
        raw: raw ID number values (nulls allowed).

    Returns:
        A frame with ``ID_SCHEMA``, one row per distinct non-null value.
    """
    distinct = raw.drop_nulls().unique().cast(pl.String)
    fast = _fast(distinct)
    rest = distinct.filter(~distinct.is_in(fast["raw_value"].implode()))
    slow = pl.DataFrame([_row(v) for v in rest.to_list()], schema=ID_SCHEMA, orient="row")
    return pl.concat([fast, slow])
