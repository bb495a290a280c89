"""``/v1/policy``: the birth-policy table in force, a draft checked, a draft's what-if as a job.

Thin over :mod:`queries.eligibility.policy_file` and :mod:`queries.eligibility.whatif`.
A draft arrives as the file's text, so that every problem is reported with the line of
the operator's own file.  The what-if runs over every couple (minutes at province size):
``POST`` starts a job and answers 202 with its id; ``GET`` reads its progress, then its
result (changed couples paged; a sample of decisions with both spouses, shaped for the
caller).
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api import jobs, problems
from api.auth import Access, personal_data, require
from api.keys import ApiKey, Role
from api.models import PersonView
from api.routes.eligibility import ReasonOut
from queries.eligibility import policy_file, sheet
from queries.eligibility import whatif as what_if
from queries.eligibility.policy import Policy, load

router = APIRouter(tags=["policy"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
WHATIF = "policy_whatif"
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
    return policy_out(load())


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

    as_of: date
    sample: int = Field(default=10, ge=0, le=100)


class Transition(BaseModel):
    """Couples whose outcome goes from ``before`` to ``after``."""

    before: str
    after: str
    couples: int


class DivisionChanges(BaseModel):
    """The changed couples of one county."""

    division: str
    division_name: str | None
    changed: int
    changes: list[Transition]


class ChangedCouple(BaseModel):
    """A couple whose outcome or child order changes."""

    husband: str
    wife: str
    division: str
    before: str
    before_order: int | None
    after: str
    after_order: int | None


class SampleDecision(BaseModel):
    """One decision under a table."""

    outcome: str
    child_order: int | None
    child_order_couple: int | None
    rule_id: str | None
    policy_version: str
    reasons: list[ReasonOut]


class SampleCouple(BaseModel):
    """A changed couple, both spouses shaped for the caller, both decisions with reasons."""

    husband: PersonView | None
    wife: PersonView | None
    division: str
    before: SampleDecision
    after: SampleDecision


class TableOut(BaseModel):
    """Which table: its version, digest and source."""

    table_version: str
    digest: str
    source: str


class WhatIfOut(BaseModel):
    """What the draft changes on the day."""

    as_of: date
    couples: int
    changed: int
    base: TableOut
    draft: TableOut
    transitions: list[Transition]
    by_division: list[DivisionChanges]
    changed_couples: list[ChangedCouple]
    changed_offset: int
    sample: list[SampleCouple]
    seconds: dict[str, float]


class JobOut(BaseModel):
    """A what-if job: its progress, then its result."""

    id: str
    status: str
    done: int
    total: int | None
    created: str
    updated: str
    finished: str | None
    error: str | None
    result: WhatIfOut | None = None


def _job_out(job: jobs.Job, result: WhatIfOut | None = None) -> JobOut:
    return JobOut(id=job.id, status=job.status, done=job.done, total=job.total,
                  created=job.created, updated=job.updated, finished=job.finished,
                  error=job.error, result=result)


@router.post("/v1/policy/whatif", status_code=202, response_model=JobOut, responses=PROBLEMS)
async def start_whatif(body: WhatIfIn,
                       access: Annotated[Access, Depends(personal_data(Role.ADMIN))]) -> JobOut:
    """Run a draft table over every couple on a date (admin): a job; read it with GET."""
    draft = policy_file.check(body.table_text.encode("utf-8"), "draft")
    rt = access.runtime
    job_id = jobs.create(rt.state, WHATIF, access.key.key_id)
    base = load()

    def work(progress: jobs.Progress) -> dict[str, Any]:
        found = what_if.whatif(rt.sync_driver, rt.database, draft, body.as_of, base,
                               progress=progress)
        return what_if.summary(found, body.sample)

    rt.spawn(functools.partial(jobs.run, rt.settings.service_db, job_id, work))
    job = jobs.get(rt.state, WHATIF, job_id)
    assert job is not None
    return _job_out(job)


JobId = Annotated[str, Path(pattern=r"^J[0-9a-f]{16}$")]


@router.get("/v1/policy/whatif/{job_id}", response_model=JobOut, responses=PROBLEMS)
async def read_whatif(
    job_id: JobId, access: Annotated[Access, Depends(personal_data(Role.ADMIN))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JobOut:
    """A what-if job's progress; when done, its result with a page of the changed couples."""
    rt = access.runtime
    job = jobs.get(rt.state, WHATIF, job_id)
    if job is None:
        raise problems.JobNotFound("no what-if job has this id")
    if job.result is None:
        return _job_out(job)
    found = job.result
    page = found["changed_couples"][offset:offset + limit]
    picked = found["sample"]
    pids = {p for c in [*page, *picked] for p in (c["husband"], c["wife"])}
    access.audit.add(*pids)
    people = await rt.call(sheet.cards, [p for c in picked for p in (c["husband"], c["wife"])],
                           date.fromisoformat(found["as_of"]))

    def shaped(pid: str) -> Any:
        card = people.get(pid)
        return access.view(card.person) if card else None

    sample = [SampleCouple(husband=shaped(c["husband"]), wife=shaped(c["wife"]),
                           division=c["division"], before=SampleDecision(**c["before"]),
                           after=SampleDecision(**c["after"])) for c in picked]
    result = WhatIfOut(**{**found, "changed_couples": page, "sample": sample,
                          "changed_offset": offset})
    return _job_out(job, result)
