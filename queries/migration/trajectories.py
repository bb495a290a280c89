"""Migration: a person's residence trajectory, who moved with them, and province flows.

Registration (户籍) comes from ``MEMBER_OF`` household episodes, actual residence from
``LIVED_AT`` dwelling episodes.  Each timeline is made non-overlapping (an episode
ends where the next begins), retired division codes are mapped to today's units
(:func:`kingraph.divisions.current`, made specific by the household's other rows:
:func:`queries.migration.residence.refined`), and every episode keeps the record keys
behind it.  An episode is flagged 人户分离 where actual residence and registration
overlap in time but lie in different places.  The timeline rules are
:mod:`queries.migration.residence`; charts are :mod:`queries.migration.chart`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, get_args

import neo4j
import polars as pl

from graphdb.connection import read
from kingraph import divisions
from kingraph.errors import InvalidArgument, PersonNotFound
from queries.migration.residence import Episode, Move, lived, moves, refined, timeline

__all__ = ["Episode", "FamilyMove", "Flows", "Move", "family_moves", "flows", "trajectory"]

EPISODES = """
MATCH (p:Person {pid: $pid})
RETURN [(p)-[m:MEMBER_OF]->(h) | {place: h.household_id, start: m.from_date, end: m.to_date,
         division_code: m.division_code, record: m.record,
         codes: [(h)-[:IN]->(v) | v.code]}] AS registered,
       [(p)-[l:LIVED_AT]->(d) | {place: d.dwelling_id, start: l.from_date, end: l.to_date,
         division_code: coalesce(l.division_code, d.division_code), record: l.record,
         codes: [(d)-[:IN]->(v) | v.code]}] AS lived
"""

# Kin (parents, children, spouses), household co-members, cohabitants (a shared
# dwelling) and colleagues (a shared employer over overlapping periods), each with
# their household episodes.
COMPANIONS = """
MATCH (p:Person {pid: $pid})
CALL (p) {
  MATCH (p)-[:CHILD_OF|MARRIED]-(k:Person) RETURN k, 'kin' AS tie
  UNION
  MATCH (p)-[:MEMBER_OF]->(:Household)<-[:MEMBER_OF]-(k:Person) WHERE k <> p
  RETURN k, 'household' AS tie
  UNION
  MATCH (p)-[:LIVED_AT]->(:Dwelling)<-[:LIVED_AT]-(k:Person) WHERE k <> p
  RETURN k, 'cohabitant' AS tie
  UNION
  MATCH (p)-[a:EMPLOYED_BY]->(:Employer)<-[b:EMPLOYED_BY]-(k:Person)
  WHERE k <> p AND a.from_date <= coalesce(b.to_date, date('9999-12-31'))
    AND b.from_date <= coalesce(a.to_date, date('9999-12-31'))
  RETURN k, 'colleague' AS tie
}
WITH k, collect(DISTINCT tie) AS ties
RETURN k.pid AS pid, ties,
  [(k)-[m:MEMBER_OF]->(h) | {place: h.household_id, start: m.from_date, end: m.to_date,
    division_code: m.division_code, record: m.record,
    codes: [(h)-[:IN]->(v) | v.code]}] AS registered
"""

MOVES_BETWEEN = """
MATCH (p:Person)-[m:MEMBER_OF]->(mh)
WHERE m.from_date >= $start AND m.from_date <= $end
CALL (p, m) {
  MATCH (p)-[o:MEMBER_OF]->(oh)
  WHERE o.from_date < m.from_date
  RETURN o, oh ORDER BY o.from_date DESC LIMIT 1
}
RETURN p.pid AS pid, o.division_code AS origin, [(oh)-[:IN]->(v) | v.code] AS origin_codes,
       m.division_code AS destination, [(mh)-[:IN]->(v) | v.code] AS destination_codes,
       m.from_date AS day
"""


View = Literal["all", "registered", "lived"]
VIEWS: tuple[View, ...] = get_args(View)


@dataclass(frozen=True)
class Trajectory:
    """A person's registration and actual-residence episodes, oldest first."""

    pid: str
    episodes: tuple[Episode, ...]

    @property
    def registered(self) -> tuple[Episode, ...]:
        """The household-registration episodes."""
        return tuple(e for e in self.episodes if e.kind == "registration")

    @property
    def lived(self) -> tuple[Episode, ...]:
        """Where the person actually lived: recorded residences, registration elsewhere."""
        return lived(self.episodes)

    def view(self, name: View) -> tuple[Episode, ...]:
        """The episodes of one view: ``all``, ``registered`` or ``lived`` (see above)."""
        if name == "registered":
            return self.registered
        return self.lived if name == "lived" else self.episodes


def trajectory(driver: neo4j.Driver, database: str, pid: str) -> Trajectory:
    """A person's time-ordered residence episodes, overlaps resolved.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        pid: The person.

    Returns:
        Registration and residence episodes with division code, today's code and
        name, source records and the 人户分离 flag.

    Raises:
        PersonNotFound: No person has this pid.
    """
    rows = read(driver, database, "trajectory_episodes", EPISODES, pid=pid)
    if not rows:
        raise PersonNotFound("no person with this identifier")
    return Trajectory(pid, timeline(rows[0]["registered"], rows[0]["lived"]))


@dataclass(frozen=True)
class FamilyMove:
    """Someone tied to the person who made the same move within the window."""

    pid: str
    ties: tuple[str, ...]  # kin | household | cohabitant | colleague
    move: Move  # the person's move
    their_day: date  # the day the companion's own registration moved


