"""Problem documents: stable codes, statuses, and no echoed values."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

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
    InvalidArgument,
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


def test_a_body_carries_the_engine_reason_and_keeps_its_type_title_detail() -> None:
    err = InvalidArgument("the period ends before it starts", reason="end_before_start")
    body = json.loads(bytes(problem(code_of(err), str(err), reason=err.reason).body))
    assert body["reason"] == "end_before_start"
    assert body["type"] == "urn:kingraph:problem:invalid_input"
    assert body["title"] == PROBLEM_TYPES["invalid_input"].title
    assert body["detail"] == "the period ends before it starts"


def test_without_a_specific_reason_the_class_or_the_code_stands() -> None:
    assert InvalidArgument("x").reason == "invalid_argument"
    assert PersonNotFound("x").reason == "person_not_found"
    assert RateLimited(3).reason == "rate_limited"
    assert json.loads(bytes(problem("not_found").body))["reason"] == "not_found"


def test_the_reason_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(InvalidArgument("x", reason="same_person")))
    assert (type(err), err.args, err.reason) == (InvalidArgument, ("x",), "same_person")


ROOT = Path(__file__).resolve().parents[3]


def _raises_without_reason(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "InvalidArgument" and not any(k.arg == "reason"
                                                     for k in node.exc.keywords):
                lines.append(node.lineno)
    return lines


def test_every_invalid_argument_names_its_reason() -> None:
    """A client acts on codes, never on English detail: no raise leaves the reason generic."""
    found = {str(p.relative_to(ROOT)): lines
             for room in ("api", "graphdb", "ingest", "kingraph", "queries")
             for p in sorted((ROOT / room).rglob("*.py"))
             if (lines := _raises_without_reason(p))}
    assert found == {}
