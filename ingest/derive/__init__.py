"""Derive: the graph a load should leave behind, from stored rows and fusion's pids.

:mod:`~ingest.derive.state` builds the graph state and applies its difference from
the last applied one; :mod:`~ingest.derive.aliases` keeps retired pids
resolvable; :mod:`~ingest.derive.relations` derives parent–child links,
marriages and episodes; :mod:`~ingest.derive.survivorship` chooses each person's
golden attributes; :mod:`~ingest.derive.conflicts` finds facts that cannot all be
true, for review; :mod:`~ingest.derive.bulkload` flattens a first load's state for
the offline importer.
"""

from ingest.derive.bulkload import node_sets, relationship_sets
from ingest.derive.conflicts import NO_RULINGS, Conflict, Rulings
from ingest.derive.state import GraphState, Stage, apply, graph_state
from ingest.derive.survivorship import golden

__all__ = [
    "NO_RULINGS", "Conflict", "GraphState", "Rulings", "Stage", "apply", "golden",
    "graph_state", "node_sets", "relationship_sets",
]
