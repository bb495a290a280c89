"""``/v1/reviews``, ``/v1/reviews/{review_id}``, ``/v1/loads``: the steward's queue and loads.

The review queue holds possible matches (decided ``link`` or ``no_link``) and
conflicting facts (``conflict_*``: decided ``accept`` or ``dismiss`` with records, or
``link`` for two parents), each with the department rows on its sides and the persons
it shows, by name and birth date (officers: ID numbers masked). Every person an item
shows is audited: those it is about, both sides, and everyone its rows mention.
Decisions are in :mod:`api.routes.decisions`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from api import problems
from api.auth import Access, personal_data, require, runtime
from api.keys import ApiKey, Role
from api.models import PersonPublic
from api.openapi import link, linked
from api.review_orders import keepable, queue_page
from api.routes.records import mask_row
from api.runtime import Runtime
from ingest import stewardship
from queries.persons import PersonRecord

router = APIRouter(tags=["review queue"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
STEWARDS = (Role.ADMIN, Role.OFFICER)
# The furthest page of the queue (a province of 10 M persons: about a million items).
MAX_OFFSET = 10_000_000

ReviewId = Annotated[str, Path(pattern=r"^R[0-9a-f]{16}$", description="The review id.")]
ReviewKind = Literal["fusion", "possible_match", "ambiguous_newborn", "ambiguous_relative",
                     "conflict",
                     "conflict_two_mothers", "conflict_two_fathers",
                     "conflict_underage_marriage", "conflict_ancestry_cycle",
                     "conflict_parent_age", "conflict_household_marriage",
                     "conflict_stated_marriage"]


class PersonCard(BaseModel):
    """A person as the queue shows them: who (shaped for the role), where they are
    registered today, and how many rows name them."""

    person: PersonPublic
    division: str | None = Field(None, description="Today's county of the current "
                                 "household registration (GB/T 2260).")
    division_name: str | None = None
    mentions: int | None = Field(None, description="Rows that name this person.")


class SourceRecord(BaseModel):
    """A department row (ID numbers masked unless the role needs them) and the persons
    it mentions."""

    key: str
    feed: str
    source: str
    record_id: str
    file: str | None = None
    line: int | None = None
    role: str | None = Field(None, description="The role of the compared person in it.")
    data: dict[str, Any] = Field(default_factory=dict)
    masked: list[str] = Field(default_factory=list)
    pids: list[str] = Field(default_factory=list, description="Every person the row names.")


class ConflictSide(BaseModel):
    """One side of a conflict: what is claimed, about whom, and the rows that say it."""

    # mother | father | child_of | marriage | divorce | household_spouses | stated_spouses
    # | birth_date
    claim: str
    pid: str | None = None  # the child; a couple's husband
    parent_pid: str | None = None  # the parent; a couple's wife
    kind: str | None = None  # a parent-child edge's kind
    role: str | None = None  # husband | wife, for an age
    value: str | None = None  # a date (ISO)
    minimum_age: int | None = None
    law: str | None = None
    dismissable: bool  # its records can be dismissed as evidence
    records: list[SourceRecord]


class ComparedPerson(BaseModel):
    """Every row of one side's person, for the side-by-side comparison of a match."""

    pid: str
    records: list[SourceRecord]


class ReviewOut(BaseModel):
    """A review item: a possible match (both mentions and rows) or a conflict (sides),
    with every person it shows."""

    review_id: str
    kind: str
    reason: str | None = None
    status: str
    created: datetime | None = Field(None, description="When the load that found it ran.")
    divisions: list[str] = Field(default_factory=list,
                                 description="Counties where its persons are registered.")
    weight: float | None = None
    levels: dict[str, str | None] | None = Field(None, description=(
        "A possible match's comparison levels by attribute (id_number, name, birth_date, "
        "sex, division, mother): exact, typo_of_valid, one_edit, pinyin, similar, near, "
        "same_year, different..., null where not comparable."))
    left_mention: str | None = None
    right_mention: str | None = None
    left_pid: str | None = None
    right_pid: str | None = None
    pids: list[str] = Field(default_factory=list, description="The persons it is about.")
    decision: str | None = None
    dismissed: list[str] | None = None
    left_record: SourceRecord | None = None
    right_record: SourceRecord | None = None
    sides: list[ConflictSide] | None = None
    persons: list[PersonCard] = Field(default_factory=list,
                                      description="Every person the item shows.")
    compared: list[ComparedPerson] | None = Field(
        None, description="One item only: every row of each side's person.")


class ReviewPage(BaseModel):
    """One page of the review queue."""

    count: int
    total: int
    limit: int
    offset: int
    items: list[ReviewOut]


class LoadOut(BaseModel):
    """One ingest run with its counts (no personal data)."""

    load_id: str
    status: str | None
    started: str | None
    finished: str | None
    drop: str | None
    files: list[dict[str, Any]]
    fusion: dict[str, int]
    conflicts: dict[str, int]  # conflicts found, by kind
    quarantine: dict[str, int]
    # The drop changed none of the graph's inputs (rows, decisions, rulings, model,
    # code): fusion, derivation and the write were skipped; fusion and conflicts empty.
    unchanged: bool = False


class LoadList(BaseModel):
    """Recent loads."""

    count: int
    items: list[LoadOut]


