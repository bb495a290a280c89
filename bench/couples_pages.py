"""At-risk couple pages over HTTP, as the officers' page asks for them (issue 19).

Usage: ``.venv/bin/python -m bench.couples_pages [pages] [seed]`` against the configured
Neo4j.  Starts the API in this process (uvicorn in a thread, a temporary state directory
with an officer key), then:

1. classifies every couple once, directly (``at_risk_couples``), three times: the cold
   and warm cost of a list a worker makes after a load;
2. the first page over HTTP ``WARM_WAIT_S`` after the worker started (it makes today's
   list as it starts: :func:`api.warm.keep_warm`), then ``pages`` random pages:
   a list (all, prenatal diagnosis, partner screening, counselling), a county or
   none, an offset among the list's pages: p50 / p95 / p99 / max;
3. the plans of the two candidate queries (operators and db hits).

Prints Markdown; no personal data is printed.
"""

from __future__ import annotations

import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from api import keys, state
from api.app import create_app
from api.keys import Role
from graphdb.connection import open_driver
from kingraph.settings import Settings
from queries.thalassemia import couples

LISTS = ("", "prenatal_diagnosis", "partner_screening", "counselling")
WARM_WAIT_S = 15.0  # longer than the list takes to make at 1 M (7-8 s)


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The app on a free loopback port, in a thread."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           access_log=False, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def ms(samples: list[float]) -> str:
    """p50 / p95 / p99 / max in milliseconds."""
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1e3

    return (f"{statistics.median(ordered) * 1e3:.0f} / {at(0.95):.0f} / {at(0.99):.0f} / "
            f"{ordered[-1] * 1e3:.0f}")


def direct(settings: Settings) -> list[couples.Couple]:
    """Classify every couple three times; print the times."""
    driver = open_driver(settings)
    times, found = [], []
    try:
        for _ in range(3):
            start = time.perf_counter()
            found = couples.at_risk_couples(driver, settings.neo4j_database)
            times.append(time.perf_counter() - start)
        for name, query in (("marriages", couples.CANDIDATE_MARRIAGES),
                            ("pregnancies", couples.CANDIDATE_PREGNANCIES)):
            profile = driver.execute_query("PROFILE " + query, database_=settings.neo4j_database)
            plan = profile.summary.profile or {}
            print(f"plan {name}: {' > '.join(_operators(plan))}; db hits {_hits(plan)}")
    finally:
        driver.close()
    by_list: dict[str, int] = {}
    for c in found:
        by_list[c.worklist.value] = by_list.get(c.worklist.value, 0) + 1
    print(f"\nclassify every couple: {len(found)} couples {by_list}; "
          f"{', '.join(f'{t:.2f}' for t in times)} s (cold, then warm)")
    return found


def _operators(plan: dict[str, Any]) -> list[str]:
    kids = plan.get("children") or []
    return [*(op for kid in kids for op in _operators(kid)), str(plan["operatorType"])]


def _hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(_hits(k) for k in plan.get("children") or [])


def main() -> None:
    """Measure and print."""
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    base = Settings()
    found = direct(base)
    counties = sorted({c.division for c in found if c.division})
    with tempfile.TemporaryDirectory() as tmp:
        with closing(state.connect(Path(tmp) / "service.db")) as conn:
            _, raw = keys.create(conn, Role.OFFICER, "bench officer")
        budget = {r.value: 1e6 for r in Role}
        settings = base.model_copy(update={"api_state_dir": Path(tmp),
                                           "api_rate_per_second": budget,
                                           "api_rate_burst": dict.fromkeys(budget, 10**6)})
        headers = {"Authorization": f"Bearer {raw}", "X-Purpose": "screening"}
        with serving(settings) as url, httpx.Client(base_url=url, headers=headers,
                                                   timeout=600) as http:
            time.sleep(WARM_WAIT_S)  # the worker makes today's list as it starts
            start = time.perf_counter()
            first = http.get("/v1/thalassemia/couples", params={"limit": 50})
            warm = time.perf_counter() - start
            assert first.status_code == 200, first.status_code
            total = first.json()["total"]
            samples = []
            for _ in range(pages):
                params: dict[str, Any] = {"limit": 50}
                chosen = rng.choice(LISTS)
                if chosen:
                    params["list"] = chosen
                if counties and rng.random() < 0.5:
                    params["division"] = rng.choice(counties)
                params["offset"] = 50 * rng.randrange(max(1, total // 50 // 4 + 1))
                start = time.perf_counter()
                got = http.get("/v1/thalassemia/couples", params=params)
                samples.append(time.perf_counter() - start)
                assert got.status_code == 200, got.status_code
                if samples[-1] > 1:
                    print(f"slow page: {samples[-1]:.1f} s, page {len(samples)}")
        with serving(settings) as url, httpx.Client(base_url=url, headers=headers,
                                                   timeout=600) as http:
            start = time.perf_counter()
            assert http.get("/v1/thalassemia/couples", params={"limit": 50}).status_code == 200
            cold = time.perf_counter() - start
    print(f"\nfirst page {WARM_WAIT_S:.0f} s after the worker started (its list made on "
          f"start): {warm * 1e3:.0f} ms; {total} couples listed")
    print(f"a first page asked the moment a worker started (waits for the list being "
          f"made): {cold * 1e3:.0f} ms")
    print(f"{pages} random pages (list, county, offset), ms p50 / p95 / p99 / max: {ms(samples)}")


if __name__ == "__main__":
    main()
