"""Every personal-data call leaves an audit record; admins query it; it survives restarts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from api.keys import Role
from kingraph.settings import Settings
from tests.integration.api.conftest import Keys, People, api_settings, make_keys, serving


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
    response = client.get("/v1/persons", params={"name": "王小明", "birth_date": "1990-05-17"},
                          headers=role_keys.headers(Role.SERVICE, "integration"))
    returned = {i["person"]["pid"] for i in response.json()["items"]}
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.SERVICE],
                   route="/v1/persons")["items"][0]
    assert set(entry["pids"]) == returned and people.wang.pid in returned


def test_a_failed_read_is_audited_with_its_status(client: httpx.Client, role_keys: Keys) -> None:
    client.get("/v1/persons/kgtest-missing", headers=role_keys.headers(Role.OFFICER, "tracing"))
    entry = _audit(client, role_keys, key_id=role_keys.ids[Role.OFFICER])["items"][0]
    assert (entry["status"], entry["purpose"], entry["pids"]) == (404, "tracing", [])


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
