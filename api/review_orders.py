"""The review queue's order per filter, kept per worker for the graph state it was read on.

At a province's size the queue holds about a hundred thousand open items (105,890 at
1 M); counting and ordering them for every page of 20 took a few hundred milliseconds.
Each worker keeps, per filter, the ids of every matching item in the queue's order with
the graph's version (:func:`ingest.loads.graph_version`, one small read per request): a
page is then its slice and one read of its 20 items by id, and the total is the list's
length.  A decision, a load or a re-fusion changes the version and the next page reads
the order again.  Filters by an item's age are not kept (their answer moves with the
clock, not the graph).  See :class:`api.kept.Kept`.
"""

from __future__ import annotations

from api.kept import Kept, kept
from api.runtime import Runtime
from ingest import stewardship
from ingest.stewardship import QueueFilter

MAX_KEPT = 8  # filters a worker keeps (each a list of ids: about 3 MB per 100 k items)


def keepable(flt: QueueFilter) -> bool:
    """Whether this filter's order depends on the graph alone (not on the clock)."""
    return flt.older_than_days is None and flt.newer_than_days is None


async def queue_page(rt: Runtime, flt: QueueFilter, limit: int,
                     offset: int) -> stewardship.QueuePage:
    """One page of the queue for a filter :func:`keepable` accepts."""
    orders: Kept[QueueFilter, list[str]] = kept(rt, "review_orders", MAX_KEPT)
    ids = await orders.get(rt, flt, lambda: rt.call(stewardship.queue_order, flt))
    items = await rt.call(stewardship.queue_items, ids[offset:offset + limit], flt.status)
    return stewardship.QueuePage(len(ids), items)
