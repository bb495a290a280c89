"""Review queue, decisions and load status over HTTP against the loaded synthetic graph."""

from __future__ import annotations

from typing import Any

import httpx
import neo4j

from api.keys import Role
from tests.integration.api.conftest import Keys, decide
from tests.integration.synthetic import LoadedDrop


def test_review_queue_lists_possible_matches_with_masked_records(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    body = client.get("/v1/reviews?limit=5", headers=role_keys.headers(Role.OFFICER)).json()
    conflicts = sum(synthetic.report.conflicts.values())
    # Every item the load found is still an item, open, decided (by earlier tests) or
    # closed (by what their decisions changed); never deleted.
    every = sum(client.get("/v1/reviews", params={"limit": 1, "status": status},
                           headers=role_keys.headers(Role.OFFICER)).json()["total"]
                for status in ("open", "decided", "closed"))
    assert every >= synthetic.report.fusion["reviews"] + conflicts >= body["total"] > 0
    matches = client.get("/v1/reviews?limit=5&kind=possible_match",
                         headers=role_keys.headers(Role.OFFICER)).json()
    assert 0 < matches["total"] <= synthetic.report.fusion["reviews"]
    item = body["items"][0]  # possible matches first, strongest first
    assert item["status"] == "open" and item["left_mention"] != item["right_mention"]
    for side in ("left_record", "right_record"):
        data = (item[side] or {}).get("data", {})
        for key, value in data.items():
            if key.endswith("id_number") and value:
                assert "*" in value  # officers see masked ID numbers


def test_researcher_may_not_see_the_review_queue(client: httpx.Client, role_keys: Keys,
                                                 synthetic: LoadedDrop) -> None:
    response = client.get("/v1/reviews", headers=role_keys.headers(Role.RESEARCHER))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_deciding_a_review_closes_it_and_survives_reloading(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER)
    item = client.get("/v1/reviews?limit=1&kind=possible_match",
                      headers=headers).json()["items"][0]
    decided = decide(client, headers, item["review_id"], "no_link")
    assert decided["status"] == "succeeded", decided
    open_ids = {i["review_id"] for i in
                client.get("/v1/reviews?limit=200", headers=headers).json()["items"]}
    assert item["review_id"] not in open_ids
    again = client.post(f"/v1/reviews/{item['review_id']}/preview",
                        json={"decision": "link"}, headers=headers)
    assert again.status_code == 422  # a decision is final here; unmerge exists for mistakes
    again = client.post(f"/v1/reviews/{item['review_id']}/decision",
                        json={"decision": "no_link"}, headers=headers)
    assert again.status_code == 422


def test_bad_review_id_and_body_are_422(client: httpx.Client, role_keys: Keys) -> None:
    headers = role_keys.headers(Role.OFFICER)
    assert client.post("/v1/reviews/not-an-id/decision", json={"decision": "link"},
                       headers=headers).status_code == 422
    assert client.post("/v1/reviews/R0123456789abcdef/decision",
                       json={"decision": "maybe"}, headers=headers).status_code == 422


def test_load_status_has_counts_and_no_personal_data(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    body = client.get("/v1/loads", headers=role_keys.headers(Role.ADMIN)).json()
    # Decisions re-run fusion as loads of their own without files, and a drop loaded
    # again unchanged is skipped (no fusion figures): take the drop's load that fused.
    assert all(item["fusion"] == {} for item in body["items"] if item["unchanged"])
    latest = next(item for item in body["items"] if item["files"] and not item["unchanged"])
    assert latest["status"] == "complete"
    files = {f["file"]: f for f in latest["files"]}
    assert files and all(f["read"] == f["applied"] + f["quarantined"] for f in files.values())
    assert latest["fusion"]["persons"] > 0


def _masked(record: dict[str, Any]) -> bool:
    return all("*" in v for k, v in record["data"].items() if k.endswith("id_number") and v)


def test_conflicts_are_listed_by_kind_with_the_records_on_each_side(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER)
    body = client.get("/v1/reviews?kind=conflict&limit=200", headers=headers).json()
    assert body["total"] == sum(synthetic.report.conflicts.values()) > 0
    for item in body["items"]:
        assert item["kind"].startswith("conflict_") and item["reason"]
        assert len(item["sides"]) >= 2 and item["pids"]
        stated = [s for s in item["sides"] if s["dismissable"]]
        assert stated and all(s["records"] for s in stated)
        assert all(_masked(r) for s in item["sides"] for r in s["records"])
    kind = body["items"][0]["kind"]
    one_kind = client.get(f"/v1/reviews?kind={kind}", headers=headers).json()
    assert one_kind["total"] == synthetic.report.conflicts[kind]
    assert {i["kind"] for i in one_kind["items"]} == {kind}
    detail = client.get(f"/v1/reviews/{body['items'][0]['review_id']}", headers=headers)
    assert detail.status_code == 200 and detail.json() == body["items"][0]  # no comparison
    assert client.get("/v1/reviews/R0123456789abcdef", headers=headers).status_code == 404
    assert client.get("/v1/reviews?kind=nonsense", headers=headers).status_code == 422


DISPUTED = """UNWIND $edges AS e
MATCH (:Person {pid: e[0]})-[x:CHILD_OF]->(:Person {pid: e[1]})
RETURN e[0] AS child, e[1] AS parent, x.disputed AS disputed"""
ALL_DISPUTED = """MATCH (c:Person)-[:CHILD_OF {disputed: true}]->(p:Person)
RETURN DISTINCT c.pid AS child, p.pid AS parent"""


# The claims of a parent-child edge; a side about a couple (a marriage, a divorce, the
# household register's head and spouse) names the spouses as pid and parent_pid too.
PARENT_CLAIMS = frozenset({"mother", "father", "child_of"})


def _open_conflict_edges(client: httpx.Client, headers: dict[str, str]) -> dict[
        str, set[tuple[str, str]]]:
    """The parent edges on the sides of every open conflict, by review id."""
    found: dict[str, set[tuple[str, str]]] = {}
    page = client.get("/v1/reviews?kind=conflict&limit=200", headers=headers).json()
    assert page["total"] <= 200
    for item in page["items"]:
        found[item["review_id"]] = {(s["pid"], s["parent_pid"]) for s in item["sides"]
                                    if s["claim"] in PARENT_CLAIMS and s.get("parent_pid")}
    return found


def _disputed(driver: neo4j.Driver, database: str,
              edges: set[tuple[str, str]]) -> dict[tuple[str, str], bool]:
    rows = driver.execute_query(DISPUTED, edges=[list(e) for e in edges],
                                database_=database).records
    return {(r["child"], r["parent"]): r["disputed"] for r in rows}


def _all_disputed(driver: neo4j.Driver, database: str) -> set[tuple[str, str]]:
    rows = driver.execute_query(ALL_DISPUTED, database_=database).records
    return {(r["child"], r["parent"]) for r in rows}


def test_an_officer_accepts_a_conflict_and_its_edges_are_no_longer_disputed(
        client: httpx.Client, role_keys: Keys, driver: neo4j.Driver, database: str) -> None:
    headers = role_keys.headers(Role.OFFICER)
    before = _open_conflict_edges(client, headers)
    # Two fathers whose edges no other open item disputes (an edge on an ancestry cycle
    # as well stays disputed by the cycle after this item is accepted).
    items = client.get("/v1/reviews?kind=conflict_two_fathers&limit=200",
                       headers=headers).json()["items"]
    item = next(i for i in items if not any(
        before[i["review_id"]] & edges for rid, edges in before.items() if rid != i["review_id"]))
    url = f"/v1/reviews/{item['review_id']}/decision"
    assert client.post(url, json={"decision": "no_link"}, headers=headers).status_code == 422
    stranger = {"decision": "dismiss", "records": ["household|public_security|none"]}
    assert client.post(url, json=stranger, headers=headers).status_code == 422
    edges = before[item["review_id"]]
    assert len(edges) >= 2 and all(_disputed(driver, database, edges).values())
    marked = _all_disputed(driver, database)
    assert marked == set().union(*before.values())
    decided = decide(client, headers, item["review_id"], "accept")
    assert decided["status"] == "succeeded", decided
    after = client.get(f"/v1/reviews/{item['review_id']}", headers=headers).json()
    assert (after["status"], after["decision"]) == ("decided", "accept")
    assert not any(_disputed(driver, database, edges).values())
    # The graph's disputed parent edges are exactly those on the open conflicts' sides.
    assert _all_disputed(driver, database) == set().union(
        *_open_conflict_edges(client, headers).values()) == marked - edges
    assert client.post(url, json={"decision": "accept"}, headers=headers).status_code == 422
