"""The quarantine: rows that cannot be used, each with a reason code.

A quarantine frame has one row per quarantined source row, with the columns of
``QUARANTINE_SCHEMA``:

- ``feed``, ``source``, ``file`` (file name inside the drop), ``line`` (physical
  line of the row; header = line 1), ``record_id`` (when it could be read);
- ``reason``: the first :class:`Reason` that applies, by the order of the enum;
- ``detail``: every problem found, as ``reason:column`` items joined by ``; ``.
  Details name columns and reasons only, never values (they may be personal data).

The same reasons also appear as soft *flags* on accepted rows when the problem is
in a column the row can do without (see :mod:`ingest.feeds.clean`).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import polars as pl

from kingraph import atomic


class Reason(StrEnum):
    """Why a row (or one of its values) cannot be used, most serious first."""

    FIELD_COUNT = "field_count"
    BAD_QUOTING = "bad_quoting"
    TRUNCATED = "truncated"
    MISSING_RECORD_ID = "missing_record_id"
    UNKNOWN_SOURCE = "unknown_source"
    MISSING_REQUIRED = "missing_required"
    BAD_DATE = "bad_date"
    UNKNOWN_CODE = "unknown_code"
    BAD_NUMBER = "bad_number"
    NO_IDENTITY = "no_identity"
    CONFLICTING_RECORD = "conflicting_record"
    DUPLICATE_RECORD = "duplicate_record"

    @property
    def description(self) -> str:
        """One line saying what the code means."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Reason.FIELD_COUNT: "the row has more or fewer fields than the header",
    Reason.BAD_QUOTING: "the row breaks RFC 4180 quoting",
    Reason.TRUNCATED: "the last row ends inside a quoted field (file cut short)",
    Reason.MISSING_RECORD_ID: "record_id is empty",
    Reason.UNKNOWN_SOURCE: "source is empty or not allowed for this feed",
    Reason.MISSING_REQUIRED: "a column the row needs is empty",
    Reason.BAD_DATE: "a date is in none of YYYY-MM-DD, YYYYMMDD, YYYY/M/D or is impossible",
    Reason.UNKNOWN_CODE: "a code is not in its code list (or division table)",
    Reason.BAD_NUMBER: "a count or measurement is not a valid number",
    Reason.NO_IDENTITY: "a person the row needs has neither a usable ID number nor a real name",
    Reason.CONFLICTING_RECORD: "the record_id occurs again in the file with different content",
    Reason.DUPLICATE_RECORD: "the record_id occurs earlier in the file with identical content",
}

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "feed": pl.String(),
    "source": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
    "record_id": pl.String(),
    "reason": pl.String(),
    "detail": pl.String(),
}

REASON_ORDER = {reason.value: rank for rank, reason in enumerate(Reason)}


def empty() -> pl.DataFrame:
    """A quarantine frame with no rows."""
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast the quarantine columns, in order."""
    return frame.select(pl.col(n).cast(t) for n, t in QUARANTINE_SCHEMA.items())


def write_quarantine(frame: pl.DataFrame, path: Path | str) -> int:
    """Write one load's quarantine as one parquet file.

    Args:
        frame: quarantine rows (several files' quarantines may be concatenated).
        path: the parquet file to write, atomically; its directory is created if needed.

    Returns:
        The number of rows written.
    """
    rows = conform(frame).sort("feed", "file", "line")
    atomic.write_parquet(rows, Path(path))
    return rows.height
