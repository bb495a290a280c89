"""``kingraph serve --workers 2``: worker processes that each listen on the port, start
and stop together, and refuse a port that is already taken."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from kingraph.settings import Settings
from tests.integration.api.conftest import _free_port
from tests.integration.cluster import environment

KINGRAPH = str(Path(sys.executable).with_name("kingraph"))


def _workers(pid: int) -> set[int]:
    """The worker processes of a server (its spawned children, not spawn's tracker)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if (int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid
                    and b"spawn_main" in (stat.parent / "cmdline").read_bytes()):
                found.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _up(url: str, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def test_two_workers_serve_one_port_and_stop_together(settings: Settings,
                                                      tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # over neo4j:// (routing), as against a cluster
    env = {**os.environ, **environment(settings), "KINGRAPH_API_STATE_DIR": str(tmp_path)}
    cmd = [KINGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        assert _up(url, proc)
        workers = _workers(proc.pid)
        assert len(workers) == 2
        # many fresh connections are all answered (whichever worker the kernel picks)
        for _ in range(20):
            with httpx.Client(base_url=url, timeout=10) as client:
                assert client.get("/healthz").status_code == 200
        # a second server on the same port is refused, not silently let in
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and "already in use" in second.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert err.count(b"Application shutdown complete.") == 2  # both shut down gracefully
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_two_workers_share_one_rate_budget(settings: Settings, tmp_path: Path) -> None:
    # A burst of 6 and (almost) no refill: 6 answers in all, whichever worker each of
    # 12 fresh connections lands on (per-worker buckets would have let up to 12 pass).
    from api.keys import Role
    from tests.integration.api.conftest import make_keys

    keys = make_keys(tmp_path)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    rates = {r.value: 0.0001 for r in Role}
    env = {**os.environ, "KINGRAPH_API_STATE_DIR": str(tmp_path),
           "KINGRAPH_API_RATE_PER_SECOND": json.dumps(rates),
           "KINGRAPH_API_RATE_BURST": json.dumps(dict.fromkeys(rates, 6))}
    cmd = [KINGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _up(url, proc)
        statuses = []
        for _ in range(12):
            with httpx.Client(base_url=url, timeout=10) as client:  # a new connection each
                statuses.append(client.get("/v1/me",
                                           headers=keys.headers(Role.OFFICER)).status_code)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert statuses == [200] * 6 + [429] * 6
