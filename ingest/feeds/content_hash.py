"""Stable content hashes of source rows, so a reload is a no-op and a change a correction.

The canonical content of a row is the feed name and every spec column in the
spec's order, each stripped of surrounding spaces (an empty cell and a missing
cell are the same: unknown), dates rewritten as ``YYYY-MM-DD`` when readable (the
three date formats are one value), joined with the unit separator ``\\x1f`` behind
a version tag.  File and line are excluded.  The hash is SHA-1 from ``hashlib``
over the UTF-8 bytes, so it depends on neither the polars version nor the file's
encoding or format (CSV and Parquet deliveries of the same row hash alike).
"""

from __future__ import annotations

import hashlib

import polars as pl

from ingest.feeds import dates
from ingest.feeds.definitions import Feed, Kind

VERSION = "kingraph-row-v1"
SEPARATOR = "\x1f"


def canonical(definition: Feed) -> pl.Expr:
    """The canonical content string of each row of a feed frame.

    The frame holds the spec columns as strings and, for each date column, the
    helper column :func:`ingest.feeds.dates.iso_column` (see
    :func:`ingest.feeds.dates.with_parsed`).
    """
    parts = []
    for column in definition.columns:
        text = pl.col(column.name).str.strip_chars()
        if column.kind is Kind.DATE:
            text = pl.coalesce(pl.col(dates.iso_column(column.name)), text)
        parts.append(text.fill_null(""))
    return pl.concat_str([pl.lit(f"{VERSION}{SEPARATOR}{definition.name}"), *parts],
                         separator=SEPARATOR)


def sha1(text: str) -> str:
    """Hex SHA-1 of a canonical string."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def content_hashes(frame: pl.DataFrame, definition: Feed) -> pl.Series:
    """One ``content_hash`` per row of a feed frame, hashing each distinct row once.

    Args:
        frame: a feed frame as :func:`canonical` expects it.
        definition: the feed.

    Returns:
        A ``String`` series named ``content_hash``, aligned with ``frame``.
    """
    text = frame.select(canonical(definition).alias("text"))["text"]
    distinct = text.unique()
    table = pl.DataFrame({"text": distinct,
                          "content_hash": [sha1(t) for t in distinct.to_list()]})
    joined = text.to_frame().join(table, on="text", how="left", maintain_order="left")
    return joined["content_hash"]
