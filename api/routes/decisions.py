"""Officers' decisions: preview, decide, unmerge; each decision a job (``/v1/jobs/{id}``).

A decision re-runs fusion over every stored row, so it never runs in its request: the
route checks it at once (404, 409, 422, 428 answer straight away), then answers 202
with the job that writes it and re-fuses under the store lock, and a ``Location`` to
follow. A merge (``link``, or an unmerge) goes ahead only with the confirmation token
of its preview, which states what it will change and is bound to the item, the key and
the graph's state. The decision's audit entry names the review and the persons it is
about; the job's own entry, when it ends, every pid the re-fusion touched.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from api import problems
from api.auth import Access, personal_data
from api.confirmation import Subject
from api.jobs import Job, NewJob, Report
from api.routes.jobs import JobOut, job_out
from api.routes.reviews import STEWARDS, PersonCard, ReviewId, person_card
from ingest import stewardship

router = APIRouter(tags=["review queue"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
ACCEPTED = problems.responses(400, 401, 403, 404, 409, 422, 428, 429)
MERGES = frozenset({"link"})  # decisions that join persons: confirmed from a preview

Pid = Annotated[str, Path(pattern=r"^P[0-9a-f]{20}$", description="The person id.")]
RecordKey = Annotated[str, Field(min_length=5, max_length=200)]
MentionId = Annotated[str, Field(min_length=5, max_length=200)]
Token = Annotated[str, Field(min_length=10, max_length=200, description=(
    "The confirmation token of this decision's preview (required for a merge)."))]


class PreviewIn(BaseModel):
    """A decision to preview: ``link``/``no_link`` on a possible match; ``accept``,
    ``dismiss`` with the keys of the records that should no longer count, or (two
    parents) ``link`` on a conflict."""

    model_config = ConfigDict(extra="forbid")
    decision: Literal["link", "no_link", "accept", "dismiss"]
    records: list[RecordKey] = Field(default_factory=list, max_length=200)


class DecisionIn(PreviewIn):
    """A decision, with the confirmation token of its preview when it merges persons."""

    confirmation: Token | None = None


class UnmergePreviewIn(BaseModel):
    """The mentions (``feed|source|record_id|role``) to split off into another person."""

    model_config = ConfigDict(extra="forbid")
    mentions: list[MentionId] = Field(min_length=1, max_length=500)


class UnmergeIn(UnmergePreviewIn):
    """An unmerge, with the confirmation token of its preview."""

    confirmation: Token | None = None


class MovedOut(BaseModel):
    """A row whose mention goes to another person."""

    key: str
    feed: str
    source: str
    role: str
    pid: str = Field(description="The person it leaves.")


class PreviewOut(BaseModel):
    """What a decision will change, and the token that confirms it."""

    review_id: str | None = None
    pid: str | None = Field(None, description="The person an unmerge splits.")
    decision: str
    action: Literal["merge", "keep_apart", "accept", "dismiss", "split"]
    persons: list[PersonCard] = Field(description="The persons it is about now.")
    persons_after: int = Field(description="How many persons they will be.")
    survivor: str | None = Field(None, description="The pid the merged person keeps, or "
                                 "the pid a split leaves behind.")
    moved: list[MovedOut] = Field(description="Rows that move to another person (the "
                                  "first 50).")
    moved_total: int
    edges: dict[str, int] = Field(description="Edges affected, by type.")
    edges_removed: dict[str, int] = Field(description="Edges that go, by type.")
    state: str = Field(description="The graph state the preview was read against.")
    needs_confirmation: bool
    confirmation: str | None = Field(None, description="Send it with the decision.")
    expires: datetime | None = None


def _preview_out(access: Access, found: stewardship.Preview, decision: str,
                 subject: Subject, needs: bool, review_id: str | None = None,
                 pid: str | None = None) -> PreviewOut:
    token, expires = (access.runtime.confirmations.issue(subject, access.key.key_id,
                                                         found.state)
                      if needs else (None, None))
    access.audit.add(*found.persons, *(m.pid for m in found.moved))
    return PreviewOut(
        review_id=review_id, pid=pid, decision=decision,
        action=found.action,  # type: ignore[arg-type]
        persons=[], persons_after=found.persons_after, survivor=found.survivor,
        moved=[MovedOut(**vars(m)) for m in found.moved], moved_total=found.moved_total,
        edges=found.edges, edges_removed=found.edges_removed, state=found.state,
        needs_confirmation=needs, confirmation=token,
        expires=datetime.fromtimestamp(expires, UTC) if expires else None)


async def _with_persons(access: Access, out: PreviewOut, pids: list[str]) -> PreviewOut:
    facts = await access.runtime.call(stewardship.person_facts, pids)
    out.persons = [person_card(access, facts[p]) for p in pids if p in facts]
    return out


@router.post("/v1/reviews/{review_id}/preview", response_model=PreviewOut,
             responses=PROBLEMS)
async def preview_decision(
    review_id: ReviewId, body: PreviewIn,
    access: Annotated[Access, Depends(personal_data(*STEWARDS))],
) -> PreviewOut:
    """Preview a decision: the persons merged or kept apart, the rows that move, the edges
    affected; a merge's answer carries the confirmation token its decision needs."""
    rt = access.runtime
    found = await rt.call(stewardship.preview_decision, rt.store, review_id, body.decision,
                          body.records)
    access.audit.review_id = review_id
    subject = Subject.decision(review_id, body.decision, body.records)
    out = _preview_out(access, found, body.decision, subject, body.decision in MERGES,
                       review_id=review_id)
    return await _with_persons(access, out, found.persons)


