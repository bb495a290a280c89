"""``/v1/persons/{ref}/relatives``, ``/v1/relationship``, ``/v1/persons/{ref}/pedigree``.

Thin over :mod:`queries.kinship`. References are resolved and the relatives' family
read on the async driver, their maths run by ``api.runtime.compute``; relationship and
pedigree run the sync query functions in the thread pool. Every person in a response
is audited; researchers see pseudonyms, years and no record keys.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from api import problems
from api.auth import Access, personal_data
from api.keys import Role
from api.models import PersonView
from api.references import resolve
from api.runtime import compute
from queries import exports, kinship, persons, thalassemia
from queries.kinship import ExportOptions, Family, Relation

router = APIRouter(tags=["kinship"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
READERS = (Role.ADMIN, Role.OFFICER, Role.RESEARCHER)

Ref = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                          description="The pid (researchers: the pseudonym); never an ID "
                          "number (400 `id_number_in_url`).")]
QueryRef = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                                description="A pid (researchers: a pseudonym); never an "
                                "ID number.")]
BodyRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                               description="A pid or an ID number.")]
Degree = Annotated[int, Query(ge=1, le=6, description="Genetic degree (1: parents, "
                                                      "children, siblings).")]
Generations = Annotated[int, Query(ge=0, le=6)]


class RelativeOut(BaseModel):
    """One relative: who, how (path, terms), how close (degree, r, φ), from which records."""

    person: PersonView
    kind: Literal["blood", "adoptive", "in_law"]
    degree: int | None
    r: float
    r_exact: str
    phi: str
    path: list[str]
    walk: list[str]
    term: str
    term_en: str
    inverse_term: str | None
    half: bool
    inferred: bool
    disputed: bool = False  # a fact on the path is disputed by an open conflict (review queue)
    records: list[str] | None = None


class RelativesOut(BaseModel):
    """A person's relatives within a degree, nearest first."""

    person: PersonView
    max_degree: int
    include_in_laws: bool
    count: int
    items: list[RelativeOut]


class PathOut(BaseModel):
    """One Wright path and its share of φ."""

    ancestor: str
    steps: list[str]
    contribution: str
    contribution_value: float


class AncestorOut(BaseModel):
    """A common ancestor with the generations from each person."""

    ancestor: str
    generations_a: int
    generations_b: int


class MarriageCheckOut(BaseModel):
    """The art. 1048 verdict."""

    verdict: Literal["forbidden", "needs_review", "allowed"]
    reason_zh: str
    reason_en: str
    basis: list[str]


class RelationshipOut(BaseModel):
    """How two persons are related, exactly, and whether they may marry."""

    a: PersonView
    b: PersonView
    phi: str
    r: float
    r_exact: str | None
    degree: int | None
    inbreeding_a: str
    inbreeding_b: str
    term_ab: str | None
    term_ba: str | None
    paths: list[PathOut]
    common_ancestors: list[AncestorOut]
    marriage: MarriageCheckOut


class MemberOut(BaseModel):
    """One pedigree member; father and mother are member ids (pid or pseudonym)."""

    id: str
    person: PersonView
    deceased: bool
    status: str | None
    father: str | None
    mother: str | None
    generation: int | None


class MarriageOut(BaseModel):
    """A marriage episode between two members (researchers: years only)."""

    husband: str
    wife: str
    married_on: date | None = None
    ended_on: date | None = None
    married_year: int | None = None
    ended_year: int | None = None
    end_reason: str | None = None


class PedigreeOut(BaseModel):
    """The pedigree around a proband."""

    proband: str
    up: int
    down: int
    members: list[MemberOut]
    marriages: list[MarriageOut]


def ident(access: Access, pid: str) -> str:
    """The id a caller sees for a pid: the pid, or for researchers a registered pseudonym."""
    if access.key.role is not Role.RESEARCHER:
        return pid
    ref = access.runtime.pseudonymizer.of(pid)
    access.audit.issued[ref] = pid
    return ref


