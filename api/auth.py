"""Who is calling, in which role, and why: the dependencies every route stands on.

``require(*roles)`` authenticates (Bearer token or X-API-Key), spends a rate-limit
token and checks the role. ``personal_data(*roles)`` does the same, then checks the
declared purpose (``X-Purpose``: a code from the settings' list, optionally ``:`` and a
case reference that must not look like an ID number) and opens the audit entry that
the request log writes, with the response status, before the response leaves.

A refused attempt (401, 403, 429, or a purpose refused) is audited too, on every
route: the key id it claimed (a key's id is public; never its secret), the route,
the purpose code if it was one, and the status. A case reference is never stored when
the call is refused for it.

Each guard is one dependency over the two credential schemes (which also document them
in OpenAPI), not a chain: FastAPI's cost per request grows with every dependency in
the tree, and the checks run in the same order (401, then 429, then 403, then 400).
Each guard carries its roles, which the OpenAPI document states per operation
(:func:`guard_of`).
"""

# No ``from __future__ import annotations`` here: FastAPI must resolve the
# ``Depends(guard)`` annotations of the closures below at definition time.
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
from fastapi import Depends, Header, Request
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api import keys, pseudonyms
from api.audit import AuditEntry
from api.disclosure import shape
from api.keys import ApiKey, Role
from api.models import PersonPseudonymous, PersonPublic
from api.problems import (
    CaseReferenceRefused,
    NotAuthenticated,
    NotPermitted,
    PurposeMissing,
    RateLimited,
)
from api.runtime import Runtime
from queries.persons import PersonRecord

# A case reference after the purpose code: "screening:CASE-2024-17".
CASE_REFERENCE = re.compile(r"[A-Za-z0-9_./-]{1,64}")
# Fifteen digits in a row, once separators are taken out: an ID number (15 or 18
# characters) or most of one. Such a reference is refused, never stored.
ID_LIKE = re.compile(r"\d{15}")
SEPARATORS = re.compile(r"[-_./]")
KEY_ID = re.compile(r"[0-9a-f]{16}")

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def runtime(request: Request) -> Runtime:
    """The app's open resources."""
    rt: Runtime = request.app.state.runtime
    return rt


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
HeaderKey = Annotated[str | None, Depends(api_key_header)]
PurposeHeader = Annotated[str | None, Header(
    description="Why personal data is requested: a purpose code from the service's list, "
    "optionally ':' and a case reference (e.g. `casework:CASE-17`; a reference holding "
    "15 digits in a row, like an ID number, is refused).")]


def _route(request: Request) -> str:
    return str(getattr(request.scope.get("route"), "path", "unmatched"))


def refused(request: Request, key_id: str, purpose_code: str = "-") -> None:
    """Open the audit entry of a refused attempt (written with its status)."""
    request.state.audit = AuditEntry(key_id, request.method, _route(request), purpose_code)


def _claimed_key_id(raw: str) -> str:
    """The public id part of a key that failed, when it is shaped like one, else ``-``."""
    parts = keys.split(raw)
    return parts[0] if parts and KEY_ID.fullmatch(parts[0]) else "-"


async def authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None,
                       header_key: str | None, allowed: frozenset[Role],
                       why: str = "-") -> ApiKey:
    """The active key the request carries, of an allowed role; spends one token of its
    rate budget (401 without a valid key, 429 over budget, 403 for another role); a
    refusal is audited (with ``why``, the purpose code declared, if any).

    The token is spent in a worker thread: the budget file is shared by the API's
    worker processes, and a write may wait for another's lock (up to SQLite's busy
    timeout), which must never stall the event loop.
    """
    raw = credentials.credentials if credentials else header_key
    if not raw:
        refused(request, "-", why)
        raise NotAuthenticated("send Authorization: Bearer <key> or X-API-Key: <key>")
    rt = runtime(request)
    key = keys.verify(rt.state, raw)
    if key is None:
        refused(request, _claimed_key_id(raw), why)
        raise NotAuthenticated("unknown or revoked API key")
    request.state.key_id = key.key_id
    try:
        await anyio.to_thread.run_sync(rt.limiter.take, key.key_id, key.role.value)
    except RateLimited:
        refused(request, key.key_id, why)
        raise
    if key.role not in allowed:
        refused(request, key.key_id, why)
        raise NotPermitted(f"role {key.role.value} may not use this route")
    return key


