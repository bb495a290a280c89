"""Walk the app's routes over HTTP on the loaded synthetic graph.

1. Every route a researcher may call answers without a name, ID number, pid or full
   date of any loaded person (names and numbers from ``truth/persons.parquet`` and
   from the graph, which holds the fused variants too).
2. Every personal-data route leaves an audit row naming the route, the key and at
   least every pid its response shows.

The routes come from the app (see ``routes_catalogue``): a route opened to
researchers, or a new personal-data route, fails these tests until a request for
it is added below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import neo4j
import polars as pl
import pytest

from api.keys import Role
from tests.integration.api.conftest import Keys, audit_person_pages, make_keys
from tests.integration.api.routes_catalogue import ISO_DAY, PID, catalogue, strings
from tests.integration.synthetic import LoadedDrop

Call = tuple[str, str, dict[str, Any]]  # method, url, httpx keyword arguments
ALL_PERSONS = """MATCH (p:Person) RETURN p.pid AS pid, p.name AS name,
coalesce(p.id_numbers, []) + [p.id_number] AS numbers"""
A_COUPLE = """MATCH (h:Person)-[:MARRIED]->(w:Person)
WHERE h.id_number IS NOT NULL AND (h)<-[:CHILD_OF]-() AND (h)-[:CHILD_OF]->()
RETURN h.pid AS h, w.pid AS w, h.id_number AS number ORDER BY h.pid LIMIT 1"""
FLOWS_QUERY = "/v1/flows?start=1990-01-01&end=2020-12-31&level=county"
# Values a researcher's body may hold as full dates: the flow period they asked for.
ECHOED_DAYS = {"1990-01-01", "2020-12-31", "2024-06-01", "2024-06-30"}  # and a contacts window
CONTACTS_WINDOW = "from=2024-06-01&to=2024-06-30"
KEY_FIELDS = {"created"}  # /v1/me: when the API key was made, not a person's date


@dataclass(frozen=True)
class Identities:
    """What must never reach a researcher."""

    names: frozenset[str] = field(repr=False)
    numbers: frozenset[str] = field(repr=False)  # never echoed by a failing assertion
    pids: frozenset[str] = field(repr=False)


@pytest.fixture(scope="module")
def identities(synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> Identities:
    """Names and ID numbers of every loaded person (truth and graph), and every pid."""
    truth = pl.read_parquet(synthetic.truth / "persons.parquet")
    names = set(truth["name"].drop_nulls().to_list())
    numbers = set(truth["id_number"].drop_nulls().to_list())
    pids = set()
    for row in driver.execute_query(ALL_PERSONS, database_=database).records:
        pids.add(row["pid"])
        names.update([row["name"]] if row["name"] else [])
        numbers.update(row["numbers"])
    numbers = {n for n in numbers if n and len(n) >= 15}  # raw junk like "0" is no number
    return Identities(frozenset(names), frozenset(numbers), frozenset(pids))


@pytest.fixture(scope="module")
def fresh_keys(state_dir: Path, base_url: str) -> Keys:
    """Keys of their own, so earlier tests have not spent these rate budgets."""
    return make_keys(state_dir)


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    """A client with a longer timeout (pedigrees and cascades on the 4 k graph)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


# --- 1. researchers ---------------------------------------------------------------

