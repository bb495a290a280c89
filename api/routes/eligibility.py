"""``/v1/eligibility``, ``/v1/eligibility/batch``, ``/v1/eligibility/sheet``, ``/v1/permits``,
``/v1/permits/run``."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from api import problems
from api.auth import Access, personal_data
from api.keys import Role
from api.models import Day, PersonView
from ingest import stewardship
from queries import eligibility as birth_permits
from queries import persons
from queries.eligibility import Decision

router = APIRouter(tags=["eligibility"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
PersonRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class CoupleIn(BaseModel):
    """A couple (pids or ID numbers) and the application date."""

    model_config = ConfigDict(extra="forbid")
    husband: PersonRef
    wife: PersonRef
    as_of: Day


class BatchIn(BaseModel):
    """Up to 500 couples."""

    model_config = ConfigDict(extra="forbid")
    items: list[CoupleIn] = Field(max_length=500)


class ReasonOut(BaseModel):
    """One reason in Chinese and English."""

    zh: str
    en: str


class DecisionOut(BaseModel):
    """A decision: outcome, child (in all and within the couple), rule, legal basis in both
    languages, reasons, the policy table it was made with and the record keys it rests on."""

    husband: str
    wife: str
    outcome: str
    child_order: int | None
    child_order_couple: int | None = None
    permit_kind: str | None
    rule_id: str | None
    policy_version: str
    legal_reference: str
    legal_basis: ReasonOut
    table_version: str
    table_digest: str
    reasons: list[ReasonOut]
    evidence: list[str]


class BatchOut(BaseModel):
    """Decisions in the order asked."""

    count: int
    items: list[DecisionOut]


class PermitOut(BaseModel):
    """A decision and the permit issued for it (None when nothing was issued)."""

    decision: DecisionOut
    permit_no: str | None


class EventOut(BaseModel):
    """One issuance, closure, revocation, flag or glory finding."""

    event_id: str
    kind: str
    permit_no: str | None
    on: date
    husband: str
    wife: str
    child_order: int | None


class EventList(BaseModel):
    """Recent permit events."""

    count: int
    limit: int
    offset: int
    items: list[EventOut]


class RunIn(BaseModel):
    """The day of an automatic issuance run."""

    model_config = ConfigDict(extra="forbid")
    as_of: Day


class RunOut(BaseModel):
    """What a run decided and changed."""

    couples: int
    outcomes: dict[str, int]
    events: dict[str, int]


def _out(h: str, w: str, d: Decision) -> DecisionOut:
    # Field by field: ``dataclasses.asdict`` deep-copies and was a tenth of a request's CPU.
    return DecisionOut(
        husband=h, wife=w, outcome=d.outcome.value, child_order=d.child_order,
        child_order_couple=d.child_order_couple,
        permit_kind=d.permit_kind.value if d.permit_kind else None, rule_id=d.rule_id,
        policy_version=d.policy_version, legal_reference=d.legal_reference,
        legal_basis=ReasonOut(zh=d.legal_reference_zh or d.legal_reference,
                              en=d.legal_reference),
        table_version=d.table_version, table_digest=d.table_digest,
        reasons=[ReasonOut(zh=r.zh, en=r.en) for r in d.reasons], evidence=list(d.evidence))


async def _decide(access: Access, item: CoupleIn) -> DecisionOut:
    rt = access.runtime
    h, w, decision = await rt.decide((item.husband, item.wife, item.as_of))
    access.audit.add(h, w)
    return _out(h, w, decision)


OFFICERS = (Role.ADMIN, Role.OFFICER, Role.SERVICE)


@router.post("/v1/eligibility", response_model=DecisionOut, responses=PROBLEMS)
async def eligibility(item: CoupleIn,
                      access: Annotated[Access, Depends(personal_data(*OFFICERS))]
                      ) -> DecisionOut:
    """Decide a couple's birth-permit eligibility with reasons and evidence.

    Closed to researchers: a decision is casework on an identified couple and cites
    source record keys; researchers get no per-couple eligibility.
    """
    return await _decide(access, item)


class SpouseOut(BaseModel):
    """A spouse on the decision sheet: the person (shaped for the caller) and the division
    of their household registration on the date."""

    person: PersonView
    division: str | None
    division_name: str | None


class EvidenceOut(BaseModel):
    """One record the decision rests on, readable; the key for who wants it."""

    key: str
    feed: str
    source: str
    record_type: ReasonOut
    department: ReasonOut
    on: date | None
    proves: list[ReasonOut]


class MarriageOut(BaseModel):
    """The couple's marriage as the decision reads it."""

    married_on: date
    inferred: bool
    ended_on: date | None
    end_reason: str | None


class SheetOut(BaseModel):
    """The decision sheet: both spouses, the date, the marriage, the decision, the evidence."""

    as_of: date
    husband: SpouseOut
    wife: SpouseOut
    marriage: MarriageOut | None
    decision: DecisionOut
    evidence: list[EvidenceOut]


def _bi(text: birth_permits.Bilingual) -> ReasonOut:
    return ReasonOut(zh=text.zh, en=text.en)