def _exact(value: Fraction | float) -> str | None:
    return str(value) if isinstance(value, Fraction) else None


def _relative(access: Access, rel: Relation, family: Family) -> RelativeOut:
    private = access.key.role is Role.RESEARCHER
    return RelativeOut(
        person=access.view(family.persons[rel.pid]), kind=rel.kind.value, degree=rel.degree,
        r=float(rel.r), r_exact=_exact(rel.r) or f"{float(rel.r):.6f}", phi=str(rel.phi),
        path=list(rel.path), walk=list(rel.walk), term=rel.term.zh, term_en=rel.term.en,
        inverse_term=rel.inverse.zh if rel.inverse else None, half=rel.half,
        inferred=rel.inferred, disputed=rel.disputed,
        records=None if private else list(rel.records))


@router.get("/v1/persons/{ref}/relatives", response_model=RelativesOut, responses=PROBLEMS)
async def relatives(
    ref: Ref,
    access: Annotated[Access, Depends(personal_data(*READERS))],
    max_degree: Degree = 3,
    include_in_laws: bool = False,
) -> RelativesOut:
    """List a person's relatives within a genetic degree, with paths, r and kinship terms."""
    rt = access.runtime
    pid = await resolve(access, ref)
    family = await kinship.extract_async(rt.driver, rt.database, [pid],
                                         kinship.degree_bounds(max_degree, include_in_laws))
    found = await compute(kinship.relatives_in, family, pid, max_degree, include_in_laws,
                          persons=len(family.persons))
    access.audit.add(pid, *(r.pid for r in found.relatives))
    family = Family(found.persons)
    items = [_relative(access, r, family) for r in found.relatives]
    return RelativesOut(person=access.view(found.person), max_degree=max_degree,
                        include_in_laws=include_in_laws, count=len(items), items=items)


class PairIn(BaseModel):
    """Two persons, each by pid or ID number (in the body, never in a URL)."""

    model_config = ConfigDict(extra="forbid")
    a: BodyRef
    b: BodyRef


@router.get("/v1/relationship", response_model=RelationshipOut, responses=PROBLEMS)
async def relationship(
    a: QueryRef, b: QueryRef,
    access: Annotated[Access, Depends(personal_data(*READERS))],
) -> RelationshipOut:
    """How two persons (pids; researchers: pseudonyms) are related: φ, r, Wright's paths,
    terms, and the marriage check."""
    return await _relationship(access, await resolve(access, a), await resolve(access, b))


@router.post("/v1/relationship", response_model=RelationshipOut, responses=PROBLEMS)
async def relationship_of(
    pair: PairIn,
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER))],
) -> RelationshipOut:
    """How two persons given by pid or ID number are related (the numbers in the body)."""
    pa, pb = await access.runtime.call(persons.resolve_many, [pair.a, pair.b])
    return await _relationship(access, pa, pb)


async def _relationship(access: Access, pa: str, pb: str) -> RelationshipOut:
    rel = await access.runtime.call(kinship.relationship, pa, pb)
    people = await access.runtime.call(kinship.extract, [pa, pb],
                                       kinship.Bounds(up=0, reach=0, own=0))
    access.audit.add(pa, pb, *(p.ancestor for p in rel.paths))
    verdict = rel.marriage
    return RelationshipOut(
        a=access.view(people.persons[pa]), b=access.view(people.persons[pb]), phi=str(rel.phi),
        r=float(rel.r), r_exact=_exact(rel.r), degree=rel.degree,
        inbreeding_a=str(rel.inbreeding_a), inbreeding_b=str(rel.inbreeding_b),
        term_ab=rel.term_ab.zh if rel.term_ab else None,
        term_ba=rel.term_ba.zh if rel.term_ba else None,
        paths=[PathOut(ancestor=ident(access, p.ancestor), steps=list(p.steps),
                       contribution=str(p.contribution),
                       contribution_value=float(p.contribution)) for p in rel.paths],
        common_ancestors=[AncestorOut(ancestor=ident(access, c.pid),
                                      generations_a=c.generations_a,
                                      generations_b=c.generations_b)
                          for c in rel.common_ancestors],
        marriage=MarriageCheckOut(verdict=verdict.verdict.value, reason_zh=verdict.reason_zh,
                                  reason_en=verdict.reason_en, basis=list(verdict.basis)))


