"""Fuzz the API over HTTP on the loaded synthetic graph: nothing a client sends is a 5xx.

1. A bounded schemathesis run generates requests from the served OpenAPI schema
   (every operation but the four writes that re-fuse or issue permits, which the
   injection walk covers) with an admin key and a purpose: no response is a 5xx, and
   every response conforms to the schema (documented status, content type, body).
   Then its stateful phase follows the schema's links (a search to the person's
   routes, the queue to an item and its preview) with the same checks.
2. Every string parameter of every operation, and the X-Purpose header, gets Cypher
   fragments, a very long string, control characters and broken UTF-8
   percent-encodings, with the other parameters valid: each answer is a 4xx, and
   the graph's node and relationship counts are the same before and after.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import neo4j
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, checks
from schemathesis.core.failures import FailureGroup

from api.keys import Role
from kingraph.settings import Settings
from tests.integration.api.conftest import Keys, api_settings, make_keys, serving
from tests.integration.synthetic import LoadedDrop

# Per operation: ~25 operations in under a minute on the 4 k graph (CI); raise it for a
# deeper run by hand: KINGRAPH_FUZZ_EXAMPLES=200.
EXAMPLES = int(os.environ.get("KINGRAPH_FUZZ_EXAMPLES", "12"))
# Stateful scenarios (each a few linked calls); raise it by hand for a deeper run.  The
# walk is derandomized, so which calls it makes follows from the schema: with 25, adding
# one review kind to an enum left it without a single followed link; 40 reach them.
SCENARIOS = int(os.environ.get("KINGRAPH_FUZZ_SCENARIOS", "40"))
# What every response must satisfy: no server error, and the schema's word on its status,
# content type and body.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]
# Writes that re-run fusion or issue permits: not fuzzed at random, injected below.
WRITES = {("POST", "/v1/reviews/{review_id}/decision"), ("POST", "/v1/persons/{pid}/unmerge"),
          ("POST", "/v1/permits/run"), ("POST", "/v1/permits")}
UNLIMITED = {role.value: 1e6 for role in Role}
COUNTS = """CALL { MATCH (n) RETURN count(n) AS nodes }
CALL { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels"""
A_COUPLE = """MATCH (h:Person)-[:MARRIED]->(w:Person) WHERE h.id_number IS NOT NULL
RETURN h.pid AS h, w.pid AS w, h.id_number AS number ORDER BY h.pid LIMIT 1"""

# Raw (already percent-encoded) payloads: Cypher fragments, a long string, control
# characters, invalid UTF-8 sequences, and a mix.
PAYLOADS = {
    "cypher_or": quote("' OR 1=1 //", safe=""),
    "cypher_delete": quote("}) MATCH (n) DETACH DELETE n //", safe=""),
    "cypher_param": quote("$pid}) RETURN 1 UNION MATCH (p:Person) RETURN p.name //", safe=""),
    "long": "A" * 20_000,
    "nul": "P%00",
    "newline": "x%0D%0ASet-Cookie:%20a=b",
    "bad_utf8": "%C3%28%FF%FE",
    "overlong_utf8": "%C0%AF%E0%80%AF",
    "lone_surrogate": "%ED%A0%80",
}


@dataclass(frozen=True)
class Sample:
    """A married couple of the loaded graph and the husband's ID number."""

    husband: str
    wife: str
    number: str


@pytest.fixture(scope="module")
def fuzz_url(settings: Settings, state_dir: Path, synthetic: LoadedDrop) -> Iterator[str]:
    """A server of its own whose rate budgets do not turn the fuzzing into 429s."""
    tuned = api_settings(settings, state_dir, api_rate_per_second=UNLIMITED,
                         api_rate_burst=dict.fromkeys(UNLIMITED, 10 ** 6))
    with serving(tuned) as url:
        yield url


@pytest.fixture(scope="module")
def fuzz_keys(state_dir: Path) -> Keys:
    """Keys of their own."""
    return make_keys(state_dir)


@pytest.fixture(scope="module")
def sample(synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> Sample:
    """A real couple to fill the parameters not under attack."""
    row = driver.execute_query(A_COUPLE, database_=database).records[0]
    return Sample(row["h"], row["w"], row["number"])


def counts(driver: neo4j.Driver, database: str) -> tuple[int, int]:
    """Nodes and relationships in the graph."""
    row = driver.execute_query(COUNTS, database_=database).records[0]
    return int(row["nodes"]), int(row["rels"])


# --- 1. schemathesis --------------------------------------------------------------

def _role(path: str) -> Role:
    return Role.SERVICE if path == "/v1/eligibility/batch" else Role.ADMIN


def _problems(case: Case, response: Any) -> list[str]:
    """What a response breaks: the operation and the failed checks' titles (no values)."""
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as group:
        return [f"{case.method} {case.path} -> {response.status_code}: "
                f"{sorted({f.title for f in group.exceptions})}"]
    except AssertionError as exc:
        return [f"{case.method} {case.path} -> {response.status_code}: {type(exc).__name__}"]
    return []


def _fuzz(case_strategy: Any, url: str, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=case_strategy)
    def run(case: Case) -> None:
        case.headers = {**(case.headers or {}), **headers}
        response = case.call(base_url=url, timeout=60)
        failures.extend(_problems(case, response))

    run()
    return failures


def _reads(url: str) -> Any:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    for method, path in WRITES:
        schema = schema.exclude(method=method, path=path)
    return schema


def test_schemathesis_finds_no_server_error_nor_schema_violation(
        fuzz_url: str, fuzz_keys: Keys, driver: neo4j.Driver, database: str) -> None:
    schema = _reads(fuzz_url)
    before = counts(driver, database)
    failures, fuzzed = [], 0
    for result in schema.get_all_operations():
        op = result.ok()
        failures += _fuzz(op.as_strategy(), fuzz_url,
                          fuzz_keys.headers(_role(op.path), "oversight"))
        fuzzed += 1
    assert fuzzed >= 25
    assert failures == [], "\n".join(sorted(set(failures)))
    assert counts(driver, database) == before


def test_schemathesis_stateful_phase_follows_the_links(
        fuzz_url: str, fuzz_keys: Keys, driver: neo4j.Driver, database: str) -> None:
    failures: list[str] = []
    calls: list[str] = []

    class Workflow(_reads(fuzz_url).as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            headers = {**(case.headers or {}),
                       **fuzz_keys.headers(_role(case.path), "oversight")}
            return {"base_url": fuzz_url, "headers": headers, "timeout": 60}

        def validate_response(self, response: Any, case: Case, **kwargs: Any) -> None:
            calls.append(f"{case.method} {case.path} {response.status_code}")
            failures.extend(_problems(case, response))

    before = counts(driver, database)
    Workflow.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=5,
                                   deadline=None, database=None, derandomize=True,
                                   suppress_health_check=list(HealthCheck)))
    assert failures == [], "\n".join(sorted(set(failures)))
    # The links were followed: a person found by a search was read on its own routes.
    followed = {c.rsplit(" ", 1)[0] for c in calls if c.endswith(" 200")}
    assert "GET /v1/persons/{ref}" in followed or "GET /v1/reviews/{review_id}" in followed
    assert counts(driver, database) == before


# --- 2. injections ----------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One string parameter of one operation, and a valid request around it."""

    method: str
    template: str
    where: str  # path | query | body | header
    name: str
    query: dict[str, str]
    body: dict[str, Any] | None


def _valid(s: Sample) -> dict[str, str]:
    return {"ref": s.husband, "a": s.husband, "b": s.wife, "husband": s.husband,
            "wife": s.wife, "pid": "P0000000000000000", "review_id": "R0000000000000000",
            "start": "1990-01-01", "end": "2020-12-31", "as_of": "2000-01-01",
            "id_number": s.number, "person": s.husband, "entry_id": "1",
            "job_id": "J0000000000000000",
            "from": "2010-01-01", "to": "2010-01-31", "code": "g6pd_deficiency"}


def targets(spec: dict[str, Any], s: Sample) -> list[Target]:
    """Every string parameter (path, query, JSON body field) of every operation."""
    valid, found = _valid(s), []
    bodies = {"CoupleIn": {"husband": s.husband, "wife": s.wife, "as_of": "1900-01-01"},
              "DecisionIn": {"decision": "link"}, "RunIn": {"as_of": "not-a-day"},
              "UnmergeIn": {"mentions": ["birth|x|y|child"]},
              "UnmergePreviewIn": {"mentions": ["birth|x|y|child"]},
              "PreviewIn": {"decision": "link"}, "FindQuery": {"id_number": s.number},
              "PairIn": {"a": s.husband, "b": s.wife},
              "DraftIn": {"table_text": "{}"},
              "WhatIfIn": {"table_text": "{}", "as_of": "2017-06-01"}}
    for template, ops in spec["paths"].items():
        for method, op in ops.items():
            params = [p for p in op.get("parameters", []) if p["in"] != "header"]
            required = {p["name"]: valid[p["name"]] for p in params if p.get("required")}
            ref = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            model = ref.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1] or None
            body = bodies.get(model) if model else None
            if model == "BatchIn":
                body = {"items": [bodies["CoupleIn"]]}
            strings = [p for p in params if "string" in str(p["schema"])]
            found += [Target(method.upper(), template, p["in"], p["name"], required, body)
                      for p in strings]
            found += [Target(method.upper(), template, "body", name, required, body)
                      for name in (body or {})]
            if any(p["name"] == "x-purpose" for p in op.get("parameters", [])):
                found.append(Target(method.upper(), template, "header", "X-Purpose",
                                    required, body))
    return found