def researcher_calls(refs: tuple[str, str]) -> dict[tuple[str, str], list[Call]]:
    """A request for every route a researcher may call, by (method, template)."""
    a, b = refs
    return {
        ("GET", "/healthz"): [("GET", "/healthz", {})],
        ("GET", "/"): [("GET", "/", {})],
        ("GET", "/docs"): [("GET", "/docs", {})],
        ("GET", "/web/divisions.json"): [("GET", "/web/divisions.json", {})],
        ("GET", "/web/{name:path}"): [("GET", "/web/app.css", {})],
        ("GET", "/v1/me"): [("GET", "/v1/me", {})],
        ("GET", "/v1/persons/{ref}"): [("GET", f"/v1/persons/{a}", {})],
        ("GET", "/v1/persons/{ref}/relatives"): [
            ("GET", f"/v1/persons/{a}/relatives?max_degree=3&include_in_laws=true", {})],
        ("GET", "/v1/relationship"): [("GET", f"/v1/relationship?a={a}&b={b}", {})],
        ("GET", "/v1/persons/{ref}/pedigree"): [
            ("GET", f"/v1/persons/{a}/pedigree?up=3&down=3&format={f}", {})
            for f in ("json", "ped", "fam", "gedcom")],
        ("GET", "/v1/persons/{ref}/fhir"): [("GET", f"/v1/persons/{a}/fhir", {})],
        ("GET", "/v1/persons/{ref}/contacts"): [
            ("GET", f"/v1/persons/{a}/contacts?{CONTACTS_WINDOW}&ring=2", {})],
        ("GET", "/v1/conditions"): [("GET", "/v1/conditions", {})],
        ("GET", "/v1/persons/{ref}/conditions/{code}/cascade"): [
            ("GET", f"/v1/persons/{a}/conditions/g6pd_deficiency/cascade", {})],
        ("GET", "/v1/conditions/{code}/couples"): [
            ("GET", "/v1/conditions/g6pd_deficiency/couples", {})],
        ("GET", "/v1/persons/{ref}/cascade"): [("GET", f"/v1/persons/{a}/cascade", {})],
        ("GET", "/v1/persons/{ref}/trajectory"): [("GET", f"/v1/persons/{a}/trajectory", {})],
        ("GET", "/v1/thalassemia/couples"): [
            ("GET", f"/v1/thalassemia/couples?limit=50&list={w}", {})
            for w in ("prenatal_diagnosis", "partner_screening")],
        ("GET", "/v1/thalassemia/divisions"): [("GET", "/v1/thalassemia/divisions", {})],
        ("GET", "/v1/flows"): [("GET", FLOWS_QUERY, {})],
    }


def _researcher_routes() -> set[tuple[str, str]]:
    return {(r.method, r.path) for r in catalogue()
            if r.roles is None or Role.RESEARCHER in r.roles}


def _leaks(text: str, who: Identities) -> list[str]:
    """What of the identities a body shows (kinds only, never the values)."""
    found = []
    if any(n in text for n in who.numbers):
        found.append("id_number")
    if any(p in who.pids for p in PID.findall(text)):
        found.append("pid")
    try:
        pairs = set(strings(json.loads(text)))
    except ValueError:  # PED / .fam / HTML / JS: whitespace-separated tokens
        pairs = {("", token) for token in text.split()}
    if {v for _, v in pairs} & who.names:
        found.append("name")
    if any(ISO_DAY.match(v) and v not in ECHOED_DAYS and k not in KEY_FIELDS for k, v in pairs):
        found.append("full_date")
    return found


def test_researcher_routes_are_all_covered() -> None:
    # Every route open to researchers has a request in the walk below (and no stale ones).
    assert _researcher_routes() == set(researcher_calls(("a", "b")))


def test_a_researcher_never_receives_identities(http: httpx.Client, fresh_keys: Keys,
                                                identities: Identities) -> None:
    headers = fresh_keys.headers(Role.RESEARCHER, "research:KG-STUDY-1")
    couples = http.get("/v1/thalassemia/couples?limit=50", headers=headers)
    assert couples.status_code == 200, couples.text
    items = couples.json()["items"]
    assert items, "the synthetic graph has at-risk couples"
    refs = (items[0]["husband"]["ref"], items[0]["wife"]["ref"])
    assert all(r.startswith("ps_") for r in refs)
    walked = 0
    for calls in researcher_calls(refs).values():
        for method, url, kwargs in calls:
            got = http.request(method, url, headers=headers, **kwargs)
            route = url.split("?")[0]
            assert got.status_code == 200, (route, got.status_code)
            assert _leaks(got.text, identities) == [], route
            walked += 1
    assert walked >= 17


