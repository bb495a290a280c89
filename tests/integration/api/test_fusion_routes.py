"""Review queue, decisions and load status over HTTP against the loaded synthetic graph."""

from __future__ import annotations

import httpx

from api.keys import Role
from tests.integration.api.conftest import Keys
from tests.integration.synthetic import LoadedDrop


def test_review_queue_lists_possible_matches_with_masked_records(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    body = client.get("/v1/reviews?limit=5", headers=role_keys.headers(Role.OFFICER)).json()
    assert body["total"] == synthetic.report.fusion["reviews"] > 0
    item = body["items"][0]
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
    item = client.get("/v1/reviews?limit=1", headers=headers).json()["items"][0]
    decided = client.post(f"/v1/reviews/{item['review_id']}/decision",
                          json={"decision": "no_link"}, headers=headers)
    assert decided.status_code == 200, decided.text
    open_ids = {i["review_id"] for i in
                client.get("/v1/reviews?limit=200", headers=headers).json()["items"]}
    assert item["review_id"] not in open_ids
    again = client.post(f"/v1/reviews/{item['review_id']}/decision",
                        json={"decision": "link"}, headers=headers)
    assert again.status_code == 422  # a decision is final here; unmerge exists for mistakes


def test_bad_review_id_and_body_are_422(client: httpx.Client, role_keys: Keys) -> None:
    headers = role_keys.headers(Role.OFFICER)
    assert client.post("/v1/reviews/not-an-id/decision", json={"decision": "link"},
                       headers=headers).status_code == 422
    assert client.post("/v1/reviews/R0123456789abcdef/decision",
                       json={"decision": "maybe"}, headers=headers).status_code == 422


def test_load_status_has_counts_and_no_personal_data(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop) -> None:
    body = client.get("/v1/loads", headers=role_keys.headers(Role.ADMIN)).json()
    # Decisions re-run fusion as loads of their own without files: take the drop's load.
    latest = next(item for item in body["items"] if item["files"])
    assert latest["status"] == "complete"
    files = {f["file"]: f for f in latest["files"]}
    assert files and all(f["read"] == f["applied"] + f["quarantined"] for f in files.values())
    assert latest["fusion"]["persons"] > 0
