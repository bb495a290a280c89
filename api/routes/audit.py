"""``/v1/audit``: the audit log, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import problems
from api.audit import AuditFilter
from api.auth import Access, personal_data
from api.keys import Role
from api.models import AuditPage, AuditQuery, AuditRecord

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage, responses=problems.responses(400, 401, 403, 422, 429))
async def audit_log(
    query: Annotated[AuditQuery, Query()],
    access: Annotated[Access, Depends(personal_data(Role.ADMIN))],
) -> AuditPage:
    """Search the audit log by person, key, route and time, newest first."""
    flt = AuditFilter(query.person, query.key_id, query.route, query.since, query.until)
    total, entries = await access.runtime.search_audit(flt, query.limit, query.offset)
    if query.person is not None:
        access.audit.add(query.person)
    items = [AuditRecord(id=e.entry_id or 0, at=datetime.fromisoformat(e.at), key_id=e.key_id,
                         method=e.method, route=e.route, purpose=e.purpose, status=e.status,
                         pids=e.pids) for e in entries]
    return AuditPage(count=len(items), total=total, limit=query.limit, offset=query.offset,
                     items=items)