@dataclass(frozen=True)
class Guard:
    """What a route's guard admits: its roles, and whether it serves personal data."""

    roles: frozenset[Role]
    personal: bool


def require(*roles: Role) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency admitting only keys of the given roles (403 for the others)."""
    allowed = frozenset(roles)

    async def admitted(request: Request, credentials: Bearer, header_key: HeaderKey) -> ApiKey:
        return await authenticate(request, credentials, header_key, allowed)

    admitted.kingraph_guard = Guard(allowed, personal=False)  # type: ignore[attr-defined]
    return admitted


def purpose(x_purpose: str | None, codes: Iterable[str]) -> str:
    """The declared purpose of a personal-data call: a listed code, optionally with a case
    reference (400 when absent, not listed, or holding what looks like an ID number)."""
    listed = sorted(codes)
    if not x_purpose:
        raise PurposeMissing("declare a purpose in the X-Purpose header, one of: "
                             + ", ".join(listed))
    code, colon, case = x_purpose.partition(":")
    if code not in listed:
        raise PurposeMissing("X-Purpose must start with one of: " + ", ".join(listed))
    if colon and not CASE_REFERENCE.fullmatch(case):
        raise PurposeMissing("a case reference is 1-64 letters, digits or . _ / -")
    if colon and ID_LIKE.search(SEPARATORS.sub("", case)):
        raise CaseReferenceRefused("a case reference must not hold an ID number (15 digits "
                                   "in a row); use the case's own number")
    return x_purpose


def purpose_code(x_purpose: str | None, codes: Iterable[str]) -> str:
    """The purpose code of a header, for the audit of a refused call (``-`` if none)."""
    code = (x_purpose or "").partition(":")[0]
    return code if code in set(codes) else "-"


@dataclass(frozen=True)
class Access:
    """An admitted personal-data call: the key, its audit entry, the role's view."""

    key: ApiKey
    audit: AuditEntry
    runtime: Runtime

    def view(self, person: PersonRecord) -> PersonPublic | PersonPseudonymous:
        """The person shaped for the caller's role; issued pseudonyms are registered."""
        return shape(person, self.key.role, self._pseudonymize)

    def _pseudonymize(self, pid: str) -> str:
        ref = self.runtime.pseudonymizer.of(pid)
        self.audit.issued[ref] = pid
        return ref

    def pid_for(self, ref: str) -> str | None:
        """The pid a caller means: researchers name persons by pseudonym only."""
        if self.key.role is not Role.RESEARCHER:
            return ref
        if not pseudonyms.is_pseudonym(ref):
            return None
        return pseudonyms.resolve(self.runtime.state, ref)


def personal_data(*roles: Role) -> Callable[..., Awaitable[Access]]:
    """A dependency for routes that read or write persons: role, purpose, audit."""
    allowed = frozenset(roles)

    async def admitted(request: Request, credentials: Bearer, header_key: HeaderKey,
                       x_purpose: PurposeHeader = None) -> Access:
        codes = runtime(request).settings.api_purposes
        key = await authenticate(request, credentials, header_key, allowed,
                           purpose_code(x_purpose, codes))
        try:
            why = purpose(x_purpose, codes)
        except (PurposeMissing, CaseReferenceRefused):
            refused(request, key.key_id, purpose_code(x_purpose, codes))
            raise
        entry = AuditEntry(key.key_id, request.method, _route(request), why)
        request.state.audit = entry
        return Access(key, entry, runtime(request))

    admitted.kingraph_guard = Guard(allowed, personal=True)  # type: ignore[attr-defined]
    return admitted


def guard_of(route: APIRoute) -> Guard | None:
    """The guard a route depends on (its roles; personal data or not), if any."""
    for dependency in route.dependant.dependencies:
        found: Any = getattr(dependency.call, "kingraph_guard", None)
        if isinstance(found, Guard):
            return found
    return None
