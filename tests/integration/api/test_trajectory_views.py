"""``/v1/persons/{ref}/trajectory?view=``: all episodes, registration only, or where lived.

On persons of the synthetic province who have both household registration and
recorded residence (cohabitation) episodes, so the views differ.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from tests.integration.api.conftest import Keys
from tests.integration.synthetic import LoadedDrop

WITH_BOTH = """
MATCH (p:Person) WHERE EXISTS { (p)-[:LIVED_AT]->() } AND EXISTS { (p)-[:MEMBER_OF]->() }
RETURN p.pid AS pid ORDER BY pid LIMIT 12
"""


@pytest.fixture(scope="module")
def pids(driver: neo4j.Driver, database: str, synthetic: LoadedDrop) -> list[str]:
    """Persons with registration and residence episodes."""
    found = [r["pid"] for r in driver.execute_query(WITH_BOTH, database_=database).records]
    assert len(found) == 12, "the synthetic drop should have cohabitation rows"
    return found


def _get(client: httpx.Client, keys: Keys, pid: str, view: str) -> dict[str, Any]:
    # As another government service would call it: the service role's rate limit
    # leaves room for the many calls here (an officer's key allows 20 a second).
    got = client.get(f"/v1/persons/{pid}/trajectory", params={"view": view},
                     headers=keys.headers(Role.SERVICE))
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    assert body["view"] == view and body["count"] == len(body["items"])
    return body


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def test_registered_view_is_the_registration_episodes_of_all(
        client: httpx.Client, role_keys: Keys, pids: list[str]) -> None:
    for pid in pids:
        every = _get(client, role_keys, pid, "all")["items"]
        registered = _get(client, role_keys, pid, "registered")["items"]
        assert registered == [e for e in every if e["kind"] == "registration"]
        assert any(e["kind"] == "residence" for e in every)


def test_lived_view_is_one_timeline_that_keeps_every_residence(
        client: httpx.Client, role_keys: Keys, pids: list[str]) -> None:
    for pid in pids:
        every = _get(client, role_keys, pid, "all")["items"]
        lived = _get(client, role_keys, pid, "lived")["items"]
        residences = [e for e in every if e["kind"] == "residence"]
        # Every recorded residence is where the person lived, unchanged (but whether it
        # continues the stay before it depends on the view's timeline).
        def same(e: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in e.items() if k != "continues"}

        assert [same(e) for e in lived if e["kind"] == "residence"] == \
            [same(e) for e in residences]
        # Registration fills only the time no residence covers: no two places at once.
        for e in lived:
            if e["kind"] != "registration":
                continue
            start, end = _day(e["start"]) or date.min, _day(e["end"]) or date.max
            for r in residences:
                r_start, r_end = _day(r["start"]) or date.min, _day(r["end"]) or date.max
                assert end <= r_start or r_end <= start, (pid, e, r)
        starts = [_day(e["start"]) or date.min for e in lived]
        assert starts == sorted(starts)


def test_unknown_view_is_422(client: httpx.Client, role_keys: Keys, pids: list[str]) -> None:
    got = client.get(f"/v1/persons/{pids[0]}/trajectory", params={"view": "everything"},
                     headers=role_keys.headers(Role.OFFICER))
    assert got.status_code == 422
    assert got.headers["content-type"].startswith("application/problem+json")