def family_moves(driver: neo4j.Driver, database: str, pid: str,
                 window_days: int = 90) -> tuple[FamilyMove, ...]:
    """Kin, cohabitants and colleagues who moved with the person.

    A companion moved with the person when one of their registration moves has the
    same origin and destination (today's units; a unit and one nested in it, such as
    海口市 and 美兰区, are the same place) within ``window_days``.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        pid: The person.
        window_days: How far apart the two moves may be.

    Returns:
        One entry per companion and shared move, by move date then pid.
    """
    mine = moves(trajectory(driver, database, pid).registered)
    if not mine:
        return ()
    rows = read(driver, database, "move_companions", COMPANIONS, pid=pid)
    window = timedelta(days=window_days)
    found = []
    for row in rows:
        theirs = moves(timeline(row["registered"], []))
        for move in mine:
            for other in theirs:
                if _same_move(move, other) and abs(other.day - move.day) <= window:
                    found.append(FamilyMove(str(row["pid"]), tuple(sorted(row["ties"])), move,
                                            other.day))
    return tuple(sorted(found, key=lambda f: (f.move.day, f.pid)))


def _same_move(a: Move, b: Move) -> bool:
    return divisions.same_place(a.origin, b.origin) and divisions.same_place(a.destination,
                                                                             b.destination)


@dataclass(frozen=True)
class Flows:
    """Origin-destination counts, net migration per division, the top corridors.

    At county level a city whose districts came later (三亚市 before its districts of
    2014, 海口市 before 2002) stands for the records that name only the city and whose
    household names no district later: its row is flagged ``district_unknown`` (its
    district today is not known), never a place that loses people to its own
    districts.
    """

    level: str
    od: pl.DataFrame  # origin, origin_name, destination, destination_name, moves
    net: pl.DataFrame  # division, name, inflow, outflow, net, district_unknown
    corridors: pl.DataFrame  # the top od rows


LEVELS = ("county", "prefecture")


def _unit(code: Any, place_codes: list[str], level: str) -> str | None:
    if not code:
        return None
    county = refined(str(code), place_codes)
    return divisions.prefecture(county) if level == "prefecture" else county


_CITIES_WITH_DISTRICTS = frozenset(
    divisions.prefecture(c) for c in divisions.counties() if divisions.prefecture(c) != c)


def district_unknown(code: str, level: str) -> bool:
    """True when a county-level unit is a city that has districts today: the records
    behind it name only the city (made before its districts existed)."""
    return level == "county" and code in _CITIES_WITH_DISTRICTS


def _real_moves(rows: Sequence[Mapping[str, Any]], level: str) -> list[tuple[str, str]]:
    """One move per person and day, between two different places at ``level``.

    Two household rows of one person starting on the same day (a re-registration
    recorded twice, two sources) are one move; a change between a unit and one
    nested in it (a code succession, such as 三亚市 to 天涯区 in 2014) is none.
    """
    found: dict[tuple[str, Any], tuple[str, str]] = {}
    for r in rows:
        a = _unit(r["origin"], r["origin_codes"], level)
        b = _unit(r["destination"], r["destination_codes"], level)
        if not a or not b or divisions.same_place(a, b):
            continue
        key = (str(r["pid"]), r["day"])
        found[key] = min(found.get(key, (a, b)), (a, b))
    return list(found.values())


def flows(driver: neo4j.Driver, database: str, start: date, end: date,
          level: str = "county", top: int = 10) -> Flows:
    """Registration moves between divisions in ``[start, end]``, at county or prefecture level.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        start: First day of the period.
        end: Last day of the period.
        level: ``county`` or ``prefecture``; retired codes count as their successors.
        top: How many corridors to keep.

    Returns:
        The flows as polars frames.

    Raises:
        InvalidArgument: An unknown level or an empty period.
    """
    if level not in LEVELS:
        raise InvalidArgument("level must be county or prefecture", reason="unknown_level")
    if end < start:
        raise InvalidArgument("the period ends before it starts", reason="end_before_start")
    rows = read(driver, database, "moves_between", MOVES_BETWEEN, start=start, end=end)
    frame = pl.DataFrame(_real_moves(rows, level),
                         schema={"origin": pl.String, "destination": pl.String}, orient="row")
    od = frame.group_by("origin", "destination").agg(pl.len().cast(pl.Int64).alias("moves")).sort(
        ["moves", "origin", "destination"], descending=[True, False, False])
    od = od.with_columns(_names("origin"), _names("destination")).select(
        "origin", "origin_name", "destination", "destination_name", "moves")
    net = _net(od).with_columns(pl.col("division").map_elements(
        lambda c: district_unknown(c, level), return_dtype=pl.Boolean).alias("district_unknown"))
    return Flows(level, od, net, od.head(top))


def _names(column: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda c: divisions.name(c) or c,
                                       return_dtype=pl.String).alias(f"{column}_name")


def _net(od: pl.DataFrame) -> pl.DataFrame:
    inflow = od.group_by(pl.col("destination").alias("division")).agg(
        pl.col("moves").sum().alias("inflow"))
    outflow = od.group_by(pl.col("origin").alias("division")).agg(
        pl.col("moves").sum().alias("outflow"))
    net = inflow.join(outflow, on="division", how="full", coalesce=True).fill_null(0)
    return net.with_columns((pl.col("inflow") - pl.col("outflow")).alias("net"),
                            _names("division").alias("name")).select(
        "division", "name", "inflow", "outflow", "net").sort(["net", "division"],
                                                               descending=[True, False])

