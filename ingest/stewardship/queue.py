"""Listing and reading the review queue: items with the persons and rows they show.

A page of the queue is one read of ``:Review`` nodes (filtered by status, kind, the
divisions of the persons an item is about, and its age), each with the rows behind it
and, for every row, the persons the row mentions; a second read gives the facts of
every person the page shows (name, birth date, sex, ID number, today's county of
registration), so a caller can show both sides of an item by name and audit every
person it shows.  Reading one item adds, for a possible match, every row of each of
the two persons: the side-by-side comparison an officer decides on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import neo4j

from graphdb.connection import read
from ingest.derive.conflicts import PREFIX as CONFLICT
from ingest.fusion import COMPARISONS
from kingraph import divisions
from kingraph.errors import InvalidArgument, PersonNotFound

STATUSES = ("open", "decided", "closed")
# A kind, or a family of kinds: every fusion kind, every conflict kind.
FAMILIES = ("fusion", "conflict")
LOAD_STAMP = "%Y%m%dT%H%M%S"  # the sortable prefix of a load id (ingest.pipeline.new_load_id)
ROWS_PER_PERSON = 200  # a person's rows shown in a comparison, at most

_WHERE = """r.status = $status
  AND ($kind IS NULL OR r.kind = $kind
       OR ($kind = 'conflict' AND r.kind STARTS WITH 'conflict_')
       OR ($kind = 'fusion' AND NOT r.kind STARTS WITH 'conflict_'))
  AND ($division IS NULL OR any(d IN coalesce(r.divisions, []) WHERE d STARTS WITH $division))
  AND ($created_before IS NULL OR r.created_load < $created_before)
  AND ($created_after IS NULL OR r.created_load >= $created_after)"""
_REVIEW_MAP = """r {.review_id, .kind, .reason, .status, .weight, .levels, .left_mention,
          .right_mention, .left_pid, .right_pid, .decision, .decided_by, .records,
          .sides, .dismissed, .divisions, .created_load, .closed_load,
          decided_at: toString(r.decided_at), pids: [(r)-[:ABOUT]->(p:Person) | p.pid]}"""
_ROWS = """CALL (r) {
  UNWIND coalesce(r.records, []) AS key
  MATCH (x:Record {key: key})
  RETURN collect(x {.key, .feed, .source, .record_id, .file, .line, .data,
                    pids: [(x)-[:MENTIONS]->(q:Person) | q.pid]}) AS records
}"""
# In the index's order (graphdb.schema ``review_queue_order``): strongest first, conflicts
# last; a page reads the index up to its end, never sorts the whole queue.
LIST_QUEUE = f"""
MATCH (r:Review) WHERE {_WHERE} AND r.queue_order IS NOT NULL AND r.review_id IS NOT NULL
WITH r ORDER BY r.status, r.queue_order, r.review_id SKIP $offset LIMIT $limit
{_ROWS}
RETURN {_REVIEW_MAP} AS review, records
"""
COUNT_QUEUE = f"MATCH (r:Review) WHERE {_WHERE} RETURN count(r) AS n"
# Every matching item's id in the queue's order (a worker pages through it).
ORDER_QUEUE = f"""
MATCH (r:Review) WHERE {_WHERE} AND r.queue_order IS NOT NULL AND r.review_id IS NOT NULL
WITH r ORDER BY r.status, r.queue_order, r.review_id
RETURN r.review_id AS id
"""
# The items of a page, by id, in the order given (one decided since the order was read,
# before its re-fusion began, is left out).
ITEMS_BY_ID = f"""
UNWIND range(0, size($ids) - 1) AS at
MATCH (r:Review {{review_id: $ids[at]}}) WHERE r.status = $status
WITH r, at ORDER BY at
{_ROWS}
RETURN {_REVIEW_MAP} AS review, records
"""
GET_ITEM = f"""
MATCH (r:Review {{review_id: $review_id}})
{_ROWS}
RETURN {_REVIEW_MAP} AS review, records
"""
# The current registration: an open household episode first, else the latest one.
PERSON_FACTS = """
UNWIND $pids AS pid
MATCH (p:Person {pid: pid})
CALL (p) {
  OPTIONAL MATCH (p)-[m:MEMBER_OF]->()
  WITH m ORDER BY m.to_date IS NULL DESC, m.from_date DESC
  LIMIT 1
  RETURN m.division_code AS division
}
RETURN p.pid AS pid, p.name AS name, p.id_number AS id_number, p.sex AS sex,
       p.birth_date AS birth_date, p.death_date AS death_date, p.ethnicity AS ethnicity,
       p.mentions AS mentions, division
"""
PERSON_ROWS = """
MATCH (p:Person {pid: $pid})<-[m:MENTIONS]-(x:Record)
WITH x, m ORDER BY x.feed, x.key LIMIT $limit
RETURN x {.key, .feed, .source, .record_id, .file, .line, .data, role: m.role,
          pids: [(x)-[:MENTIONS]->(q:Person) | q.pid]} AS record
