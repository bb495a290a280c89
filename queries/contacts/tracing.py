"""Contacts of an index case on the graph: one read per ring.

``PLACES`` finds, for each start, everyone with an episode at the same household
(``MEMBER_OF``), dwelling (``LIVED_AT``) or employer (``EMPLOYED_BY``) that touches the
window, with both episodes' dates and rows; ``KIN`` the living parents, children, full
siblings and spouse (married in the window).  The overlap of the two episodes within
the window is computed here (:mod:`queries.contacts.overlap`), and each contact's
current residence is read in the same query.  The second ring (contacts of the
closest contacts) is bounded: at most ``seeds`` first-ring contacts are traced, each
giving at most ``per_seed`` new persons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import neo4j
import polars as pl

from graphdb.connection import read
from graphdb.values import day
from kingraph import divisions
from kingraph.errors import InvalidArgument, PersonNotFound
from queries.contacts.overlap import KINDS, Kind, Link, closeness, overlap_days

PLACES = """
UNWIND $starts AS start
MATCH (i:Person {pid: start})
CALL (i) {
  MATCH (i)-[a:MEMBER_OF]->(place:Household)<-[b:MEMBER_OF]-(c:Person)
  WHERE c <> i AND 'household' IN $kinds
    AND coalesce(a.from_date, $start) <= $end AND coalesce(a.to_date, $end) >= $start
    AND coalesce(b.from_date, $start) <= $end AND coalesce(b.to_date, $end) >= $start
  RETURN c, 'household' AS kind, place.household_id AS place, null AS place_name, a, b
  UNION ALL
  MATCH (i)-[a:LIVED_AT]->(place:Dwelling)<-[b:LIVED_AT]-(c:Person)
  WHERE c <> i AND 'cohabitation' IN $kinds
    AND coalesce(a.from_date, $start) <= $end AND coalesce(a.to_date, $end) >= $start
    AND coalesce(b.from_date, $start) <= $end AND coalesce(b.to_date, $end) >= $start
  RETURN c, 'cohabitation' AS kind, place.dwelling_id AS place, null AS place_name, a, b
  UNION ALL
  MATCH (i)-[a:EMPLOYED_BY]->(place:Employer)<-[b:EMPLOYED_BY]-(c:Person)
  WHERE c <> i AND 'colleague' IN $kinds
    AND coalesce(a.from_date, $start) <= $end AND coalesce(a.to_date, $end) >= $start
    AND coalesce(b.from_date, $start) <= $end AND coalesce(b.to_date, $end) >= $start
  RETURN c, 'colleague' AS kind, place.code AS place, place.name AS place_name, a, b
}
WITH i, c, kind, place, place_name, a, b
WHERE c.death_date IS NULL OR c.death_date >= $start
RETURN i.pid AS start, c.pid AS pid, kind, place, place_name,
       a.from_date AS a_from, a.to_date AS a_to, a.record AS a_record,
       b.from_date AS b_from, b.to_date AS b_to, b.record AS b_record,
       coalesce(b.division_code, a.division_code) AS division
"""

KIN = """
UNWIND $starts AS start
MATCH (i:Person {pid: start})
CALL (i) {
  MATCH (i)-[e:CHILD_OF {kind: 'biological'}]->(c:Person)
  RETURN c, 'parent' AS relation, e.records AS records
  UNION ALL
  MATCH (i)<-[e:CHILD_OF {kind: 'biological'}]-(c:Person)
  RETURN c, 'child' AS relation, e.records AS records
  UNION ALL
  MATCH (i)-[e:CHILD_OF {kind: 'biological'}]->(:Person)<-[f:CHILD_OF {kind: 'biological'}]-(c)
  WHERE c <> i
  WITH c, count(*) AS parents, collect(e.records) + collect(f.records) AS lists
  WHERE parents >= 2
  RETURN c, 'sibling' AS relation, reduce(x = [], l IN lists | x + l) AS records
  UNION ALL
  MATCH (i)-[m:MARRIED]-(c:Person)
  WHERE coalesce(m.married_on, $start) <= $end AND coalesce(m.ended_on, $end) >= $start
  RETURN c, 'spouse' AS relation, m.records AS records
}
WITH i, c, relation, records
WHERE 'kin' IN $kinds AND (c.death_date IS NULL OR c.death_date >= $start)
RETURN i.pid AS start, c.pid AS pid, relation, records, i.death_date AS i_death,
       c.death_date AS c_death
