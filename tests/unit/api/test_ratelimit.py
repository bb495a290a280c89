"""Token buckets per key, budgets per role, shared by every worker process."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from api.problems import RateLimited
from api.ratelimit import Budget, RateLimiter, budgets


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """The bucket file of one test."""
    return tmp_path / "ratelimit.db"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_allows_its_burst_then_refuses(path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter({"officer": Budget(rate=0.5, burst=3)}, path, clock)
    for _ in range(3):
        limiter.take("k1", "officer")
    with pytest.raises(RateLimited) as caught:
        limiter.take("k1", "officer")
    # Empty bucket, 0.5 token/s: one token takes 2 s.
    assert caught.value.retry_after == 2


def test_the_bucket_refills_with_time(path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter({"officer": Budget(rate=0.5, burst=3)}, path, clock)
    for _ in range(3):
        limiter.take("k1", "officer")
    clock.now += 2.0  # 2 s x 0.5/s = one token
    limiter.take("k1", "officer")
    with pytest.raises(RateLimited):
        limiter.take("k1", "officer")


def test_the_bucket_never_holds_more_than_its_burst(path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter({"officer": Budget(rate=10.0, burst=2)}, path, clock)
    limiter.take("k1", "officer")
    clock.now += 3600.0
    limiter.take("k1", "officer")
    limiter.take("k1", "officer")
    with pytest.raises(RateLimited):
        limiter.take("k1", "officer")


def test_keys_have_separate_buckets_and_roles_separate_budgets(path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter({"researcher": Budget(1.0, 1), "service": Budget(1.0, 5)}, path, clock)
    limiter.take("a", "researcher")
    limiter.take("b", "researcher")  # another key: its own bucket
    with pytest.raises(RateLimited):
        limiter.take("a", "researcher")
    for _ in range(5):
        limiter.take("c", "service")


def test_a_zero_rate_waits_an_hour(path: Path) -> None:
    limiter = RateLimiter({"officer": Budget(0.0, 1)}, path, Clock())
    limiter.take("k", "officer")
    with pytest.raises(RateLimited) as caught:
        limiter.take("k", "officer")
    assert caught.value.retry_after == 3600


def test_budgets_pair_the_two_settings_maps() -> None:
    assert budgets({"admin": 2.0}, {"admin": 7}) == {"admin": Budget(2.0, 7)}
    with pytest.raises(KeyError):
        budgets({"admin": 2.0}, {})
    with pytest.raises(ValueError):
        budgets({"admin": 2.0}, {"admin": 0})


def test_a_clock_that_goes_back_refills_nothing(path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter({"officer": Budget(1.0, 1)}, path, clock)
    limiter.take("k", "officer")
    clock.now -= 3600.0
    with pytest.raises(RateLimited):
        limiter.take("k", "officer")


def test_two_limiters_on_one_file_share_the_bucket(path: Path) -> None:
    # Two API workers: a burst of 3 is 3 requests in all, not 3 each.
    clock = Clock()
    budget = {"officer": Budget(0.001, 3)}
    first, second = RateLimiter(budget, path, clock), RateLimiter(budget, path, clock)
    first.take("k", "officer")
    second.take("k", "officer")
    first.take("k", "officer")
    with pytest.raises(RateLimited):
        second.take("k", "officer")
    with pytest.raises(RateLimited):
        first.take("k", "officer")


def _spend(path: Path, n: int, out: multiprocessing.Queue[int]) -> None:
    limiter = RateLimiter({"officer": Budget(0.0, 1000)}, path)
    taken = 0
    for _ in range(n):
        try:
            limiter.take("shared", "officer")
            taken += 1
        except RateLimited:
            pass
    out.put(taken)


def test_processes_spending_at_once_never_overspend(path: Path) -> None:
    # Four processes race for one bucket of 1000 tokens (no refill), 400 tries each:
    # exactly 1000 are granted, whatever the interleaving.
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[int] = context.Queue()
    workers = [context.Process(target=_spend, args=(path, 400, out)) for _ in range(4)]
    for w in workers:
        w.start()
    granted = sum(out.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(timeout=60)
    assert granted == 1000
