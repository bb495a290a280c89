"""The API over real HTTP: uvicorn on a loopback port, the real test Neo4j, a
temporary state directory per session, and a small set of marked Person nodes."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest
import uvicorn
from fastapi import FastAPI

from api import keys, state
from api.app import create_app
from api.keys import Role
from kingraph import ids
from kingraph.settings import Settings
from tests.integration.cluster import routing_settings
from tests.integration.synthetic import LoadedDrop

CREATE_PEOPLE = """UNWIND $rows AS row
CREATE (p:Person) SET p = row, p.kg_test_marker = $marker"""
DELETE_PEOPLE = "MATCH (p:Person {kg_test_marker: $marker}) DETACH DELETE p"


@dataclass(frozen=True)
class Someone:
    """A test person as written to the graph."""

    pid: str
    name: str
    id_number: str
    birth_date: date
    sex: str


@dataclass(frozen=True)
class People:
    """The marked test persons."""

    wang: Someone       # 王小明, born 1990-05-17
    wang_alike: Someone  # 王晓明, same day: a fuzzy candidate
    wang_other_day: Someone  # 王小明, born a day later: never a candidate
    li: Someone  # 李华, born 1985-11-02, recorded with a legacy-upgradable number


def _someone(marker: str, n: int, name: str, born: date, seq: int) -> Someone:
    return Someone(f"kgtest-{marker}-{n}", name, ids.make("460105", born, seq), born,
                   "1" if seq % 2 else "2")


@pytest.fixture(scope="session")
def people(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> Iterator[People]:
    """Four persons with a unique marker, deleted afterwards (made after the session's
    synthetic province is loaded, which wipes the graph first)."""
    marker = uuid.uuid4().hex[:12]
    group = People(
        _someone(marker, 1, "王小明", date(1990, 5, 17), 11),
        _someone(marker, 2, "王晓明", date(1990, 5, 17), 13),
        _someone(marker, 3, "王小明", date(1990, 5, 18), 15),
        _someone(marker, 4, "李华", date(1985, 11, 2), 22),
    )
    rows = [{"pid": s.pid, "name": s.name, "id_number": s.id_number, "sex": s.sex,
             "birth_date": s.birth_date, "ethnicity": "01"} for s in vars(group).values()]
    driver.execute_query(CREATE_PEOPLE, rows=rows, marker=marker, database_=database)
    yield group
    driver.execute_query(DELETE_PEOPLE, marker=marker, database_=database)


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(settings: Settings, app: FastAPI | None = None) -> Iterator[str]:
    """Run the app (made from ``settings`` unless given) with uvicorn in a thread on a
    free loopback port; yield its URL."""
    config = uvicorn.Config(app or create_app(settings), host="127.0.0.1", port=_free_port(),
                            access_log=False, log_config=None, ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def api_settings(base: Settings, state_dir: Path, **overrides: object) -> Settings:
    """The session's Neo4j over ``neo4j://`` (routing, as a cluster is reached: so a
    write sent in a READ transaction fails the test that makes it), with a private
    state directory.  No answers are made in advance (``api_warm_every_s`` 0) unless
    asked: a worker's own background reads would move the driver's bookmarks and the
    global ``random`` state that tests of traffic and the fuzzer observe
    (tests/integration/api/test_warm.py tests the warm-up)."""
    return routing_settings(base).model_copy(update={
        "api_state_dir": state_dir, "api_warm_every_s": 0.0, **overrides})


@dataclass(frozen=True)
class Keys:
    """One raw key per role, plus their ids."""

    raw: dict[Role, str]
    ids: dict[Role, str]

    def headers(self, role: Role, purpose: str | None = "casework") -> dict[str, str]:
        """Bearer auth for a role, with an X-Purpose unless None."""
        out = {"Authorization": f"Bearer {self.raw[role]}"}
        if purpose is not None:
            out["X-Purpose"] = purpose
        return out


def make_keys(state_dir: Path) -> Keys:
    """Create one key per role in a state directory."""
    with closing(state.connect(state_dir / "service.db")) as conn:
        made = {role: keys.create(conn, role, f"test {role.value}") for role in Role}
    return Keys({r: raw for r, (_, raw) in made.items()},
                {r: key.key_id for r, (key, _) in made.items()})


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's service state directory (keys, audit, pseudonym key)."""
    return tmp_path_factory.mktemp("service-state")


@pytest.fixture(scope="session")
def role_keys(state_dir: Path) -> Keys:
    """Keys for every role in the session state."""
    return make_keys(state_dir)


@pytest.fixture(scope="session")
def base_url(settings: Settings, state_dir: Path, role_keys: Keys,
             people: People) -> Iterator[str]:
    """The session's API server."""
    with serving(api_settings(settings, state_dir)) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client for the session's server."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        yield http




def follow(client: httpx.Client, accepted: httpx.Response, headers: dict[str, str],
           timeout: float = 300.0) -> dict[str, Any]:
    """Follow a 202's job (``Location``) until it ends; its last state."""
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["location"]
    assert location == f"/v1/jobs/{accepted.json()['job_id']}"
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(location, headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']} at {job['progress']}"
        time.sleep(0.25)


def audit_person_pages(client: httpx.Client, headers: dict[str, str], entry_id: int,
                       limit: int) -> Iterator[dict[str, Any]]:
    """Every page of ``/v1/audit/{entry_id}/persons`` (``limit`` pids each), in order."""
    after = None
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"after": after} if after else {})
        got = client.get(f"/v1/audit/{entry_id}/persons", params=params, headers=headers)
        assert got.status_code == 200, got.status_code
        page: dict[str, Any] = got.json()
        yield page
        after = page["next_after"]
        if after is None:
            return


def decide(client: httpx.Client, headers: dict[str, str], review_id: str,
           decision: str, records: list[str] | None = None) -> dict[str, Any]:
    """Decide a review item as the page does (a merge previewed and confirmed first) and
    wait for its job; the job's last state."""
    body: dict[str, Any] = {"decision": decision, "records": records or []}
    if decision == "link":
        preview = client.post(f"/v1/reviews/{review_id}/preview", json=body, headers=headers)
        assert preview.status_code == 200, preview.text
        body["confirmation"] = preview.json()["confirmation"]
    accepted = client.post(f"/v1/reviews/{review_id}/decision", json=body, headers=headers)
    return follow(client, accepted, headers)
