"""Has this drop been loaded already? A stamp of its files, kept beside the ingest store.

``make demo`` runs ``kingraph ingest --skip-unchanged`` on every start: a drop whose
files (names and contents) are those of the graph's last complete load is not loaded
again. The stamp lives in the store's folder, so ``kingraph db reset`` forgets it with
the store; a graph wiped behind the store's back has no such load and is loaded again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kingraph import atomic

if TYPE_CHECKING:
    import neo4j

    from graphdb.stats import LoadInfo
    from ingest.store import Store

STAMP_FILE = "drop-stamp.json"


@dataclass(frozen=True)
class Stamp:
    """A drop's identity: its folder name and a SHA-256 over its top-level files."""

    drop: str
    digest: str


def stamp(drop: Path) -> Stamp:
    """The stamp of a drop: every top-level file (what ingest reads; ``truth/`` and other
    sub-folders are not read), by name and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in drop.iterdir() if p.is_file()):
        with path.open("rb") as f:
            digest.update(path.name.encode() + b"\0" + hashlib.file_digest(f, "sha256").digest())
    return Stamp(drop.resolve().name, digest.hexdigest())


def remember(store: Store, found: Stamp, load_id: str) -> None:
    """Record that ``load_id`` loaded the drop with this stamp (atomic write)."""
    atomic.write_json(store.root / STAMP_FILE,
                      {"drop": found.drop, "digest": found.digest, "load_id": load_id})


def loaded(driver: neo4j.Driver, database: str, store: Store, found: Stamp) -> LoadInfo | None:
    """The graph's complete load of exactly this drop, if the graph still holds it.

    The drop stamped last must be this one, and its load must be in the graph,
    complete. Officers' decisions since (a re-fusion is a load of its own) change
    nothing: the drop's rows are in the store and their outcome in the graph.
    """
    from graphdb.stats import load_info

    path = store.root / STAMP_FILE
    if not path.is_file() or store.last_load() is None:
        return None
    seen = json.loads(path.read_text("utf-8"))
    if seen.get("digest") != found.digest:
        return None
    info = load_info(driver, database, str(seen.get("load_id")))
    return info if info is not None and info.status == "complete" else None
