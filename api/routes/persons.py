"""``/v1/persons``: find a person, read a profile; shaped per role and audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api import problems
from api.auth import Access, personal_data
from api.keys import Role
from api.models import Candidate, CandidateList, FindQuery, PersonPseudonymous, PersonPublic
from api.models import PersonView as PersonViewModel
from kingraph.errors import PersonNotFound
from queries import persons

router = APIRouter(prefix="/v1/persons", tags=["persons"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)

Ref = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                          description="The pid (researchers: the pseudonym).")]


@router.get("/{ref}", response_model=PersonViewModel, responses=PROBLEMS)
async def profile(
    ref: Ref,
    access: Annotated[Access, Depends(personal_data(
        Role.ADMIN, Role.OFFICER, Role.SERVICE, Role.RESEARCHER))],
) -> PersonPublic | PersonPseudonymous:
    """Read one person's profile, shaped for the caller's role (a retired pid answers
    with the person that holds its mentions now, under its current pid)."""
    rt = access.runtime
    pid = access.pid_for(ref)
    person = await persons.by_pid(rt.driver, rt.database, pid) if pid else None
    if person is None:
        raise PersonNotFound("no person with this identifier")
    access.audit.add(person.pid)
    return access.view(person)


@router.get("", response_model=CandidateList, responses=PROBLEMS)
async def find(
    query: Annotated[FindQuery, Query()],
    access: Annotated[Access, Depends(personal_data(Role.ADMIN, Role.OFFICER, Role.SERVICE))],
) -> CandidateList:
    """Find persons by ID number, or by name and birth date with fuzzy candidates.

    Closed to researchers: searching by name or ID number is re-identification; they
    reach persons through pseudonyms handed out by the aggregate and family routes.
    """
    rt = access.runtime
    if query.id_number is not None:
        found = await persons.by_id_number(rt.driver, rt.database, query.id_number)
        ranked = [(p, "id_number", 100.0) for p in found]
    else:
        assert query.name is not None and query.birth_date is not None
        born = await persons.born_on(rt.driver, rt.database, query.birth_date)
        ranked = [(m.person, "exact_name" if m.exact else "fuzzy_name", m.score) for m in
                  persons.rank_by_name(query.name, born, rt.settings.api_fuzzy_min_score)]
    page = ranked[query.offset:query.offset + query.limit]
    access.audit.add(*(p.pid for p, _, _ in page))
    items = [Candidate(person=access.view(p), match=how, score=score)  # type: ignore[arg-type]
             for p, how, score in page]
    return CandidateList(count=len(items), total=len(ranked), limit=query.limit,
                         offset=query.offset, items=items)
