"""Migration flows between divisions, kept per worker for the graph state and period
they were counted for.

Counting a period's registration moves reads every membership begun in it: about ten
seconds for the officers' page's default of ten years at a million persons, the same
answer until the graph changes.  Each worker keeps the last few tables it counted with
the graph's version (:func:`ingest.loads.graph_version`, one small read per request)
and answers a repeated question from them; a load or a re-fusion changes the version
and the next request counts again.  Requests for tables being counted wait for them
(``asyncio.Lock``: no thread lock is held across an await).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from api.runtime import Runtime
from ingest.stewardship import graph_version
from queries import migration
from queries.migration import Flows

MAX_KEPT = 16  # tables a worker keeps (each a few hundred rows)
Key = tuple[str, date, date, str]


def page_period(today: date) -> tuple[date, date]:
    """The period the officers' flows page opens with (``api/web/js/views/flows.js``):
    the last ten whole years and this one."""
    return date(today.year - 10, 1, 1), date(today.year, 12, 31)


@dataclass
class FlowTables:
    """The tables one worker counted last."""

    kept: OrderedDict[Key, Flows] = field(default_factory=OrderedDict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, rt: Runtime, start: date, end: date, level: str) -> Flows:
        """The flows of ``[start, end]`` at ``level`` (counted again after a graph change)."""
        key = (await rt.call(graph_version), start, end, level)
        if key not in self.kept:
            async with self.lock:
                if key not in self.kept:
                    self.kept[key] = await rt.call(migration.flows, start, end, level)
                    while len(self.kept) > MAX_KEPT:
                        self.kept.popitem(last=False)
        self.kept.move_to_end(key)
        return self.kept[key]


def flow_tables(rt: Runtime) -> FlowTables:
    """The worker's tables (made with its runtime, so its lock is its event loop's)."""
    found = rt.kept.get("flow_tables")
    if not isinstance(found, FlowTables):
        found = rt.kept["flow_tables"] = FlowTables()
    return found
