"""``/v1/persons/{ref}/contacts``: infectious-disease contacts of an index case.

Thin over :mod:`queries.contacts`. Persons are role-shaped and audited; researchers see
pseudonyms, no record keys and no shared days (only how many).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api import problems
from api.auth import Access, personal_data
from api.keys import Role
from api.models import Day, PersonView
from api.references import resolve
from api.routes.kinship import READERS, Ref, ident
from kingraph.errors import InvalidArgument
from queries import contacts as tracing
from queries import kinship

router = APIRouter(tags=["contacts"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)


class LinkOut(BaseModel):
    """One way a contact shared something with the index case in the window."""

    kind: str
    days: int
    place: str | None
    place_name: str | None
    place_division: str | None
    first_day: date | None = None
    last_day: date | None = None
    records: list[str] | None = None


class ContactOut(BaseModel):
    """A contact: who, which ring (and through whom), how close, where they live now."""

    person: PersonView
    ring: int
    via: str | None
    closeness: float
    kinds: list[str]
    days: int
    residence: str | None
    residence_name: str | None
    links: list[LinkOut]


class ContactsOut(BaseModel):
    """An index case's contacts in a window, closest first."""

    index: PersonView
    start: date
    end: date
    kinds: list[str]
    ring: int
    count: int
    items: list[ContactOut]


@router.get("/v1/persons/{ref}/contacts", response_model=ContactsOut, responses=PROBLEMS)
async def contacts(
    ref: Ref,
    access: Annotated[Access, Depends(personal_data(*READERS))],
    start: Annotated[Day, Query(alias="from", description="The window's first day.")],
    end: Annotated[Day, Query(alias="to", description="The window's last day.")],
    kinds: Annotated[str | None, Query(
        max_length=64, pattern=r"^[a-z]+(,[a-z]+)*$",
        description="Comma-separated: household, cohabitation, colleague, kin.")] = None,
    ring: Annotated[int, Query(ge=1, le=2)] = 1,
) -> ContactsOut:
    """Who shared a household, a dwelling or an employer with the person in the window,
    and their close kin, ranked by closeness (ring 2: contacts of the closest contacts)."""
    if end < start:
        raise InvalidArgument("contacts: the window ends before it starts",
                              reason="contacts_window")
    pid = await resolve(access, ref)
    wanted = kinds.split(",") if kinds else None
    found = await access.runtime.call(tracing.contacts, pid, start, end, wanted, ring)
    pids = [pid, *(c.pid for c in found.items)]
    people = await access.runtime.call(kinship.extract, pids, kinship.Bounds(0, 0, 0))
    access.audit.add(*pids)
    private = access.key.role is Role.RESEARCHER

    items = [ContactOut(
        person=access.view(people.persons[c.pid]), ring=c.ring,
        via=ident(access, c.via) if c.via else None, closeness=round(c.closeness, 4),
        kinds=[k.value for k in c.kinds], days=c.days, residence=c.division,
        residence_name=c.division_name,
        links=[LinkOut(kind=k.kind.value, days=k.days, place=None if private else k.place,
                       place_name=None if private else k.place_name,
                       place_division=k.division,
                       first_day=None if private else k.first_day,
                       last_day=None if private else k.last_day,
                       records=None if private else list(k.records)) for k in c.links])
        for c in found.items if c.pid in people.persons]
    return ContactsOut(index=access.view(people.persons[pid]), start=start, end=end,
                       kinds=[k.value for k in found.kinds], ring=ring, count=len(items),
                       items=items)
