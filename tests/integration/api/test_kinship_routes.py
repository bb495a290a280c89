"""Kinship and thalassemia routes over HTTP against the loaded synthetic graph."""

from __future__ import annotations

import httpx
import neo4j

from api.keys import Role
from queries.thalassemia import worklists as thalassemia
from tests.integration.api.conftest import Keys
from tests.integration.synthetic import LoadedDrop

WITH_GRANDPARENT = """MATCH (c:Person)-[:CHILD_OF]->(:Person)-[:CHILD_OF]->(:Person)
RETURN c.pid AS pid, c.id_number AS id_number ORDER BY c.pid LIMIT 1"""


def _someone(driver: neo4j.Driver, database: str) -> tuple[str, str]:
    row = driver.execute_query(WITH_GRANDPARENT, database_=database).records[0]
    return str(row["pid"]), str(row["id_number"])


def test_relatives_for_an_officer_by_pid_never_by_id_number_in_the_url(
        client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop, driver: neo4j.Driver,
        database: str) -> None:
    pid, number = _someone(driver, database)
    headers = role_keys.headers(Role.OFFICER)
    body = client.get(f"/v1/persons/{pid}/relatives?max_degree=2", headers=headers).json()
    assert body["count"] == len(body["items"]) > 0
    first = body["items"][0]
    assert first["degree"] == 1 and first["r"] == 0.5 and first["term"]
    assert "*" in (first["person"]["id_number"] or "*")  # masked for officers
    # An ID number in the URL is refused (proxies keep URLs); the search takes it in
    # the body and gives the pid.
    by_number = client.get(f"/v1/persons/{number}/relatives?max_degree=2", headers=headers)
    assert (by_number.status_code, by_number.json()["code"]) == (400, "id_number_in_url")
    assert number not in by_number.text
    found = client.post("/v1/persons/search", json={"id_number": number}, headers=headers)
    assert [c["person"]["pid"] for c in found.json()["items"]] == [pid]


def test_researchers_see_pseudonyms_only(client: httpx.Client, role_keys: Keys,
                                         synthetic: LoadedDrop, driver: neo4j.Driver,
                                         database: str) -> None:
    pid, _ = _someone(driver, database)
    researcher = role_keys.headers(Role.RESEARCHER)
    assert client.get(f"/v1/persons/{pid}/relatives", headers=researcher).status_code == 404
    page = client.get("/v1/thalassemia/couples?limit=20", headers=researcher).json()
    refs = [i[side]["ref"] for i in page["items"] for side in ("husband", "wife")]
    assert refs and all(r.startswith("ps_") for r in refs)
    body = client.get(f"/v1/persons/{refs[0]}/relatives?max_degree=3", headers=researcher)
    assert body.status_code == 200, body.text
    for item in body.json()["items"]:
        person = item["person"]
        assert person["kind"] == "pseudonymous" and "name" not in person
        assert item["records"] is None
    ped = client.get(f"/v1/persons/{refs[0]}/pedigree?format=ped", headers=researcher).text
    assert pid not in ped and all(line.split("\t")[1].startswith(("ps_", "U"))
                                  for line in ped.splitlines())


def test_relationship_and_marriage_check(client: httpx.Client, role_keys: Keys,
                                         synthetic: LoadedDrop, driver: neo4j.Driver,
                                         database: str) -> None:
    pid, _ = _someone(driver, database)
    headers = role_keys.headers(Role.OFFICER)
    parent = client.get(f"/v1/persons/{pid}/relatives?max_degree=1", headers=headers).json()
    other = next(i for i in parent["items"] if i["path"] in (["f"], ["m"]))["person"]["pid"]
    body = client.get(f"/v1/relationship?a={pid}&b={other}", headers=headers).json()
    assert body["phi"] == "1/4" and body["r"] == 0.5
    assert body["marriage"]["verdict"] == "forbidden"
    assert body["term_ab"] in ("父亲", "母亲")


def test_pedigree_formats(client: httpx.Client, role_keys: Keys, synthetic: LoadedDrop,
                          driver: neo4j.Driver, database: str) -> None:
    pid, _ = _someone(driver, database)
    headers = role_keys.headers(Role.ADMIN)
    body = client.get(f"/v1/persons/{pid}/pedigree?up=2&down=1", headers=headers).json()
    members = {m["id"]: m for m in body["members"]}
    assert members[pid]["generation"] == 0 and members[pid]["person"]["name"]
    fam = client.get(f"/v1/persons/{pid}/pedigree?up=2&down=1&format=fam", headers=headers)
    assert fam.headers["content-type"].startswith("text/plain")
    assert len(fam.text.splitlines()) == len(members)


def test_unknown_person_and_bad_degree(client: httpx.Client, role_keys: Keys,
                                       synthetic: LoadedDrop) -> None:
    headers = role_keys.headers(Role.OFFICER)
    missing = client.get("/v1/persons/no-such-pid/relatives", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/persons/x/relatives?max_degree=7", headers=headers).status_code == 422


def test_cascade_couples_and_divisions(client: httpx.Client, role_keys: Keys,
                                       synthetic: LoadedDrop, driver: neo4j.Driver,
                                       database: str) -> None:
    headers = role_keys.headers(Role.OFFICER)
    rows = driver.execute_query(thalassemia.INDEX_CASES, positive=["alpha_carrier"],
                                database_=database).records
    index = sorted(str(r["pid"]) for r in rows)[0]
    body = client.get(f"/v1/persons/{index}/cascade?max_degree=2", headers=headers)
    assert body.status_code in (200, 400), body.text
    if body.status_code == 200:
        probs = [i["probability"] for i in body.json()["items"]]
        assert probs == sorted(probs, reverse=True)
    page = client.get("/v1/thalassemia/couples?list=partner_screening&limit=5",
                      headers=headers).json()
    assert page["count"] <= 5 and all(i["worklist"] == "partner_screening"
                                      for i in page["items"])
    research = client.get("/v1/thalassemia/couples?limit=3",
                          headers=role_keys.headers(Role.RESEARCHER)).json()
    assert all(i["husband"]["kind"] == "pseudonymous" for i in research["items"])
    divisions = client.get("/v1/thalassemia/divisions", headers=headers)
    assert divisions.status_code == 200 and divisions.json()

