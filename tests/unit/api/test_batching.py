"""``api.batching.Coalescer``: concurrent calls share batches, each gets its own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from api.batching import Coalescer


class Squares:
    """A batch function that records its batches; a negative item fails alone."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def __call__(self, items: Sequence[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        await asyncio.sleep(0.01)  # a read takes time; callers arrive meanwhile
        return [ValueError(f"item {i}") if i < 0 else i * i for i in items]


def test_a_lone_call_is_answered_in_a_batch_of_one() -> None:
    fn = Squares()

    async def one() -> int:
        return await Coalescer(fn).call(7)

    assert asyncio.run(one()) == 49
    assert fn.batches == [[7]]


def test_concurrent_calls_share_reads_and_each_gets_its_own_result() -> None:
    fn = Squares()

    async def many() -> list[int]:
        co: Coalescer[int, int] = Coalescer(fn, max_batch=8)
        return list(await asyncio.gather(*(co.call(i) for i in range(20))))

    assert asyncio.run(many()) == [i * i for i in range(20)]
    # one read in flight at a time, at most 8 items each: 20 calls in 3 reads
    assert [len(b) for b in fn.batches] == [8, 8, 4]
    assert sorted(i for b in fn.batches for i in b) == list(range(20))


def test_an_item_s_error_reaches_only_its_caller() -> None:
    fn = Squares()

    async def mixed() -> list[int | BaseException]:
        co: Coalescer[int, int] = Coalescer(fn)
        return list(await asyncio.gather(co.call(2), co.call(-1), co.call(3),
                                         return_exceptions=True))

    two, bad, three = asyncio.run(mixed())
    assert (two, three) == (4, 9)
    assert isinstance(bad, ValueError) and str(bad) == "item -1"
    assert len(fn.batches) == 1


def test_a_failed_read_fails_every_caller_of_its_batch_and_the_next_batch_runs() -> None:
    calls = 0

    async def flaky(items: Sequence[int]) -> list[int | BaseException]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        if calls == 1:
            raise ConnectionError("database unavailable")
        return list(items)

    async def run() -> tuple[list[int | BaseException], int]:
        co: Coalescer[int, int] = Coalescer(flaky)
        first = await asyncio.gather(co.call(1), co.call(2), return_exceptions=True)
        return list(first), await co.call(3)

    first, later = asyncio.run(run())
    assert all(isinstance(r, ConnectionError) for r in first)
    assert later == 3


def test_a_wrong_number_of_results_is_an_error_not_a_hang() -> None:
    async def short(items: Sequence[int]) -> list[int | BaseException]:
        return list(items)[:-1]

    async def run() -> int:
        return await asyncio.wait_for(Coalescer(short).call(1), timeout=2)

    with pytest.raises(RuntimeError, match="gave 0 results"):
        asyncio.run(run())
