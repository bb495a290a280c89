"""Who truly moved with whom, from a synthetic drop's ``truth/``.

A true move is a change of county between two consecutive registrations of
``truth/registrations.parquet`` (touching: the day one ends the next begins) on or after
the household register's start (earlier moves are in no feed): the registration moves
:func:`queries.migration.trajectories.family_moves` compares.  Where people lived away
from their registration (dormitories, flats, lodgings, a wife registered apart) moves
no registration.  Ties: kin (parents, adoptive parents, children and spouses from
``persons`` and ``marriages``), cohabitants (one dwelling over overlapping periods of
``residences``), household members (one household over overlapping periods of
``registrations``) and colleagues (one employer over overlapping periods in
``employment``, as far as employment rows report them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from kingraph import divisions
from tests.integration.queries.residence_truth import reported

FAR = date(9999, 12, 31)
PARENTS = ("father_key", "mother_key", "adoptive_father_key", "adoptive_mother_key")


@dataclass(frozen=True)
class TrueMove:
    """One true change of county."""

    origin: str
    destination: str
    day: date


@dataclass
class MoveTruth:
    """True moves and ties of every person of a drop."""

    moves: dict[int, list[TrueMove]] = field(default_factory=lambda: defaultdict(list))
    ties: dict[int, dict[int, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def moved_with(self, person: int, window: timedelta) -> dict[tuple[int, date], set[str]]:
        """``(companion, the person's move day) -> ties`` for every tied person who made
        the same move within ``window``."""
        found = {}
        for move in self.moves[person]:
            for other, ties in self.ties[person].items():
                if any(same(move, theirs) and abs(theirs.day - move.day) <= window
                       for theirs in self.moves[other]):
                    found[(other, move.day)] = ties
        return found


def same(a: TrueMove, b: TrueMove) -> bool:
    """Same origin and destination (today's units, nesting allowed)."""
    return divisions.same_place(a.origin, b.origin) and divisions.same_place(
        a.destination, b.destination)


def move_truth(truth: Path, register_from: date) -> MoveTruth:
    """Read ``truth/`` into moves and ties."""
    out = MoveTruth()
    regs = pl.read_parquet(truth / "registrations.parquet").sort("person_key", "from_date")
    _moves(out, regs, register_from)
    persons = pl.read_parquet(truth / "persons.parquet")
    for column in PARENTS:
        for child, parent in persons.select("person_key", column).drop_nulls().iter_rows():
            _tie(out, child, parent, "kin")
    marriages = pl.read_parquet(truth / "marriages.parquet")
    for husband, wife in marriages.select("husband_key", "wife_key").iter_rows():
        _tie(out, husband, wife, "kin")
    for a, b in _overlapping(regs.select("person_key", "household_key", "from_date",
                                         "to_date"), "household_key"):
        _tie(out, a, b, "household")
    stays = pl.read_parquet(truth / "residences.parquet")
    for a, b in _overlapping(stays.select("person_key", "dwelling_id", "from_date", "to_date"),
                             "dwelling_id"):
        _tie(out, a, b, "cohabitant")
    # Colleagues as far as the employment rows say (a job no row reports is no one's
    # known colleague: 5 % of job rows are not delivered).
    jobs = reported(truth.parent, "employment", "employer_code",
                    pl.read_parquet(truth / "employment.parquet"))
    for a, b in _overlapping(jobs, "employer_code"):
        _tie(out, a, b, "colleague")
    return out


def _moves(out: MoveTruth, regs: pl.DataFrame, register_from: date) -> None:
    prev = None
    for reg in regs.iter_rows(named=True):
        if prev and prev["person_key"] == reg["person_key"] \
                and prev["to_date"] == reg["from_date"] and reg["from_date"] >= register_from \
                and not divisions.same_place(prev["division_code"], reg["division_code"]):
            out.moves[reg["person_key"]].append(
                TrueMove(prev["division_code"], reg["division_code"], reg["from_date"]))
        prev = reg


def _tie(out: MoveTruth, a: int, b: int, kind: str) -> None:
    out.ties[a][b].add(kind)
    out.ties[b][a].add(kind)


def _overlapping(episodes: pl.DataFrame, place: str) -> list[tuple[int, int]]:
    pairs = episodes.join(episodes, on=place, suffix="_b").filter(
        (pl.col("person_key") < pl.col("person_key_b"))
        & (pl.col("from_date") < pl.col("to_date_b").fill_null(FAR))
        & (pl.col("from_date_b") < pl.col("to_date").fill_null(FAR)))
    return list(pairs.select("person_key", "person_key_b").unique().iter_rows())
