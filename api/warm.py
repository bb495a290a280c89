"""What the officers' page opens with, made before anyone asks.

Two answers cost seconds at a province's size and are the same for every officer until
the graph changes: the at-risk couple lists (:mod:`api.couple_lists`) and the migration
flows of the page's default period (:mod:`api.flow_tables`).  Each worker makes them as it
starts and looks every ``WARM_EVERY_S`` seconds whether the graph changed (one small
read); if so it makes them again, so the first officer after a load rarely waits.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from api.couple_lists import couple_lists
from api.flow_tables import flow_tables, page_period
from api.runtime import Runtime

log = logging.getLogger(__name__)
WARM_EVERY_S = 30.0  # how often a worker looks for a changed graph


async def keep_warm(rt: Runtime, every: float = WARM_EVERY_S) -> None:
    """Make today's couple lists and the page's flows now, then whenever the graph's
    version changed (looked at every ``every`` seconds), until cancelled.  A failure is
    logged (its kind, no data) and tried again at the next look."""
    while True:
        today = date.today()
        try:
            await couple_lists(rt).get(rt, today)
            await flow_tables(rt).get(rt, *page_period(today), "county")
        except Exception as exc:  # noqa: BLE001 - a warm-up must never end the worker
            log.warning("page answers not made in advance: %s", type(exc).__name__)
        await asyncio.sleep(every)
