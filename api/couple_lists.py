"""The at-risk couple lists, kept per worker for the graph state and day they were made on.

Classifying every candidate couple reads both partners' results (a few seconds at a
million persons); the officers' page asks for one page of 50 at a time, by list and
division.  Each worker keeps the last classified list with the graph's version
(:func:`ingest.loads.graph_version`, one small read per request) and the day it was
made for, and pages through it; a load or a re-fusion changes the version and the next
request classifies again.  Concurrent requests for a list being made wait for it
(``asyncio.Lock``: no thread lock is held across an await).

So that no officer waits for the classification (7-8 s at a million persons), each
worker makes today's list when it starts and again soon after the graph changes
(:func:`api.warm.keep_warm`, a task of the app's lifespan): a page then costs only its
own reads.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from api.runtime import Runtime
from ingest.stewardship import graph_version
from queries import thalassemia
from queries.thalassemia import Couple


@dataclass
class CoupleLists:
    """The last classified list of one worker."""

    key: tuple[str, date] | None = None
    couples: list[Couple] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, rt: Runtime, on: date) -> list[Couple]:
        """Every classified couple on ``on``, ranked (made again after a graph change)."""
        version = await rt.call(graph_version)
        key = (version, on)
        if self.key == key:
            return self.couples
        async with self.lock:
            if self.key != key:
                self.couples = await rt.call(thalassemia.at_risk_couples, as_of=on)
                self.key = key
        return self.couples


def couple_lists(rt: Runtime) -> CoupleLists:
    """The worker's lists (made with its runtime, so its lock is its event loop's)."""
    found = rt.kept.get("couple_lists")
    if not isinstance(found, CoupleLists):
        found = rt.kept["couple_lists"] = CoupleLists()
    return found

