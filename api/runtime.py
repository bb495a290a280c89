"""What the running API holds open: the Neo4j driver, the state store, the limiter, jobs.

One ``Runtime`` per app, opened by the lifespan and closed with it. SQLite is used
through connections no two threads share at once: ``state`` for the small indexed
reads made on the event loop (keys, pseudonyms), the audit writer's own, ``archive``
(behind a lock, in worker threads) for audit searches, the job runner's own, and the
rate limiter's bucket file (shared by every worker process).
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.to_thread
import neo4j

from api import state
from api.audit import AuditEntry, AuditFilter, AuditWriter, persons, search
from api.batching import Coalescer
from api.confirmation import Confirmations
from api.jobs import JobRunner
from api.pseudonyms import Pseudonymizer, load_secret
from api.ratelimit import RateLimiter, budgets
from graphdb import bookmarks
from graphdb.connection import open_async_driver, open_sync_driver
from ingest import stewardship
from kingraph.errors import KingraphError
from kingraph.settings import Settings
from queries.eligibility import Couple, Decision, decide_many_async

T = TypeVar("T")
# A couple to decide and the bookmarks its request's read must wait for.
Waiting = tuple[Couple, frozenset[str]]

# Pure maths over at most this many persons runs on the event loop (a few ms; a
# thread hand-off would cost about as much CPU); larger work goes to a worker thread
# so that one big family does not hold up every other request of the process.
INLINE_PERSONS = 64


@dataclass
class Runtime:
    """The open resources of one running API."""

    settings: Settings
    driver: neo4j.AsyncDriver
    state: sqlite3.Connection
    archive: sqlite3.Connection
    audit: AuditWriter
    limiter: RateLimiter
    pseudonymizer: Pseudonymizer
    # The query modules (kinship, thalassemia, migration, eligibility) take a sync
    # driver, as notebooks and the CLI do; routes run them in the thread pool via
    # ``Runtime.call``.
    sync_driver: neo4j.Driver
    jobs: JobRunner
    confirmations: Confirmations

    def __post_init__(self) -> None:
        self._archive_lock = threading.Lock()
        # Results a worker keeps between requests, by name (api.kept).
        self.kept: dict[str, Any] = {}
        # Concurrent eligibility decisions of this worker share one read (api.batching).
        self.couples: Coalescer[Waiting, tuple[str, str, Decision]] = Coalescer(
            self._decide_couples)

    async def decide(self, couple: Couple) -> tuple[str, str, Decision]:
        """A couple's decision, read together with the worker's concurrent ones; the
        read waits for this request's flow (``X-Bookmarks``)."""
        flow = bookmarks.current()
        return await self.couples.call((couple, flow.bookmarks if flow else frozenset()))

    async def _decide_couples(self, batch: Sequence[Waiting]
                              ) -> list[tuple[str, str, Decision] | KingraphError]:
        # One read for many requests waits for the bookmarks of all of them.
        waits = frozenset().union(*(seen for _, seen in batch))
        with bookmarks.following(bookmarks.Flow(waits)):
            return await decide_many_async(self.driver, self.database,
                                           [couple for couple, _ in batch])

    @property
    def database(self) -> str:
        """The Neo4j database name."""
        return self.settings.neo4j_database

    @property
    def store(self) -> stewardship.Store:
        """The graph's ingest store (the rows officers' decisions re-fuse)."""
        s = self.settings
        return stewardship.store_for(s.var_dir, s.bolt_uri, s.neo4j_database)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a sync query function ``fn(sync_driver, database, *args)`` in a worker thread."""
        return await anyio.to_thread.run_sync(
            functools.partial(fn, self.sync_driver, self.database, *args, **kwargs))

    async def search_audit(self, flt: AuditFilter, limit: int,
                           offset: int) -> tuple[int, list[AuditEntry]]:
        """Search the audit log in a worker thread."""
        def run() -> tuple[int, list[AuditEntry]]:
            with self._archive_lock:
                return search(self.archive, flt, limit, offset)
        return await anyio.to_thread.run_sync(run)

    async def audit_persons(self, entry_id: int, after: str,
                            limit: int) -> tuple[int, list[str]] | None:
        """One page of an audit entry's pids, in a worker thread (None: no such entry)."""
        def run() -> tuple[int, list[str]] | None:
            with self._archive_lock:
                return persons(self.archive, entry_id, after, limit)
        return await anyio.to_thread.run_sync(run)


async def compute(fn: Callable[..., T], *args: Any, persons: int) -> T:
    """Run pure (no I/O) maths ``fn(*args)`` over ``persons`` persons: on the event loop
    when small (:data:`INLINE_PERSONS`), else in a worker thread."""
    if persons <= INLINE_PERSONS:
        return fn(*args)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args))


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Open everything the API needs; close it all on exit."""
    conns = [state.connect(settings.service_db) for _ in range(3)]
    driver = open_async_driver(settings)
    sync_driver = open_sync_driver(settings)
    writer = AuditWriter(conns[1])
    writer.start()
    limiter = RateLimiter(budgets(settings.api_rate_per_second, settings.api_rate_burst),
                          settings.service_dir / "ratelimit.db")
    jobs = JobRunner(settings.service_db)
    confirmations = Confirmations.open(settings.service_dir, settings.api_confirmation_seconds)
    try:
        yield Runtime(settings, driver, conns[0], conns[2], writer, limiter,
                      Pseudonymizer(load_secret(settings.service_dir)), sync_driver, jobs,
                      confirmations)
    finally:
        # A running job finishes first (its re-fusion holds the store lock), then the
        # drivers close under it.
        await anyio.to_thread.run_sync(jobs.close)
        await writer.stop()
        await driver.close()
        sync_driver.close()
        limiter.close()
        for conn in conns:
            conn.close()
