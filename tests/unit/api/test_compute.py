"""``api.runtime.compute``: small maths on the event loop, large maths off it."""

from __future__ import annotations

import asyncio
import threading

from api.runtime import INLINE_PERSONS, compute


def _thread_of(_: int) -> int:
    return threading.get_ident()


def test_small_work_runs_on_the_event_loop_thread_and_large_work_does_not() -> None:
    async def where() -> tuple[int, int, int]:
        loop_thread = threading.get_ident()
        small = await compute(_thread_of, 1, persons=INLINE_PERSONS)
        large = await compute(_thread_of, 1, persons=INLINE_PERSONS + 1)
        return loop_thread, small, large

    loop_thread, small, large = asyncio.run(where())
    assert small == loop_thread
    assert large != loop_thread


def test_the_answer_is_the_same_either_way() -> None:
    async def both() -> tuple[int, int]:
        return (await compute(pow, 2, 10, persons=1),
                await compute(pow, 2, 10, persons=10 * INLINE_PERSONS))

    assert asyncio.run(both()) == (1024, 1024)
