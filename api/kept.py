"""Answers a worker keeps between requests while the graph stays the same.

Some answers cost seconds at a province's size and are the same for every caller until
the graph changes: the at-risk couple lists (:mod:`api.couple_lists`), migration flows
(:mod:`api.flow_tables`), the review queue's order per filter (:mod:`api.review_orders`).
Each worker keeps the last few of each kind with the graph's version
(:func:`ingest.loads.graph_version`, one small read per request); a load or a re-fusion
changes the version and the next request makes the answer again.  Requests for an answer
being made wait for it (``asyncio.Lock``: no thread lock is held across an await).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from api.runtime import Runtime
from ingest.stewardship import graph_version

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """The last ``size`` answers of one kind, each keyed by the graph version it was made
    on and the question (``entries``: oldest first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, K], V] = OrderedDict()
        self.lock = asyncio.Lock()

    async def get(self, rt: Runtime, key: K, make: Callable[[], Awaitable[V]]) -> V:
        """The answer to ``key`` on the graph as it is now, made by ``make`` if not kept."""
        versioned = (await rt.call(graph_version), key)
        if versioned not in self.entries:
            async with self.lock:
                if versioned not in self.entries:
                    self.entries[versioned] = await make()
                    while len(self.entries) > self.size:
                        self.entries.popitem(last=False)
        self.entries.move_to_end(versioned)
        return self.entries[versioned]


def kept(rt: Runtime, name: str, size: int) -> Kept[Any, Any]:
    """The worker's kept answers of one kind (made with its runtime, so the lock is its
    event loop's)."""
    found = rt.kept.get(name)
    if not isinstance(found, Kept):
        found = rt.kept[name] = Kept[Any, Any](size)
    return found