def service_calls(s: Sample) -> dict[tuple[str, str], list[Call]]:
    """A request for every route the service role may call, by (method, template)."""
    h, w = s.husband, s.wife
    couple = {"husband": h, "wife": w, "as_of": "2024-06-01"}
    return {
        ("GET", "/v1/me"): [("GET", "/v1/me", {})],
        ("POST", "/v1/persons/search"): [("POST", "/v1/persons/search",
                                          {"json": {"id_number": s.number}})],
        ("GET", "/v1/persons/{ref}"): [("GET", f"/v1/persons/{h}", {})],
        ("GET", "/v1/persons/{ref}/trajectory"): [("GET", f"/v1/persons/{h}/trajectory", {})],
        ("GET", "/v1/persons/{ref}/moves"): [("GET", f"/v1/persons/{h}/moves", {})],
        ("GET", "/v1/persons/{ref}/records"): [("GET", f"/v1/persons/{h}/records", {})],
        ("GET", "/v1/flows"): [("GET", FLOWS_QUERY, {})],
        ("POST", "/v1/eligibility"): [("POST", "/v1/eligibility", {"json": couple})],
        ("POST", "/v1/eligibility/batch"): [("POST", "/v1/eligibility/batch",
                                             {"json": {"items": [couple]}})],
        ("GET", "/v1/conditions"): [("GET", "/v1/conditions", {})],
        ("GET", "/v1/policy"): [("GET", "/v1/policy", {})],
    }


def test_service_routes_are_all_covered() -> None:
    # Every route open to the service role has a request in the walk below.
    opened = {(r.method, r.path) for r in catalogue()
              if r.roles is not None and Role.SERVICE in r.roles}
    assert opened == set(service_calls(Sample("P0", "P1", "0")))


def test_a_service_never_receives_a_name(http: httpx.Client, fresh_keys: Keys,
                                         sample: Sample, identities: Identities) -> None:
    # Other services get pids and ID numbers (their own records are keyed on them),
    # never a name: every route they may call, walked with a real couple.
    headers = fresh_keys.headers(Role.SERVICE, "casework:SVC-1")
    walked = 0
    for calls in service_calls(sample).values():
        for method, url, kwargs in calls:
            got = http.request(method, url, headers=headers, **kwargs)
            route = url.split("?")[0]
            assert got.status_code == 200, (route, got.status_code)
            assert "name" not in _leaks(got.text, identities), route
            walked += 1
    assert walked == 11


def test_the_leak_check_sees_what_it_looks_for(identities: Identities) -> None:
    # The detector itself: a body holding a loaded person's name, number, pid or birth
    # date is flagged (so the walk above can fail).
    name, number, pid = (sorted(s)[0] for s in (identities.names, identities.numbers,
                                                 identities.pids))
    body = json.dumps({"name": name, "id": number, "ref": pid, "born": "1990-05-17"})
    assert _leaks(body, identities) == ["id_number", "pid", "name", "full_date"]
    assert _leaks(json.dumps({"ref": "ps_x", "birth_year": 1990}), identities) == []


# --- 2. audit -----------------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    """Persons of the loaded graph to call the routes with."""

    husband: str
    wife: str
    number: str


