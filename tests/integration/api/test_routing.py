"""The API as a cluster client (the session's API runs over ``neo4j://``).

1. Every route, walked with the Bolt traffic recorded: reads go as READ transactions
   (a cluster serves them from secondaries), writes as WRITE.
2. Read your own writes on another worker: after an officer's decision (a job: the
   ended job's ``X-Bookmarks``) or an issuance (the response's), the bookmark sent to a
   *fresh* worker (its own drivers, which never saw the write) makes that worker's
   reads wait for the write.
3. Bookmarks a client should not hold: malformed (400), never issued (400
   ``bookmark_invalid``), not reached (503 ``graph_behind`` with ``Retry-After``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from graphdb.bookmarks import Flow, following
from graphdb.connection import write
from kingraph.settings import Settings
from tests.bolt_traffic import Transaction, misrouted, recording
from tests.integration.api.conftest import Keys, api_settings, serving
from tests.integration.api.routes_catalogue import catalogue
from tests.integration.api.test_privacy_audit import (
    A_COUPLE,
    Sample,
    audited_calls,
    researcher_calls,
)
from tests.integration.graphdb.test_routing import _ahead
from tests.integration.queries import case_graph
from tests.integration.synthetic import LoadedDrop
from tests.unit.queries.eligibility_cases import CASES

DROP_PERMIT = """MATCH (n) WHERE (n:Permit OR n:PermitEvent) AND n.permit_no = $permit_no
DETACH DELETE n"""
TOUCH = "MERGE (p:KgRoutingProbe {marker: 'api'}) SET p.n = coalesce(p.n, 0) + 1"
UNTOUCH = "MATCH (p:KgRoutingProbe {marker: 'api'}) DELETE p"


def _served(traffic: list[Transaction]) -> list[Transaction]:
    """The API's transactions (its event loop and worker threads), not the test's."""
    return [t for t in traffic if t.thread != "MainThread"]


def _ended(client: httpx.Client, location: str, headers: dict[str, str]) -> httpx.Response:
    """Poll a job (its ``Location``) until it ends; its last answer."""
    deadline = time.monotonic() + 300
    while True:
        got = client.get(location, headers=headers)
        assert got.status_code == 200, got.text
        body: dict[str, Any] = got.json()
        if body["status"] not in ("queued", "running"):
            return got
        assert time.monotonic() < deadline, body["progress"]
        time.sleep(0.2)


@pytest.fixture(scope="module")
def sample(synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> Sample:
    """A married man with parents and children, his wife and his ID number."""
    row = driver.execute_query(A_COUPLE, database_=database).records[0]
    return Sample(row["h"], row["w"], row["number"])


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    """A client of the session's API (worker A)."""
    with httpx.Client(base_url=base_url, timeout=120) as client:
        yield client


@pytest.fixture
def fresh_worker(settings: Settings, state_dir: Path,
                 base_url: str) -> Iterator[Iterator[str]]:
    """API workers of their own (own drivers, same state), as another process of
    ``kingraph serve --workers N`` or another machine behind a load balancer: each
    ``next()`` stops the previous one and yields the URL of a new one."""
    def workers() -> Iterator[str]:
        while True:
            with serving(api_settings(settings, state_dir)) as url:
                yield url
    started = workers()
    yield started
    started.close()


def test_every_route_reads_as_read_and_writes_as_write(
        http: httpx.Client, role_keys: Keys, sample: Sample) -> None:
    researcher = role_keys.headers(Role.RESEARCHER, "research:KG-ROUTING")
    couples = http.get("/v1/thalassemia/couples?limit=5", headers=researcher).json()["items"]
    refs = (couples[0]["husband"]["ref"], couples[0]["wife"]["ref"])
    walked = set()
    with recording() as traffic:
        for route, (role, (method, url, kwargs)) in audited_calls(sample).items():
            got = http.request(method, url, headers=role_keys.headers(role), **kwargs)
            assert got.status_code < 500, (route, got.status_code)
            walked.add(route)
        for route, calls in researcher_calls(refs).items():
            for method, url, kwargs in calls:
                got = http.request(method, url, headers=researcher, **kwargs)
                assert got.status_code == 200, (route, got.status_code)
            walked.add(route)
        assert http.get("/v1/loads", headers=role_keys.headers(Role.ADMIN)).status_code == 200
        walked.add(("GET", "/v1/loads"))
        # The policy table's routes read a file, not the graph: walked for completeness.
        assert http.get("/v1/policy", headers=role_keys.headers(Role.OFFICER)).status_code == 200
        walked.add(("GET", "/v1/policy"))
        checked = http.post("/v1/policy/check", json={"table_text": "{}"},
                            headers=role_keys.headers(Role.ADMIN))
        assert checked.status_code == 422, checked.text  # a table without versions
        walked.add(("POST", "/v1/policy/check"))
    served = _served(traffic.transactions)
    assert misrouted(served) == []
    assert all(t.failure is None for t in served), {t.failure for t in served}
    # The walk's writes are asked so that they change nothing (unknown ids, a permit
    # before the marriage): then nothing at all goes to the primary.
    assert len(served) >= 25 and all(t.mode == "r" for t in served)
    assert {(r.method, r.path) for r in catalogue()} == walked  # every route was walked