"""

RESIDENCE = """
UNWIND $pids AS pid
MATCH (x:Person {pid: pid})
CALL (x) {
  OPTIONAL MATCH (x)-[e:MEMBER_OF|LIVED_AT]->()
  WITH e ORDER BY e.to_date IS NULL DESC, coalesce(e.to_date, e.from_date) DESC LIMIT 1
  RETURN e.division_code AS division
}
RETURN x.pid AS pid, division
"""

EXISTS = "MATCH (p:Person {pid: $pid}) RETURN p.pid AS pid"
MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class Contact:
    """A person who shared something with the index case (ring 1) or with a ring-1
    contact (ring 2, ``via``) in the window."""

    pid: str
    ring: int
    links: tuple[Link, ...]
    closeness: float
    division: str | None  # current residence, today's code
    via: str | None = None  # the ring-1 contact a ring-2 contact was found through

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The kinds of link, closest first."""
        return tuple(dict.fromkeys(link.kind for link in self.links))

    @property
    def days(self) -> int:
        """The most days of overlap over the links."""
        return max((link.days for link in self.links), default=0)

    @property
    def division_name(self) -> str | None:
        """The current residence's name."""
        return divisions.name(self.division) if self.division else None


@dataclass(frozen=True)
class Contacts:
    """An index case's contacts in a window, closest first."""

    index: str
    start: date
    end: date
    kinds: tuple[Kind, ...]
    ring: int
    items: tuple[Contact, ...]

    def table(self) -> pl.DataFrame:
        """One row per contact and link: pid, ring, via, kind, days, place, division,
        records (the field team's CSV, without names)."""
        return pl.DataFrame([_row(c, link) for c in self.items for link in c.links],
                            schema=TABLE)


TABLE: dict[str, Any] = {
    "pid": pl.String, "ring": pl.Int64, "via": pl.String, "closeness": pl.Float64,
    "kind": pl.String, "days": pl.Int64, "first_day": pl.Date, "last_day": pl.Date,
    "place": pl.String, "place_name": pl.String, "place_division": pl.String,
    "residence": pl.String, "residence_name": pl.String, "records": pl.String,
}


def _row(c: Contact, link: Link) -> dict[str, object]:
    return {"pid": c.pid, "ring": c.ring, "via": c.via, "closeness": round(c.closeness, 4),
            "kind": link.kind.value, "days": link.days, "first_day": link.first_day,
            "last_day": link.last_day, "place": link.place, "place_name": link.place_name,
            "place_division": link.division, "residence": c.division,
            "residence_name": c.division_name, "records": ";".join(link.records)}


def _kinds(kinds: Iterable[str] | None) -> tuple[Kind, ...]:
    if kinds is None:
        return KINDS
    try:
        found = tuple(dict.fromkeys(Kind(k.strip().lower()) for k in kinds if k.strip()))
    except ValueError:
        raise InvalidArgument("contacts: unknown kind (household, cohabitation, colleague, "
                              "kin)", reason="contacts_kind") from None
    if not found:
        raise InvalidArgument("contacts: no kind", reason="contacts_kind")
    return found


def _window(start: date, end: date) -> int:
    days = (end - start).days + 1
    if days < 1 or days > MAX_WINDOW_DAYS:
        raise InvalidArgument(f"contacts: the window must be 1 to {MAX_WINDOW_DAYS} days",
                              reason="contacts_window")
    return days


def contacts(driver: neo4j.Driver, database: str, pid: str, start: date, end: date,
             kinds: Iterable[str] | None = None, ring: int = 1, seeds: int = 20,
             per_seed: int = 25) -> Contacts:
    """Everyone who shared a household, a dwelling or an employer with the person in the
    window (the two episodes overlapping each other within it), and their close kin.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        pid: the index case.
        start: the window's first day.
        end: its last day (the window is at most a year).
        kinds: any of household, cohabitation, colleague, kin (default all).
        ring: 1, or 2 for the contacts of the closest contacts too.
        seeds: ring 2: how many of the closest ring-1 contacts are traced.
        per_seed: ring 2: at most this many new persons from each.

    Raises:
        InvalidArgument: an unknown kind, a bad window or ring.
        PersonNotFound: no person has this pid.
    """
    chosen = _kinds(kinds)
    width = _window(start, end)
    if ring not in (1, 2):
        raise InvalidArgument("contacts: ring must be 1 or 2", reason="out_of_range")
    if not read(driver, database, "contacts_person", EXISTS, pid=pid):
        raise PersonNotFound("no person with this identifier")
    first = _ring(driver, database, [pid], start, end, chosen, width)[pid]
    found = [Contact(c, 1, tuple(links), closeness(links, width), None)
             for c, links in first.items()]
    if ring == 2:
        found += _second(driver, database, pid, found, start, end, chosen, width, seeds,
                         per_seed)
    where = _residences(driver, database, [c.pid for c in found])
    items = sorted((Contact(c.pid, c.ring, c.links, c.closeness, where.get(c.pid), c.via)
                    for c in found), key=lambda c: (c.ring, -c.closeness, -c.days, c.pid))
    return Contacts(pid, start, end, chosen, ring, tuple(items))