def audited_calls(s: Sample) -> dict[tuple[str, str], tuple[Role, Call]]:
    """A request for every personal-data route, with the role that makes it.

    Writes are called so that they change nothing: an unknown review id or person
    (404), a permit asked for a day before the couple married, a run with a bad day.
    """
    couple = {"husband": s.husband, "wife": s.wife, "as_of": "1900-01-01"}
    today = {**couple, "as_of": date.today().isoformat()}
    p = f"/v1/persons/{s.husband}"
    return {
        ("GET", "/v1/persons/{ref}"): (Role.OFFICER, ("GET", p, {})),
        ("POST", "/v1/persons/search"): (Role.OFFICER, ("POST", "/v1/persons/search",
                                                        {"json": {"id_number": s.number}})),
        ("GET", "/v1/audit"): (Role.ADMIN, ("GET", "/v1/audit",
                                            {"params": {"person": s.husband, "limit": 1}})),
        ("GET", "/v1/audit/{entry_id}/persons"): (Role.ADMIN, (
            "GET", "/v1/audit/1/persons", {"params": {"limit": 20}})),
        ("GET", "/v1/reviews"): (Role.OFFICER, ("GET", "/v1/reviews?limit=5", {})),
        ("GET", "/v1/reviews/{review_id}"): (Role.OFFICER, (
            "GET", "/v1/reviews/R0000000000000000", {})),
        ("POST", "/v1/reviews/{review_id}/preview"): (Role.OFFICER, (
            "POST", "/v1/reviews/R0000000000000000/preview", {"json": {"decision": "link"}})),
        ("POST", "/v1/persons/{pid}/unmerge/preview"): (Role.OFFICER, (
            "POST", "/v1/persons/P0000000000000000/unmerge/preview",
            {"json": {"mentions": ["birth|x|y|child"]}})),
        ("GET", "/v1/jobs/{job_id}"): (Role.OFFICER, ("GET", "/v1/jobs/J0000000000000000", {})),
        ("POST", "/v1/relationship"): (Role.OFFICER, (
            "POST", "/v1/relationship", {"json": {"a": s.husband, "b": s.wife}})),
        ("POST", "/v1/reviews/{review_id}/decision"): (Role.OFFICER, (
            "POST", "/v1/reviews/R0000000000000000/decision", {"json": {"decision": "link"}})),
        ("POST", "/v1/persons/{pid}/unmerge"): (Role.OFFICER, (
            "POST", "/v1/persons/P0000000000000000/unmerge",
            {"json": {"mentions": ["birth|x|y|child"]}})),
        ("GET", "/v1/persons/{ref}/records"): (Role.OFFICER, ("GET", f"{p}/records", {})),
        ("GET", "/v1/persons/{ref}/trajectory"): (Role.OFFICER, ("GET", f"{p}/trajectory", {})),
        ("GET", "/v1/persons/{ref}/moves"): (Role.OFFICER, ("GET", f"{p}/moves", {})),
        ("POST", "/v1/eligibility"): (Role.OFFICER, ("POST", "/v1/eligibility",
                                                     {"json": today})),
        ("POST", "/v1/eligibility/batch"): (Role.SERVICE, ("POST", "/v1/eligibility/batch",
                                                           {"json": {"items": [today]}})),
        ("POST", "/v1/permits"): (Role.OFFICER, ("POST", "/v1/permits", {"json": couple})),
        ("GET", "/v1/permits"): (Role.OFFICER, ("GET", "/v1/permits?limit=20", {})),
        ("POST", "/v1/permits/run"): (Role.ADMIN, ("POST", "/v1/permits/run",
                                                   {"json": {"as_of": "not-a-day"}})),
        ("GET", "/v1/persons/{ref}/relatives"): (Role.OFFICER, ("GET", f"{p}/relatives", {})),
        ("GET", "/v1/relationship"): (Role.OFFICER, (
            "GET", "/v1/relationship", {"params": {"a": s.husband, "b": s.wife}})),
        ("GET", "/v1/persons/{ref}/pedigree"): (Role.OFFICER, ("GET", f"{p}/pedigree", {})),
        ("GET", "/v1/persons/{ref}/cascade"): (Role.OFFICER, ("GET", f"{p}/cascade", {})),
        ("GET", "/v1/persons/{ref}/fhir"): (Role.OFFICER, ("GET", f"{p}/fhir", {})),
        ("GET", "/v1/persons/{ref}/contacts"): (Role.OFFICER, (
            "GET", f"{p}/contacts?{CONTACTS_WINDOW}", {})),
        ("GET", "/v1/persons/{ref}/conditions/{code}/cascade"): (Role.OFFICER, (
            "GET", f"{p}/conditions/pku/cascade", {})),
        ("GET", "/v1/conditions/{code}/couples"): (Role.OFFICER, (
            "GET", "/v1/conditions/pku/couples?limit=10", {})),
        ("GET", "/v1/thalassemia/couples"): (Role.OFFICER, (
            "GET", "/v1/thalassemia/couples?limit=10", {})),
        ("POST", "/v1/eligibility/sheet"): (Role.OFFICER, ("POST", "/v1/eligibility/sheet",
                                                           {"json": today})),
        ("POST", "/v1/policy/whatif"): (Role.ADMIN, (
            "POST", "/v1/policy/whatif",
            {"json": {"table_text": "{}", "as_of": "2017-06-01"}})),
    }


