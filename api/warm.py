"""What the officers' page opens with, made before anyone asks.

Three answers cost seconds at a province's size and are the same for every officer until
the graph changes: the at-risk couple lists (:mod:`api.couple_lists`), the migration
flows of the page's default period (:mod:`api.flow_tables`) and the order of the whole
open review queue (:mod:`api.review_orders`).  Each worker makes them as it
starts and looks every ``WARM_EVERY_S`` seconds whether the graph changed (one small
read); if so it makes them again, so the first officer after a load rarely waits.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from api.couple_lists import couples_on
from api.flow_tables import flows, page_period
from api.review_orders import queue_page
from api.runtime import Runtime
from ingest.stewardship import QueueFilter

log = logging.getLogger(__name__)
WARM_EVERY_S = 30.0  # how often a worker looks for a changed graph
OPEN_QUEUE = QueueFilter("open", None, None, None, None)  # the queue page opens with


async def keep_warm(rt: Runtime, every: float = WARM_EVERY_S) -> None:
    """Make today's couple lists, the page's flows and the open queue's order now, then
    whenever the graph's version changed (looked at every ``every`` seconds), until
    cancelled.  A failure is logged (its kind, no data) and tried again at the next look."""
    while True:
        today = date.today()
        try:
            await couples_on(rt, today)
            await flows(rt, *page_period(today), "county")
            await queue_page(rt, OPEN_QUEUE, 0, 0)
        except Exception as exc:  # noqa: BLE001 - a warm-up must never end the worker
            log.warning("page answers not made in advance: %s", type(exc).__name__)
        await asyncio.sleep(every)
