"""The decision sheet, the policy table and its what-if over HTTP, on the eligibility cases
loaded into Neo4j (tests/unit/queries/eligibility_cases.py, decided from the policy text).

One case couple is given names, a registered division and department records for the
keys its edges cite, so that the sheet has something to show; every expectation is the
law's or the record's, written here."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from graphdb.connection import read, write
from queries.eligibility import policy
from tests.integration.api.conftest import Keys
from tests.integration.queries import case_graph
from tests.unit.queries.eligibility_cases import CASES

NAMED = """
MATCH (h:Person {pid: $h}) MATCH (w:Person {pid: $w})
SET h.name = '张伟', w.name = '林芳'
WITH h, w
MATCH (x:Person)-[m:MEMBER_OF]->() WHERE x IN [h, w] SET m.division_code = '460106'
"""
EDGE_RECORDS = """
MATCH (h:Person {pid: $h})-[m:MARRIED]->(w:Person {pid: $w})
MATCH (c:Person)-[k:CHILD_OF]->(w)
RETURN m.records AS marriage, m.married_on AS married_on, collect(k.records) AS children,
       collect(c.birth_date) AS born
"""
CREATE_RECORD = """
UNWIND $rows AS row
MERGE (r:Record {key: row.key}) SET r.feed = row.feed, r.source = row.source, r.data = row.data
"""
COUPLES_IN_FORCE = """
MATCH (h:Person)-[m:MARRIED]->(w:Person)
WHERE m.married_on <= $day AND (m.ended_on IS NULL OR m.ended_on > $day)
RETURN count(DISTINCT [h.pid, w.pid]) AS n
"""


@pytest.fixture(scope="module")
def cases(driver: neo4j.Driver, database: str) -> Iterator[dict[str, case_graph.LoadedCase]]:
    """The cases in the graph; 'second_child_2017' named, placed and with its records."""
    loaded = {c.case.name: c for c in case_graph.load(driver, database, list(CASES))}
    item = loaded["second_child_2017"]
    write(driver, database, "name_case", NAMED, h=item.husband, w=item.wife)
    (edges,) = read(driver, database, "edge_records", EDGE_RECORDS, h=item.husband,
                    w=item.wife)
    rows = [{"key": k, "feed": "marriage", "source": "civil_affairs",
             "data": f'{{"event": "marriage", "event_date": "{edges["married_on"]}"}}'}
            for k in edges["marriage"]]
    rows += [{"key": k, "feed": "birth", "source": "birth_platform",
              "data": f'{{"birth_date": "{born}"}}'}
             for keys, born in zip(edges["children"], edges["born"], strict=True) for k in keys]
    write(driver, database, "case_records", CREATE_RECORD, rows=rows)
    yield loaded
    case_graph.unload(driver, database)


def _sheet(client: httpx.Client, keys: Keys, item: case_graph.LoadedCase, as_of: str,
           swap: bool = False) -> httpx.Response:
    h, w = (item.wife, item.husband) if swap else (item.husband, item.wife)
    return client.post("/v1/eligibility/sheet", json={"husband": h, "wife": w, "as_of": as_of},
                       headers=keys.headers(Role.OFFICER))


def test_the_sheet_names_both_spouses_in_chinese_with_readable_evidence(
        client: httpx.Client, role_keys: Keys, cases: dict[str, case_graph.LoadedCase]) -> None:
    got = _sheet(client, role_keys, cases["second_child_2017"], "2017-06-01")
    assert got.status_code == 200, got.text
    sheet = got.json()
    husband, wife = sheet["husband"], sheet["wife"]
    assert (husband["person"]["name"], wife["person"]["name"]) == ("张伟", "林芳")
    assert husband["person"]["birth_date"] == "1975-01-01"  # the case builder's date
    assert husband["person"]["id_number"] is None or "*" in husband["person"]["id_number"]
    assert (husband["division"], husband["division_name"]) == ("460106", "龙华区")
    decision = sheet["decision"]
    # 2017, one child: the 2016 Hainan amendment's two children, by registration.
    assert (decision["outcome"], decision["child_order"], decision["child_order_couple"]) == (
        "eligible", 2, 2)
    assert decision["legal_basis"]["zh"].startswith("《海南省人口与计划生育条例》")
    assert decision["table_digest"] == policy.load().digest
    rows = {r["feed"]: r for r in sheet["evidence"]}
    marriage, birth = rows["marriage"], rows["birth"]
    assert marriage["record_type"]["zh"] == "婚姻登记（结婚登记）"
    assert marriage["department"]["zh"] == "民政婚姻登记"
    assert [p["zh"] for p in marriage["proves"]] == ["二人的婚姻登记"]
    assert birth["on"] == "2012-03-01" and birth["department"]["zh"] == "出生医学证明平台"
    assert [p["zh"] for p in birth["proves"]] == ["第1个子女的出生或亲子关系"]
    assert sheet["marriage"]["inferred"] is False


def test_a_man_given_as_the_wife_is_refused_naming_both_fields(
        client: httpx.Client, role_keys: Keys, cases: dict[str, case_graph.LoadedCase]) -> None:
    got = _sheet(client, role_keys, cases["second_child_2017"], "2017-06-01", swap=True)
    assert got.status_code == 422
    fields = {(e["field"], e["reason"]) for e in got.json()["errors"]}
    assert fields == {("husband", "not_male"), ("wife", "not_female")}


def test_a_day_before_the_marriage_or_beyond_the_table_is_refused(
        client: httpx.Client, role_keys: Keys, cases: dict[str, case_graph.LoadedCase]) -> None:
    item = cases["second_child_2017"]
    early = _sheet(client, role_keys, item, "1999-12-31")  # married 2000-01-01
    assert early.status_code == 422
    assert [e["reason"] for e in early.json()["errors"]] == ["before_marriage"]
    late = _sheet(client, role_keys, item, "2099-01-01")
    assert {e["reason"] for e in late.json()["errors"]} == {"outside_policy_range"}


def test_the_table_in_force_is_shown_to_officers(client: httpx.Client, role_keys: Keys) -> None:
    got = client.get("/v1/policy", headers=role_keys.headers(Role.OFFICER)).json()
    assert got["versions"][-1]["id"] == "HN2021"
    assert got["versions"][-1]["effective_from_confirmed"] is False
    assert got["versions"][-1]["review_days_after"] == 365
    assert client.get("/v1/policy", headers=role_keys.headers(Role.RESEARCHER)).status_code \
        == 403


def _draft(old: str, new: str) -> str:
    text = policy.packaged_bytes().decode("utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


def test_a_malformed_draft_is_refused_with_its_line(client: httpx.Client,
                                                    role_keys: Keys) -> None:
    text = _draft('{"test": "counted", "lt": 1}', '{"test": "countd", "lt": 1}')
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"countd"' in row)
    got = client.post("/v1/policy/check", json={"table_text": text},
                      headers=role_keys.headers(Role.ADMIN))
    assert got.status_code == 422
    (error,) = got.json()["errors"]
    assert error["field"] == f"table_text.line.{line}" and "countd" in error["message"]


def _finished(client: httpx.Client, keys: Keys, job: str, **params: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while True:
        got = client.get(f"/v1/jobs/{job}", params=params,
                         headers=keys.headers(Role.ADMIN, "oversight"))
        assert got.status_code == 200, got.text
        body: dict[str, Any] = got.json()
        if body["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return body
        time.sleep(0.5)


def test_a_draft_allowing_three_children_in_2017_changes_exactly_the_two_child_couples(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str,
        cases: dict[str, case_graph.LoadedCase]) -> None:
    text = _draft('"when": [\n            {"test": "counted", "lt": 2}\n          ],\n'
                  '          "legal_reference": "Hainan Population and Family Planning '
                  'Regulation (amended 2016): two children per couple",',
                  '"when": [\n            {"test": "counted", "lt": 3}\n          ],\n'
                  '          "legal_reference": "Hainan Population and Family Planning '
                  'Regulation (amended 2016): two children per couple",')
    started = client.post("/v1/policy/whatif", json={"table_text": text, "as_of": "2017-06-01",
                                                      "sample": 5},
                          headers=role_keys.headers(Role.ADMIN, "oversight"))
    assert started.status_code == 202, started.text
    job = started.json()["job_id"]
    assert started.headers["Location"] == f"/v1/jobs/{job}"
    assert started.json()["kind"] == "policy_whatif"
    done = _finished(client, role_keys, job, limit=1000)
    assert done["status"] == "succeeded", done
    assert done["kind"] == "policy_whatif" and done["as_of"] == "2017-06-01"
    result = done["result"]
    (expected,) = read(driver, database, "couples", COUPLES_IN_FORCE, day=date(2017, 6, 1))
    assert result["couples"] == expected["n"] == done["progress"]["total"]
    # Under HN2016 a couple with two children may not have a third; the draft allows it.
    # Raising a limit never refuses anyone and never changes an eligible couple.
    assert all(c["before"] != "eligible" and c["after"] != "ineligible"
               for c in result["changed_couples"])
    changed = {(c["husband"], c["wife"]): c for c in result["changed_couples"]}
    two = changed[(cases["two_children_2017"].husband, cases["two_children_2017"].wife)]
    assert (two["before"], two["before_order"], two["after"], two["after_order"]) == (
        "ineligible", 3, "eligible", 3)
    second = cases["second_child_2017"]
    assert (second.husband, second.wife) not in changed
    assert sum(d["changed"] for d in result["by_division"]) == result["changed"] == len(changed)
    assert 0 < len(result["sample"]) <= 5
    # The sample is spread over the kinds of change (a couple may also go to review under
    # the draft: a step-or-adoptive child, counted or not, now decides it).
    assert all(s["after"]["outcome"] != "ineligible" and s["before"]["outcome"] != "eligible"
               for s in result["sample"])
    assert any((s["before"]["outcome"], s["after"]["outcome"]) == ("ineligible", "eligible")
               for s in result["sample"])
