"""``/v1/audit``: the audit log, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api import problems
from api.audit import AuditFilter
from api.auth import Access, personal_data
from api.keys import Role
from api.models import MAX_LIMIT, AuditPage, AuditPersons, AuditQuery, AuditRecord, Pid

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage, responses=problems.responses(400, 401, 403, 422, 429))
async def audit_log(
    query: Annotated[AuditQuery, Query()],
    access: Annotated[Access, Depends(personal_data(Role.ADMIN))],
) -> AuditPage:
    """Search the audit log by person, key, route and time, newest first."""
    flt = AuditFilter(query.person, query.key_id, query.route, query.since, query.until,
                      query.review_id)
    total, entries = await access.runtime.search_audit(flt, query.limit, query.offset)
    # The entries name persons: shown to the admin, audited like any other read of them.
    if query.person is not None:
        access.audit.add(query.person)
    access.audit.add(*sorted({pid for e in entries for pid in e.pids}))
    items = [AuditRecord(id=e.entry_id or 0, at=datetime.fromisoformat(e.at), key_id=e.key_id,
                         method=e.method, route=e.route, purpose=e.purpose, status=e.status,
                         review_id=e.review_id, job_id=e.job_id, pids=e.pids,
                         pid_count=e.pid_count) for e in entries]
    return AuditPage(count=len(items), total=total, limit=query.limit, offset=query.offset,
                     items=items)


@router.get("/{entry_id}/persons", response_model=AuditPersons,
            responses=problems.responses(400, 401, 403, 404, 422, 429))
async def audit_persons(
    entry_id: Annotated[int, Path(ge=1, le=2**62)],
    access: Annotated[Access, Depends(personal_data(Role.ADMIN))],
    after: Annotated[Pid | None, Query(description="Start after this pid.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = MAX_LIMIT,
) -> AuditPersons:
    """Every person one audited call touched (an issuance run names thousands), in pid
    order, page by page: ``after`` is the previous page's ``next_after``."""
    found = await access.runtime.audit_persons(entry_id, after or "", limit)
    if found is None:
        raise problems.AuditEntryNotFound("no audit entry has this id")
    total, pids = found
    access.audit.add(*pids)  # shown to the admin: audited like any other read of persons
    return AuditPersons(entry_id=entry_id, total=total, limit=limit, items=pids,
                        next_after=pids[-1] if len(pids) == limit else None)
