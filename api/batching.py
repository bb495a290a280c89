"""Request coalescing: concurrent calls of one worker share one database read.

At load, most of an eligibility request's cost is fixed per query (the driver's session,
Bolt messages, Neo4j's transaction), not the few hundred database hits of the query
itself. A :class:`Coalescer` keeps at most one read in flight per worker: a call that
arrives while a read is running waits and goes with the others in the next read (up to
``max_batch``), so under load one query serves many requests, and an idle service
answers a lone request at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# The batch function: the items in, per item a result or the exception that item raises.
BatchFn = Callable[[Sequence[Item]], Awaitable[Sequence[Result | BaseException]]]


class Coalescer(Generic[Item, Result]):
    """Runs ``fn`` over the items of concurrent :meth:`call`\\ s, one batch at a time."""

    def __init__(self, fn: BatchFn[Item, Result], max_batch: int = 64) -> None:
        """Coalesce calls into ``fn``, at most ``max_batch`` items per call of it."""
        self._fn = fn
        self._max = max_batch
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def call(self, item: Item) -> Result:
        """The result for one item (its own exception is raised here)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[:self._max]
                del self._pending[:self._max]
                await self._run(batch)
        finally:
            self._drainer = None

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._fn([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"batch of {len(batch)} gave {len(results)} results")
        except Exception as exc:  # the whole read failed: every caller gets the error
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the caller went away (client disconnected)
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
