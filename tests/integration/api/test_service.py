"""Health, the OpenAPI document, request logs without personal data."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from api.keys import Role
from kingraph.settings import Settings
from tests.integration.api.conftest import Keys, People, api_settings, serving


def test_healthz_checks_neo4j_without_auth(client: httpx.Client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["neo4j"] == "up"
    assert body["neo4j_version"].startswith("5.")


def test_healthz_reports_a_dead_graph_as_503(settings: Settings, tmp_path: Path) -> None:
    dead = api_settings(settings, tmp_path, neo4j_uri="bolt://127.0.0.1:1",
                        neo4j_password=SecretStr("unused-secret"))
    with serving(dead) as url, httpx.Client(base_url=url) as http:
        response = http.get("/healthz")
    assert response.status_code == 503 and response.json()["neo4j"] == "down"


def test_openapi_is_complete(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    assert {"HTTPBearer", "APIKeyHeader"} <= set(doc["components"]["securitySchemes"])
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            assert op.get("description") or op.get("summary"), (path, method)
            done = min(code for code in op["responses"] if code.startswith("2"))
            ok = op["responses"][done]["content"]["application/json"]["schema"]
            assert ok, (path, method)
            if path != "/healthz":
                # Every authenticated route can refuse a key and rate-limit it; a route
                # that takes input can reject it.
                assert {"401", "429"} <= set(op["responses"]), path
                if op.get("parameters") or op.get("requestBody"):
                    assert "422" in op["responses"], path
    schemas = doc["components"]["schemas"]
    assert {"PersonPublic", "PersonPseudonymous", "CandidateList", "AuditPage",
            "Problem"} <= set(schemas)


def test_unknown_routes_and_methods_are_problems(client: httpx.Client, role_keys: Keys) -> None:
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = client.put("/v1/persons/search", headers=role_keys.headers(Role.OFFICER))
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


def test_request_logs_carry_templates_not_personal_data(
        client: httpx.Client, role_keys: Keys, people: People,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="kingraph.api"):
        client.post("/v1/persons/search", json={"id_number": people.li.id_number},
                    headers=role_keys.headers(Role.OFFICER))
        client.post("/v1/persons/search", json={"name": "王小明", "birth_date": "1990-05-17"},
                    headers=role_keys.headers(Role.OFFICER))
        client.get(f"/v1/persons/{people.li.pid}", headers=role_keys.headers(Role.OFFICER))
        # The server thread logs a request once its response is sent, which can be just
        # after the client has it: wait (bounded) for the last line.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
                '"/v1/persons/{ref}"' in r.getMessage() for r in caplog.records):
            time.sleep(0.02)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "kingraph.api"]
    requests = [line for line in lines if line["event"] == "request"]
    assert [line["route"] for line in requests[-3:]] == [
        "/v1/persons/search", "/v1/persons/search", "/v1/persons/{ref}"]
    assert all(line["key"] == role_keys.ids[Role.OFFICER] for line in requests[-3:])
    text = caplog.text
    for secret in (people.li.id_number, "王小明", "李华", people.li.pid, "1990-05-17"):
        assert secret not in text
