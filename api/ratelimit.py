"""Per-key token buckets, sized per role, shared by every API worker process.

A bucket holds up to ``burst`` tokens and refills at ``rate`` per second; each
request takes one. An empty bucket answers with the whole seconds to wait.

The buckets live in one small SQLite file beside the service state (``ratelimit.db``),
so that N workers share one budget per key instead of N. Spending a token is one
atomic statement (an upsert that refills and takes in the same step, or does nothing
when the bucket is empty), a few tens of microseconds: the file is in WAL mode without
fsync, since a bucket lost in a crash only refills early.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from api.problems import RateLimited

SCHEMA = """CREATE TABLE IF NOT EXISTS bucket (
    key_id TEXT PRIMARY KEY, tokens REAL NOT NULL, stamp REAL NOT NULL) WITHOUT ROWID"""
# Refill by the time passed (never by a clock that went back), cap at the burst, take one;
# when fewer than one token would be left to take, nothing changes and nothing returns.
TAKE = """
INSERT INTO bucket (key_id, tokens, stamp) VALUES (:key, :burst - 1.0, :now)
ON CONFLICT (key_id) DO UPDATE SET
    tokens = min(:burst, tokens + max(0.0, :now - stamp) * :rate) - 1.0,
    stamp = max(stamp, :now)
WHERE min(:burst, tokens + max(0.0, :now - stamp) * :rate) >= 1.0
RETURNING tokens
"""
LEFT = "SELECT min(:burst, tokens + max(0.0, :now - stamp) * :rate) FROM bucket WHERE key_id = :key"


@dataclass(frozen=True)
class Budget:
    """How fast a role may call: tokens per second and bucket size."""

    rate: float
    burst: int


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the bucket file, private, fast and crash-tolerant."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute(SCHEMA)
    return conn


class RateLimiter:
    """Token buckets keyed by API key id, with a budget per role, in a shared file."""

    def __init__(self, budgets: Mapping[str, Budget], path: Path,
                 clock: Callable[[], float] = time.time) -> None:
        self._budgets = dict(budgets)
        self._clock = clock
        self._conn = connect(path)
        self._lock = threading.Lock()  # one statement at a time on this connection

    def take(self, key_id: str, role: str) -> None:
        """Spend one token of the key's bucket, or raise RateLimited."""
        budget = self._budgets[role]
        params = {"key": key_id, "burst": float(budget.burst), "rate": budget.rate,
                  "now": self._clock()}
        with self._lock:
            taken = self._conn.execute(TAKE, params).fetchone()
            if taken is not None:
                return
            left = self._conn.execute(LEFT, params).fetchone()
        tokens = float(left[0]) if left else 0.0
        wait = (1.0 - tokens) / budget.rate if budget.rate > 0 else 3600.0
        raise RateLimited(max(1, math.ceil(wait)))

    def close(self) -> None:
        """Close the bucket file."""
        self._conn.close()


def budgets(rates: Mapping[str, float], bursts: Mapping[str, int]) -> dict[str, Budget]:
    """Budgets per role from the settings' two maps (a role missing from either fails)."""
    out = {role: Budget(rate, bursts[role]) for role, rate in rates.items()}
    if any(b.burst < 1 or b.rate < 0 for b in out.values()):
        raise ValueError("a rate budget needs a burst of at least 1 and a rate of at least 0")
    return out
