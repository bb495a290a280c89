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


@pytest.mark.parametrize(("role", "path"), [
    (Role.RESEARCHER, "/v1/persons?name=王小明&birth_date=1990-05-17"),
    (Role.OFFICER, "/v1/audit"),
    (Role.SERVICE, "/v1/audit"),
    (Role.RESEARCHER, "/v1/audit"),
], ids=["researcher-find", "officer-audit", "service-audit", "researcher-audit"])
def test_wrong_role_is_403(client: httpx.Client, role_keys: Keys, role: Role,
                           path: str) -> None:
    _is_problem(client.get(path, headers=role_keys.headers(role)), 403, "forbidden")


@pytest.mark.parametrize("purpose", [None, "", "checking on 王小明", "x" * 200],
                         ids=["absent", "empty", "prose", "too-long"])
def test_personal_data_needs_a_purpose_code(client: httpx.Client, role_keys: Keys,
                                            people: People, purpose: str | None) -> None:
    headers = role_keys.headers(Role.OFFICER, purpose=None)
    if purpose is not None:
        headers["X-Purpose"] = purpose.encode()  # type: ignore[assignment]
    response = client.get(f"/v1/persons/{people.wang.pid}", headers=headers)
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "王小明" not in response.text
