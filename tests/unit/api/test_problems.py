"""Problem documents: stable codes, statuses, and no echoed values."""

from __future__ import annotations

import json

import pytest

from api.problems import (
    PROBLEM_TYPES,
    NotAuthenticated,
    NotPermitted,
    PurposeMissing,
    RateLimited,
    code_of,
    field_errors,
    problem,
)
from kingraph.errors import (
    GraphError,
    InvalidIdNumber,
    KingraphError,
    PersonNotFound,
    ServerNotRunning,
)


@pytest.mark.parametrize(("exc", "status"), [
    (NotAuthenticated("x"), 401), (NotPermitted("x"), 403), (PurposeMissing("x"), 400),
    (RateLimited(3), 429), (PersonNotFound("x"), 404), (InvalidIdNumber("x"), 422),
    (ServerNotRunning("x"), 503), (GraphError("x"), 502), (KingraphError("x"), 500),
])
def test_engine_errors_map_to_statuses(exc: KingraphError, status: int) -> None:
    assert PROBLEM_TYPES[code_of(exc)].status == status


def test_a_problem_is_rfc9457_shaped() -> None:
    response = problem("person_not_found", "no person with this identifier")
    body = json.loads(bytes(response.body))
    assert response.media_type == "application/problem+json"
    assert response.status_code == 404
    assert body["type"] == "urn:kingraph:problem:person_not_found"
    assert {"title", "status", "code", "detail"} <= set(body)


def test_validation_errors_keep_the_field_and_drop_the_value() -> None:
    raw = [{"loc": ("query", "id_number"), "type": "value_error", "msg": "Value error, bad",
            "input": "11010519491231002X", "ctx": {"error": "11010519491231002X"}}]
    [err] = field_errors(raw)
    assert (err.location, err.field, err.reason) == ("query", "id_number", "value_error")
    assert "11010519491231002X" not in err.model_dump_json()


def test_codes_are_unique() -> None:
    assert all(code == kind.code for code, kind in PROBLEM_TYPES.items())
