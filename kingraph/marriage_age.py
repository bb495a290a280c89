"""The legal marriage age (法定婚龄) by date, from ``data/marriage_ages.csv``.

Each row is in force from its ``valid_from`` until the next row's: the 1950
Marriage Law (art. 4: men 20, women 18) from 1950-05-01, the 1980 Marriage Law
(art. 5: men 22, women 20) from 1981-01-01, and the Civil Code (art. 1047, the
same ages) from 2021-01-01.  Before the first row no national minimum is applied.
Operators correct the table, not the code.

A spouse is of age on the day of their N-th birthday (a 29 February birthday falls
on 28 February in other years: the last day of the month, Civil Code art. 203).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import polars as pl


@dataclass(frozen=True)
class MarriageAge:
    """The minimum ages in force from ``valid_from``, and the law that sets them."""

    valid_from: date
    law: str
    husband: int
    wife: int


@cache
def table() -> tuple[MarriageAge, ...]:
    """Every row, oldest first."""
    text = (resources.files("kingraph") / "data" / "marriage_ages.csv").read_text("utf-8")
    rows = [MarriageAge(date.fromisoformat(r["valid_from"]), r["law"], int(r["husband"]),
                        int(r["wife"])) for r in csv.DictReader(text.splitlines())]
    return tuple(sorted(rows, key=lambda r: r.valid_from))


def in_force(on: date) -> MarriageAge | None:
    """The rule in force on a marriage date, or None before the first law."""
    found = None
    for rule in table():
        if rule.valid_from <= on:
            found = rule
    return found


def frame() -> pl.DataFrame:
    """The table as a frame (``valid_from, law, husband, wife``), for as-of joins."""
    return pl.DataFrame([vars(r) for r in table()],
                        schema={"valid_from": pl.Date, "law": pl.String,
                                "husband": pl.Int64, "wife": pl.Int64})
