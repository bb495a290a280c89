"""Hainan's administrative divisions (GB/T 2260) with validity dates.

Codes are never reused for another place, but places are renamed, merged and
recoded; old records and old ID numbers keep the code in force at the time.
``data/divisions.csv`` is the table (operators may correct it); this module
maps any code, retired or current, to today's unit and back.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

PREFECTURES_WITH_COUNTIES = ("460100", "460200", "460300")


@dataclass(frozen=True)
class Division:
    """One row of the division table."""

    code: str
    name: str
    level: str  # province | prefecture | county
    parent: str | None
    valid_from: date
    valid_to: date | None  # last day in force; None while current
    successor: str | None

    def valid_on(self, day: date) -> bool:
        """True when the code was in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@cache
def table() -> dict[str, Division]:
    """Every known code, retired or current."""
    text = (resources.files("kingraph") / "data" / "divisions.csv").read_text("utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["code"]] = Division(
            code=row["code"], name=row["name"], level=row["level"],
            parent=row["parent"] or None,
            valid_from=date.fromisoformat(row["valid_from"]),
            valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            successor=row["successor"] or None,
        )
    return out


def known(code: str) -> bool:
    """True for any code in the table."""
    return code in table()


def name(code: str) -> str | None:
    """The name of a code, retired or current."""
    found = table().get(code)
    return found.name if found else None


def current(code: str) -> str:
    """Today's unit for a code: follows successors until a code still in force."""
    seen = set()
    while code in table() and table()[code].successor and code not in seen:
        seen.add(code)
        code = table()[code].successor or code
    return code


@cache
def counties() -> tuple[str, ...]:
    """Current county-level units where people live (Sansha's districts excluded)."""
    out = [d.code for d in table().values()
           if d.valid_to is None and d.code.startswith("46") and d.level == "county"
           and not d.code.startswith("4603")]
    out.append("460400")  # Danzhou: prefecture-level, no districts
    return tuple(sorted(out))


def prefecture(code: str) -> str:
    """The prefecture-level unit of a code (a 469xxx county stands for itself)."""
    code = current(code)
    for pref in PREFECTURES_WITH_COUNTIES:
        if code[:4] == pref[:4]:
            return pref
    return code


@cache
def _predecessors(code: str) -> tuple[str, ...]:
    return tuple(sorted(d.code for d in table().values() if d.successor == code))


def within(code: str | None, division: str | None) -> bool:
    """Whether ``code`` is ``division`` or lies in it (a county in its prefecture), both
    read as today's codes; no ``division`` admits every code, no ``code`` none."""
    if division is None:
        return True
    if code is None:
        return False
    here, wanted = current(code), current(division)
    return here == wanted or prefecture(here) == wanted


def code_on(current_code: str, day: date) -> str:
    """The code a record made on ``day`` would carry for a place known by its current code.

    Walks back through predecessors; where the place had no own code then (Sanya's
    districts before 2014, Haikou's before 1988), the enclosing unit's code is used.
    """
    frontier = [current_code]
    while frontier:
        code = frontier.pop(0)
        division = table().get(code)
        if division is not None and division.valid_on(day):
            return code
        frontier.extend(_predecessors(code))
    parent = table()[current_code].parent if current_code in table() else None
    if parent and parent not in ("460000", "469000", "440000"):
        return code_on(parent, day)
    return current_code


def has_districts(code: str) -> bool:
    """True for a city that has county-level districts today (海口市, 三亚市, 三沙市):
    a record naming only the city does not say which district."""
    return code in PREFECTURES_WITH_COUNTIES and any(
        d.parent == code and d.valid_to is None for d in table().values())


def same_place(a: str, b: str) -> bool:
    """True when two codes (of any period) denote the same or nested units today."""
    ca, cb = current(a), current(b)
    return ca == cb or prefecture(ca) == cb or prefecture(cb) == ca