def _request(t: Target, payload: str, headers: dict[str, str]) -> httpx.Request:
    query = {k: v for k, v in t.query.items() if t.where != "query" or k != t.name}
    path = t.template
    for name, value in query.items():
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", payload if name == t.name else value)
    path = path.replace("{" + t.name + "}", payload)
    qs = [f"{k}={quote(v, safe='')}" for k, v in query.items() if "{" + k + "}" not in t.template]
    if t.where == "query":
        qs.append(f"{t.name}={payload}")
    body = t.body
    if t.where == "body" and body is not None:
        body = {**body, t.name: httpx.QueryParams(f"v={payload}")["v"]}
    if t.where == "body" and t.name == "items":
        body = {"items": [{**t.body["items"][0], "husband": payload}]} if t.body else None
    if t.where == "header":
        headers = {**headers, "X-Purpose": httpx.QueryParams(f"v={payload}")["v"]}
    url = path + ("?" + "&".join(qs) if qs else "")
    return httpx.Request(t.method, url, json=body, headers=headers)


def _headers_ok(req: httpx.Request) -> bool:
    """Header values a client library can send at all (no CR/LF/NUL)."""
    return not any(c in v for v in req.headers.values() for c in "\r\n\x00")


def test_injections_get_4xx_and_change_nothing(fuzz_url: str, fuzz_keys: Keys,
                                               sample: Sample, driver: neo4j.Driver,
                                               database: str) -> None:
    spec = httpx.get(f"{fuzz_url}/openapi.json").json()
    found = targets(spec, sample)
    assert len(found) >= 30
    before = counts(driver, database)
    bad: list[str] = []
    sent = 0
    with httpx.Client(base_url=fuzz_url, timeout=60) as http:
        for t in found:
            role = _role(t.template)
            for kind, payload in PAYLOADS.items():
                try:
                    req = _request(t, payload, fuzz_keys.headers(role, "oversight"))
                except (UnicodeError, ValueError):
                    continue  # a header value no HTTP client can send
                if not _headers_ok(req):
                    continue
                req = http.build_request(req.method, req.url, content=req.content,
                                         headers=req.headers)
                status = http.send(req, follow_redirects=True).status_code
                sent += 1
                if not 400 <= status < 500:
                    bad.append(f"{t.method} {t.template} {t.where}:{t.name} {kind} -> {status}")
    assert sent >= 200
    assert bad == [], "\n".join(bad)
    assert counts(driver, database) == before
