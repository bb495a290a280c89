"""Comparing graph trajectories with a synthetic drop's truth: where each person lived
(``truth/residences.parquet``) and where they were registered
(``truth/registrations.parquet``).

A person's stays are where they *actually* lived; a stay is 人户分离 (``separated``: a
dormitory ``W…``, a shared flat ``F…``, a room in another family's home ``H…``, or a
wife registered apart at her husband's home) when it is not the home of the household
the person was registered in.  What the departments' rows can say of it is narrower, and
the expected timeline says so explicitly, by this rule:

- a stay that a residence row (the cohabitation feed) reports is known as it was: its
  place and its dates;
- at any other time the household register is all there is: the person lived, as far as
  any row can tell, where they were registered.  Registration episodes that ended
  before the digital register began (the profile's ``household_from``) are in no export;
  a child entered late (补登) is in the register from the day of entry only; touching
  episodes in one household are one stay (nothing moved).

So the expected timeline is the reported stays, with the registration episodes filling
the time between them.  For a person who never lived apart from their registration it
is their truth stays since the register began; for a 人户分离 stay nobody reported, it is
the registration's place (the stay's own place is unknowable), and for a wife registered
apart (出嫁女户口不迁) it is her parents' household until a residence row says otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from ingest.feeds.read import discover, read_feed
from kingraph import divisions
from queries.migration.residence import Episode

DAY_SLACK = 1
DAY = timedelta(days=1)
FAR = date.max


@dataclass(frozen=True)
class Stay:
    """One stay of the expected timeline."""

    kind: str  # "residence" (a residence row reports it) or "registration"
    place: str  # a dwelling (residence) or a household key (registration)
    division_code: str  # today's unit
    start: date
    end: date | None  # None while current


@dataclass(frozen=True)
class Observation:
    """What the departments' feeds of a drop can know of truth."""

    register_from: date  # the household register's coverage start
    reported: dict[int, list[Stay]] = field(default_factory=dict)  # by person, oldest first
    registered: dict[int, list[Stay]] = field(default_factory=dict)  # idem

    def lived(self, person_key: int) -> list[Stay]:
        """The person's expected timeline: reported stays, the register between them."""
        homes = self.reported.get(person_key, [])
        out = list(homes)
        for reg in self.registered.get(person_key, []):
            pieces = [reg]
            for home in homes:
                pieces = [p for piece in pieces for p in _outside(piece, home)]
            out += pieces
        return sorted(out, key=lambda s: (s.start, s.end or FAR))


def observation(drop: Path, register_from: date) -> Observation:
    """The truth stays a residence row reports and the registrations in the export."""
    truth = drop / "truth"
    stays = pl.read_parquet(truth / "residences.parquet")
    regs = pl.read_parquet(truth / "registrations.parquet").filter(
        pl.col("to_date").is_null() | (pl.col("to_date") >= register_from))
    links = pl.read_parquet(truth / "record_links.parquet").filter(
        pl.col("feed") == "cohabitation")
    rows = [read_feed(f).frame.select("source", "record_id", "dwelling_id", "from_date")
            for f in discover(drop) if f.feed == "cohabitation"]
    reported: dict[int, list[Stay]] = defaultdict(list)
    if rows:
        known = pl.concat(rows).with_columns(feed_date("from_date")).join(
            links, on=["source", "record_id"]).select("person_key", "dwelling_id", "from_date")
        # A row reports the stay of its person at its dwelling that began that day.
        hits = stays.join(known, on=["person_key", "dwelling_id"], suffix="_row").filter(
            (pl.col("from_date") - pl.col("from_date_row")).dt.total_days().abs() <= DAY_SLACK)
        for r in hits.unique(["person_key", "dwelling_id", "from_date"]).sort(
                "person_key", "from_date").iter_rows(named=True):
            _add(reported[r["person_key"]], Stay("residence", r["dwelling_id"],
                                                 r["division_code"], r["from_date"],
                                                 r["to_date"]))
    registered: dict[int, list[Stay]] = defaultdict(list)
    for r in regs.sort("person_key", "from_date").iter_rows(named=True):
        _add(registered[r["person_key"]], Stay("registration", str(r["household_key"]),
                                               r["division_code"], r["from_date"],
                                               r["to_date"]))
    return Observation(register_from, dict(reported), dict(registered))