def _spouse(access: Access, card: birth_permits.sheet.SpouseCard) -> SpouseOut:
    return SpouseOut(person=access.view(card.person), division=card.division,
                     division_name=card.division_name)


@router.post("/v1/eligibility/sheet", response_model=SheetOut, responses=PROBLEMS)
async def decision_sheet(item: CoupleIn,
                         access: Annotated[Access, Depends(personal_data(Role.ADMIN,
                                                                         Role.OFFICER))]
                         ) -> SheetOut:
    """An officer's decision sheet: both spouses named, the legal basis, readable evidence.

    The application is checked first (422 naming each field): the husband recorded as a
    man and the wife as a woman, a marriage of theirs in force on the date, the date within
    the policy table's range.
    """
    rt = access.runtime
    h, w = await rt.call(persons.resolve_many, [item.husband, item.wife])
    access.audit.add(h, w)
    found = await rt.call(birth_permits.sheet.sheet, h, w, item.as_of)
    m = found.marriage
    return SheetOut(
        as_of=found.as_of, husband=_spouse(access, found.husband),
        wife=_spouse(access, found.wife),
        marriage=MarriageOut(married_on=m.registered_on, inferred=m.inferred,
                             ended_on=m.ended_on, end_reason=m.end_reason) if m else None,
        decision=_out(h, w, found.decision),
        evidence=[EvidenceOut(key=e.key, feed=e.feed, source=e.source,
                              record_type=_bi(e.record_type), department=_bi(e.department),
                              on=e.on, proves=[_bi(p) for p in e.proves])
                  for e in found.evidence])


@router.post("/v1/eligibility/batch", response_model=BatchOut, responses=PROBLEMS)
async def eligibility_batch(batch: BatchIn,
                            access: Annotated[Access, Depends(personal_data(Role.SERVICE))]
                            ) -> BatchOut:
    """Decide many couples at once (service role; closed to researchers, as above)."""
    # Together, so the worker's coalescer reads them in one or a few queries.
    items = list(await asyncio.gather(*(_decide(access, item) for item in batch.items)))
    return BatchOut(count=len(items), items=items)


@router.post("/v1/permits", response_model=PermitOut, responses=PROBLEMS)
async def issue_permit(item: CoupleIn,
                       access: Annotated[Access, Depends(personal_data(Role.ADMIN,
                                                                       Role.OFFICER))]
                       ) -> PermitOut:
    """Issue a permit for an eligible couple (nothing when one is already held).

    Officers and admins only: issuance is an administrative act, never research.
    """
    rt = access.runtime
    h, w = await rt.call(persons.resolve_many, [item.husband, item.wife])
    access.audit.add(h, w)
    waiting = stewardship.Waiting(rt.settings.steward_lock_wait_seconds)

    def issue_alone() -> tuple[birth_permits.Decision, list[Any]]:
        # The graph's one writer's lock, as every writer takes (in this worker thread,
        # never on the event loop): no load or re-fusion moves the couple meanwhile.
        with stewardship.writing(rt.store, "permits", waiting):
            return birth_permits.issue_couple(rt.sync_driver, rt.database, h, w, item.as_of)

    decision, events = await anyio.to_thread.run_sync(issue_alone)
    issued = next((e.permit_no for e in events if e.kind == "issued"), None)
    return PermitOut(decision=_out(h, w, decision), permit_no=issued)


@router.get("/v1/permits", response_model=EventList, responses=PROBLEMS)
async def recent(access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
                 since: Annotated[Day, Query()] = date(1900, 1, 1),
                 limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> EventList:
    """Recent permit issuances, closures, revocations and flags.

    Closed to researchers: events carry permit numbers and exact days of identified couples.
    """
    rows = await access.runtime.call(birth_permits.recent, since, limit, offset)
    access.audit.add(*{p for r in rows for p in (r["husband"], r["wife"])})
    items = [EventOut(**{**r, "on": r["on"].to_native() if hasattr(r["on"], "to_native")
                         else r["on"]}) for r in rows]
    return EventList(count=len(items), limit=limit, offset=offset, items=items)


@router.post("/v1/permits/run", response_model=RunOut, responses=PROBLEMS)
async def run(body: RunIn, access: Annotated[Access, Depends(personal_data(Role.ADMIN))]
              ) -> RunOut:
    """Run automatic issuance for every married couple (admin).

    The run reads every couple it decides: its audit entry names both spouses of each
    (``/v1/audit/{id}/persons`` lists them all).
    """
    rt = access.runtime
    waiting = stewardship.Waiting(rt.settings.steward_lock_wait_seconds)

    def issue_alone() -> birth_permits.IssueReport:
        with stewardship.writing(rt.store, "permits", waiting):  # no re-fusion meanwhile
            return birth_permits.issue(rt.sync_driver, rt.database, body.as_of)

    report = await anyio.to_thread.run_sync(issue_alone)
    access.audit.add(*(pid for couple in report.decided for pid in couple))
    return RunOut(couples=report.couples, outcomes=dict(report.outcomes),
                  events=dict(report.events))
