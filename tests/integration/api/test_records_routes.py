"""``/v1/persons/{ref}/records`` over HTTP: provenance, masking per role, audit, refusals.

Two marked rows are written for the session's test persons: a marriage row naming
王小明 (husband) and 李华 (wife), and a household row naming 王小明 with an address.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from tests.integration.api.conftest import Keys, People

CREATE_ROWS = """
UNWIND $rows AS row
CREATE (r:Record) SET r = row.props, r.kg_test_marker = $marker
WITH r, row UNWIND row.mentions AS m
MATCH (p:Person {pid: m.pid})
CREATE (r)-[:MENTIONS {role: m.role, link: 'test'}]->(p)
"""
DELETE_ROWS = "MATCH (r:Record {kg_test_marker: $marker}) DETACH DELETE r"
ADDRESS = "海口市秀英区测试路1号"


@pytest.fixture(scope="module")
def rows(driver: neo4j.Driver, database: str, people: People) -> Iterator[dict[str, str]]:
    """The two marked rows, by name: their record keys."""
    marker = uuid.uuid4().hex[:10]
    wang, li = people.wang, people.li
    marriage: dict[str, object] = {
                "feed": "marriage", "source": "kgtest", "record_id": f"M{marker}",
                "key": f"marriage|kgtest|M{marker}", "file": "marriage.csv", "line": 7,
                "data": json.dumps({"husband_id_number": wang.id_number, "husband_name": wang.name,
                                    "wife_id_number": li.id_number, "wife_name": li.name,
                                    "event": "登记结婚", "division_code": "460105"})}
    household: dict[str, object] = {
                 "feed": "household", "source": "kgtest", "record_id": f"H{marker}",
                 "key": f"household|kgtest|H{marker}", "file": "household.csv", "line": 3,
                 "data": json.dumps({"id_number": wang.id_number, "name": wang.name,
                                     "address": ADDRESS, "household_id": "HH-TEST"})}
    payload = [{"props": marriage, "mentions": [{"pid": wang.pid, "role": "husband"},
                                                {"pid": li.pid, "role": "wife"}]},
               {"props": household, "mentions": [{"pid": wang.pid, "role": "person"}]}]
    driver.execute_query(CREATE_ROWS, rows=payload, marker=marker, database_=database)
    yield {"marriage": str(marriage["key"]), "household": str(household["key"])}
    driver.execute_query(DELETE_ROWS, marker=marker, database_=database)


def _get(client: httpx.Client, keys: Keys, role: Role, ref: str) -> httpx.Response:
    return client.get(f"/v1/persons/{ref}/records", headers=keys.headers(role))


def _by_key(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in body["items"]}


def test_officer_sees_provenance_and_masked_id_numbers(
        client: httpx.Client, role_keys: Keys, people: People, rows: dict[str, str]) -> None:
    got = _get(client, role_keys, Role.OFFICER, people.wang.pid)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["count"] == 2 and body["pid"] == people.wang.pid
    marriage = _by_key(body)[rows["marriage"]]
    assert marriage["mention"] == rows["marriage"] + "|husband"
    assert (marriage["role"], marriage["feed"], marriage["file"], marriage["line"]) == (
        "husband", "marriage", "marriage.csv", 7)
    number = people.li.id_number  # masked: first 4 and last 4 kept (14 = 4 + 10 stars)
    assert marriage["data"]["wife_id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert marriage["data"]["wife_name"] == people.li.name  # officers work with names
    assert marriage["masked"] == ["husband_id_number", "wife_id_number"]
    assert sorted(marriage["persons"]) == sorted([people.wang.pid, people.li.pid])
    assert people.wang.id_number not in got.text and people.li.id_number not in got.text


def test_service_sees_numbers_but_no_names_or_addresses(
        client: httpx.Client, role_keys: Keys, people: People, rows: dict[str, str]) -> None:
    got = _get(client, role_keys, Role.SERVICE, people.wang.pid).json()
    household = _by_key(got)[rows["household"]]
    assert household["data"]["id_number"] == people.wang.id_number
    assert household["data"]["name"] is None and household["data"]["address"] is None
    assert household["masked"] == ["address", "name"]
    assert ADDRESS not in json.dumps(got, ensure_ascii=False)


def test_admin_sees_the_row_as_loaded(client: httpx.Client, role_keys: Keys, people: People,
                                      rows: dict[str, str]) -> None:
    got = _get(client, role_keys, Role.ADMIN, people.li.pid).json()
    assert [i["key"] for i in got["items"]] == [rows["marriage"]]  # not the household row
    item = got["items"][0]
    assert item["role"] == "wife" and item["masked"] == []
    assert item["data"]["wife_id_number"] == people.li.id_number


def test_never_by_id_number_in_the_url(client: httpx.Client, role_keys: Keys, people: People,
                                       rows: dict[str, str]) -> None:
    got = _get(client, role_keys, Role.OFFICER, people.li.id_number)
    assert (got.status_code, got.json()["code"]) == (400, "id_number_in_url")
    assert people.li.id_number not in got.text
    assert got.headers["cache-control"] == "no-store"


def test_researchers_may_not_read_rows(client: httpx.Client, role_keys: Keys, people: People,
                                       rows: dict[str, str]) -> None:
    got = _get(client, role_keys, Role.RESEARCHER, people.wang.pid)
    assert got.status_code == 403
    assert got.headers["content-type"].startswith("application/problem+json")


def test_unknown_person_is_404(client: httpx.Client, role_keys: Keys) -> None:
    got = _get(client, role_keys, Role.OFFICER, "kgtest-nobody")
    assert got.status_code == 404
    assert got.json()["code"] == "person_not_found"


def test_every_person_a_row_names_is_audited(client: httpx.Client, role_keys: Keys,
                                             people: People, rows: dict[str, str]) -> None:
    assert _get(client, role_keys, Role.OFFICER, people.wang.pid).status_code == 200
    page = client.get("/v1/audit", params={"route": "/v1/persons/{ref}/records", "limit": 1,
                                           "key_id": role_keys.ids[Role.OFFICER]},
                      headers=role_keys.headers(Role.ADMIN, "oversight")).json()
    assert sorted(page["items"][0]["pids"]) == sorted([people.wang.pid, people.li.pid])
