"""The steward's queue and decisions over HTTP on the loaded synthetic graph.

The queue: pages, filters (kind, division, age), both sides by name and birth date,
the side-by-side comparison. Decisions: a merge previewed (what will change, checked
against the graph) and confirmed with a token bound to the item, the key and the
graph's state; answered at once (202) with a job whose progress and result any
worker reads; audited with the review id and every pid affected.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest

from api.keys import Role
from ingest import stewardship
from tests.integration.api.conftest import Keys, follow
from tests.integration.synthetic import LoadedDrop

PERSONS = """UNWIND $pids AS pid MATCH (p:Person {pid: pid})<-[m:MENTIONS]-(x:Record)
RETURN p.pid AS pid, p.name AS name, p.birth_date AS birth_date, p.mentions AS mentions,
       p.id_number AS number, count(CASE m.link WHEN 'id_number' THEN 1 END) AS anchored,
       min(x.key + '|' + m.role) AS first"""
MENTION_PID = """MATCH (:Record {key: $record})-[:MENTIONS {role: $role}]->(p:Person)
RETURN p.pid AS pid"""
ROWS_OF = "MATCH (:Person {pid: $pid})<-[:MENTIONS]-(x:Record) RETURN count(x) AS n"


def _pages(client: httpx.Client, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    items, offset = [], 0
    while True:
        page = client.get("/v1/reviews", params={**query, "limit": 200, "offset": offset},
                          headers=headers).json()
        items += page["items"]
        offset += 200
        if offset >= page["total"]:
            return items


def _mention_pid(driver: neo4j.Driver, database: str, mention: str) -> str:
    record, _, role = mention.rpartition("|")
    rows = driver.execute_query(MENTION_PID, record=record, role=role, database_=database)
    return str(rows.records[0]["pid"])


def test_pages_are_disjoint_ordered_and_count_the_whole_queue(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "review")
    first = client.get("/v1/reviews", params={"kind": "fusion", "limit": 7},
                       headers=headers).json()
    second = client.get("/v1/reviews", params={"kind": "fusion", "limit": 7, "offset": 7},
                        headers=headers).json()
    assert first["total"] == second["total"] >= 14
    ids = [i["review_id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 14
    weights = [i["weight"] for i in first["items"] + second["items"]]
    assert weights == sorted(weights, reverse=True)  # strongest candidates first
    everything = _pages(client, headers, kind="fusion")
    assert len(everything) == first["total"]
    assert [i["review_id"] for i in everything[:14]] == ids


def test_pages_from_the_workers_kept_order_are_the_queue_read_directly(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str,
        synthetic: LoadedDrop) -> None:
    # A worker keeps each filter's order per graph version and reads only a page's items;
    # what it serves must be what the queue query gives for the same page.
    headers = role_keys.headers(Role.OFFICER, "review")
    first = client.get("/v1/reviews", params={"limit": 50}, headers=headers).json()
    county = next(d for i in first["items"] for d in (i.get("divisions") or []) if d)
    for kind, division in ((None, None), ("fusion", None), ("conflict", None),
                           (None, county), ("fusion", county[:4] + "00")):
        for offset in (0, 7, 30):
            params = {k: v for k, v in (("kind", kind), ("division", division)) if v}
            served = client.get("/v1/reviews", params={**params, "limit": 7, "offset": offset},
                                headers=headers).json()
            direct = stewardship.queue(driver, database, stewardship.QueueFilter(
                "open", kind, division, None, None), 7, offset)
            assert served["total"] == direct.total
            assert [i["review_id"] for i in served["items"]] == [
                i.review["review_id"] for i in direct.items]


def test_a_page_past_a_hundred_thousand_items_is_served_not_refused(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    # A 1 M province's queue holds about 106,000 items; the last ones must be reachable.
    headers = role_keys.headers(Role.OFFICER, "review")
    page = client.get("/v1/reviews", params={"limit": 20, "offset": 150_000}, headers=headers)
    assert page.status_code == 200
    assert page.json()["items"] == []
    assert page.json()["total"] > 0


def test_both_sides_are_shown_by_name_and_birth_date(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str,
        synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "review")
    items = client.get("/v1/reviews", params={"kind": "possible_match", "limit": 20},
                       headers=headers).json()["items"]
    assert items
    for item in items:
        cards = {c["person"]["pid"]: c for c in item["persons"]}
        sides = {item["left_pid"], item["right_pid"]}
        assert sides <= set(cards)
        graph = {r["pid"]: r for r in driver.execute_query(
            PERSONS, pids=sorted(sides), database_=database).records}
        for pid in sides:
            person = cards[pid]["person"]
            assert person["name"] == graph[pid]["name"]
            born = graph[pid]["birth_date"]
            assert person["birth_date"] == (born.iso_format() if born else None)
            assert cards[pid]["mentions"] == graph[pid]["mentions"]
            assert person["id_number"] is None or "*" in person["id_number"]
        # every person a row names is on a card too
        for side in ("left_record", "right_record"):
            assert set(item[side]["pids"]) <= set(cards)


def test_a_possible_match_compares_every_row_of_both_persons(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str,
        synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "review")
    item = client.get("/v1/reviews", params={"kind": "possible_match", "limit": 1,
                                             "offset": 3}, headers=headers).json()["items"][0]
    detail = client.get(f"/v1/reviews/{item['review_id']}", headers=headers).json()
    compared = {c["pid"]: c["records"] for c in detail["compared"]}
    assert set(compared) == {item["left_pid"], item["right_pid"]}
    for pid, rows in compared.items():
        n = driver.execute_query(ROWS_OF, pid=pid, database_=database).records[0]["n"]
        assert len(rows) == n and all(pid in r["pids"] for r in rows)
        assert all(r["role"] for r in rows)
        assert all("*" in v for r in rows for k, v in r["data"].items()
                   if k.endswith("id_number") and v)


def test_the_division_filter_keeps_the_items_registered_there(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "review")
    everything = _pages(client, headers)
    counties = Counter(d for i in everything for d in i["divisions"])
    assert counties, "the synthetic graph registers the persons of its review items"
    county = counties.most_common(1)[0][0]
    prefecture = county[:4] + "00"
    for code, prefix in ((county, county), (prefecture, county[:4])):
        got = _pages(client, headers, division=code)
        expected = {i["review_id"] for i in everything
                    if any(d.startswith(prefix) for d in i["divisions"])}
        assert {i["review_id"] for i in got} == expected
    # An item's divisions are the counties where the persons it is about are registered
    # today (from the derive stage), the same as their cards say (read from the graph).
    for item in everything[:50]:
        cards = {c["person"]["pid"]: c["division"] for c in item["persons"]}
        assert set(item["divisions"]) == {cards[p] for p in item["pids"] if cards.get(p)}


def test_the_age_filter_measures_from_when_the_item_was_found(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "review")
    total = client.get("/v1/reviews", params={"limit": 1}, headers=headers).json()["total"]
    fresh = client.get("/v1/reviews", params={"limit": 1, "newer_than_days": 1},
                       headers=headers).json()
    old = client.get("/v1/reviews", params={"limit": 1, "older_than_days": 1},
                     headers=headers).json()
    # The session loaded the province minutes ago: every item is new, none a day old.
    assert (fresh["total"], old["total"]) == (total, 0)
    # Found by that load: less than a day old (not "today": a suite may run over midnight).
    found = datetime.fromisoformat(fresh["items"][0]["created"])
    assert timedelta(0) <= datetime.now(UTC) - found < timedelta(days=1)
    bad = client.get("/v1/reviews", params={"older_than_days": -1}, headers=headers)
    assert bad.status_code == 422


def _preview(client: httpx.Client, headers: dict[str, str], review_id: str,
             decision: str = "link") -> dict[str, Any]:
    got = client.post(f"/v1/reviews/{review_id}/preview", json={"decision": decision},
                      headers=headers)
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return body


def _a_match(client: httpx.Client, headers: dict[str, str], back: int) -> dict[str, Any]:
    """An open possible match from the weak end of the queue (other tests take the
    strongest), between two persons."""
    items = _pages(client, headers, kind="possible_match")
    found = [i for i in items if i["left_pid"] and i["right_pid"]
             and i["left_pid"] != i["right_pid"]]
    return found[-back]


def test_a_merge_is_previewed_confirmed_and_run_as_a_job(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str,
        synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "review:CASE-77")
    item = _a_match(client, headers, back=1)
    left, right = item["left_pid"], item["right_pid"]
    graph = {r["pid"]: r for r in driver.execute_query(PERSONS, pids=[left, right],
                                                       database_=database).records}
    # The preview: both persons merge, and the merged person is named as fusion names
    # every person: after the ID number most of its mentions are anchored on (ties: the
    # smaller number), else after its smallest mention; the other's rows move.
    preview = _preview(client, headers, item["review_id"])
    numbered = [p for p in (left, right) if graph[p]["anchored"]]
    survivor = (min(numbered, key=lambda p: (-graph[p]["anchored"], graph[p]["number"]))
                if numbered else min((left, right), key=lambda p: graph[p]["first"]))
    other = right if survivor == left else left
    assert preview["action"] == "merge" and preview["persons_after"] == 1
    assert preview["survivor"] == survivor
    assert {c["person"]["pid"] for c in preview["persons"]} == {left, right}
    assert preview["moved_total"] == graph[other]["mentions"]
    assert {m["pid"] for m in preview["moved"]} == {other}
    assert preview["needs_confirmation"] and preview["confirmation"]
    url = f"/v1/reviews/{item['review_id']}/decision"
    # Without the token, with another key's, or for another decision: refused at once.
    missing = client.post(url, json={"decision": "link"}, headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (428, "confirmation_required")
    theirs = _preview(client, role_keys.headers(Role.ADMIN, "review"), item["review_id"])
    stolen = client.post(url, json={"decision": "link", "confirmation": theirs["confirmation"]},
                         headers=headers)
    assert (stolen.status_code, stolen.json()["code"]) == (409, "confirmation_invalid")
    # Confirmed: 202 at once, the job runs the re-fusion.
    accepted = client.post(url, json={"decision": "link",
                                      "confirmation": preview["confirmation"]},
                           headers=headers)
    assert accepted.status_code == 202 and accepted.json()["status"] in ("queued", "running")
    again = client.post(url, json={"decision": "link",
                                   "confirmation": preview["confirmation"]}, headers=headers)
    assert again.status_code in (409, 422)  # pending, or already decided
    job = follow(client, accepted, headers)
    assert job["status"] == "succeeded", job
    assert job["progress"]["stage"] == "done" and job["finished"] >= job["started"]
    result = job["result"]
    assert [survivor, sorted((left, right))] in [[m["pid"], m["pids"]] for m in
                                                 result["merged"]]
    assert result["mentions_moved"] >= graph[other]["mentions"]
    assert {left, right} <= set(result["persons"])
    for mention in (item["left_mention"], item["right_mention"]):
        assert _mention_pid(driver, database, mention) == survivor
    # Another key cannot read the job; the admin can.
    assert client.get(f"/v1/jobs/{job['job_id']}",
                      headers=role_keys.headers(Role.ADMIN, "oversight")).status_code == 200
    # The audit: the decision names the review and both persons; the job's entry every
    # pid the re-fusion touched.
    audit = client.get("/v1/audit", params={"review_id": item["review_id"], "limit": 50},
                       headers=role_keys.headers(Role.ADMIN, "audit")).json()["items"]
    posted = [e for e in audit if e["method"] == "POST" and e["status"] == 202]
    ran = [e for e in audit if e["method"] == "JOB"]
    assert posted and {left, right} <= set(posted[0]["pids"])
    assert posted[0]["job_id"] == job["job_id"] == ran[0]["job_id"]
    assert ran[0]["status"] == 200 and ran[0]["purpose"] == "review:CASE-77"
    assert ran[0]["pid_count"] == len(result["persons"])
    # ... and the refused attempts are there too.
    assert {428, 409} <= {e["status"] for e in audit if e["method"] == "POST"}


def test_a_token_goes_stale_when_the_graph_moves(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "review")
    first, second = _a_match(client, headers, back=2), _a_match(client, headers, back=3)
    token = _preview(client, headers, first["review_id"])["confirmation"]
    done = follow(client, client.post(f"/v1/reviews/{second['review_id']}/decision",
                                      json={"decision": "no_link"}, headers=headers), headers)
    assert done["status"] == "succeeded"
    stale = client.post(f"/v1/reviews/{first['review_id']}/decision",
                        json={"decision": "link", "confirmation": token}, headers=headers)
    assert (stale.status_code, stale.json()["code"]) == (409, "confirmation_invalid")


def test_an_unmerge_is_previewed_and_run_as_a_job(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str,
        synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER, "casework")
    row = driver.execute_query(
        "MATCH (p:Person)<-[m:MENTIONS]-(x:Record) WITH p, collect(x.key + '|' + m.role) "
        "AS mentions WHERE size(mentions) >= 4 RETURN p.pid AS pid, mentions "
        "ORDER BY p.pid DESC LIMIT 1", database_=database).records[0]
    pid, mentions = row["pid"], sorted(row["mentions"])
    split = mentions[:1]
    got = client.post(f"/v1/persons/{pid}/unmerge/preview", json={"mentions": split},
                      headers=headers)
    assert got.status_code == 200, got.text
    preview = got.json()
    assert (preview["action"], preview["persons_after"], preview["moved_total"]) == (
        "split", 2, 1)
    assert preview["moved"][0]["key"] == split[0].rpartition("|")[0]
    url = f"/v1/persons/{pid}/unmerge"
    assert client.post(url, json={"mentions": split}, headers=headers).status_code == 428
    job = follow(client, client.post(url, json={"mentions": split,
                                                "confirmation": preview["confirmation"]},
                                     headers=headers), headers)
    assert job["status"] == "succeeded", job
    assert job["kind"] == "unmerge" and job["pid"] == pid
    now = _mention_pid(driver, database, split[0])
    assert now != pid and _mention_pid(driver, database, mentions[1]) == pid
    assert [pid, sorted((pid, now))] in [[s["pid"], s["pids"]] for s in job["result"]["split"]]


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.SERVICE])
def test_the_queue_and_its_decisions_are_for_stewards_only(
        client: httpx.Client, role_keys: Keys, role: Role) -> None:
    headers = role_keys.headers(role, "research" if role is Role.RESEARCHER else "matching")
    assert client.get("/v1/reviews", headers=headers).status_code == 403
    assert client.post("/v1/reviews/R0000000000000000/preview", json={"decision": "link"},
                       headers=headers).status_code == 403
    assert client.get("/v1/jobs/J0000000000000000", headers=headers).status_code == 403