"""


@dataclass(frozen=True)
class QueueFilter:
    """Which items a page of the queue holds.

    Attributes:
        status: ``open``, ``decided`` or ``closed``.
        kind: one kind, ``fusion`` (every possible-match kind) or ``conflict``; None: all.
        division: a GB/T 2260 code: a county, a prefecture (``460100``: its counties
            too) or the province; items about a person registered there.
        older_than_days: only items created at least this many days ago.
        newer_than_days: only items created less than this many days ago.
    """

    status: str = "open"
    kind: str | None = None
    division: str | None = None
    older_than_days: int | None = None
    newer_than_days: int | None = None

    def params(self, now: datetime) -> dict[str, Any]:
        """The query parameters of this filter, ages measured back from ``now``."""
        if self.status not in STATUSES:
            raise InvalidArgument("status must be open, decided or closed",
                                  reason="review_status_invalid")
        return {"status": self.status, "kind": self.kind,
                "division": division_prefix(self.division) if self.division else None,
                "created_before": _stamp(now, self.older_than_days),
                "created_after": _stamp(now, self.newer_than_days)}


def division_prefix(code: str) -> str:
    """The code prefix every code within a division shares: ``46`` for the province,
    ``4601`` for a prefecture, the whole code for a county."""
    if len(code) != 6 or not code.isdigit():
        raise InvalidArgument("a division is a six-digit GB/T 2260 code",
                              reason="division_invalid")
    level = divisions.table().get(code)
    if level is not None and level.level == "province":
        return code[:2]
    if level is not None and level.level == "prefecture" and code.endswith("00"):
        return code[:4]
    return code


def _stamp(now: datetime, days: int | None) -> str | None:
    if days is None:
        return None
    return (now.astimezone(UTC) - timedelta(days=days)).strftime(LOAD_STAMP)


@dataclass(frozen=True)
class PersonFacts:
    """What an officer needs to tell a person apart (the API shapes it per role)."""

    pid: str
    name: str | None
    id_number: str | None
    sex: str | None
    birth_date: date | None
    death_date: date | None
    ethnicity: str | None
    mentions: int | None
    division: str | None  # today's county of the current registration

    @property
    def division_name(self) -> str | None:
        """The division's name (GB/T 2260)."""
        return divisions.name(self.division) if self.division else None


@dataclass(frozen=True)
class SourceRow:
    """A department row with its provenance and every person it mentions."""

    key: str
    feed: str
    source: str
    record_id: str
    file: str | None
    line: int | None
    data: dict[str, Any]
    pids: tuple[str, ...]
    role: str | None = None  # the role of the person whose rows these are, if any