def _outcome_json(found: stewardship.Outcome) -> dict[str, Any]:
    return {"merged": [{"pid": p, "pids": olds} for p, olds in found.merged],
            "split": [{"pid": p, "pids": news} for p, news in found.split],
            "mentions_moved": found.mentions_moved, "records_moved": found.records_moved,
            "edges": {k: vars(v) for k, v in found.edges.items()},
            "persons": found.pids, "written": found.written, "load_id": found.load_id}


async def _accepted(access: Access, response: Response, new: NewJob,
                    run: Any) -> JobOut:
    def work(report: Report) -> tuple[dict[str, Any], list[str]]:
        found: stewardship.Outcome = run(report.progress)
        return _outcome_json(found), found.pids

    job: Job = await access.runtime.jobs.submit(new, work)
    access.audit.job_id = job.job_id
    response.headers["Location"] = f"/v1/jobs/{job.job_id}"
    return job_out(job)


async def _confirm(access: Access, token: str | None, subject: Subject) -> None:
    state = await anyio.to_thread.run_sync(stewardship.state_stamp, access.runtime.store)
    access.runtime.confirmations.check(token, subject, access.key.key_id, state)


@router.post("/v1/reviews/{review_id}/decision", response_model=JobOut, status_code=202,
             responses=ACCEPTED)
async def decide_review(
    review_id: ReviewId, body: DecisionIn, response: Response,
    access: Annotated[Access, Depends(personal_data(*STEWARDS))],
) -> JobOut:
    """Decide a review item: answered at once (202) with the job that writes the decision
    and re-runs fusion; follow ``Location`` for its progress and result. A ``link``
    needs the ``confirmation`` of its preview."""
    rt = access.runtime
    item = await rt.call(stewardship.check_decision, review_id, body.decision, body.records)
    access.audit.review_id = review_id
    access.audit.add(*(item.review.get("pids") or []))
    if body.decision in MERGES:
        await _confirm(access, body.confirmation,
                       Subject.decision(review_id, body.decision, body.records))
    settings, key_id = rt.settings, access.key.key_id
    waiting = stewardship.Waiting(settings.steward_lock_wait_seconds)
    limits = stewardship.PieceLimits.of(settings)
    new = NewJob("decision", review_id, key_id, access.audit.purpose, access.audit.route,
                 {"decision": body.decision, "records": body.records}, review_id=review_id)
    return await _accepted(access, response, new, lambda progress: stewardship.decide(
        rt.sync_driver, rt.database, rt.store, review_id, body.decision, key_id,
        body.records, progress=progress, waiting=waiting, limits=limits))


@router.post("/v1/persons/{pid}/unmerge/preview", response_model=PreviewOut,
             responses=PROBLEMS)
async def preview_unmerge(
    pid: Pid, body: UnmergePreviewIn,
    access: Annotated[Access, Depends(personal_data(*STEWARDS))],
) -> PreviewOut:
    """Preview splitting mentions off a person: the rows that move and the edges they
    state; the answer carries the confirmation token the unmerge needs."""
    rt = access.runtime
    found = await rt.call(stewardship.preview_unmerge, rt.store, pid, body.mentions)
    out = _preview_out(access, found, "unmerge", Subject.unmerge(pid, body.mentions), True,
                       pid=pid)
    return await _with_persons(access, out, found.persons)


@router.post("/v1/persons/{pid}/unmerge", response_model=JobOut, status_code=202,
             responses=ACCEPTED)
async def unmerge(
    pid: Pid, body: UnmergeIn, response: Response,
    access: Annotated[Access, Depends(personal_data(*STEWARDS))],
) -> JobOut:
    """Split wrongly fused mentions off a person (with the confirmation of its preview):
    answered at once (202) with the job that re-derives both persons."""
    rt = access.runtime
    await rt.call(stewardship.check_unmerge, pid, body.mentions)
    access.audit.add(pid)
    await _confirm(access, body.confirmation, Subject.unmerge(pid, body.mentions))
    settings, key_id = rt.settings, access.key.key_id
    waiting = stewardship.Waiting(settings.steward_lock_wait_seconds)
    limits = stewardship.PieceLimits.of(settings)
    new = NewJob("unmerge", pid, key_id, access.audit.purpose, access.audit.route,
                 {"mentions": body.mentions}, pid=pid)
    return await _accepted(access, response, new, lambda progress: stewardship.unmerge(
        rt.sync_driver, rt.database, rt.store, pid, body.mentions, key_id,
        progress=progress, waiting=waiting, limits=limits))
