"""Per-key token buckets, sized per role, kept in memory (one API process).

A bucket holds up to ``burst`` tokens and refills at ``rate`` per second; each
request takes one. An empty bucket answers with the whole seconds to wait.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from api.problems import RateLimited


@dataclass(frozen=True)
class Budget:
    """How fast a role may call: tokens per second and bucket size."""

    rate: float
    burst: int


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets keyed by API key id, with a budget per role."""

    def __init__(self, budgets: Mapping[str, Budget],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._budgets = dict(budgets)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key_id: str, role: str) -> None:
        """Spend one token of the key's bucket, or raise RateLimited."""
        budget = self._budgets[role]
        now = self._clock()
        bucket = self._buckets.setdefault(key_id, _Bucket(float(budget.burst), now))
        bucket.tokens = min(budget.burst, bucket.tokens + (now - bucket.stamp) * budget.rate)
        bucket.stamp = now
        if bucket.tokens < 1.0:
            wait = (1.0 - bucket.tokens) / budget.rate if budget.rate > 0 else 3600.0
            raise RateLimited(max(1, math.ceil(wait)))
        bucket.tokens -= 1.0


def budgets(rates: Mapping[str, float], bursts: Mapping[str, int]) -> dict[str, Budget]:
    """Budgets per role from the settings' two maps (a role missing from either fails)."""
    return {role: Budget(rate, bursts[role]) for role, rate in rates.items()}
