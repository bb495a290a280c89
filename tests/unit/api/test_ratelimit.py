"""Token buckets per key, budgets per role."""

from __future__ import annotations

import pytest

from api.problems import RateLimited
from api.ratelimit import Budget, RateLimiter, budgets


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_allows_its_burst_then_refuses() -> None:
    clock = Clock()
    limiter = RateLimiter({"officer": Budget(rate=0.5, burst=3)}, clock)
    for _ in range(3):
        limiter.take("k1", "officer")
    with pytest.raises(RateLimited) as caught:
        limiter.take("k1", "officer")
    # Empty bucket, 0.5 token/s: one token takes 2 s.
    assert caught.value.retry_after == 2


def test_the_bucket_refills_with_time() -> None:
    clock = Clock()
    limiter = RateLimiter({"officer": Budget(rate=0.5, burst=3)}, clock)
    for _ in range(3):
        limiter.take("k1", "officer")
    clock.now += 2.0  # 2 s x 0.5/s = one token
    limiter.take("k1", "officer")
    with pytest.raises(RateLimited):
        limiter.take("k1", "officer")


def test_the_bucket_never_holds_more_than_its_burst() -> None:
    clock = Clock()
    limiter = RateLimiter({"officer": Budget(rate=10.0, burst=2)}, clock)
    limiter.take("k1", "officer")
    clock.now += 3600.0
    limiter.take("k1", "officer")
    limiter.take("k1", "officer")
    with pytest.raises(RateLimited):
        limiter.take("k1", "officer")


def test_keys_have_separate_buckets_and_roles_separate_budgets() -> None:
    clock = Clock()
    limiter = RateLimiter({"researcher": Budget(1.0, 1), "service": Budget(1.0, 5)}, clock)
    limiter.take("a", "researcher")
    limiter.take("b", "researcher")  # another key: its own bucket
    with pytest.raises(RateLimited):
        limiter.take("a", "researcher")
    for _ in range(5):
        limiter.take("c", "service")


def test_a_zero_rate_waits_an_hour() -> None:
    limiter = RateLimiter({"officer": Budget(0.0, 1)}, Clock())
    limiter.take("k", "officer")
    with pytest.raises(RateLimited) as caught:
        limiter.take("k", "officer")
    assert caught.value.retry_after == 3600


def test_budgets_pair_the_two_settings_maps() -> None:
    assert budgets({"admin": 2.0}, {"admin": 7}) == {"admin": Budget(2.0, 7)}
    with pytest.raises(KeyError):
        budgets({"admin": 2.0}, {})
