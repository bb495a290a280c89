"""``/v1/persons/{ref}/records``: the source records behind a person, masked per role.

Each item is one mention (a row naming the person in a role) with its provenance
(feed, source, file, line) and the row's data.  What a role sees of the row is a
table of field rules: officers get ID numbers masked; services (which see no names)
get names and addresses withheld; admins see the row as loaded.  Researchers may not
read rows at all (they are full of quasi-identifiers).  Every person a returned row
mentions is audited, not only the one asked about.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from api import problems
from api.auth import Access, personal_data
from api.keys import Role
from api.references import resolve
from kingraph import ids
from queries import persons

router = APIRouter(tags=["records"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
READERS = (Role.ADMIN, Role.OFFICER, Role.SERVICE)
Ref = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                          description="The pid; never an ID number (400 "
                          "`id_number_in_url`).")]


@dataclass(frozen=True)
class FieldRule:
    """How a role sees the row fields a predicate selects: masked or withheld."""

    applies: Callable[[str], bool]
    action: str  # mask | withhold


def _is_id_number(field: str) -> bool:
    return field.endswith("id_number")


def _is_name_or_address(field: str) -> bool:
    return (field.endswith("name") and field not in {"employer_name"}) or field == "address"


RULES: Mapping[Role, tuple[FieldRule, ...]] = {
    Role.ADMIN: (),
    Role.OFFICER: (FieldRule(_is_id_number, "mask"),),
    Role.SERVICE: (FieldRule(_is_name_or_address, "withhold"),),
}


def _apply(rule: FieldRule, value: Any) -> Any:
    if rule.action == "mask":
        return ids.mask(value) if isinstance(value, str) and value else value
    return None


def mask_row(data: Mapping[str, Any], role: Role) -> tuple[dict[str, Any], list[str]]:
    """A row's data as a role may see it, and the fields that were masked or withheld.

    Args:
        data: The row as loaded.
        role: The caller's role (researchers have no rules: they never get here).

    Returns:
        The shaped row and the names of the fields changed, sorted.
    """
    out, changed = dict(data), []
    for name, value in data.items():
        rule = next((r for r in RULES.get(role, ()) if r.applies(name)), None)
        if rule is not None and value not in (None, ""):
            out[name] = _apply(rule, value)
            changed.append(name)
    return out, sorted(changed)


class RecordOut(BaseModel):
    """One row that mentions the person, with where it came from."""

    mention: str = Field(description="`feed|source|record_id|role`: what an unmerge names.")
    key: str
    role: str
    feed: str
    source: str
    record_id: str
    kind: str | None = None
    file: str | None = None
    line: int | None = None
    data: dict[str, Any]
    masked: list[str] = Field(description="Fields masked or withheld for the caller's role.")
    persons: list[str] = Field(description="Every pid the row mentions.")


class RecordsOut(BaseModel):
    """A person's source records, by feed and key."""

    pid: str
    count: int
    items: list[RecordOut]


def _out(rec: persons.SourceRecord, role: Role) -> RecordOut:
    data, masked = mask_row(rec.data, role)
    return RecordOut(mention=rec.mention, key=rec.key, role=rec.role, feed=rec.feed,
                     source=rec.source, record_id=rec.record_id, kind=rec.kind, file=rec.file,
                     line=rec.line, data=data, masked=masked, persons=list(rec.persons))


@router.get("/v1/persons/{ref}/records", response_model=RecordsOut, responses=PROBLEMS)
async def person_records(ref: Ref,
                         access: Annotated[Access, Depends(personal_data(*READERS))]
                         ) -> RecordsOut:
    """The department rows behind a person: role, feed, file, line, data masked per role."""
    rt = access.runtime
    pid = await resolve(access, ref)
    found = await rt.call(persons.of_person, pid)
    access.audit.add(pid, *(p for r in found for p in r.persons))
    items = [_out(r, access.key.role) for r in found]
    return RecordsOut(pid=pid, count=len(items), items=items)
