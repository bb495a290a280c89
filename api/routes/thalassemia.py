"""``/v1/persons/{ref}/cascade``, ``/v1/thalassemia/couples``, ``/v1/thalassemia/divisions``.

Thin over :mod:`queries.thalassemia`. Persons are role-shaped and audited;
researchers see pseudonyms and years only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from api import problems
from api.auth import Access, personal_data, require, runtime
from api.couple_lists import couples_on
from api.keys import ApiKey, Role
from api.models import Day, Limit, Offset, PersonView
from api.references import resolve
from api.routes.kinship import READERS, Degree, Ref
from kingraph import divisions
from queries import kinship, thalassemia
from queries.kinship import Family
from queries.thalassemia import Couple, Facts

router = APIRouter(tags=["thalassemia"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)


class ResultOut(BaseModel):
    """A latest screening result and where the person lives now."""

    status: str | None
    tested_on: date | None = None
    tested_year: int | None = None
    division: str | None
    division_name: str | None


class CascadeItem(BaseModel):
    """One living relative on the worklist."""

    person: PersonView
    term: str
    degree: int | None
    r: float
    path: list[str]
    result: ResultOut
    probability: float
    by_gene: dict[str, float]
    method: str


class CascadeOut(BaseModel):
    """The cascade-screening worklist, most likely carriers first."""

    index: PersonView
    index_result: ResultOut
    genes: list[str]
    max_degree: int
    fallback: str | None
    count: int
    items: list[CascadeItem]


class RiskOut(BaseModel):
    """A severe outcome's chance per pregnancy."""

    gene: str
    outcome: str
    probability: float
    exact: bool


WorklistName = Literal["prenatal_diagnosis", "partner_screening", "counselling"]


class CoupleOut(BaseModel):
    """A couple on an officer's list; whether a pregnancy is possible (the wife's age) and
    whether their marriage is inferred from the household register."""

    husband: PersonView
    wife: PersonView
    worklist: WorklistName
    classification: str
    risks: list[RiskOut]
    severe_probability: float
    husband_result: ResultOut
    wife_result: ResultOut
    pregnancy_status: str | None
    registered_on: date | None = None
    expected_delivery: date | None = None
    division: str | None
    division_name: str | None
    pregnancy_possible: bool | None = None
    marriage_inferred: bool = False


class CouplePage(BaseModel):
    """One page of a couple list."""

    count: int
    total: int
    limit: int
    offset: int
    items: list[CoupleOut]


class DivisionRow(BaseModel):
    """Cascade yield and couples for one division."""

    division: str
    division_name: str | None
    index_cases: int
    relatives: int
    reached: int
    screened: int
    carriers_found: int
    at_risk_couples: int
    genotyping_couples: int
    partner_screening_couples: int
    yield_: float | None = None


def _result(access: Access, facts: Facts) -> ResultOut:
    private = access.key.role is Role.RESEARCHER
    return ResultOut(status=facts.status.value if facts.status else None,
                     tested_on=None if private else facts.tested_on,
                     tested_year=facts.tested_on.year if facts.tested_on else None,
                     division=facts.division, division_name=facts.division_name)


@router.get("/v1/persons/{ref}/cascade", response_model=CascadeOut, responses=PROBLEMS)
async def cascade(
    ref: Ref,
    access: Annotated[Access, Depends(personal_data(*READERS))],
    max_degree: Degree = 4,
) -> CascadeOut:
    """The cascade-screening worklist around an index case, ranked by carrier probability."""
    pid = await resolve(access, ref)
    found = await access.runtime.call(thalassemia.cascade, pid, max_degree)
    access.audit.add(pid, *(e.person.pid for e in found.entries))
    items = [CascadeItem(
        person=access.view(e.person), term=e.relation.term.zh, degree=e.relation.degree,
        r=float(e.relation.r), path=list(e.relation.path), result=_result(access, e.facts),
        probability=e.probability, by_gene={g.value: p for g, p in e.by_gene.items()},
        method=e.method.value) for e in found.entries]
    return CascadeOut(index=access.view(found.index), index_result=_result(access,
                      found.index_facts), genes=[g.value for g in found.genes],
                      max_degree=max_degree, fallback=found.fallback, count=len(items),
                      items=items)


@router.get("/v1/thalassemia/couples", response_model=CouplePage, responses=PROBLEMS)
async def couples(
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER, Role.RESEARCHER))],
    division: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    since: Annotated[Day | None, Query()] = None,
    list: WorklistName | None = None,  # noqa: A002
    as_of: Annotated[Day | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> CouplePage:
    """At-risk couples: prenatal diagnosis (a pregnancy registered or possible: ongoing
    pregnancies first), partner screening, then counselling (no pregnancy possible)."""
    found = await couples_on(access.runtime, as_of or date.today())
    worklist = thalassemia.Worklist(list) if list else None
    chosen = thalassemia.select(found, division, since, worklist)
    page = chosen[offset:offset + limit]
    pids = [p for c in page for p in (c.husband, c.wife)]
    people = await access.runtime.call(kinship.extract, pids, kinship.Bounds(0, 0, 0))
    access.audit.add(*pids)
    items = [_couple(access, c, people) for c in page if c.husband in people.persons
             and c.wife in people.persons]
    return CouplePage(count=len(items), total=len(chosen), limit=limit, offset=offset,
                      items=items)


def _couple(access: Access, c: Couple, people: Family) -> CoupleOut:
    private = access.key.role is Role.RESEARCHER
    return CoupleOut(
        husband=access.view(people.persons[c.husband]), wife=access.view(people.persons[c.wife]),
        worklist=c.worklist.value, classification=c.classification.value,
        risks=[RiskOut(gene=r.gene.value, outcome=r.outcome.value,
                       probability=float(r.probability), exact=r.exact) for r in c.risk.risks],
        severe_probability=float(c.severe_probability),
        husband_result=_result(access, c.husband_facts), wife_result=_result(access, c.wife_facts),
        pregnancy_status=c.pregnancy_status,
        registered_on=None if private else c.registered_on,
        expected_delivery=None if private else c.expected_delivery,
        division=c.division, division_name=divisions.name(c.division) if c.division else None,
        pregnancy_possible=c.pregnancy_possible, marriage_inferred=c.marriage_inferred)


@router.get("/v1/thalassemia/divisions", response_model=list[DivisionRow],
            responses=problems.responses(401, 403, 429))
async def division_summaries(
    request: Request,
    key: Annotated[ApiKey, Depends(require(Role.ADMIN, Role.OFFICER, Role.RESEARCHER))],
) -> list[DivisionRow]:
    """Per division: index cases, relatives reached and screened, carriers found, couples."""
    frame = await runtime(request).call(thalassemia.division_summaries)
    return [DivisionRow(division_name=divisions.name(row["division"]), yield_=row["yield"],
                        **{k: v for k, v in row.items() if k != "yield"})
            for row in frame.to_dicts()]
