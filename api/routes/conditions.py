"""``/v1/conditions``, ``/v1/persons/{ref}/conditions/{code}/cascade``,
``/v1/conditions/{code}/couples``: inherited conditions beyond thalassemia.

Thin over :mod:`queries.conditions` and the conditions table (:mod:`kingraph.conditions`).
Persons are role-shaped and audited; researchers see pseudonyms and years only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from api import problems
from api.auth import Access, personal_data, require
from api.keys import ApiKey, Role
from api.models import Day, Limit, Offset, PersonView
from api.references import resolve
from api.routes.kinship import READERS, Degree, Ref
from kingraph import conditions as table
from queries import conditions, kinship
from queries.conditions import Facts

router = APIRouter(tags=["conditions"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
Code = Annotated[str, Path(min_length=2, max_length=40, pattern=r"^[a-z0-9_]+$",
                           description="A code of the conditions table.")]


class ConditionOut(BaseModel):
    """One row of the conditions table."""

    code: str
    name_zh: str
    name_en: str
    icd10: str
    mode: Literal["AR", "AD", "XLR"]
    allele_frequency: dict[str, float]
    heterozygote_expression: bool
    mutation_rate: float
    source: str


class ResultOut(BaseModel):
    """A person's latest result for the condition and where they live now."""

    result: str | None
    method: str | None = None
    tested_on: date | None = None
    tested_year: int | None = None
    genotypes: list[int] | None
    division: str | None
    division_name: str | None


class CascadeItem(BaseModel):
    """One living relative on the worklist."""

    person: PersonView
    term: str
    term_en: str
    degree: int | None
    r: float
    result: ResultOut
    carrier: float
    affected: float
    method: str


class CascadeOut(BaseModel):
    """The cascade worklist for a condition, most likely carriers first."""

    condition: str
    mode: str
    index: PersonView
    index_result: ResultOut
    max_degree: int
    fallback: str | None
    count: int
    items: list[CascadeItem]


class CoupleOut(BaseModel):
    """A couple on a condition's list."""

    husband: PersonView
    wife: PersonView
    classification: Literal["at_risk", "partner_testing"]
    probability: float
    probability_exact: str
    husband_result: ResultOut
    wife_result: ResultOut
    pregnancy_status: str | None
    division: str | None


class CouplePage(BaseModel):
    """One page of a condition's couple list."""

    condition: str
    count: int
    total: int
    limit: int
    offset: int
    items: list[CoupleOut]


def _result(access: Access, facts: Facts) -> ResultOut:
    private = access.key.role is Role.RESEARCHER
    latest = facts.latest
    return ResultOut(result=latest.result.value if latest else None,
                     method=latest.method if latest else None,
                     tested_on=None if private else facts.tested_on,
                     tested_year=facts.tested_on.year if facts.tested_on else None,
                     genotypes=sorted(facts.genotypes) if facts.genotypes is not None else None,
                     division=facts.division, division_name=facts.division_name)


@router.get("/v1/conditions", response_model=list[ConditionOut],
            responses=problems.responses(401, 403, 429))
async def condition_table(
    key: Annotated[ApiKey, Depends(require(Role.ADMIN, Role.OFFICER, Role.RESEARCHER,
                                           Role.SERVICE))],
) -> list[ConditionOut]:
    """The conditions table: inheritance mode, allele frequency by ethnic group, source."""
    return [ConditionOut(code=c.code, name_zh=c.name_zh, name_en=c.name_en, icd10=c.icd10,
                         mode=c.mode.value, allele_frequency=c.allele_frequency,
                         heterozygote_expression=c.heterozygote_expression,
                         mutation_rate=c.mutation_rate, source=c.source)
            for c in table.table().values()]


@router.get("/v1/persons/{ref}/conditions/{code}/cascade", response_model=CascadeOut,
            responses=PROBLEMS)
async def cascade(
    ref: Ref, code: Code,
    access: Annotated[Access, Depends(personal_data(*READERS))],
    max_degree: Degree = 4,
) -> CascadeOut:
    """The cascade worklist for a condition around an index case, by the mode's rules."""
    pid = await resolve(access, ref)
    found = await access.runtime.call(conditions.cascade, pid, code, max_degree)
    access.audit.add(pid, *(e.person.pid for e in found.entries))
    items = [CascadeItem(person=access.view(e.person), term=e.relation.term.zh,
                         term_en=e.relation.term.en, degree=e.relation.degree, r=e.r,
                         result=_result(access, e.facts), carrier=e.carrier,
                         affected=e.affected, method=e.method.value)
             for e in found.entries]
    return CascadeOut(condition=found.condition.code, mode=found.condition.mode.value,
                      index=access.view(found.index),
                      index_result=_result(access, found.index_facts), max_degree=max_degree,
                      fallback=found.fallback, count=len(items), items=items)


@router.get("/v1/conditions/{code}/couples", response_model=CouplePage, responses=PROBLEMS)
async def couples(
    code: Code,
    access: Annotated[Access, Depends(personal_data(*READERS))],
    division: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    since: Annotated[Day | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> CouplePage:
    """Couples at risk for a recessive condition, then couples needing partner testing."""
    found = await access.runtime.call(conditions.at_risk_couples, code, division, since)
    page = found[offset:offset + limit]
    pids = [p for c in page for p in (c.husband, c.wife)]
    people = await access.runtime.call(kinship.extract, pids, kinship.Bounds(0, 0, 0))
    access.audit.add(*pids)
    items = [CoupleOut(
        husband=access.view(people.persons[c.husband]), wife=access.view(people.persons[c.wife]),
        classification=c.classification.value,  # type: ignore[arg-type]
        probability=float(c.probability), probability_exact=str(c.probability),
        husband_result=_result(access, c.husband_facts),
        wife_result=_result(access, c.wife_facts), pregnancy_status=c.pregnancy_status,
        division=c.division) for c in page
        if c.husband in people.persons and c.wife in people.persons]
    return CouplePage(condition=code, count=len(items), total=len(found), limit=limit,
                      offset=offset, items=items)
