"""The review queue's order per filter, kept per worker for the graph state it was read on.

At a province's size the queue holds about a hundred thousand open items (105,890 at
1 M); counting and ordering them for every page of 20 took a few hundred milliseconds.
Each worker keeps, per filter, the ids of every matching item in the queue's order with
the graph's version (:func:`ingest.loads.graph_version`, one small read per request): a
page is then its slice and one read of its 20 items by id, and the total is the list's
length.  A decision, a load or a re-fusion changes the version and the next page reads
the order again.  Filters by an item's age are not kept (their answer moves with the
clock, not the graph).  Requests for an order being read wait for it (``asyncio.Lock``:
no thread lock is held across an await).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

from api.runtime import Runtime
from ingest import stewardship
from ingest.stewardship import QueueFilter, graph_version

MAX_KEPT = 8  # filters a worker keeps (each a list of ids: about 3 MB per 100 k items)


def keepable(flt: QueueFilter) -> bool:
    """Whether this filter's order depends on the graph alone (not on the clock)."""
    return flt.older_than_days is None and flt.newer_than_days is None


@dataclass
class ReviewOrders:
    """The orders one worker read last."""

    kept: OrderedDict[tuple[str, QueueFilter], list[str]] = field(default_factory=OrderedDict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def page(self, rt: Runtime, flt: QueueFilter, limit: int,
                   offset: int) -> stewardship.QueuePage:
        """One page of the queue for a filter :func:`keepable` accepts."""
        key = (await rt.call(graph_version), flt)
        if key not in self.kept:
            async with self.lock:
                if key not in self.kept:
                    self.kept[key] = await rt.call(stewardship.queue_order, flt)
                    while len(self.kept) > MAX_KEPT:
                        self.kept.popitem(last=False)
        self.kept.move_to_end(key)
        ids = self.kept[key]
        items = await rt.call(stewardship.queue_items, ids[offset:offset + limit], flt.status)
        return stewardship.QueuePage(len(ids), items)


def review_orders(rt: Runtime) -> ReviewOrders:
    """The worker's orders (made with its runtime, so its lock is its event loop's)."""
    found = rt.kept.get("review_orders")
    if not isinstance(found, ReviewOrders):
        found = rt.kept["review_orders"] = ReviewOrders()
    return found
