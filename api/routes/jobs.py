"""``/v1/jobs/{job_id}``: every job's progress and result, from any API worker.

The one job route, for both kinds of job of :mod:`api.jobs`: an officer's decision or
unmerge (its result: what the re-fusion changed) and a policy what-if (its result: what
the draft table changes, the changed couples paged by ``limit`` and ``offset``). A job
is read by the key that started it (admins: any); another key is told there is no such
job. Its result names persons, so reading it is a personal-data call, audited with them.

A job that succeeded answers with the ``X-Bookmarks`` of its last write, merged with the
request's as :mod:`api.consistency` merges a write's (those the job waited for are
superseded), so a client that polls a job to its end reads its write on any worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from api import problems
from api.auth import Access, personal_data
from api.jobs import Job
from api.keys import Role
from api.routes.whatif_out import WhatIfOut, whatif_out
from graphdb import bookmarks

router = APIRouter(tags=["review queue"])
WHATIF = "policy_whatif"  # the kind of a what-if job (api.routes.policy starts them)
JobId = Annotated[str, Path(pattern=r"^J[0-9a-f]{16}$", description="The job id.")]


class ProgressOut(BaseModel):
    """Where a job is: a stage code and, within it, counts when known.

    Stages: ``queued``, ``waiting`` (for the store lock: a load or another decision
    holds it), ``deciding`` (a what-if: its counts are couples decided), ``fusing``,
    ``write_records``, ``write_persons``,
    ``write_mentions``, ``write_child_of``, ``write_married``, ``write_MEMBER_OF``...,
    ``comparing``, ``done``; ``failed`` or ``interrupted`` when it did not finish.
    """

    stage: str | None
    done: int | None = None
    total: int | None = None


class Regrouping(BaseModel):
    """Persons merged into one (``pid`` now holds the mentions of ``pids``), or one person
    split (``pid``'s mentions now belong to ``pids``)."""

    pid: str
    pids: list[str]


class EdgeCount(BaseModel):
    """Edges of one type a re-fusion added, removed and changed."""

    added: int
    removed: int
    changed: int


class JobResult(BaseModel):
    """What the decision changed, measured after the re-fusion."""

    merged: list[Regrouping]
    split: list[Regrouping]
    mentions_moved: int
    records_moved: int
    edges: dict[str, EdgeCount]
    persons: list[str] = Field(description="Every person the re-fusion touched.")
    written: dict[str, int]
    load_id: str


class JobError(BaseModel):
    """Why a job failed: a problem code (see the problem types) and its detail."""

    code: str
    detail: str | None = None


class JobOut(BaseModel):
    """A job: what it does, where it is, and how it ended."""

    job_id: str
    kind: Literal["decision", "unmerge", "policy_whatif"]
    status: Literal["queued", "running", "succeeded", "failed"]
    review_id: str | None = None
    pid: str | None = None
    decision: str | None = None
    as_of: str | None = Field(default=None, description="A what-if's day.")
    created: datetime
    started: datetime | None = None
    finished: datetime | None = None
    progress: ProgressOut
    result: JobResult | WhatIfOut | None = Field(
        default=None, description="A decision's or unmerge's JobResult; a what-if's WhatIfOut.")
    error: JobError | None = None


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def job_out(job: Job, whatif: WhatIfOut | None = None) -> JobOut:
    """A stored job as the API shows it (a what-if's result shaped by the caller)."""
    result: JobResult | WhatIfOut | None = whatif
    if job.result and job.kind != WHATIF:
        result = JobResult(**job.result)
    return JobOut(
        job_id=job.job_id, kind=job.kind, status=job.status,  # type: ignore[arg-type]
        review_id=job.review_id, pid=job.pid, decision=job.request.get("decision"),
        as_of=job.request.get("as_of"),
        created=datetime.fromisoformat(job.created), started=_when(job.started),
        finished=_when(job.finished),
        progress=ProgressOut(stage=job.stage, done=job.done, total=job.total),
        result=result,
        error=JobError(code=job.error_code, detail=job.error) if job.error_code else None)


@router.get("/v1/jobs/{job_id}", response_model=JobOut,
            responses=problems.responses(400, 401, 403, 404, 422, 429))
async def get_job(
    job_id: JobId,
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
    limit: Annotated[int, Query(ge=1, le=1000, description="A what-if's changed couples: "
                                "how many.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="A what-if's changed "
                                 "couples: how many to skip.")] = 0,
) -> JobOut:
    """A job: its stage and progress while it runs, what it changed or found (or why it
    failed) when it ends."""
    job = await access.runtime.jobs.get(job_id)
    if job is None or (job.key_id != access.key.key_id and access.key.role is not Role.ADMIN):
        raise problems.JobNotFound("no job of this key has this id")
    access.audit.job_id = job.job_id
    access.audit.review_id = job.review_id
    flow = bookmarks.current()
    if flow is not None and job.status == "succeeded" and job.bookmarks:
        flow.advance(job.waited, job.bookmarks)
    if job.pid:
        access.audit.add(job.pid)
    if job.kind == WHATIF:
        found = job.result and await whatif_out(access, job.result, limit, offset)
        return job_out(job, found or None)
    if job.result:
        access.audit.add(*job.result.get("persons", []))
    return job_out(job)