def _personal_routes() -> set[tuple[str, str]]:
    return {(r.method, r.path) for r in catalogue() if r.personal}


def test_personal_data_routes_are_all_covered() -> None:
    sample = Sample("P0", "P1", "0")
    assert _personal_routes() == set(audited_calls(sample))
    # and every role making a call is one the route admits
    admitted = {(r.method, r.path): r.roles for r in catalogue()}
    for route, (role, _) in audited_calls(sample).items():
        assert role in (admitted[route] or ()), route


def _audit_rows(http: httpx.Client, keys: Keys, role: Role,
                route: str) -> list[dict[str, Any]]:
    got = http.get("/v1/audit", params={"key_id": keys.ids[role], "route": route,
                                        "limit": 50}, headers=keys.headers(Role.ADMIN, "audit"))
    assert got.status_code == 200, got.text
    rows: list[dict[str, Any]] = got.json()["items"]
    return rows


@pytest.fixture(scope="module")
def sample(synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> Sample:
    """A married man with parents and children, his wife and his ID number."""
    row = driver.execute_query(A_COUPLE, database_=database).records[0]
    return Sample(row["h"], row["w"], row["number"])


@pytest.mark.parametrize("route", sorted(_personal_routes()), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_personal_data_call_is_audited(route: tuple[str, str], http: httpx.Client,
                                             fresh_keys: Keys, sample: Sample,
                                             identities: Identities) -> None:
    role, (method, url, kwargs) = audited_calls(sample)[route]
    got = http.request(method, url, headers=fresh_keys.headers(role, "casework:AUDIT-1"),
                       **kwargs)
    assert got.status_code < 500, (route, got.status_code)
    shown = {p for p in PID.findall(got.text) if p in identities.pids}
    rows = [r for r in _audit_rows(http, fresh_keys, role, route[1])
            if r["method"] == method and r["status"] == got.status_code
            and r["purpose"] == "casework:AUDIT-1"]
    assert rows, f"no audit row for {route}"
    named = _entry_pids(http, fresh_keys, rows[0])
    assert shown <= named, route
    if got.status_code == 200 and route[1].startswith("/v1/persons/{"):
        assert sample.husband in named


def _entry_pids(http: httpx.Client, keys: Keys, row: dict[str, Any]) -> set[str]:
    """Every pid an audit entry names: a search lists only the first 100 (a family of
    degree 3 with in-laws can name more), the rest come page by page."""
    if row["pid_count"] == len(row["pids"]):
        return set(row["pids"])
    pages = audit_person_pages(http, keys.headers(Role.ADMIN, "audit"), row["id"], 100)
    pids = {pid for page in pages for pid in page["items"]}
    assert len(pids) == row["pid_count"]
    return pids


def test_audit_rows_hold_ids_only(http: httpx.Client, fresh_keys: Keys,
                                  identities: Identities) -> None:
    # The audit log never holds more than ids: no names or ID numbers in any row.
    got = http.get("/v1/audit?limit=200", headers=fresh_keys.headers(Role.ADMIN, "audit"))
    assert got.status_code == 200 and got.json()["items"]
    values = {v for _, v in strings(got.json())}
    assert not values & identities.names
    assert not any(n in got.text for n in identities.numbers)
    assert any(p in identities.pids for row in got.json()["items"] for p in row["pids"])

