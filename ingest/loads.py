"""Load status for stewards: every :Load with its summary, and quarantine counts by reason."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import neo4j

from graphdb.connection import read
from ingest.store import Store

LIST_LOADS = """
MATCH (l:Load)
RETURN l.load_id AS load_id, l.status AS status, toString(l.started) AS started,
       toString(l.finished) AS finished, l.drop AS drop, l.summary AS summary
ORDER BY l.load_id DESC SKIP $offset LIMIT $limit
"""


@dataclass(frozen=True)
class LoadStatus:
    """One load: when, what, per-file counts, fusion figures, conflicts found by kind,
    quarantine by reason."""

    load_id: str
    status: str
    started: str | None
    finished: str | None
    drop: str | None
    files: list[dict[str, Any]]
    fusion: dict[str, int]
    conflicts: dict[str, int]
    quarantine: dict[str, int]
    # Its inputs were those of the graph already (ingest.inputs): nothing was fused,
    # derived or written, so ``fusion`` and ``conflicts`` are empty.
    unchanged: bool = False


def quarantine_counts(store: Store, load_id: str) -> dict[str, int]:
    """Quarantined rows of one load, by reason code."""
    held = store.quarantine(load_id)
    if held is None:
        return {}
    frame = held.group_by("reason").len().sort("reason")
    return {str(r): int(n) for r, n in frame.iter_rows()}


def loads(driver: neo4j.Driver, database: str, store: Store, limit: int = 20,
          offset: int = 0) -> list[LoadStatus]:
    """The most recent loads first."""
    out = []
    for r in read(driver, database, "list_loads", LIST_LOADS, limit=limit, offset=offset):
        summary = json.loads(r["summary"]) if r["summary"] else {}
        out.append(LoadStatus(r["load_id"], r["status"], r["started"], r["finished"],
                              r["drop"], summary.get("files", []), summary.get("fusion", {}),
                              summary.get("conflicts", {}),
                              quarantine_counts(store, r["load_id"]),
                              bool(summary.get("unchanged", False))))
    return out


GRAPH_VERSION = """
MATCH (l:Load)
RETURN count(l) AS loads, toString(max(l.started)) AS started,
       toString(max(l.finished)) AS finished
"""


def graph_version(driver: neo4j.Driver, database: str) -> str:
    """A token that changes whenever a load or a re-fusion starts or ends (results computed
    from the graph can be kept while it stays the same)."""
    (row,) = read(driver, database, "graph_version", GRAPH_VERSION)
    return f"{row['loads']}|{row['started']}|{row['finished']}"
