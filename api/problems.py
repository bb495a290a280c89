"""Errors as RFC 9457 ``application/problem+json``, with stable codes.

The problem types are a table; one handler maps the ``kingraph.errors``
hierarchy, request validation and HTTP errors onto it. Bodies name fields and
reasons, never the values sent (they may be ID numbers or names).

Besides ``type``/``title``/``code`` (the kind of problem) and ``detail`` (English, for
developers), every body carries ``reason``: a stable snake_case code of why, which a
client translates and acts on (the engine error's ``reason``; ``invalid_fields`` for
request validation, each invalid field with its own ``reason``; otherwise the problem
code).  Clients never read ``detail``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from kingraph.errors import (
    BookmarkInvalid,
    GraphBehind,
    GraphError,
    InvalidArgument,
    InvalidIdNumber,
    InvalidInput,
    KingraphError,
    PersonNotFound,
    PolicyFileError,
    ServerNotRunning,
    StoreBusy,
)

MEDIA_TYPE = "application/problem+json"
GRAPH_BEHIND_RETRY_AFTER = 1  # seconds: a secondary that lags is usually a moment behind
TYPE_BASE = "urn:kingraph:problem:"


class NotAuthenticated(KingraphError):
    """The request carries no API key, or one that is unknown or revoked."""

    default_reason = "unauthenticated"


class NotPermitted(KingraphError):
    """The caller's role may not use this route."""

    default_reason = "role_not_permitted"


class PurposeMissing(KingraphError):
    """A personal-data route was called without an X-Purpose header."""

    default_reason = "purpose_missing"


class CaseReferenceRefused(KingraphError):
    """The case reference of an X-Purpose looks like an ID number."""

    default_reason = "case_reference_refused"


class IdNumberInUrl(KingraphError):
    """An ID number was sent in a URL (path or query), where proxies and logs keep it."""

    default_reason = "id_number_in_url"


class JobNotFound(KingraphError):
    """No job has this id (or it is another key's)."""

    default_reason = "job_not_found"


class JobPending(KingraphError):
    """Another job on the same item is queued or running."""

    default_reason = "decision_pending"


class ConfirmationRequired(KingraphError):
    """A merge was sent without the confirmation token of its preview."""

    default_reason = "confirmation_required"


class ConfirmationInvalid(KingraphError):
    """A confirmation token does not match the decision, the key or the graph's state,
    or has expired."""

    default_reason = "confirmation_invalid"


class AuditEntryNotFound(KingraphError):
    """No audit entry has the id asked for."""

    default_reason = "audit_entry_not_found"


class RateLimited(KingraphError):
    """The caller's key has used up its request budget for now."""

    default_reason = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class ProblemType:
    """One stable kind of problem a client can meet."""

    code: str
    status: int
    title: str


PROBLEM_TYPES: Mapping[str, ProblemType] = {p.code: p for p in (
    ProblemType("bad_request", 400, "The request is malformed"),
    ProblemType("bookmark_invalid", 400,
                "X-Bookmarks names a transaction this graph never issued: drop it"),
    ProblemType("purpose_required", 400, "Personal data needs a declared purpose (X-Purpose)"),
    ProblemType("case_reference_refused", 400, "A case reference must not hold an ID number"),
    ProblemType("id_number_in_url", 400, "ID numbers go in a request body, not in a URL"),
    ProblemType("unauthenticated", 401, "Missing, unknown or revoked API key"),
    ProblemType("forbidden", 403, "This role may not use this route"),
    ProblemType("not_found", 404, "No such route"),
    ProblemType("person_not_found", 404, "No person matches the identifier"),
    ProblemType("audit_entry_not_found", 404, "No audit entry has this id"),
    ProblemType("job_not_found", 404, "No job of this key has this id"),
    ProblemType("method_not_allowed", 405, "Method not allowed on this route"),
    ProblemType("decision_pending", 409, "A decision on this item is already queued or running"),
    ProblemType("confirmation_invalid", 409, "The confirmation does not match: preview again"),
    ProblemType("store_busy", 409, "Another writer holds the graph's store"),
    ProblemType("invalid_input", 422, "Invalid input"),
    ProblemType("confirmation_required", 428, "A merge needs the confirmation of its preview"),
    ProblemType("rate_limited", 429, "Too many requests for this key"),
    ProblemType("internal", 500, "Internal error"),
    ProblemType("graph_error", 502, "The graph database rejected a query"),
    ProblemType("graph_unavailable", 503, "The graph database is unavailable"),
    ProblemType("graph_behind", 503,
                "The graph has not yet reached the transaction in X-Bookmarks; retry, "
                "or drop X-Bookmarks if the graph was reloaded"),
)}

