"""Who is calling, in which role, and why: the dependencies every route stands on.

``require(*roles)`` authenticates (Bearer token or X-API-Key), spends a rate-limit
token and checks the role. ``personal_data(*roles)`` does the same, then checks the
declared purpose (``X-Purpose``) and opens the audit entry that the request log
writes, with the response status, before the response leaves.

Each is one dependency over the two credential schemes (which also document them in
OpenAPI), not a chain: FastAPI's cost per request grows with every dependency in the
tree, and the checks run in the same order (401, then 403, then 400).
"""

# No ``from __future__ import annotations`` here: FastAPI must resolve the
# ``Depends(guard)`` annotations of the closures below at definition time.
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api import keys, pseudonyms
from api.audit import AuditEntry
from api.disclosure import shape
from api.keys import ApiKey, Role
from api.models import PersonPseudonymous, PersonPublic
from api.problems import NotAuthenticated, NotPermitted, PurposeMissing
from api.runtime import Runtime
from queries.persons import PersonRecord

# A purpose code, optionally with a case reference: "casework", "screening:CASE-2024-17".
# Codes, not prose: the audit log must not collect names typed into a free-text field.
PURPOSE = re.compile(r"[a-z][a-z0-9_-]{1,39}(:[A-Za-z0-9_./-]{1,64})?")

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def runtime(request: Request) -> Runtime:
    """The app's open resources."""
    rt: Runtime = request.app.state.runtime
    return rt


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
HeaderKey = Annotated[str | None, Depends(api_key_header)]
PurposeHeader = Annotated[str | None, Header(
    description="Why personal data is requested: a purpose code, optionally ':' and a case "
    "reference (e.g. `casework:CASE-17`).")]


def authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None,
                 header_key: str | None, allowed: frozenset[Role]) -> ApiKey:
    """The active key the request carries, of an allowed role; spends one token of its
    rate budget (401 without a valid key, 429 over budget, 403 for another role)."""
    raw = credentials.credentials if credentials else header_key
    if not raw:
        raise NotAuthenticated("send Authorization: Bearer <key> or X-API-Key: <key>")
    rt = runtime(request)
    key = keys.verify(rt.state, raw)
    if key is None:
        raise NotAuthenticated("unknown or revoked API key")
    request.state.key_id = key.key_id
    rt.limiter.take(key.key_id, key.role.value)
    if key.role not in allowed:
        raise NotPermitted(f"role {key.role.value} may not use this route")
    return key


def require(*roles: Role) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency admitting only keys of the given roles (403 for the others)."""
    allowed = frozenset(roles)

    async def admitted(request: Request, credentials: Bearer, header_key: HeaderKey) -> ApiKey:
        return authenticate(request, credentials, header_key, allowed)

    return admitted


def purpose(x_purpose: str | None) -> str:
    """The declared purpose of a personal-data call (400 when absent or not a code)."""
    if x_purpose is None or not PURPOSE.fullmatch(x_purpose):
        raise PurposeMissing("declare a purpose code in the X-Purpose header")
    return x_purpose


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
        key = authenticate(request, credentials, header_key, allowed)
        why = purpose(x_purpose)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        entry = AuditEntry(key.key_id, request.method, route, why)
        request.state.audit = entry
        return Access(key, entry, runtime(request))

    return admitted
