"""Migration flows between divisions, kept per worker for the graph state and period
they were counted for.

Counting a period's registration moves reads every membership begun in it: about ten
seconds for the officers' page's default of ten years at a million persons, the same
answer until the graph changes.  Each worker keeps the last few tables it counted with
the graph's version (:func:`ingest.loads.graph_version`, one small read per request)
and answers a repeated question from them; a load or a re-fusion changes the version
and the next request counts again (:class:`api.kept.Kept`).
"""

from __future__ import annotations

from datetime import date

from api.kept import Kept, kept
from api.runtime import Runtime
from queries import migration
from queries.migration import Flows

MAX_KEPT = 16  # tables a worker keeps (each a few hundred rows)


def page_period(today: date) -> tuple[date, date]:
    """The period the officers' flows page opens with (``api/web/js/views/flows.js``):
    the last ten whole years and this one."""
    return date(today.year - 10, 1, 1), date(today.year, 12, 31)


async def flows(rt: Runtime, start: date, end: date, level: str) -> Flows:
    """The flows of ``[start, end]`` at ``level`` (counted again after a graph change)."""
    tables: Kept[tuple[date, date, str], Flows] = kept(rt, "flow_tables", MAX_KEPT)
    return await tables.get(rt, (start, end, level),
                            lambda: rt.call(migration.flows, start, end, level))
