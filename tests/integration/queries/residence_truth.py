"""Comparing graph trajectories with a synthetic drop's ``truth/residences.parquet``.

Truth holds where each person *actually* lived, one row per stay: at the registered
household (dwelling ``H…``) or, for 人户分离, in a dormitory elsewhere (``W…``).  What
the departments could know of it is narrower, and the comparison says so explicitly:

- the digital household register begins on the profile's ``household_from``; a stay
  that had ended before then is in no export and is outside the observation window;
- a 人户分离 stay is known only where a residence registration (the cohabitation feed)
  records it; where none does, the place lived is unobservable and only the stay's
  dates (which the household register carries) are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import polars as pl

from ingest.feeds.read import discover, read_feed
from kingraph import divisions
from queries.migration.residence import Episode

DAY_SLACK = 1


class Seen(Enum):
    """How much of a true stay the feeds could tell."""

    PLACE = "place"  # place and dates
    DATES = "dates"  # dates only: an unrecorded 人户分离 stay
    NOTHING = "nothing"  # ended before the household register began


@dataclass(frozen=True)
class Observation:
    """What the departments' feeds of a drop can know of truth."""

    register_from: date  # the household register's coverage start
    recorded: frozenset[tuple[int, str]]  # (person_key, dwelling_id) with a residence row

    def seen(self, stay: dict[str, Any]) -> Seen:
        """How much of one truth stay the feeds carry."""
        if stay["to_date"] is not None and stay["to_date"] < self.register_from:
            return Seen.NOTHING
        if str(stay["dwelling_id"]).startswith("H") or (
                (stay["person_key"], stay["dwelling_id"]) in self.recorded):
            return Seen.PLACE
        return Seen.DATES


def observation(drop: Path, register_from: date) -> Observation:
    """The drop's residence registrations, joined to truth persons by ``record_links``."""
    links = pl.read_parquet(drop / "truth" / "record_links.parquet").filter(
        pl.col("feed") == "cohabitation")
    rows = [read_feed(f).frame.select("source", "record_id", "dwelling_id")
            for f in discover(drop) if f.feed == "cohabitation"]
    if not rows:
        return Observation(register_from, frozenset())
    known = pl.concat(rows).join(links, on=["source", "record_id"])
    return Observation(register_from, frozenset(known.select("person_key", "dwelling_id")
                                                .iter_rows()))


def _near(a: date | None, b: date | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).days) <= DAY_SLACK


def episode_matches(got: Episode, want: dict[str, Any], seen: Seen = Seen.PLACE) -> bool:
    """Same place (today's units, nesting allowed; unless only dates are seen) and both
    dates within a day."""
    place = seen is Seen.DATES or (got.current_code is not None and divisions.same_place(
        got.current_code, want["division_code"]))
    return place and _near(got.start, want["from_date"]) and _near(got.end, want["to_date"])


def trajectory_matches(got: tuple[Episode, ...], want: list[dict[str, Any]],
                       seen: Observation | None = None) -> bool:
    """Every observable truth stay matched in order, and no extra episode.

    Without an observation every stay counts, its place included.
    """
    kept = [(w, seen.seen(w) if seen else Seen.PLACE) for w in want]
    kept = [(w, s) for w, s in kept if s is not Seen.NOTHING]
    return len(got) == len(kept) and all(episode_matches(g, w, s)
                                         for g, (w, s) in zip(got, kept, strict=True))


def truth_episodes(residences: pl.DataFrame, person_key: int) -> list[dict[str, Any]]:
    """One truth person's residences, oldest first."""
    rows = residences.filter(pl.col("person_key") == person_key).sort("from_date")
    return rows.to_dicts()