def person_card(access: Access, facts: stewardship.PersonFacts) -> PersonCard:
    """A person's card, shaped for the caller's role."""
    record = PersonRecord(pid=facts.pid, id_number=facts.id_number, name=facts.name,
                          sex=facts.sex, birth_date=facts.birth_date,
                          death_date=facts.death_date, ethnicity=facts.ethnicity)
    person = access.view(record)
    assert isinstance(person, PersonPublic)  # stewards are never researchers
    return PersonCard(person=person, division=facts.division,
                      division_name=facts.division_name, mentions=facts.mentions)


def source_record(row: stewardship.SourceRow | None, role: Role) -> SourceRecord | None:
    """A row shaped for the caller's role (see :func:`api.routes.records.mask_row`)."""
    if row is None:
        return None
    data, masked = mask_row(row.data, role)
    return SourceRecord(key=row.key, feed=row.feed, source=row.source, record_id=row.record_id,
                        file=row.file, line=row.line, role=row.role, data=data, masked=masked,
                        pids=list(row.pids))


def review_out(access: Access, item: stewardship.QueueItem) -> ReviewOut:
    """An item shaped for the caller; every person it shows is audited."""
    role = access.key.role
    raw = item.review
    out = ReviewOut(
        review_id=item.review_id, kind=raw["kind"], reason=raw.get("reason"),
        status=raw["status"], created=item.created, divisions=list(raw.get("divisions") or []),
        weight=raw.get("weight"), levels=item.levels,
        left_mention=raw.get("left_mention"), right_mention=raw.get("right_mention"),
        left_pid=raw.get("left_pid"), right_pid=raw.get("right_pid"),
        pids=list(raw.get("pids") or []), decision=raw.get("decision"),
        dismissed=raw.get("dismissed"),
        persons=[person_card(access, f) for f in item.persons.values()], compared=None)
    if item.is_conflict:
        out.sides = [ConflictSide(
            **{k: v for k, v in side.items() if k not in ("records", "statements")},
            dismissable=bool(side["statements"]),
            records=[r for r in (source_record(item.records.get(key), role)
                                 for key in side["records"]) if r is not None])
            for side in item.sides()]
    else:
        out.left_record = source_record(item.side_record(0), role)
        out.right_record = source_record(item.side_record(1), role)
    if item.compared:
        out.compared = [ComparedPerson(pid=pid, records=[
            r for r in (source_record(row, role) for row in rows) if r is not None])
            for pid, rows in item.compared.items()]
    access.audit.add(*item.shown_pids())
    return out


@router.get("/v1/reviews", response_model=ReviewPage, responses=PROBLEMS | linked(
    item=link("/v1/reviews/{review_id}", "get", review_id="$response.body#/items/0/review_id"),
    preview=link("/v1/reviews/{review_id}/preview", "post",
                 review_id="$response.body#/items/0/review_id")))
async def list_reviews(
    access: Annotated[Access, Depends(personal_data(*STEWARDS))],
    status: Annotated[Literal["open", "decided", "closed"], Query()] = "open",
    kind: Annotated[ReviewKind | None, Query(
        description="One kind; `fusion` or `conflict` for every kind of the family."
    )] = None,
    division: Annotated[str | None, Query(
        pattern=r"^\d{6}$", description="A GB/T 2260 code: items about a person registered "
        "in this county, or in any county of this prefecture or province.")] = None,
    older_than_days: Annotated[int | None, Query(ge=0, le=36_500, description=(
        "Only items found at least this many days ago."))] = None,
    newer_than_days: Annotated[int | None, Query(ge=1, le=36_500, description=(
        "Only items found less than this many days ago."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=(
        "Items to skip. A province's queue can hold more than 100,000 items (105,890 "
        "at 1 M persons): every one of them is reachable."))] = 0,
) -> ReviewPage:
    """List review items (possible matches strongest first, then conflicts) with the rows
    on their sides and every person they show, by name and birth date.

    Closed to researchers and services: the queue shows the source rows themselves.
    """
    flt = stewardship.QueueFilter(status, kind, division, older_than_days, newer_than_days)
    if keepable(flt):
        page = await queue_page(access.runtime, flt, limit, offset)
    else:
        page = await access.runtime.call(stewardship.queue, flt, limit, offset)
    items = [review_out(access, item) for item in page.items]
    return ReviewPage(count=len(items), total=page.total, limit=limit, offset=offset,
                      items=items)


@router.get("/v1/reviews/{review_id}", response_model=ReviewOut, responses=PROBLEMS)
async def get_review(
    review_id: ReviewId,
    access: Annotated[Access, Depends(personal_data(*STEWARDS))],
) -> ReviewOut:
    """One review item with every row on its sides; for a possible match, every row of
    each side's person too (the side-by-side comparison)."""
    item = await access.runtime.call(stewardship.item, review_id)
    access.audit.review_id = review_id
    return review_out(access, item)


@router.get("/v1/loads", response_model=LoadList, responses=problems.responses(401, 403, 429))
async def list_loads(
    key: Annotated[ApiKey, Depends(require(*STEWARDS))],
    rt: Annotated[Runtime, Depends(runtime)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> LoadList:
    """Recent ingest runs with per-file counts, fusion figures and quarantine by reason.

    Operational figures for stewards (officers, admins); no research use, so not opened.
    """
    found = await rt.call(stewardship.loads, rt.store, limit)
    return LoadList(count=len(found), items=[LoadOut(**vars(f)) for f in found])
