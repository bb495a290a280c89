"""``/v1/reviews``, ``/v1/persons/{pid}/unmerge``, ``/v1/loads``: the fusion steward's routes.

The review queue holds possible matches (decided ``link`` or ``no_link``) and
conflicting facts (``conflict_*``: decided ``accept`` or ``dismiss`` with records),
each with the department rows on its sides.
"""

from __future__ import annotations

import json
import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api import problems
from api.auth import Access, personal_data, require, runtime
from api.keys import ApiKey, Role
from api.runtime import Runtime
from ingest import loads as load_status
from ingest import review
from ingest.pipeline import PieceLimits, fuse_again
from ingest.store import Store
from kingraph import ids

router = APIRouter(tags=["fusion"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
# One re-fusion at a time per API process.
_FUSING = threading.Lock()

ReviewId = Annotated[str, Path(pattern=r"^R[0-9a-f]{16}$", description="The review id.")]
Pid = Annotated[str, Path(pattern=r"^P[0-9a-f]{16}$", description="The person id.")]


class SourceRecord(BaseModel):
    """A department row behind a fact (ID numbers masked unless the role needs them)."""

    key: str
    feed: str
    source: str
    record_id: str
    file: str | None = None
    line: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ConflictSide(BaseModel):
    """One side of a conflict: what is claimed, about whom, and the rows that say it."""

    claim: str  # mother | father | child_of | marriage | birth_date
    pid: str | None = None
    parent_pid: str | None = None
    kind: str | None = None  # a parent-child edge's kind
    role: str | None = None  # husband | wife, for an age
    value: str | None = None  # a date (ISO)
    minimum_age: int | None = None
    law: str | None = None
    dismissable: bool  # its records can be dismissed as evidence
    records: list[SourceRecord]


class ReviewOut(BaseModel):
    """A review item: a possible match (both mentions and records) or a conflict (sides)."""

    review_id: str
    kind: str
    reason: str | None = None
    status: str
    weight: float | None = None
    levels: dict[str, Any] | None = None
    left_mention: str | None = None
    right_mention: str | None = None
    left_pid: str | None = None
    right_pid: str | None = None
    pids: list[str] = Field(default_factory=list)
    decision: str | None = None
    dismissed: list[str] | None = None
    left_record: SourceRecord | None = None
    right_record: SourceRecord | None = None
    sides: list[ConflictSide] | None = None


class ReviewPage(BaseModel):
    """One page of the review queue."""

    count: int
    total: int
    limit: int
    offset: int
    items: list[ReviewOut]


class DecisionIn(BaseModel):
    """An officer's decision: ``link``/``no_link`` on a possible match; ``accept``, or
    ``dismiss`` with the keys of the records that should no longer count, on a conflict."""

    model_config = ConfigDict(extra="forbid")
    decision: Literal["link", "no_link", "accept", "dismiss"]
    records: list[Annotated[str, Field(min_length=5, max_length=200)]] = Field(
        default_factory=list, max_length=200)


class DecisionOut(BaseModel):
    """What the decision did to the graph."""

    review_id: str
    decision: str
    persons: int
    written: dict[str, int]


class UnmergeIn(BaseModel):
    """The mentions (``feed|source|record_id|role``) to split off into another person."""

    model_config = ConfigDict(extra="forbid")
    mentions: list[Annotated[str, Field(min_length=5, max_length=200)]] = Field(
        min_length=1, max_length=500)


class UnmergeOut(BaseModel):
    """The persons the mentions belong to after the split."""

    pid: str
    split_into: list[str]
    kept_in: list[str]


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


class LoadList(BaseModel):
    """Recent loads."""

    count: int
    items: list[LoadOut]


def _store(rt: Runtime) -> Store:
    s = rt.settings
    return Store.for_graph(s.var_dir, s.bolt_uri, s.neo4j_database)


def _limits(rt: Runtime) -> PieceLimits:
    s = rt.settings
    return PieceLimits(batch_bytes=s.fusion_batch_mib * 2**20, max_piece=s.fusion_max_piece,
                       sql_memory=s.fusion_sql_memory)


def _record(raw: dict[str, Any] | None, role: Role) -> SourceRecord | None:
    if raw is None:
        return None
    data = json.loads(raw.get("data") or "{}")
    if role is not Role.ADMIN:
        data = {k: ids.mask(v) if k.endswith("id_number") and isinstance(v, str) else v
                for k, v in data.items()}
    return SourceRecord(**{**raw, "data": data})


def _review(item: review.ReviewItem, role: Role) -> ReviewOut:
    levels = item.review.get("levels")
    fields = {k: v for k, v in item.review.items() if k not in ("levels", "sides", "records")}
    out = ReviewOut(**fields, levels=json.loads(levels) if levels else None)
    if not item.is_conflict:
        out.left_record = _record(item.side_record(0), role)
        out.right_record = _record(item.side_record(1), role)
        return out
    out.sides = [ConflictSide(
        **{k: v for k, v in side.items() if k not in ("records", "statements")},
        dismissable=bool(side["statements"]),
        records=[r for r in (_record(item.records.get(key), role) for key in side["records"])
                 if r is not None]) for side in item.sides()]
    return out


ReviewKind = Literal["fusion", "possible_match", "ambiguous_newborn", "ambiguous_relative",
                     "conflict",
                     "conflict_two_mothers", "conflict_two_fathers",
                     "conflict_underage_marriage", "conflict_ancestry_cycle",
                     "conflict_parent_age"]


@router.get("/v1/reviews", response_model=ReviewPage, responses=PROBLEMS)
async def list_reviews(
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
    status: Annotated[Literal["open", "decided", "closed"], Query()] = "open",
    kind: Annotated[ReviewKind | None, Query(
        description="One kind; `fusion` or `conflict` for every kind of the family."
    )] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ReviewPage:
    """List review items (possible matches, then conflicts) with the records on their sides.

    Closed to researchers (and services): the queue shows the source rows themselves.
    """
    total, items = await access.runtime.call(review.list_reviews, status, limit, offset, kind)
    out = [_review(item, access.key.role) for item in items]
    for item in out:
        access.audit.add(*item.pids)
    return ReviewPage(count=len(out), total=total, limit=limit, offset=offset, items=out)


@router.get("/v1/reviews/{review_id}", response_model=ReviewOut, responses=PROBLEMS)
async def get_review(
    review_id: ReviewId,
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
) -> ReviewOut:
    """One review item with every record on its sides."""
    item = await access.runtime.call(review.get_review, review_id)
    out = _review(item, access.key.role)
    access.audit.add(*out.pids)
    return out


@router.post("/v1/reviews/{review_id}/decision", response_model=DecisionOut,
             responses=PROBLEMS)
async def decide_review(
    review_id: ReviewId, body: DecisionIn,
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
) -> DecisionOut:
    """Decide a review item; fusion and the derived graph are re-run and updated."""
    rt = access.runtime
    await rt.call(review.decide, review_id, body.decision, access.key.key_id, body.records)
    with _FUSING:
        report = await rt.call(fuse_again, _store(rt), limits=_limits(rt))
    return DecisionOut(review_id=review_id, decision=body.decision,
                       persons=report.fusion.get("persons", 0), written=report.written)


@router.post("/v1/persons/{pid}/unmerge", response_model=UnmergeOut, responses=PROBLEMS)
async def unmerge(
    pid: Pid, body: UnmergeIn,
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
) -> UnmergeOut:
    """Split wrongly fused mentions off a person; both persons' facts are re-derived."""
    rt = access.runtime
    decided = await rt.call(review.unmerge, pid, body.mentions, access.key.key_id)
    with _FUSING:
        await rt.call(fuse_again, _store(rt), limits=_limits(rt))
    table = _store(rt).state("assignments")
    split = set(body.mentions)
    kept = {d["right"] for d in decided if d["kind"] == "cannot_link"}
    lookup = dict(table.select("mention_id", "pid").iter_rows()) if table is not None else {}
    split_into = sorted({lookup[m] for m in split if m in lookup})
    kept_in = sorted({lookup[m] for m in kept if m in lookup})
    access.audit.add(pid, *split_into, *kept_in)
    return UnmergeOut(pid=pid, split_into=split_into, kept_in=kept_in)


@router.get("/v1/loads", response_model=LoadList, responses=problems.responses(401, 403, 429))
async def list_loads(
    key: Annotated[ApiKey, Depends(require(Role.ADMIN, Role.OFFICER))],
    rt: Annotated[Runtime, Depends(runtime)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> LoadList:
    """Recent ingest runs with per-file counts, fusion figures and quarantine by reason.

    Operational figures for stewards (officers, admins); no research use, so not opened.
    """
    found = await rt.call(load_status.loads, _store(rt), limit)
    return LoadList(count=len(found), items=[LoadOut(**vars(f)) for f in found])
