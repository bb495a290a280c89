"""Person routes over HTTP against the real graph: shaping per role, search, errors."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import httpx
import pytest

from api import state
from api.audit import AuditEntry, insert
from api.keys import Role
from api.pseudonyms import Pseudonymizer, load_secret
from tests.integration.api.conftest import Keys, People


def _masked(number: str) -> str:
    # Display rule: the first four and last four characters, the rest starred.
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def test_officer_sees_name_and_masked_number(client: httpx.Client, role_keys: Keys,
                                             people: People) -> None:
    got = client.get(f"/v1/persons/{people.wang.pid}", headers=role_keys.headers(Role.OFFICER))
    # A person's data is never kept by a browser or a proxy cache.
    assert got.status_code == 200 and got.headers["cache-control"] == "no-store"
    assert got.headers["pragma"] == "no-cache"
    body = got.json()
    assert body["kind"] == "public" and body["name"] == "王小明"
    assert body["id_number"] == _masked(people.wang.id_number) and body["id_number_masked"]
    assert people.wang.id_number not in str(body)
    assert body["birth_date"] == "1990-05-17"


def test_admin_sees_the_full_number(client: httpx.Client, role_keys: Keys,
                                    people: People) -> None:
    body = client.get(f"/v1/persons/{people.wang.pid}",
                      headers=role_keys.headers(Role.ADMIN)).json()
    assert body["id_number"] == people.wang.id_number and not body["id_number_masked"]


def test_service_gets_the_number_but_no_name(client: httpx.Client, role_keys: Keys,
                                             people: People) -> None:
    response = client.get(f"/v1/persons/{people.wang.pid}",
                          headers=role_keys.headers(Role.SERVICE))
    assert response.json()["id_number"] == people.wang.id_number
    assert response.json()["name"] is None and "王小明" not in response.text


def _issue_pseudonym(state_dir: Path, pid: str) -> str:
    """What a researcher route (worklists, flows) does when it hands out a person."""
    ref = Pseudonymizer(load_secret(state_dir)).of(pid)
    entry = AuditEntry("test", "GET", "/v1/elsewhere", "research", [pid], status=200)
    entry.issued[ref] = pid
    with closing(state.connect(state_dir / "service.db")) as conn:
        insert(conn, [entry])
    return ref


def test_researcher_never_receives_a_name_or_number(client: httpx.Client, role_keys: Keys,
                                                    people: People, state_dir: Path) -> None:
    ref = _issue_pseudonym(state_dir, people.wang.pid)
    response = client.get(f"/v1/persons/{ref}",
                          headers=role_keys.headers(Role.RESEARCHER, "research"))
    assert response.status_code == 200
    body = response.json()
    assert body == {"kind": "pseudonymous", "ref": ref, "sex": people.wang.sex,
                    "ethnicity": "01", "birth_year": 1990, "death_year": None}
    for secret in ("王小明", people.wang.id_number, people.wang.pid, "1990-05-17"):
        assert secret not in response.text


def test_researcher_cannot_use_a_real_pid(client: httpx.Client, role_keys: Keys,
                                          people: People) -> None:
    response = client.get(f"/v1/persons/{people.wang.pid}",
                          headers=role_keys.headers(Role.RESEARCHER, "research"))
    assert response.status_code == 404 and "王小明" not in response.text


def test_unknown_person_is_a_404_problem(client: httpx.Client, role_keys: Keys) -> None:
    response = client.get("/v1/persons/kgtest-nobody", headers=role_keys.headers(Role.OFFICER))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "person_not_found"


def test_find_by_id_number(client: httpx.Client, role_keys: Keys, people: People) -> None:
    body = client.post("/v1/persons/search", json={"id_number": people.li.id_number},
                      headers=role_keys.headers(Role.OFFICER)).json()
    assert body["count"] == body["total"] == 1
    [item] = body["items"]
    assert item["person"]["pid"] == people.li.pid and item["match"] == "id_number"


def test_find_by_legacy_15_digit_number(client: httpx.Client, role_keys: Keys,
                                        people: People) -> None:
    # GB 11643 legacy form: drop the century (positions 7-8) and the check character.
    legacy = people.li.id_number[:6] + people.li.id_number[8:17]
    body = client.post("/v1/persons/search", json={"id_number": legacy},
                      headers=role_keys.headers(Role.SERVICE)).json()
    assert [i["person"]["pid"] for i in body["items"]] == [people.li.pid]


def test_find_by_name_and_birth_date_gives_fuzzy_candidates(
        client: httpx.Client, role_keys: Keys, people: People) -> None:
    body = client.post("/v1/persons/search", json={"name": "王小明", "birth_date": "1990-05-17"},
                      headers=role_keys.headers(Role.OFFICER)).json()
    ours = [i for i in body["items"] if i["person"]["pid"].startswith("kgtest-")]
    assert [(i["person"]["pid"], i["match"]) for i in ours] == [
        (people.wang.pid, "exact_name"), (people.wang_alike.pid, "fuzzy_name")]
    assert ours[0]["score"] == 100 and ours[1]["score"] < 100
    assert people.wang_other_day.pid not in str(body)


def test_find_pages(client: httpx.Client, role_keys: Keys, people: People) -> None:
    params = {"name": "王小明", "birth_date": "1990-05-17", "limit": 1, "offset": 1}
    body = client.post("/v1/persons/search", json=params,
                      headers=role_keys.headers(Role.OFFICER)).json()
    assert (body["count"], body["limit"], body["offset"]) == (1, 1, 1)
    assert body["total"] >= 2


@pytest.mark.parametrize("number", ["460105199005170110", "4601051990051701", "4601x5199005170"],
                         ids=["bad-check", "16-digits", "letter"])
def test_invalid_id_number_is_422_naming_the_field(client: httpx.Client, role_keys: Keys,
                                                   number: str) -> None:
    response = client.post("/v1/persons/search", json={"id_number": number},
                          headers=role_keys.headers(Role.OFFICER))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and body["reason"] == "invalid_fields"
    assert [(e["field"], e["reason"]) for e in body["errors"]] == [("id_number",
                                                                    "id_number_invalid")]
    assert number not in response.text


def test_a_search_by_name_alone_says_why_in_a_code(client: httpx.Client,
                                                    role_keys: Keys) -> None:
    response = client.post("/v1/persons/search", json={"name": "王小明"},
                           headers=role_keys.headers(Role.OFFICER))
    assert response.status_code == 422
    assert [e["reason"] for e in response.json()["errors"]] == \
        ["id_number_or_name_and_birth_date"]


@pytest.mark.parametrize("params", [
    {"name": "' OR 1=1 //", "birth_date": "1990-05-17"},
    {"name": "王小明\"}) MATCH (n) DETACH DELETE n //", "birth_date": "1990-05-17"},
    {"name": "\x00\x1b[2J", "birth_date": "1990-05-17"},
], ids=["sql-style", "cypher-breakout", "control-chars"])
def test_injection_in_search_finds_nothing_and_changes_nothing(
        client: httpx.Client, role_keys: Keys, people: People,
        params: dict[str, str]) -> None:
    response = client.post("/v1/persons/search", json=params,
                          headers=role_keys.headers(Role.OFFICER))
    assert response.status_code in (200, 422)
    still = client.get(f"/v1/persons/{people.wang.pid}", headers=role_keys.headers(Role.OFFICER))
    assert still.status_code == 200


@pytest.mark.parametrize("params", [
    {"name": "王" * 41, "birth_date": "1990-05-17"},
    {"name": "王小明", "birth_date": "1990-13-40"},
    {"name": "王小明"},
    {"id_number": "1" * 5000},
    {"id_number": "11010519491231002X", "limit": 100000},
    {"id_number": "11010519491231002X", "offset": -1},
    {"id_number": "11010519491231002X", "surprise": "1"},
], ids=["long-name", "bad-date", "name-only", "huge-number", "limit-too-big", "negative-offset",
        "unknown-param"])
def test_bad_search_input_is_422_never_500(client: httpx.Client, role_keys: Keys,
                                           params: dict[str, object]) -> None:
    response = client.post("/v1/persons/search", json=params,
                           headers=role_keys.headers(Role.OFFICER))
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("ref", ["a" * 65, "x' OR 1=1", "%00", "ab cd"],
                         ids=["too-long", "quote", "nul", "space"])
def test_bad_person_ref_is_4xx(client: httpx.Client, role_keys: Keys, ref: str) -> None:
    response = client.get(f"/v1/persons/{ref}", headers=role_keys.headers(Role.OFFICER))
    assert 400 <= response.status_code < 500
