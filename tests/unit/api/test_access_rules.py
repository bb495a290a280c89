"""Access rules that need no server: purposes, case references, ID numbers in URLs,
dates, and the OpenAPI document's roles and required X-Purpose."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, get_args

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError

from api.app import ROUTERS, create_app
from api.auth import purpose, purpose_code
from api.models import AuditQuery, Day, FindQuery
from api.problems import CaseReferenceRefused, IdNumberInUrl, PurposeMissing
from api.references import refuse_id_number
from kingraph.settings import Settings

CODES = ["casework", "screening", "review"]
NUMBER = "11010519491231002X"  # the GB 11643 example


@pytest.mark.parametrize("header", ["casework", "screening:CASE-2024-17", "review:A.b_c/1-2"])
def test_a_listed_purpose_with_or_without_a_case_reference_passes(header: str) -> None:
    assert purpose(header, CODES) == header


@pytest.mark.parametrize("header", [None, "", "curiosity", "Casework", "casework:",
                                    "casework:checking 王小明", "casework:" + "x" * 65])
def test_an_absent_unlisted_or_malformed_purpose_is_refused(header: str | None) -> None:
    with pytest.raises(PurposeMissing):
        purpose(header, CODES)


@pytest.mark.parametrize("reference", [
    NUMBER, NUMBER.lower(), "110105491231002",  # 18 and 15 characters
    "ID-" + NUMBER, "1101-0519-4912-3100-2X", "110105.19491231.002X",  # with separators
    "CASE-" + "1" * 15,
])
def test_a_case_reference_that_looks_like_an_id_number_is_refused(reference: str) -> None:
    with pytest.raises(CaseReferenceRefused):
        purpose(f"casework:{reference}", CODES)


def test_fourteen_digits_in_a_row_are_a_case_number() -> None:
    assert purpose("casework:CASE-2024-0000000001", CODES)


def test_a_refused_call_keeps_only_a_listed_code() -> None:
    assert purpose_code("casework:" + NUMBER, CODES) == "casework"
    assert purpose_code("checking on someone", CODES) == "-"
    assert purpose_code(None, CODES) == "-"


@pytest.mark.parametrize("ref", [NUMBER, NUMBER.lower(), "110105491231002",
                                 "110105194912310021", " 11010519491231002X"])
def test_id_numbers_valid_or_not_are_refused_in_urls(ref: str) -> None:
    with pytest.raises(IdNumberInUrl):
        refuse_id_number(ref)


@pytest.mark.parametrize("ref", ["P0123456789012345", "Pabcdef0123456789", "ps_abc",
                                 "kgtest-1a2b-1", "1101051949123100"])
def test_pids_pseudonyms_and_other_references_pass(ref: str) -> None:
    refuse_id_number(ref)


class Dated(BaseModel):
    day: Day


@pytest.mark.parametrize("raw", ["0", 0, "20200101", "2020-1-1", "1900-01-01T00:00:00",
                                 "9999-12-31", "1899-12-31", "2100-01-01", "", "today"])
def test_implausible_or_non_iso_days_are_refused_naming_the_field(raw: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Dated.model_validate({"day": raw})
    assert caught.value.errors()[0]["loc"] == ("day",)


@pytest.mark.parametrize("raw", ["1900-01-01", "2024-02-29", "2099-12-31"])
def test_days_written_iso_within_the_range_pass(raw: str) -> None:
    assert Dated.model_validate({"day": raw}).day == date.fromisoformat(raw)


def test_a_birth_date_of_zero_is_not_1970() -> None:
    with pytest.raises(ValidationError):
        FindQuery.model_validate({"name": "王小明", "birth_date": "0"})


@pytest.mark.parametrize("raw", ["0", "9999-12-31T00:00:00", "1969-12-31T23:59:59Z"])
def test_audit_times_are_iso_and_plausible(raw: str) -> None:
    if raw.startswith("1969"):
        assert AuditQuery.model_validate({"since": raw}).since == datetime.fromisoformat(raw)
        return
    with pytest.raises(ValidationError):
        AuditQuery.model_validate({"since": raw})


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = create_app(Settings(api_purposes=CODES)).openapi()
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), path, op) for path, ops in spec["paths"].items()
            for m, op in ops.items()]


def test_every_guarded_operation_states_its_roles(spec: dict[str, Any]) -> None:
    unguarded = {("GET", "/healthz")}
    for method, path, op in _operations(spec):
        if (method, path) in unguarded:
            assert "x-roles" not in op
            continue
        assert op["x-roles"], (method, path)
        assert "**Roles:**" in op["description"], (method, path)
    relatives = spec["paths"]["/v1/persons/{ref}/relatives"]["get"]
    assert relatives["x-roles"] == ["admin", "officer", "researcher"]
    assert spec["paths"]["/v1/audit"]["get"]["x-roles"] == ["admin"]


def test_x_purpose_is_required_with_the_listed_codes(spec: dict[str, Any]) -> None:
    personal = 0
    for method, path, op in _operations(spec):
        for param in op.get("parameters", []):
            if param["name"].lower() == "x-purpose":
                personal += 1
                assert param["required"] is True, (method, path)
                assert param["schema"]["pattern"].startswith("^(casework|review|screening)")
    assert personal >= 20


def test_no_route_takes_an_id_number_in_its_url(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        assert "id_number" not in path
        for param in op.get("parameters", []):
            assert param["name"] != "id_number", (method, path)


def _mentions_date(annotation: Any) -> bool:
    if annotation in (date, datetime):
        return True
    return any(_mentions_date(a) for a in get_args(annotation))


def _typed(declared: Any, metadata: list[Any]) -> Any:
    """The declared type with its validators, as pydantic reads it."""
    return Annotated[(declared, *metadata)] if metadata else declared


def _date_inputs() -> list[tuple[str, str, Any]]:
    """Every input of every route that takes a day or a time: query, path and header
    parameters, and the fields of request bodies (nested models included), as
    (route, name, the declared type with its validators)."""
    found: list[tuple[str, str, Any]] = []

    def model(where: str, cls: type[BaseModel]) -> None:
        for name, field in cls.model_fields.items():
            declared = field.annotation
            if _mentions_date(declared):
                found.append((where, name, _typed(declared, field.metadata)))
            for arg in (declared, *get_args(declared)):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    model(where, arg)

    for router in ROUTERS:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            where = f"{sorted(route.methods or ())} {route.path}"
            dependant = route.dependant
            for param in (*dependant.query_params, *dependant.path_params,
                          *dependant.header_params):
                declared = param.field_info.annotation
                if isinstance(declared, type) and issubclass(declared, BaseModel):
                    model(where, declared)
                elif _mentions_date(declared):
                    found.append((where, param.name,
                                  _typed(declared, param.field_info.metadata)))
            for body in dependant.body_params:
                declared = body.field_info.annotation
                if isinstance(declared, type) and issubclass(declared, BaseModel):
                    model(where, declared)
    return found


def test_every_day_or_time_a_route_takes_is_iso_and_plausible() -> None:
    # "0" once became 1970-01-01 (an issuance ran with it), 9999-12-31 was decided:
    # every date input of every route, found from the app itself, refuses both.
    inputs = _date_inputs()
    assert {"start", "end", "since", "as_of", "birth_date"} <= {name for _, name, _ in inputs}
    accepted = []
    for where, name, declared in inputs:
        adapter: TypeAdapter[Any] = TypeAdapter(declared)
        for raw in ("0", "9999-12-31", "1899-12-31", "20240101"):
            try:
                adapter.validate_python(raw)
            except ValidationError:
                continue
            accepted.append((where, name, raw))
    assert not accepted