def test_a_decision_is_read_on_another_worker_after_its_bookmark(
        http: httpx.Client, role_keys: Keys, fresh_worker: Iterator[str]) -> None:
    officer = role_keys.headers(Role.OFFICER)
    item = http.get("/v1/reviews?limit=1&kind=possible_match",
                    headers=officer).json()["items"][0]
    url = f"/v1/reviews/{item['review_id']}"
    with recording() as traffic:
        accepted = http.post(f"{url}/decision", json={"decision": "no_link"},
                             headers=officer)
        assert accepted.status_code == 202, accepted.text
        # The write happens later, in the job: its request has no bookmark to give.
        assert "X-Bookmarks" not in accepted.headers
        location = accepted.headers["Location"]
        ended = _ended(http, location, officer)
    assert ended.json()["status"] == "succeeded", ended.text
    writes = [t for t in _served(traffic.transactions) if t.wrote]
    # The ended job answers with the bookmark of the decision's last write.
    assert writes and ended.headers["X-Bookmarks"] == writes[-1].bookmark
    bookmark = ended.headers["X-Bookmarks"]
    # Polled with it, the job answers the same bookmark (merged, not grown).
    again = http.get(location, headers={**officer, "X-Bookmarks": bookmark})
    assert again.headers["X-Bookmarks"] == bookmark
    # Worker B, without the header: its fresh drivers wait for nothing.
    with httpx.Client(base_url=next(fresh_worker), timeout=60) as b, recording() as alone:
        assert b.get(url, headers=officer).status_code == 200
    assert [t.sent for t in _served(alone.transactions)][:1] == [()]
    # Worker C, with it: every read of the request waits for the decision.
    with httpx.Client(base_url=next(fresh_worker), timeout=60) as c, recording() as carried:
        got = c.get(url, headers={**officer, "X-Bookmarks": bookmark})
    assert got.status_code == 200 and got.json()["status"] == "decided"
    assert got.headers["X-Bookmarks"] == bookmark  # echoed, for the client's next request
    served = _served(carried.transactions)
    assert served and all(bookmark in t.sent and t.mode == "r" for t in served)


@pytest.fixture
def cases(driver: neo4j.Driver, database: str) -> Iterator[dict[str, case_graph.LoadedCase]]:
    """The eligibility cases in the graph, by name (removed afterwards)."""
    loaded = case_graph.load(driver, database, list(CASES))
    yield {c.case.name: c for c in loaded}
    case_graph.unload(driver, database)


def test_an_issuance_is_read_on_another_worker_after_its_bookmark(
        http: httpx.Client, role_keys: Keys, fresh_worker: Iterator[str],
        cases: dict[str, case_graph.LoadedCase], driver: neo4j.Driver, database: str) -> None:
    officer = role_keys.headers(Role.OFFICER)
    item = cases["second_child_2017"]
    couple = {"husband": item.husband, "wife": item.wife, "as_of": "2017-06-01"}
    issued = http.post("/v1/permits", json=couple, headers=officer)
    assert issued.status_code == 200, issued.text
    permit_no = issued.json()["permit_no"]
    try:
        assert permit_no is not None
        bookmark = issued.headers["X-Bookmarks"]
        with httpx.Client(base_url=next(fresh_worker), timeout=60) as c, \
                recording() as carried:
            listed = c.get("/v1/permits?limit=500",
                           headers={**officer, "X-Bookmarks": bookmark})
            # the eligibility route reads through the worker's coalescer: it waits too
            again = c.post("/v1/eligibility", json=couple,
                           headers={**officer, "X-Bookmarks": bookmark})
        assert listed.status_code == 200 and again.status_code == 200, again.text
        assert any(e["permit_no"] == permit_no for e in listed.json()["items"])
        served = _served(carried.transactions)
        assert len(served) >= 2 and all(bookmark in t.sent for t in served)
    finally:
        write(driver, database, "drop_permit", DROP_PERMIT, permit_no=permit_no)


def test_bookmarks_a_client_should_not_hold(http: httpx.Client, role_keys: Keys,
                                            driver: neo4j.Driver, database: str) -> None:
    officer = role_keys.headers(Role.OFFICER)
    bad = http.get("/v1/reviews?limit=1", headers={**officer, "X-Bookmarks": "<b>,x y"})
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_request")
    never = http.get("/v1/reviews?limit=1", headers={**officer, "X-Bookmarks": "FB:nope"})
    assert (never.status_code, never.json()["code"]) == (400, "bookmark_invalid")
    flow = Flow()
    with following(flow):
        write(driver, database, "touch", TOUCH)
    write(driver, database, "untouch", UNTOUCH)
    ahead = _ahead(next(iter(flow.bookmarks)))
    behind = http.get("/v1/reviews?limit=1", headers={**officer, "X-Bookmarks": ahead})
    assert (behind.status_code, behind.json()["code"]) == (503, "graph_behind")
    assert behind.headers["Retry-After"] == "1"
    # No header, no bookmarks: a read-only request does not invent one.
    plain = http.get("/v1/reviews?limit=1", headers=officer)
    assert plain.status_code == 200 and "X-Bookmarks" not in plain.headers
