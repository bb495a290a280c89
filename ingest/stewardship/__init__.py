"""Stewardship: what officers do to the fused graph, and the only door from ``api/`` into
``ingest/``.

The review queue is listed and read with the persons and rows each item shows
(:mod:`~ingest.stewardship.queue`); a decision or an unmerge is checked at once,
previewed (what it will change, :mod:`~ingest.stewardship.changes`), and then written
and followed by a re-fusion under the store's one exclusive lock, with what it changed
measured afterwards (:mod:`~ingest.stewardship.runs`).  Load status for stewards and the
graph's version (a token that moves with every load) come from :mod:`ingest.loads`.
"""

from ingest.fusion.pieces import PieceLimits
from ingest.loads import LoadStatus, graph_version, loads
from ingest.review import Outcome as Verdict
from ingest.stewardship.changes import EdgeChanges, MovedRow, Outcome, Preview
from ingest.stewardship.queue import (
    PersonFacts,
    QueueFilter,
    QueueItem,
    QueuePage,
    SourceRow,
    division_prefix,
    item,
    person_facts,
    queue,
    queue_items,
    queue_order,
)
from ingest.stewardship.runs import (
    Progress,
    Waiting,
    check_decision,
    check_unmerge,
    decide,
    fuse_again,
    preview_decision,
    preview_unmerge,
    state_stamp,
    store_for,
    unmerge,
    writing,
)
from ingest.store import Store

__all__ = [
    "EdgeChanges", "LoadStatus", "MovedRow", "Outcome", "PersonFacts", "PieceLimits", "Preview",
    "Progress",
    "QueueFilter", "QueueItem", "QueuePage", "SourceRow", "Store", "Verdict", "Waiting",
    "check_decision", "check_unmerge", "decide", "division_prefix", "fuse_again",
    "graph_version", "item", "loads", "person_facts", "preview_decision", "preview_unmerge",
    "queue", "queue_items", "queue_order", "state_stamp", "store_for", "unmerge", "writing",
]
