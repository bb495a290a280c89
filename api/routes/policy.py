"""``/v1/policy``: the birth-policy table in force, a draft checked, a draft's what-if as a job.

Thin over :mod:`queries.eligibility.policy_file` and :mod:`queries.eligibility.whatif`.
A draft arrives as the file's text, so that every problem is reported with the line of
the operator's own file.  The what-if runs over every couple (minutes at province size):
``POST`` starts a job (:mod:`api.jobs`, kind ``policy_whatif``) and answers 202 with
it; ``GET /v1/jobs/{id}`` reads its progress, then its result (changed couples paged; a
sample of decisions with both spouses, shaped for the caller: :func:`whatif_out`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from api import problems
from api.auth import Access, personal_data, require
from api.jobs import NewJob, Report
from api.keys import ApiKey, Role
from api.models import Day
from api.routes.eligibility import ReasonOut
from api.routes.jobs import WHATIF, JobOut, job_out
from queries.eligibility import Policy, policy, policy_file
from queries.eligibility import whatif as what_if

router = APIRouter(tags=["policy"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
MAX_TABLE = 2_000_000  # characters of a draft file


class VersionOut(BaseModel):
    """One policy version: when it begins, whether that date is confirmed, its rules."""

    id: str
    effective_from: date
    effective_from_confirmed: bool
    review_days_before: int | None
    review_days_after: int | None
    review_only: bool
    title: ReasonOut
    legal_reference: ReasonOut
    rules: list[str]


class PolicyOut(BaseModel):
    """A policy table: where it was read, its version and digest, its range, its versions."""

    source: str
    table_version: str
    digest: str
    covers_from: date
    covers_until: date | None
    versions: list[VersionOut]


def policy_out(table: Policy) -> PolicyOut:
    """A table as the API shows it."""
    versions = [VersionOut(
        id=v.id, effective_from=v.effective_from,
        effective_from_confirmed=v.effective_from_confirmed,
        review_days_before=v.review_window.days_before if v.review_window else None,
        review_days_after=v.review_window.days_after if v.review_window else None,
        review_only=v.review_only, title=ReasonOut(zh=v.title.zh, en=v.title.en),
        legal_reference=ReasonOut(zh=v.legal_reference_zh or v.legal_reference,
                                  en=v.legal_reference),
        rules=[r.id for r in v.rules]) for v in table.versions]
    return PolicyOut(source=table.source if table.source == "packaged" else "operator",
                     table_version=table.table_version, digest=table.digest,
                     covers_from=table.covers_from, covers_until=table.covers_until,
                     versions=versions)


@router.get("/v1/policy", response_model=PolicyOut, responses=PROBLEMS)
async def current(_: Annotated[ApiKey, Depends(require(Role.ADMIN, Role.OFFICER, Role.SERVICE))]
                  ) -> PolicyOut:
    """The policy table in force: version, digest, the dates it covers and its versions."""
    return policy_out(policy.load())


class DraftIn(BaseModel):
    """A draft policy table: the file's text (JSON)."""

    model_config = ConfigDict(extra="forbid")
    table_text: str = Field(min_length=2, max_length=MAX_TABLE)


@router.post("/v1/policy/check", response_model=PolicyOut, responses=PROBLEMS)
async def check(draft: DraftIn,
                _: Annotated[ApiKey, Depends(require(Role.ADMIN))]) -> PolicyOut:
    """Check a draft table; a malformed one is refused (422) with each problem's line."""
    return policy_out(policy_file.check(draft.table_text.encode("utf-8"), "draft"))


class WhatIfIn(DraftIn):
    """A draft table, the day to decide on, how many decisions to sample."""

    as_of: Day
    sample: int = Field(default=10, ge=0, le=100)


def _request(body: WhatIfIn, draft: Policy) -> dict[str, Any]:
    """What a what-if job was asked (no table text, no personal data)."""
    return {"as_of": body.as_of.isoformat(), "sample": body.sample,
            "draft_table_version": draft.table_version, "draft_digest": draft.digest}


@router.post("/v1/policy/whatif", status_code=202, response_model=JobOut, responses=PROBLEMS)
async def start_whatif(body: WhatIfIn, response: Response,
                       access: Annotated[Access, Depends(personal_data(Role.ADMIN))]) -> JobOut:
    """Run a draft table over every couple on a date (admin): a job (kind
    ``policy_whatif``); follow it with ``GET /v1/jobs/{id}``."""
    draft = policy_file.check(body.table_text.encode("utf-8"), "draft")
    rt = access.runtime
    base = policy.load()

    def work(report: Report) -> tuple[dict[str, Any], list[str]]:
        def progress(done: int, total: int) -> None:
            report.progress("deciding", done, total)

        found = what_if.whatif(rt.sync_driver, rt.database, draft, body.as_of, base,
                               progress=progress)
        # The persons in a result are audited when a page of it is read.
        return what_if.summary(found, body.sample), []

    new = NewJob(kind=WHATIF, subject=None, key_id=access.key.key_id,
                 purpose=access.audit.purpose, route="/v1/policy/whatif",
                 request=_request(body, draft), lane="read")
    job = await rt.jobs.submit(new, work)
    access.audit.job_id = job.job_id
    response.headers["Location"] = f"/v1/jobs/{job.job_id}"
    return job_out(job)
