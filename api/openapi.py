"""The OpenAPI document, completed from the routes' guards.

FastAPI documents what a route declares; the guards of :mod:`api.auth` know more: the
roles each operation admits, and that a personal-data operation cannot be called
without an ``X-Purpose`` from the service's list (the header is optional in the
signature only so that a call without a key is told 401 before 400). Both are added
here: ``x-roles`` and a **Roles** line on every guarded operation, and the header
marked required, with the codes as a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api.auth import CASE_REFERENCE, guard_of


def link(path: str, method: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link to another operation, its parameters taken from this response
    (``$response.body#/...``): how a client (and a stateful fuzzer) goes on from here."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method}", "parameters": parameters}


def linked(**links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entry that documents a 200's links."""
    return {200: {"links": links}}


def purpose_pattern(codes: Iterable[str]) -> str:
    """The X-Purpose pattern for a list of codes."""
    listed = "|".join(re.escape(c) for c in sorted(codes))
    return f"^({listed})(:{CASE_REFERENCE.pattern})?$"


def _complete(schema: dict[str, Any], routers: Sequence[APIRouter],
              codes: list[str]) -> dict[str, Any]:
    for route in (r for router in routers for r in router.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        guard = guard_of(route)
        if guard is None:
            continue
        roles = sorted(r.value for r in guard.roles)
        for method in route.methods or ():
            op = schema["paths"].get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            op["x-roles"] = roles
            op["description"] = (op.get("description", "").rstrip()
                                 + f"\n\n**Roles:** {', '.join(roles)}.").lstrip()
            for param in op.get("parameters", []):
                if guard.personal and param["name"].lower() == "x-purpose":
                    param["required"] = True
                    param["schema"] = {"type": "string", "pattern": purpose_pattern(codes),
                                       "title": "X-Purpose"}
    return schema


def documented(app: FastAPI, routers: Sequence[APIRouter], codes: list[str]) -> None:
    """Make the app serve the completed document (built once, on first request) for the
    routers it includes."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            app.openapi_schema = _complete(schema, routers, codes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
