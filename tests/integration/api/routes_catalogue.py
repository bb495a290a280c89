"""The app's routes as data for the route-walking tests: who each admits, what it touches.

Roles and the personal-data flag are read from each route's dependency tree (the
``require`` and ``personal_data`` closures in :mod:`api.auth`, whose ``allowed`` are
the roles), so a route added or reopened later is seen by the tests without editing
them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.app import ROUTERS
from api.keys import Role

PID = re.compile(r"P[0-9a-f]{20}|P[0-9a-f]{16}")  # pids of now (20 hex digits), and older
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RouteInfo:
    """One route: method, path template, admitted roles (None: no key) and personal data."""

    method: str
    path: str
    roles: frozenset[Role] | None
    personal: bool


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def info(route: APIRoute) -> list[RouteInfo]:
    """What a route admits, one entry per method."""
    roles: frozenset[Role] | None = None
    personal = False
    for call in _calls(route.dependant):
        name = getattr(call, "__qualname__", "")
        personal = personal or name.startswith("personal_data.")
        if name.startswith(("require.", "personal_data.")):
            roles = frozenset(inspect.getclosurevars(call).nonlocals["allowed"])
    return [RouteInfo(m, route.path, roles, personal) for m in sorted(route.methods)]


def catalogue() -> list[RouteInfo]:
    """Every API route of the app (the routers ``create_app`` includes), with its guards."""
    return [i for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)
            for i in info(r)]


def strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string value in a decoded JSON document, with the key it sits under."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key)