def feed_date(column: str) -> pl.Expr:
    """A feed's date cell in any of feeds.md's three formats, as a date."""
    c = pl.col(column)
    return (pl.when(c.str.contains("/")).then(c.str.to_date("%Y/%-m/%-d", strict=False))
            .when(c.str.contains("-")).then(c.str.to_date("%Y-%m-%d", strict=False))
            .otherwise(c.str.to_date("%Y%m%d", strict=False)).alias(column))


def reported(drop: Path, feed: str, place: str, episodes: pl.DataFrame) -> pl.DataFrame:
    """The parts of truth episodes (``person_key, <place>, from_date, to_date``) that the
    feed's rows report: a row of the same person and place, its period clipped to the
    episode's.  An episode no row reports is not there; a job enrolled twice (two rows)
    whose second row was not delivered is there for the first row's period only."""
    links = pl.read_parquet(drop / "truth" / "record_links.parquet").filter(
        pl.col("feed") == feed).select("source", "record_id", "person_key")
    rows = pl.concat([read_feed(f).frame.select("source", "record_id", place, "from_date",
                                                "to_date")
                      for f in discover(drop) if f.feed == feed])
    rows = rows.with_columns(feed_date("from_date"), feed_date("to_date")).join(
        links, on=["source", "record_id"])
    both = episodes.select("person_key", place, "from_date", "to_date").join(
        rows.select("person_key", place, "from_date", "to_date"), on=["person_key", place],
        suffix="_row")
    start = pl.max_horizontal("from_date", "from_date_row")
    end = pl.min_horizontal(pl.col("to_date").fill_null(FAR), pl.col("to_date_row").fill_null(FAR))
    return both.with_columns(start.alias("start"), end.alias("end")).filter(
        pl.col("start") < pl.col("end")).select(
        "person_key", place, pl.col("start").alias("from_date"),
        pl.when(pl.col("end") < FAR).then(pl.col("end")).alias("to_date")).unique()


def _add(stays: list[Stay], stay: Stay) -> None:
    """Append a stay, joined to the last one when it continues it in the same place."""
    last = stays[-1] if stays else None
    if last is not None and last.place == stay.place and last.end is not None \
            and stay.start <= last.end + DAY:
        end = None if stay.end is None else max(last.end, stay.end)
        stays[-1] = Stay(last.kind, last.place, last.division_code, last.start, end)
    else:
        stays.append(stay)


def _outside(s: Stay, cut: Stay) -> list[Stay]:
    """The parts of ``s`` outside the period of ``cut``."""
    if not (s.start < (cut.end or FAR) and cut.start < (s.end or FAR)):
        return [s]
    parts = []
    if s.start < cut.start:
        parts.append(Stay(s.kind, s.place, s.division_code, s.start, cut.start))
    if cut.end is not None and cut.end < (s.end or FAR):
        parts.append(Stay(s.kind, s.place, s.division_code, cut.end, s.end))
    return parts


def _near(a: date | None, b: date | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).days) <= DAY_SLACK


def episode_matches(got: Episode, want: Stay) -> bool:
    """Same place (today's units, nesting allowed) and both dates within a day."""
    return got.current_code is not None and divisions.same_place(
        got.current_code, want.division_code) and _near(got.start, want.start) \
        and _near(got.end, want.end)


def trajectory_matches(got: tuple[Episode, ...], want: list[Stay]) -> bool:
    """Every expected stay matched in order, and no extra episode."""
    return len(got) == len(want) and all(episode_matches(g, w)
                                         for g, w in zip(got, want, strict=True))
