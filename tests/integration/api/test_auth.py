"""Who may call: 401 without a valid key, 403 for the wrong role, 400 without a purpose."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import httpx
import pytest

from api import keys, state
from api.keys import Role
from tests.integration.api.conftest import Keys, People

PROBLEM = "application/problem+json"


def _is_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == code and response.json()["status"] == status


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer x"}, {"Authorization": "Bearer kg_0000000000000000_nope"},
    {"X-API-Key": "not-a-key"}, {"Authorization": "Basic dXNlcjpwdw=="},
])
def test_no_or_bad_key_is_401(client: httpx.Client, people: People,
                              headers: dict[str, str]) -> None:
    response = client.get(f"/v1/persons/{people.wang.pid}",
                          headers={**headers, "X-Purpose": "casework"})
    _is_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def test_the_x_api_key_header_works_too(client: httpx.Client, role_keys: Keys,
                                        people: People) -> None:
    response = client.get(f"/v1/persons/{people.wang.pid}",
                          headers={"X-API-Key": role_keys.raw[Role.OFFICER],
                                   "X-Purpose": "casework"})
    assert response.status_code == 200


def test_a_revoked_key_is_401_from_the_next_request(client: httpx.Client, state_dir: Path,
                                                    people: People) -> None:
    with closing(state.connect(state_dir / "service.db")) as conn:
        key, raw = keys.create(conn, Role.OFFICER, "to revoke")
        headers = {"Authorization": f"Bearer {raw}", "X-Purpose": "casework"}
        assert client.get(f"/v1/persons/{people.wang.pid}", headers=headers).status_code == 200
        keys.revoke(conn, key.key_id)
    _is_problem(client.get(f"/v1/persons/{people.wang.pid}", headers=headers),
                401, "unauthenticated")


@pytest.mark.parametrize(("role", "method", "path", "body"), [
    (Role.RESEARCHER, "POST", "/v1/persons/search",
     {"name": "王小明", "birth_date": "1990-05-17"}),
    (Role.SERVICE, "POST", "/v1/persons/search", {"name": "王小明", "birth_date": "1990-05-17"}),
    (Role.OFFICER, "GET", "/v1/audit", None),
    (Role.SERVICE, "GET", "/v1/audit", None),
    (Role.RESEARCHER, "GET", "/v1/audit", None),
], ids=["researcher-find", "service-find-by-name", "officer-audit", "service-audit",
        "researcher-audit"])
def test_wrong_role_is_403(client: httpx.Client, role_keys: Keys, role: Role, method: str,
                           path: str, body: dict[str, str] | None) -> None:
    headers = role_keys.headers(role, "research" if role is Role.RESEARCHER else "oversight")
    got = client.request(method, path, json=body, headers=headers)
    _is_problem(got, 403, "forbidden")
    assert "王小明" not in got.text


@pytest.mark.parametrize("purpose", [None, "", "checking on 王小明", "x" * 200, "curiosity",
                                     "casework:46010519900517011X"],
                         ids=["absent", "empty", "prose", "too-long", "unlisted",
                              "id-number-as-case"])
def test_personal_data_needs_a_purpose_code(client: httpx.Client, role_keys: Keys,
                                            people: People, purpose: str | None) -> None:
    headers = role_keys.headers(Role.OFFICER, purpose=None)
    if purpose is not None:
        headers["X-Purpose"] = purpose.encode()  # type: ignore[assignment]
    response = client.get(f"/v1/persons/{people.wang.pid}", headers=headers)
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "王小明" not in response.text
