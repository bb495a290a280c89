"""A finished policy what-if as the API shows it (read through ``GET /v1/jobs/{id}``).

The job (:mod:`api.routes.policy`) stores the plain summary of
:func:`queries.eligibility.whatif.summary`; a read shapes a page of it for the caller.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from api.auth import Access
from api.models import PersonView
from api.routes.eligibility import ReasonOut
from queries.eligibility import sheet


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



async def whatif_out(access: Access, found: dict[str, Any], limit: int,
                     offset: int) -> WhatIfOut:
    """A finished what-if's result as the API shows it: a page of the changed couples
    and the sample's spouses shaped for the caller (every person shown audited)."""
    page = found["changed_couples"][offset:offset + limit]
    picked = found["sample"]
    pids = {p for c in [*page, *picked] for p in (c["husband"], c["wife"])}
    access.audit.add(*pids)
    people = await access.runtime.call(
        sheet.cards, [p for c in picked for p in (c["husband"], c["wife"])],
        date.fromisoformat(found["as_of"]))

    def shaped(pid: str) -> Any:
        card = people.get(pid)
        return access.view(card.person) if card else None

    sample = [SampleCouple(husband=shaped(c["husband"]), wife=shaped(c["wife"]),
                           division=c["division"], before=SampleDecision(**c["before"]),
                           after=SampleDecision(**c["after"])) for c in picked]
    return WhatIfOut(**{**found, "changed_couples": page, "sample": sample,
                        "changed_offset": offset})