# Most specific first: the first class the exception is an instance of wins.
EXCEPTION_CODES: Sequence[tuple[type[KingraphError], str]] = (
    (NotAuthenticated, "unauthenticated"),
    (NotPermitted, "forbidden"),
    (PurposeMissing, "purpose_required"),
    (RateLimited, "rate_limited"),
    (PersonNotFound, "person_not_found"),
    (AuditEntryNotFound, "audit_entry_not_found"),
    (JobNotFound, "job_not_found"),
    (CaseReferenceRefused, "case_reference_refused"),
    (IdNumberInUrl, "id_number_in_url"),
    (StoreBusy, "store_busy"),
    (JobPending, "decision_pending"),
    (ConfirmationRequired, "confirmation_required"),
    (ConfirmationInvalid, "confirmation_invalid"),
    (InvalidIdNumber, "invalid_input"),
    (InvalidArgument, "invalid_input"),
    (PolicyFileError, "invalid_input"),
    (ServerNotRunning, "graph_unavailable"),
    (BookmarkInvalid, "bookmark_invalid"),
    (GraphBehind, "graph_behind"),
    (GraphError, "graph_error"),
    (KingraphError, "internal"),
)

HTTP_CODES: Mapping[int, str] = {400: "bad_request", 401: "unauthenticated", 403: "forbidden",
                                 404: "not_found", 405: "method_not_allowed",
                                 422: "invalid_input", 429: "rate_limited"}


class FieldError(BaseModel):
    """One invalid field: where it was, which field, and why (no value)."""

    location: str
    field: str
    reason: str = Field(description="Why, as a stable code: pydantic's error type "
                                    "(missing, string_pattern_mismatch, date_parsing...) or "
                                    "the API's own (id_number_invalid...).")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document with a stable ``code``."""

    model_config = ConfigDict(json_schema_extra={"example": {
        "type": "urn:kingraph:problem:person_not_found", "title": "No person matches the "
        "identifier", "status": 404, "code": "person_not_found",
        "reason": "person_not_found"}})

    type: str
    title: str
    status: int
    code: str
    reason: str = Field(description="Why, as a stable snake_case code for clients to act on "
                                    "(e.g. index_case_not_screened, end_before_start, "
                                    "invalid_fields); the problem code when nothing is more "
                                    "specific. Clients never parse detail.")
    detail: str | None = None
    errors: list[FieldError] | None = None


def problem(code: str, detail: str | None = None, errors: list[FieldError] | None = None,
            headers: dict[str, str] | None = None, reason: str | None = None) -> JSONResponse:
    """A problem+json response of a known type; ``reason`` defaults to the code."""
    kind = PROBLEM_TYPES[code]
    body = Problem(type=TYPE_BASE + kind.code, title=kind.title, status=kind.status,
                   code=kind.code, reason=reason or kind.code, detail=detail, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=kind.status,
                        media_type=MEDIA_TYPE, headers=headers)


def code_of(exc: KingraphError) -> str:
    """The problem code for an engine exception."""
    return next(code for cls, code in EXCEPTION_CODES if isinstance(exc, cls))


def status_of(code: str) -> int:
    """The HTTP status of a problem code."""
    return PROBLEM_TYPES[code].status


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    """Validation errors reduced to location, field and reason (inputs dropped)."""
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())] or ["body"]
        out.append(FieldError(location=loc[0], field=".".join(loc[1:]) or loc[0],
                              reason=str(err.get("type", "invalid")),
                              message=str(err.get("msg", "invalid"))))
    return out


async def on_engine_error(request: Request, exc: Exception) -> JSONResponse:
    """Map an engine exception; its message is safe by the hierarchy's contract."""
    assert isinstance(exc, KingraphError)
    code = code_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if code == "unauthenticated" else None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    elif isinstance(exc, GraphBehind):
        headers = {"Retry-After": str(GRAPH_BEHIND_RETRY_AFTER)}
    detail = None if PROBLEM_TYPES[code].status >= 500 else str(exc)
    errors = ([FieldError(location="body", field=name, reason=reason, message=message)
               for name, reason, message in exc.fields]
              if isinstance(exc, InvalidInput) else None)
    if isinstance(exc, PolicyFileError):
        errors = [FieldError(location="body", field=f"table_text.line.{line or 0}",
                             reason="malformed_policy", message=reason)
                  for line, reason in exc.problems]
    return problem(code, detail, errors, headers=headers, reason=exc.reason)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 naming each invalid field and the reason, never the value."""
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    names = ", ".join(sorted({f"{e.location}.{e.field}" for e in errors}))
    return problem("invalid_input", f"invalid field(s): {names}", errors, reason="invalid_fields")


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (unknown route, wrong method) as problems."""
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal")
    return problem(code, headers=dict(exc.headers) if exc.headers else None)


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(KingraphError, on_engine_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting the problems a route may return."""
    return {status: {"model": Problem, "content": {MEDIA_TYPE: {}},
                     "description": ", ".join(p.code for p in PROBLEM_TYPES.values()
                                              if p.status == status)}
            for status in statuses}