@dataclass(frozen=True)
class QueueItem:
    """A review item, the rows behind it and the facts of every person it shows.

    ``review`` holds the node's fields and ``pids`` (the persons it is about); a
    conflict's ``sides`` are JSON (:class:`ingest.derive.conflicts.Conflict`).
    ``compared`` is filled when one item is read: each side's person's rows.
    """

    review: dict[str, Any]
    records: dict[str, SourceRow]
    persons: dict[str, PersonFacts] = field(default_factory=dict)
    compared: dict[str, tuple[SourceRow, ...]] = field(default_factory=dict)

    @property
    def review_id(self) -> str:
        """The item's id."""
        return str(self.review["review_id"])

    @property
    def is_conflict(self) -> bool:
        """True for a conflict, False for a fusion item."""
        return str(self.review.get("kind") or "").startswith(CONFLICT)

    @property
    def created(self) -> datetime | None:
        """When the load that first found the item started (UTC)."""
        load = self.review.get("created_load")
        try:
            return datetime.strptime(str(load)[:15], LOAD_STAMP).replace(tzinfo=UTC)
        except ValueError:
            return None

    @property
    def levels(self) -> dict[str, str | None] | None:
        """A possible match's comparison levels by name (``exact``, ``typo_of_valid``,
        ``near``...; None where the two rows could not be compared), or None."""
        raw = self.review.get("levels")
        if not raw:
            return None
        found = json.loads(raw)
        labels = {c.name: c.levels for c in COMPARISONS}
        return {name: (labels[name][level] if name in labels and level is not None
                       and 0 <= level < len(labels[name]) else None)
                for name, level in found.items()}

    def side_record(self, index: int) -> SourceRow | None:
        """The row of a possible match's left (0) or right (1) mention."""
        keys = self.review.get("records") or []
        return self.records.get(keys[index]) if index < len(keys) else None

    def sides(self) -> list[dict[str, Any]]:
        """A conflict's sides (empty for a fusion item)."""
        raw = self.review.get("sides")
        return list(json.loads(raw)) if raw else []

    def shown_pids(self) -> list[str]:
        """Every person the item shows: those it is about, both sides of a match, the
        persons on a conflict's sides, everyone its rows (and compared rows) mention."""
        found: dict[str, None] = {}
        for pid in self._named():
            if pid:
                found[pid] = None
        return list(found)

    def _named(self) -> Iterable[str | None]:
        yield from self.review.get("pids") or []
        yield self.review.get("left_pid")
        yield self.review.get("right_pid")
        for side in self.sides():
            yield side.get("pid")
            yield side.get("parent_pid")
        for row in self.records.values():
            yield from row.pids
        for rows in self.compared.values():
            for row in rows:
                yield from row.pids


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the number of items the filter matches."""

    total: int
    items: list[QueueItem]


def _row(raw: Mapping[str, Any]) -> SourceRow:
    return SourceRow(key=raw["key"], feed=raw["feed"], source=raw["source"],
                     record_id=raw["record_id"], file=raw.get("file"), line=raw.get("line"),
                     data=json.loads(raw.get("data") or "{}"), pids=tuple(raw.get("pids") or ()),
                     role=raw.get("role"))


def _item(row: Mapping[str, Any]) -> QueueItem:
    return QueueItem(dict(row["review"]), {r["key"]: _row(r) for r in row["records"] if r})


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def person_facts(driver: neo4j.Driver, database: str,
                 pids: Iterable[str]) -> dict[str, PersonFacts]:
    """The facts of some persons by pid, in one read (unknown pids are left out)."""
    wanted = sorted(set(pids))
    if not wanted:
        return {}
    rows = read(driver, database, "review_person_facts", PERSON_FACTS, pids=wanted)
    out = {}
    for r in rows:
        division = r["division"]
        out[r["pid"]] = PersonFacts(
            pid=r["pid"], name=r["name"], id_number=r["id_number"], sex=r["sex"],
            birth_date=_native(r["birth_date"]), death_date=_native(r["death_date"]),
            ethnicity=r["ethnicity"], mentions=r["mentions"],
            division=divisions.current(division) if division else None)
    return out


def _with_persons(driver: neo4j.Driver, database: str,
                  items: list[QueueItem]) -> list[QueueItem]:
    facts = person_facts(driver, database, (p for i in items for p in i.shown_pids()))
    return [QueueItem(i.review, i.records, {p: facts[p] for p in i.shown_pids() if p in facts},
                      i.compared) for i in items]


def queue(driver: neo4j.Driver, database: str, flt: QueueFilter, limit: int = 50,
          offset: int = 0, now: datetime | None = None) -> QueuePage:
    """One page of the queue: possible matches strongest first, then conflicts.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        flt: Which items (status, kind, division, age).
        limit: Page size.
        offset: Items to skip.
        now: The instant ages are measured from (default: now).

    Returns:
        The number of matching items and the page, each item with its rows and the
        facts of every person it shows.
    """
    params = flt.params(now or datetime.now(UTC))
    total = read(driver, database, "count_queue", COUNT_QUEUE, **params)[0]["n"]
    rows = read(driver, database, "list_queue", LIST_QUEUE, **params, limit=limit,
                offset=offset)
    return QueuePage(int(total), _with_persons(driver, database, [_item(r) for r in rows]))


def queue_order(driver: neo4j.Driver, database: str, flt: QueueFilter,
                now: datetime | None = None) -> list[str]:
    """The ids of every item the filter matches, in the queue's order (what
    :func:`queue` pages through)."""
    params = flt.params(now or datetime.now(UTC))
    return [str(r["id"]) for r in read(driver, database, "order_queue", ORDER_QUEUE, **params)]


def queue_items(driver: neo4j.Driver, database: str, ids: list[str],
                status: str = "open") -> list[QueueItem]:
    """The items of one page by id, in the order given, with their rows and the facts of
    every person they show (an id no longer in the graph, or no longer of ``status``,
    is left out)."""
    if not ids:
        return []
    rows = read(driver, database, "queue_items", ITEMS_BY_ID, ids=ids, status=status)
    return _with_persons(driver, database, [_item(r) for r in rows])


def item(driver: neo4j.Driver, database: str, review_id: str) -> QueueItem:
    """One review item with its rows, and for a possible match every row of the person
    on each side (the side-by-side comparison).

    Raises:
        PersonNotFound: no review item has this id.
    """
    rows = read(driver, database, "get_review_item", GET_ITEM, review_id=review_id)
    if not rows:
        raise PersonNotFound("no review item with this id")
    found = _item(rows[0])
    compared: dict[str, tuple[SourceRow, ...]] = {}
    if not found.is_conflict:
        for side in ("left_pid", "right_pid"):
            pid = found.review.get(side)
            if pid and pid not in compared:
                compared[pid] = tuple(_row(r["record"]) for r in read(
                    driver, database, "person_rows", PERSON_ROWS, pid=pid,
                    limit=ROWS_PER_PERSON))
    found = QueueItem(found.review, found.records, {}, compared)
    return _with_persons(driver, database, [found])[0]
