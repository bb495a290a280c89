"""The at-risk couple lists, kept per worker for the graph state and day they were made on.

Classifying every candidate couple reads both partners' results (a few seconds at a
million persons); the officers' page asks for one page of 50 at a time, by list and
division.  Each worker keeps the last classified list with the graph's version
(:func:`ingest.loads.graph_version`, one small read per request) and the day it was
made for, and pages through it; a load or a re-fusion changes the version and the next
request classifies again (:class:`api.kept.Kept`).

So that no officer waits for the classification (7-8 s at a million persons), each
worker makes today's list when it starts and again soon after the graph changes
(:func:`api.warm.keep_warm`, a task of the app's lifespan): a page then costs only its
own reads.
"""

from __future__ import annotations

from datetime import date

from api.kept import Kept, kept
from api.runtime import Runtime
from queries import thalassemia
from queries.thalassemia import Couple


async def couples_on(rt: Runtime, on: date) -> list[Couple]:
    """Every classified couple on ``on``, ranked (made again after a graph change)."""
    lists: Kept[date, list[Couple]] = kept(rt, "couple_lists", 1)
    return await lists.get(rt, on, lambda: rt.call(thalassemia.at_risk_couples, as_of=on))
