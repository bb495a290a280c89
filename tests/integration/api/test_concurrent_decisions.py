"""Four officers decide at once while a load runs: nothing hangs, everything is audited,
and the graph is what the decisions imply.

The service runs as it does in production: ``kingraph serve --workers 2`` (two
processes on one port), and ``kingraph ingest`` of the session's drop is started in
the same moment as four decisions (two merges, confirmed from their previews, and two
kept apart). Every writer takes the store's one lock, so they serialize across the
processes: each decision answers 202 at once, its job waits its turn, and health checks
answer throughout. At the end one more re-fusion changes nothing (the graph equals the
serialized result), each merge's mentions share a person and each pair kept apart does
not, and the audit log holds every decision with its review and persons.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from ingest import stewardship
from kingraph.settings import Settings
from tests.integration.api.conftest import Keys, make_keys
from tests.integration.fingerprint import differences, fingerprint
from tests.integration.synthetic import LoadedDrop

KINGRAPH = str(Path(sys.executable).with_name("kingraph"))
MENTION_PID = """MATCH (:Record {key: $record})-[:MENTIONS {role: $role}]->(p:Person)
RETURN p.pid AS pid"""
NOW = "RETURN datetime() AS now"
LOADS_SINCE = """MATCH (l:Load) WHERE l.started >= $since
RETURN l.started AS started, l.finished AS finished ORDER BY l.started"""
HEALTH_TIMEOUT = 5.0  # seconds a health check may take while the writers run
JOB_TIMEOUT = 900.0


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    """``kingraph serve --workers 2`` in a process of its own."""

    url: str
    keys: Keys
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="module")
def service(settings: Settings, synthetic: LoadedDrop,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    state_dir = tmp_path_factory.mktemp("two-workers")
    keys = make_keys(state_dir)
    port = _free_port()
    budget = {r.value: 1000 for r in Role}
    env = {**os.environ, "KINGRAPH_API_STATE_DIR": str(state_dir),
           "KINGRAPH_API_RATE_PER_SECOND": json.dumps(budget),
           "KINGRAPH_API_RATE_BURST": json.dumps(budget)}
    log = state_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([KINGRAPH, "serve", "--port", str(port), "--workers", "2"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert process.poll() is None, log.read_text()[-2000:]
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.5)
    yield Service(url, keys, process, log)
    process.terminate()
    process.wait(timeout=60)


@dataclass
class Health:
    """Health checks made while the writers run: how long each took, and failures."""

    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def watch(self, url: str) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                got = httpx.get(f"{url}/healthz", timeout=HEALTH_TIMEOUT)  # a new connection
                if got.status_code != 200:
                    self.failures.append(f"status {got.status_code}")
            except httpx.HTTPError as exc:
                self.failures.append(type(exc).__name__)
            self.seconds.append(time.monotonic() - started)
            time.sleep(0.2)


def _mention_pid(driver: neo4j.Driver, database: str, mention: str) -> str:
    record, _, role = mention.rpartition("|")
    rows = driver.execute_query(MENTION_PID, record=record, role=role, database_=database)
    return str(rows.records[0]["pid"])


def _four_matches(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Four open possible matches between eight different persons."""
    page = client.get("/v1/reviews", params={"kind": "possible_match", "limit": 200,
                                             "offset": 20}, headers=headers).json()
    chosen: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in page["items"]:
        pair = {item["left_pid"], item["right_pid"]}
        if None in pair or len(pair) < 2 or pair & seen:
            continue
        chosen.append(item)
        seen |= pair
        if len(chosen) == 4:
            return chosen
    raise AssertionError("the synthetic queue has four disjoint possible matches")


