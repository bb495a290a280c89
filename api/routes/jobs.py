"""``/v1/jobs/{job_id}``: a decision's progress and result, from any API worker.

A job is read by the key that started it (admins: any); another key is told there is
no such job. Its result names the persons the re-fusion touched, so reading it is a
personal-data call, audited with them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from api import problems
from api.auth import Access, personal_data
from api.jobs import Job
from api.keys import Role

router = APIRouter(tags=["review queue"])
JobId = Annotated[str, Path(pattern=r"^J[0-9a-f]{16}$", description="The job id.")]


class ProgressOut(BaseModel):
    """Where a job is: a stage code and, within it, counts when known.

    Stages: ``queued``, ``waiting`` (for the store lock: a load or another decision
    holds it), ``deciding``, ``fusing``, ``write_records``, ``write_persons``,
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
    kind: Literal["decision", "unmerge"]
    status: Literal["queued", "running", "succeeded", "failed"]
    review_id: str | None = None
    pid: str | None = None
    decision: str | None = None
    created: datetime
    started: datetime | None = None
    finished: datetime | None = None
    progress: ProgressOut
    result: JobResult | None = None
    error: JobError | None = None


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def job_out(job: Job) -> JobOut:
    """A stored job as the API shows it."""
    return JobOut(
        job_id=job.job_id, kind=job.kind, status=job.status,  # type: ignore[arg-type]
        review_id=job.review_id, pid=job.pid, decision=job.request.get("decision"),
        created=datetime.fromisoformat(job.created), started=_when(job.started),
        finished=_when(job.finished),
        progress=ProgressOut(stage=job.stage, done=job.done, total=job.total),
        result=JobResult(**job.result) if job.result else None,
        error=JobError(code=job.error_code, detail=job.error) if job.error_code else None)


@router.get("/v1/jobs/{job_id}", response_model=JobOut,
            responses=problems.responses(400, 401, 403, 404, 422, 429))
async def get_job(
    job_id: JobId,
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
) -> JobOut:
    """A decision's job: its stage and progress while it runs, what it changed (or why it
    failed) when it ends."""
    job = await access.runtime.jobs.get(job_id)
    if job is None or (job.key_id != access.key.key_id and access.key.role is not Role.ADMIN):
        raise problems.JobNotFound("no job of this key has this id")
    access.audit.job_id = job.job_id
    access.audit.review_id = job.review_id
    if job.pid:
        access.audit.add(job.pid)
    if job.result:
        access.audit.add(*job.result.get("persons", []))
    return job_out(job)
