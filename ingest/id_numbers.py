"""Citizen ID number columns: :func:`kingraph.ids.parse` on each distinct value.

``lookup`` maps each distinct raw value to

- ``number``: the normalised 18-character number when usable (valid or upgraded
  from 15 digits), else null: only these serve as exact keys;
- ``raw``: the cleaned text (spaces removed, ``x`` -> ``X``) when a value is present
  but not usable (bad check, bad date, malformed), kept as evidence; else null;
- ``status``: :class:`kingraph.ids.IdStatus` value (``empty`` for a missing cell);
- ``birth_date`` and ``sex``: what a usable number encodes.
"""

from __future__ import annotations

import polars as pl

from kingraph import ids
from kingraph.ids import IdStatus

ID_SCHEMA = {"raw_value": pl.String, "number": pl.String, "raw": pl.String,
             "status": pl.String, "birth_date": pl.Date, "sex": pl.String}
_EVIDENCE = (IdStatus.BAD_CHECK, IdStatus.BAD_DATE, IdStatus.MALFORMED)


def _row(value: str) -> tuple[object, ...]:
    parsed = ids.parse(value)
    kept = parsed.number if parsed.status in _EVIDENCE else None
    usable = parsed.number if parsed.usable else None
    return value, usable, kept, parsed.status.value, parsed.birth_date, parsed.sex


def lookup(raw: pl.Series) -> pl.DataFrame:
    """Parse every distinct value of an ID number column once.

    Args:
        raw: raw ID number values (nulls allowed).

    Returns:
        A frame with ``ID_SCHEMA``, one row per distinct non-null value.
    """
    rows = [_row(value) for value in raw.drop_nulls().unique().to_list()]
    return pl.DataFrame(rows, schema=ID_SCHEMA, orient="row")
