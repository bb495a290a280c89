"""Every personal-data call leaves an audit record; admins query it; it survives restarts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from graphdb.connection import read
from kingraph.settings import Settings
from tests.integration.api.conftest import (
    Keys,
    People,
    api_settings,
    audit_person_pages,
    make_keys,
    serving,
)


def _audit(client: httpx.Client, keys: Keys, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/audit", params=params, headers=keys.headers(Role.ADMIN, "oversight"))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_profile_read_is_audited_with_purpose(client: httpx.Client, role_keys: Keys,
                                                people: People) -> None:
    purpose = "casework:CASE-2025-0042"
    assert client.get(f"/v1/persons/{people.li.pid}",
                      headers=role_keys.headers(Role.OFFICER, purpose)).status_code == 200
    page = _audit(client, role_keys, person=people.li.pid, key_id=role_keys.ids[Role.OFFICER],
                  route="/v1/persons/{ref}")
    entry = page["items"][0]
    assert (entry["purpose"], entry["status"], entry["method"]) == (purpose, 200, "GET")
    assert entry["pids"] == [people.li.pid]


def test_a_search_audits_every_person_returned(client: httpx.Client, role_keys: Keys,
                                               people: People) -> None:
    response = client.post("/v1/persons/search",
                           json={"name": "王小明", "birth_date": "1990-05-17"},
                           headers=role_keys.headers(Role.OFFICER, "casework"))
    returned = {i["person"]["pid"] for i in response.json()["items"]}
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.OFFICER],
                   route="/v1/persons/search")["items"][0]
    assert set(entry["pids"]) == returned and people.wang.pid in returned


def test_a_service_search_by_number_is_audited(client: httpx.Client, role_keys: Keys,
                                               people: People) -> None:
    response = client.post("/v1/persons/search", json={"id_number": people.li.id_number},
                           headers=role_keys.headers(Role.SERVICE, "matching"))
    assert [i["person"]["pid"] for i in response.json()["items"]] == [people.li.pid]
    assert response.json()["items"][0]["person"]["name"] is None  # services see no names
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.SERVICE],
                   route="/v1/persons/search")["items"][0]
    assert entry["pids"] == [people.li.pid] and entry["status"] == 200


def test_refused_attempts_are_audited(client: httpx.Client, role_keys: Keys,
                                      people: People) -> None:
    path = f"/v1/persons/{people.li.pid}"
    claimed = "0123456789abcdef"  # a key shaped like one, with a wrong secret
    client.get(path, headers={"Authorization": f"Bearer kg_{claimed}_wrong",
                              "X-Purpose": "casework"})  # 401
    client.get("/v1/audit", headers=role_keys.headers(Role.OFFICER, "oversight"))  # 403
    client.get(path, headers=role_keys.headers(Role.OFFICER, "curiosity"))  # 400
    refused = _audit(client, role_keys, key_id=claimed)["items"][0]
    assert (refused["status"], refused["route"], refused["pids"]) == (401, "/v1/persons/{ref}",
                                                                     [])
    officer = _audit(client, role_keys, key_id=role_keys.ids[Role.OFFICER], limit=5)["items"]
    assert {(e["route"], e["status"], e["purpose"]) for e in officer} >= {
        ("/v1/audit", 403, "oversight"), ("/v1/persons/{ref}", 400, "-")}


def test_a_case_reference_like_an_id_number_is_refused_and_never_stored(
        client: httpx.Client, role_keys: Keys, people: People) -> None:
    number = people.wang.id_number
    got = client.get(f"/v1/persons/{people.li.pid}",
                     headers=role_keys.headers(Role.OFFICER, f"casework:{number}"))
    assert (got.status_code, got.json()["code"]) == (400, "case_reference_refused")
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.OFFICER], limit=1)["items"][0]
    assert (entry["status"], entry["purpose"], entry["pids"]) == (400, "casework", [])
    text = client.get("/v1/audit", params={"limit": 200},
                      headers=role_keys.headers(Role.ADMIN, "oversight")).text
    assert number not in text and number[6:14] not in got.text


def test_a_rate_limited_call_is_audited(settings: Settings, people: People,
                                        tmp_path: Path) -> None:
    tight = api_settings(settings, tmp_path, api_rate_per_second={"officer": 0.001,
                                                                  "admin": 100.0},
                         api_rate_burst={"officer": 2, "admin": 100})
    keys = make_keys(tmp_path)
    with serving(tight) as url, httpx.Client(base_url=url) as http:
        statuses = [http.get(f"/v1/persons/{people.li.pid}",
                             headers=keys.headers(Role.OFFICER)).status_code for _ in range(3)]
        entries = _audit(http, keys, key_id=keys.ids[Role.OFFICER])["items"]
    assert statuses == [200, 200, 429]
    assert [e["status"] for e in entries] == [429, 200, 200]  # newest first
    assert entries[0]["pids"] == []


def test_a_failed_read_is_audited_with_its_status(client: httpx.Client, role_keys: Keys) -> None:
    client.get("/v1/persons/kgtest-missing", headers=role_keys.headers(Role.OFFICER, "oversight"))
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.OFFICER])["items"][0]
    assert (entry["status"], entry["purpose"], entry["pids"]) == (404, "oversight", [])


def test_a_researcher_read_is_audited_by_pid(client: httpx.Client, role_keys: Keys,
                                             people: People, state_dir: Path) -> None:
    from tests.integration.api.test_persons import _issue_pseudonym

    ref = _issue_pseudonym(state_dir, people.wang_alike.pid)
    client.get(f"/v1/persons/{ref}", headers=role_keys.headers(Role.RESEARCHER, "research"))
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.RESEARCHER])["items"][0]
    assert entry["pids"] == [people.wang_alike.pid]


def test_calls_refused_before_the_data_leave_no_person_behind(
        client: httpx.Client, role_keys: Keys, people: People) -> None:
    # (Admins' own audit searches by person are audited too: count the officer's only.)
    officer = role_keys.ids[Role.OFFICER]
    before = _audit(client, role_keys, person=people.wang_other_day.pid, key_id=officer)["total"]
    client.get(f"/v1/persons/{people.wang_other_day.pid}",
               headers=role_keys.headers(Role.OFFICER, purpose=None))  # no purpose: 400
    client.get(f"/v1/persons/{people.wang_other_day.pid}")  # no key: 401
    after = _audit(client, role_keys, person=people.wang_other_day.pid, key_id=officer)["total"]
    assert after == before


def test_the_audit_log_holds_ids_not_names(client: httpx.Client, role_keys: Keys,
                                           people: People) -> None:
    client.get(f"/v1/persons/{people.wang.pid}", headers=role_keys.headers(Role.ADMIN))
    text = client.get("/v1/audit", params={"limit": 200},
                      headers=role_keys.headers(Role.ADMIN, "oversight")).text
    for secret in ("王小明", "李华", people.wang.id_number, people.li.id_number):
        assert secret not in text


def test_time_filters_and_paging(client: httpx.Client, role_keys: Keys) -> None:
    newest = _audit(client, role_keys, limit=1)
    assert newest["count"] == 1 and newest["total"] >= 1
    at = newest["items"][0]["at"]
    later = _audit(client, role_keys, since=at)
    assert all(item["at"] >= at for item in later["items"])
    assert _audit(client, role_keys, until="2000-01-01T00:00:00Z")["total"] == 0


@pytest.mark.parametrize("params", [{"limit": 0}, {"since": "yesterday"}, {"who": "x"}],
                         ids=["limit-zero", "bad-time", "unknown-param"])
def test_bad_audit_filters_are_422(client: httpx.Client, role_keys: Keys,
                                   params: dict[str, object]) -> None:
    response = client.get("/v1/audit", params=params,
                          headers=role_keys.headers(Role.ADMIN, "oversight"))
    assert response.status_code == 422


def test_the_audit_log_survives_a_restart(settings: Settings, people: People,
                                          tmp_path: Path) -> None:
    config = api_settings(settings, tmp_path)
    keys = make_keys(tmp_path)
    with serving(config) as url, httpx.Client(base_url=url) as first:
        assert first.get(f"/v1/persons/{people.li.pid}",
                         headers=keys.headers(Role.OFFICER, "casework:before-restart")
                         ).status_code == 200
    with serving(config) as url, httpx.Client(base_url=url) as second:
        page = _audit(second, keys, person=people.li.pid)
    assert [e["purpose"] for e in page["items"]
            if e["key_id"] == keys.ids[Role.OFFICER]] == ["casework:before-restart"]


# The spouses of every marriage in force on a day: the couples an issuance run decides.
SPOUSES_ON = """
MATCH (h:Person)-[m:MARRIED]->(w:Person)
WHERE m.married_on <= $day AND (m.ended_on IS NULL OR m.ended_on > $day)
UNWIND [h.pid, w.pid] AS pid RETURN collect(DISTINCT pid) AS pids
"""
CLEAR_PERMITS = "MATCH (n) WHERE n:Permit OR n:PermitEvent DETACH DELETE n"


def test_an_issuance_run_audits_every_spouse_it_decided(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str) -> None:
    day = date(2020, 6, 1)
    expected = sorted(read(driver, database, "spouses_on", SPOUSES_ON, day=day)[0]["pids"])
    assert len(expected) > 250  # more than a search shows and than one page of persons
    admin = role_keys.headers(Role.ADMIN, "eligibility")
    try:
        run = client.post("/v1/permits/run", json={"as_of": day.isoformat()}, headers=admin)
    finally:  # the run writes permits; later tests expect none
        driver.execute_query(CLEAR_PERMITS, database_=database)
    assert run.status_code == 200, run.text
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.ADMIN],
                   route="/v1/permits/run", limit=1)["items"][0]
    assert (entry["status"], entry["pid_count"]) == (200, len(expected))
    assert entry["pids"] == expected[:100]  # a search shows the first 100, in pid order
    listed: list[str] = []
    for page in audit_person_pages(client, admin, entry["id"], 200):  # all, page by page
        assert page["total"] == len(expected)
        listed += page["items"]
    assert listed == expected
    # and the run is found by any one of the persons it decided on
    someone = expected[len(expected) // 2]
    found = _audit(client, role_keys, person=someone, route="/v1/permits/run")
    assert entry["id"] in [e["id"] for e in found["items"]]
    missing = client.get("/v1/audit/999999999/persons", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "audit_entry_not_found")
