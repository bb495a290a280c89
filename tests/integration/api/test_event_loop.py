"""The event loop never waits on a file: a request that waits for the shared rate-budget
file (another worker process holds its write lock) waits in a worker thread, and every
other request is answered meanwhile."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from api.keys import Role
from kingraph.settings import Settings
from tests.integration.api.conftest import api_settings, make_keys, serving


def test_a_request_waiting_for_the_rate_budget_file_does_not_stall_the_others(
        settings: Settings, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    made = make_keys(state_dir)
    auth = {"Authorization": f"Bearer {made.raw[Role.ADMIN]}"}
    with serving(api_settings(settings, state_dir)) as url, \
            httpx.Client(base_url=url, timeout=60) as first, \
            httpx.Client(base_url=url, timeout=60) as second:
        assert first.get("/v1/me", headers=auth).status_code == 200  # the bucket file exists
        # Another worker process in the middle of a write: the file's write lock is taken
        # (SQLite then makes a writer wait up to its 5 s busy timeout).
        holder = sqlite3.connect(state_dir / "ratelimit.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with ThreadPoolExecutor(1) as pool:
                waiting = pool.submit(first.get, "/v1/me", headers=auth)
                time.sleep(1.0)  # it has reached the bucket file and waits for the lock
                # The health check is answered while that request still waits for the lock.
                health = second.get("/healthz")
                still_waiting = not waiting.done()
                holder.execute("ROLLBACK")
                me = waiting.result()
        finally:
            holder.close()
    assert health.status_code == 200
    assert still_waiting, "the event loop waited for the rate-budget file"
    assert me.status_code == 200 and me.json()["role"] == "admin"