def _job(url: str, location: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        # A new connection each time: the two workers answer alike from the shared state.
        job: dict[str, Any] = httpx.get(f"{url}{location}", headers=headers, timeout=30).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"a job hangs at {job['progress']}"
        time.sleep(0.5)


def _audit(url: str, review_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every audit entry naming the review, page by page (the job polls add one each)."""
    entries: list[dict[str, Any]] = []
    while True:
        page = httpx.get(f"{url}/v1/audit", params={"review_id": review_id, "limit": 200,
                                                    "offset": len(entries)},
                         headers=headers, timeout=30).json()
        entries.extend(page["items"])
        if not page["items"] or len(entries) >= page["total"]:
            return entries


def test_four_decisions_and_a_load_at_once(service: Service, synthetic: LoadedDrop,
                                           driver: neo4j.Driver, database: str,
                                           settings: Settings) -> None:
    headers = service.keys.headers(Role.OFFICER, "review:CONCURRENT-1")
    with httpx.Client(base_url=service.url, timeout=60) as client:
        items = _four_matches(client, headers)
        decisions = ["link", "no_link", "link", "no_link"]
        bodies: list[dict[str, Any]] = []
        for item, decision in zip(items, decisions, strict=True):
            body: dict[str, Any] = {"decision": decision}
            if decision == "link":
                preview = client.post(f"/v1/reviews/{item['review_id']}/preview", json=body,
                                      headers=headers)
                assert preview.status_code == 200, preview.text
                body["confirmation"] = preview.json()["confirmation"]
            bodies.append(body)
    began = driver.execute_query(NOW, database_=database).records[0]["now"]
    health = Health()
    watcher = threading.Thread(target=health.watch, args=(service.url,), daemon=True)
    watcher.start()
    load_log = service.log.with_name("ingest.log")

    def post(i: int) -> tuple[int, float, httpx.Response]:
        started = time.monotonic()
        got = httpx.post(f"{service.url}/v1/reviews/{items[i]['review_id']}/decision",
                         json=bodies[i], headers=headers, timeout=60)
        return i, time.monotonic() - started, got

    with load_log.open("wb") as out, ThreadPoolExecutor(4) as pool:
        load = subprocess.Popen([KINGRAPH, "ingest", str(synthetic.drop)], stdout=out,
                                stderr=subprocess.STDOUT)
        answers = list(pool.map(post, range(4)))
    # All answer at once with a job; none waits for a re-fusion.
    for i, seconds, got in answers:
        assert got.status_code == 202, (i, got.text)
        assert seconds < 10.0, (i, seconds)
    jobs = [_job(service.url, got.headers["location"], headers) for _, _, got in answers]
    assert load.wait(timeout=JOB_TIMEOUT) == 0, load_log.read_text()[-3000:]
    health.stop.set()
    watcher.join(timeout=30)
    assert [j["status"] for j in jobs] == ["succeeded"] * 4, [j.get("error") for j in jobs]
    # Health checks answered all along, on both workers.
    assert health.failures == [] and len(health.seconds) >= 10
    assert max(health.seconds) < HEALTH_TIMEOUT
    # The writers took turns: the five loads they wrote (four re-fusions and the
    # ingest) ran one after another.
    spans = [(r["started"], r["finished"]) for r in driver.execute_query(
        LOADS_SINCE, since=began, database_=database).records]
    assert len(spans) == 5
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    # The graph is the serialized result: one more re-fusion (serialized after all of
    # them by the same lock) changes nothing.
    before = fingerprint(driver, database)
    store = stewardship.store_for(settings.var_dir, settings.bolt_uri, database)
    again = stewardship.fuse_again(driver, database, store)
    changed = {k: v for k, v in again.written.items() if v and k not in ("reviews",)}
    assert changed == {}
    assert differences(before, fingerprint(driver, database)) == {}
    # ... and it is what each decision says.
    for item, decision in zip(items, decisions, strict=True):
        left = _mention_pid(driver, database, item["left_mention"])
        right = _mention_pid(driver, database, item["right_mention"])
        assert (left == right) == (decision == "link"), item["review_id"]
    # Every decision is audited: its request (202) and its job (200), with the review and
    # its persons; the job's entry with every pid the re-fusion touched.
    admin = service.keys.headers(Role.ADMIN, "audit")
    for item, job in zip(items, jobs, strict=True):
        audit = _audit(service.url, item["review_id"], admin)
        posted = [e for e in audit if e["method"] == "POST" and e["status"] == 202]
        ran = [e for e in audit if e["method"] == "JOB"]
        assert len(posted) == 1 and len(ran) == 1, [
            (e["method"], e["route"], e["status"], e["job_id"]) for e in audit]
        assert {item["left_pid"], item["right_pid"]} <= set(posted[0]["pids"])
        assert posted[0]["job_id"] == ran[0]["job_id"] == job["job_id"]
        assert ran[0]["status"] == 200
        assert ran[0]["pid_count"] == len(job["result"]["persons"])
