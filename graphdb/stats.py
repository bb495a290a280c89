"""What the graph holds: persons, records, relationships by type, open reviews, loads.

Every count is answered by Neo4j's count store (a label or a relationship type named
literally), so the figures come back at once at a million persons; open reviews are
counted by kind, and the last load is read with its status and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import neo4j

from graphdb.connection import read

# The relationship types of the graph model (docs/architecture.md, "Relationships").
EDGE_TYPES = ("MENTIONS", "CHILD_OF", "MARRIED", "MEMBER_OF", "LIVED_AT", "EMPLOYED_BY", "IN",
              "PREVIOUS_VERSION", "ABOUT", "SUCCEEDED_BY", "FOR")

COUNTS = """
RETURN COUNT { (:Person) } AS persons, COUNT { (:Record) } AS records,
       COUNT { ()-[]->() } AS edges,
       COUNT { ()-[:MENTIONS]->() } AS MENTIONS, COUNT { ()-[:CHILD_OF]->() } AS CHILD_OF,
       COUNT { ()-[:MARRIED]->() } AS MARRIED, COUNT { ()-[:MEMBER_OF]->() } AS MEMBER_OF,
       COUNT { ()-[:LIVED_AT]->() } AS LIVED_AT, COUNT { ()-[:EMPLOYED_BY]->() } AS EMPLOYED_BY,
       COUNT { ()-[:IN]->() } AS IN, COUNT { ()-[:PREVIOUS_VERSION]->() } AS PREVIOUS_VERSION,
       COUNT { ()-[:ABOUT]->() } AS ABOUT, COUNT { ()-[:SUCCEEDED_BY]->() } AS SUCCEEDED_BY,
       COUNT { ()-[:FOR]->() } AS FOR
"""

OPEN_REVIEWS = """
MATCH (r:Review {status: 'open'})
RETURN r.kind AS kind, count(*) AS n ORDER BY kind
"""

LAST_LOADS = """
MATCH (l:Load)
RETURN l.load_id AS load_id, l.drop AS drop, l.status AS status, l.started AS started,
       l.finished AS finished
ORDER BY l.started DESC LIMIT $limit
"""

LOAD = """
MATCH (l:Load {load_id: $load_id})
RETURN l.load_id AS load_id, l.drop AS drop, l.status AS status, l.started AS started,
       l.finished AS finished
"""


@dataclass(frozen=True)
class LoadInfo:
    """One ingest run as the graph records it."""

    load_id: str
    drop: str | None
    status: str | None
    started: datetime | None
    finished: datetime | None


@dataclass(frozen=True)
class GraphStats:
    """Counts of what the graph holds, and its loads."""

    persons: int
    records: int
    edges: dict[str, int]
    open_reviews: dict[str, int]
    last_load: LoadInfo | None
    last_complete: LoadInfo | None

    @property
    def edges_total(self) -> int:
        """Every relationship, of whatever type."""
        return sum(self.edges.values())

    def as_json(self) -> dict[str, Any]:
        """The figures as JSON-ready values (times as ISO 8601)."""
        def load(info: LoadInfo | None) -> dict[str, Any] | None:
            if info is None:
                return None
            return {"load_id": info.load_id, "drop": info.drop, "status": info.status,
                    "started": _iso(info.started), "finished": _iso(info.finished)}
        return {"persons": self.persons, "records": self.records, "edges": self.edges,
                "edges_total": self.edges_total, "open_reviews": self.open_reviews,
                "open_reviews_total": sum(self.open_reviews.values()),
                "last_load": load(self.last_load), "last_complete_load": load(self.last_complete)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: Any) -> datetime | None:
    return value.to_native() if value is not None else None


def _load(row: neo4j.Record) -> LoadInfo:
    return LoadInfo(row["load_id"], row["drop"], row["status"], _time(row["started"]),
                    _time(row["finished"]))


def stats(driver: neo4j.Driver, database: str) -> GraphStats:
    """Counts of persons, records and relationships (by type), open reviews (by kind),
    and the last load with the last complete one.

    Relationship types outside the graph model, if any, are counted as ``other``.
    """
    row = read(driver, database, "graph_counts", COUNTS)[0]
    edges = {t: int(row[t]) for t in EDGE_TYPES}
    other = int(row["edges"]) - sum(edges.values())
    if other:
        edges["other"] = other
    reviews = {str(r["kind"]): int(r["n"])
               for r in read(driver, database, "open_reviews", OPEN_REVIEWS)}
    loads = [_load(r) for r in read(driver, database, "last_loads", LAST_LOADS, limit=50)]
    complete = next((x for x in loads if x.status == "complete"), None)
    return GraphStats(int(row["persons"]), int(row["records"]), edges, reviews,
                      loads[0] if loads else None, complete)


def load_info(driver: neo4j.Driver, database: str, load_id: str) -> LoadInfo | None:
    """The graph's record of one load, or None when the graph has no such load."""
    rows = read(driver, database, "load_info", LOAD, load_id=load_id)
    return _load(rows[0]) if rows else None


__all__ = ["EDGE_TYPES", "GraphStats", "LoadInfo", "load_info", "stats"]