def _second(driver: neo4j.Driver, database: str, index: str, first: list[Contact],
            start: date, end: date, kinds: tuple[Kind, ...], width: int, seeds: int,
            per_seed: int) -> list[Contact]:
    closest = sorted(first, key=lambda c: (-c.closeness, c.pid))[:max(seeds, 0)]
    known = {index} | {c.pid for c in first}
    rows = _ring(driver, database, [c.pid for c in closest], start, end, kinds, width)
    out: list[Contact] = []
    for seed in closest:
        ranked = sorted(((p, closeness(links, width), links) for p, links in
                         rows.get(seed.pid, {}).items() if p not in known),
                        key=lambda t: (-t[1], t[0]))[:max(per_seed, 0)]
        for p, score, links in ranked:
            known.add(p)
            out.append(Contact(p, 2, tuple(links), score, None, via=seed.pid))
    return out


def _ring(driver: neo4j.Driver, database: str, starts: list[str], start: date, end: date,
          kinds: tuple[Kind, ...], width: int) -> dict[str, dict[str, list[Link]]]:
    """start -> contact -> links, for every start (one read for places, one for kin)."""
    params = {"starts": starts, "start": start, "end": end, "kinds": [k.value for k in kinds]}
    out: dict[str, dict[str, list[Link]]] = {s: defaultdict(list) for s in starts}
    for row in read(driver, database, "contacts_places", PLACES, **params):
        link = _place_link(row, (start, end))
        if link is not None:
            out[str(row["start"])][str(row["pid"])].append(link)
    if Kind.KIN in kinds:
        for row in read(driver, database, "contacts_kin", KIN, **params):
            out[str(row["start"])][str(row["pid"])].append(_kin_link(row, (start, end)))
    return {s: {c: _merged(links) for c, links in found.items()} for s, found in out.items()}


def _place_link(row: Mapping[str, Any], window: tuple[date, date]) -> Link | None:
    shared = overlap_days(window, (day(row["a_from"]), day(row["a_to"])),
                          (day(row["b_from"]), day(row["b_to"])))
    if shared is None:
        return None
    code = row["division"]
    records = tuple(str(r) for r in (row["a_record"], row["b_record"]) if r)
    return Link(Kind(row["kind"]), (shared[1] - shared[0]).days + 1, row["place"],
                row["place_name"], divisions.current(code) if code else None, records,
                shared[0], shared[1])


def _kin_link(row: Mapping[str, Any], window: tuple[date, date]) -> Link:
    shared = overlap_days(window, (None, day(row["i_death"])), (None, day(row["c_death"])))
    first, last = shared if shared else window
    return Link(Kind.KIN, (last - first).days + 1 if shared else 0, str(row["relation"]),
                None, None, tuple(dict.fromkeys(str(r) for r in row["records"] or [])),
                first, last)


def _merged(links: list[Link]) -> list[Link]:
    """Links of one contact, one per kind and place (the longest), closest kinds first."""
    best: dict[tuple[Kind, str | None], Link] = {}
    for link in links:
        key = (link.kind, link.place)
        if key not in best or link.days > best[key].days:
            best[key] = link
    order = {Kind.COHABITATION: 0, Kind.HOUSEHOLD: 1, Kind.KIN: 2, Kind.COLLEAGUE: 3}
    return sorted(best.values(), key=lambda k: (order[k.kind], -k.days, k.place or ""))


def _residences(driver: neo4j.Driver, database: str, pids: list[str]) -> dict[str, str]:
    if not pids:
        return {}
    rows = read(driver, database, "contacts_residence", RESIDENCE, pids=pids)
    return {str(r["pid"]): divisions.current(r["division"]) for r in rows if r["division"]}
