"""Residence timelines: episodes made non-overlapping, mapped to today's divisions, moves.

Pure functions over the rows :mod:`queries.migration.trajectories` reads (``place, start, end,
division_code, record, codes`` dicts; ``codes`` are every division the place's rows
name, used by :func:`refined`).  Rules: rows of one place whose periods touch or
overlap are one episode (their records joined); where an episode runs past the start
of the next one in another place, it ends there (the later registration wins); an
open end (None) means "still current".  :func:`lived` merges the two kinds into one
timeline of where the person actually lived: a recorded residence wins over the
registration for the time it covers.

A code succession is a renaming, never a move: an episode keeps every code its rows
recorded (``names``: 三亚市 460200 from 2001, 天涯区 460204 from 2014, one stay), and
:func:`linked` marks a stay that ``continues`` the one before it in the same place (a
new household in the same unit or one nested in it), so neither a trajectory nor its
moves shows a change of code as a journey.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from graphdb.values import day
from kingraph import divisions

FAR = date.max
EARLY = date.min


@dataclass(frozen=True)
class Episode:
    """One stay: registration (户籍, a household) or actual residence (a dwelling)."""

    kind: str  # registration | residence
    place: str  # household_id or dwelling_id
    start: date | None
    end: date | None  # None while current
    division_code: str | None  # as recorded (may be retired)
    current_code: str | None  # today's unit
    division_name: str | None  # today's unit's name
    records: tuple[str, ...]
    separated: bool = False  # 人户分离: residence and registration differ meanwhile
    # The codes recorded over the stay, oldest first, each with the first day it was
    # recorded (a change is a renaming: the same place under a new code).
    names: tuple[tuple[date | None, str], ...] = ()
    continues: bool = False  # same place as the stay before it (no move between them)

    @property
    def district_unknown(self) -> bool:
        """True when the stay is known only as a city that has districts today (its
        records name the city alone, made before its districts existed)."""
        return self.current_code is not None and divisions.has_districts(self.current_code)


@dataclass(frozen=True)
class Move:
    """A change of registration between two divisions (today's units)."""

    day: date
    origin: str
    destination: str
    records: tuple[str, ...]


def _episode(kind: str, row: dict[str, Any]) -> Episode:
    code = row.get("division_code")
    current = refined(str(code), row.get("codes") or ()) if code else None
    start = day(row["start"])
    return Episode(kind, str(row["place"]), start, day(row["end"]),
                   str(code) if code else None, current,
                   divisions.name(current) if current else None,
                   (str(row["record"]),) if row.get("record") else (),
                   names=((start, str(code)),) if code else ())


def _renamings(names: tuple[tuple[date | None, str], ...]) -> tuple[tuple[date | None, str], ...]:
    """Codes in date order, each kept from the first day it was recorded."""
    out: list[tuple[date | None, str]] = []
    for since, code in sorted(names, key=lambda n: (n[0] or EARLY, n[1])):
        if not out or out[-1][1] != code:
            out.append((since, code))
    return tuple(out)


def refined(code: str, place_codes: Iterable[str]) -> str:
    """Today's unit of a recorded code, made as specific as the place's other rows allow.

    A household registered under a city-wide code (海口市 460100, the code of every Haikou
    record before its districts of 2002) lies in the one district its later rows name,
    when they name exactly one; otherwise the coarse unit stays.
    """
    unit = divisions.current(code)
    finer = {divisions.current(c) for c in place_codes if c} - {unit}
    inside = {c for c in finer if divisions.prefecture(c) == unit}
    return inside.pop() if len(inside) == 1 else unit


def _finer(a: str | None, b: str | None) -> str | None:
    """The more specific of two units of one stay: a district over its city."""
    if a and b and a != b and divisions.prefecture(b) == a:
        return b
    return a


def _touches(a: Episode, b: Episode) -> bool:
    return a.place == b.place and (a.end is None
                                   or (b.start or EARLY) <= a.end + timedelta(days=1))


def _later_end(a: date | None, b: date | None) -> date | None:
    return None if a is None or b is None else max(a, b)


def resolve(kind: str, rows: list[dict[str, Any]]) -> list[Episode]:
    """One kind's rows as non-overlapping episodes, oldest first."""
    eps = sorted((_episode(kind, r) for r in rows),
                 key=lambda e: (e.start or EARLY, e.end or FAR, e.place))
    merged: list[Episode] = []
    for e in eps:
        if merged and _touches(merged[-1], e):
            last = merged[-1]
            unit = _finer(last.current_code, e.current_code)
            merged[-1] = replace(last, end=_later_end(last.end, e.end),
                                 records=tuple(dict.fromkeys(last.records + e.records)),
                                 names=_renamings(last.names + e.names), current_code=unit,
                                 division_name=divisions.name(unit) if unit else None)
        else:
            merged.append(e)
    out = []
    for i, e in enumerate(merged):
        cut = merged[i + 1].start if i + 1 < len(merged) else None
        if cut is not None and (e.end is None or e.end > cut):
            e = replace(e, end=cut)
        out.append(e)
    return out


def _overlap(a: Episode, b: Episode) -> bool:
    return (a.start or EARLY) < (b.end or FAR) and (b.start or EARLY) < (a.end or FAR)


def _apart(a: Episode, b: Episode) -> bool:
    if a.current_code is None or b.current_code is None:
        return False
    return not divisions.same_place(a.current_code, b.current_code)


def timeline(registered: list[dict[str, Any]], lived: list[dict[str, Any]]) -> tuple[Episode, ...]:
    """Registration and residence episodes, each flagged 人户分离 where they disagree."""
    regs, homes = resolve("registration", registered), resolve("residence", lived)
    flagged = [replace(e, separated=any(_overlap(e, o) and _apart(e, o) for o in others))
               for group, others in ((regs, homes), (homes, regs)) for e in group]
    return linked(sorted(flagged, key=lambda e: (e.start or EARLY, e.kind, e.place)))


def same_place(a: Episode, b: Episode) -> bool:
    """True when two stays lie in the same unit today, or one nested in the other."""
    return a.place == b.place or (a.current_code is not None and b.current_code is not None
                                  and divisions.same_place(a.current_code, b.current_code))


def linked(episodes: tuple[Episode, ...] | list[Episode],
           by_kind: bool = True) -> tuple[Episode, ...]:
    """Each stay flagged ``continues`` when the stay before it lies in the same place.

    The stay before is the previous one of the same kind (``by_kind``, for a view with
    both kinds) or simply the previous one (one timeline, such as :func:`lived`).
    """
    last: dict[str, Episode] = {}
    out = []
    for e in episodes:
        key = e.kind if by_kind else ""
        before = last.get(key)
        e = replace(e, continues=before is not None and same_place(before, e))
        last[key] = e
        out.append(e)
    return tuple(out)


def lived(episodes: tuple[Episode, ...] | list[Episode]) -> tuple[Episode, ...]:
    """Where the person actually lived: residence episodes, registration in between.

    A registration episode is cut wherever a recorded residence covers part of it;
    what remains of it says where the person lived when no residence was recorded.
    """
    homes = [e for e in episodes if e.kind == "residence"]
    out = list(homes)
    for reg in (e for e in episodes if e.kind == "registration"):
        pieces = [reg]
        for home in homes:
            pieces = [p for piece in pieces for p in _outside(piece, home)]
        out += pieces
    return linked(sorted(out, key=lambda e: (e.start or EARLY, e.end or FAR)), by_kind=False)


def _outside(e: Episode, cut: Episode) -> list[Episode]:
    """The parts of ``e`` outside the period of ``cut``."""
    if not _overlap(e, cut):
        return [e]
    parts = []
    if (e.start or EARLY) < (cut.start or EARLY):
        parts.append(replace(e, end=cut.start))
    if cut.end is not None and cut.end < (e.end or FAR):
        parts.append(replace(e, start=cut.end))
    return parts


def moves(registered: tuple[Episode, ...] | list[Episode]) -> tuple[Move, ...]:
    """Changes of registration between divisions, in date order.

    A change between nested units is no move: 海口市 (460100, the code of every Haikou
    record before its districts) to 美兰区 is the same place recoded, not a move.
    """
    out = []
    for a, b in zip(registered, registered[1:], strict=False):
        if a.current_code and b.current_code and b.start \
                and not divisions.same_place(a.current_code, b.current_code):
            out.append(Move(b.start, a.current_code, b.current_code, a.records + b.records))
    return tuple(out)