@router.get("/v1/persons/{ref}/pedigree", response_model=PedigreeOut,
            responses=PROBLEMS | {200: {"content": {"text/plain": {}}}})
async def pedigree(
    ref: Ref,
    access: Annotated[Access, Depends(personal_data(*READERS))],
    up: Generations = 3,
    down: Generations = 3,
    format: Literal["json", "ped", "fam", "gedcom"] = "json",  # noqa: A002 - the agreed name
) -> PedigreeOut | PlainTextResponse:
    """The pedigree around a person as JSON, LINKAGE PED, PLINK .fam or GEDCOM 7."""
    pid = await resolve(access, ref)
    if format == "gedcom":
        private = access.key.role is Role.RESEARCHER
        ged = exports.GedcomOptions(ident=lambda p: ident(access, p), names=not private,
                                    years_only=private,
                                    id_type="pseudonym" if private else "kingraph pid")
        text, named = await access.runtime.call(exports.gedcom, pid, up, down, ged)
        access.audit.add(*named)
        return PlainTextResponse(text, media_type="text/vnd.familysearch.gedcom")
    view = await access.runtime.call(thalassemia.screened_pedigree, pid, up, down)
    access.audit.add(*view.family.persons)
    if format != "json":
        options = ExportOptions(pseudonym=lambda p: ident(access, p))
        text = view.ped(options) if format == "ped" else view.fam(options)
        return PlainTextResponse(text)
    return _pedigree_json(access, view, up, down)


def _pedigree_json(access: Access, view: kinship.PedigreeView, up: int,
                   down: int) -> PedigreeOut:
    members = []
    for pid, person in view.family.persons.items():
        father, mother = view.pedigree.parents(pid)
        status = view.family.attrs.get(pid, {}).get("thalassemia")
        members.append(MemberOut(
            id=ident(access, pid), person=access.view(person),
            deceased=person.death_date is not None, status=str(status) if status else None,
            father=ident(access, father) if father else None,
            mother=ident(access, mother) if mother else None,
            generation=view.generation.get(pid)))
    private = access.key.role is Role.RESEARCHER
    marriages = [MarriageOut(
        husband=ident(access, m.husband), wife=ident(access, m.wife),
        married_on=None if private else m.married_on, ended_on=None if private else m.ended_on,
        married_year=m.married_on.year if m.married_on else None,
        ended_year=m.ended_on.year if m.ended_on else None, end_reason=m.end_reason)
        for m in view.family.marriages]
    return PedigreeOut(proband=ident(access, view.proband), up=up, down=down, members=members,
                       marriages=marriages)


@router.get("/v1/persons/{ref}/fhir", responses=PROBLEMS | {200: {"content": {
    "application/json": {"schema": {"type": "object", "description": "A FHIR R4 Bundle"}},
    "application/fhir+json": {}}}})
async def family_fhir(
    ref: Ref,
    access: Annotated[Access, Depends(personal_data(*READERS))],
    max_degree: Degree = 3,
) -> JSONResponse:
    """The person's family as a FHIR R4 Bundle of RelatedPerson and FamilyMemberHistory."""
    pid = await resolve(access, ref)
    private = access.key.role is Role.RESEARCHER
    options = exports.FhirOptions(ident=lambda p: ident(access, p), names=not private,
                                  years_only=private)
    bundle, named = await access.runtime.call(exports.fhir, pid, max_degree, options)
    access.audit.add(*named)
    return JSONResponse(bundle, media_type="application/fhir+json")
