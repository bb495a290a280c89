"""Pydantic models at the API's edge: persons in families, list wrappers, audit, health.

Inputs forbid unknown fields (a misspelt filter is an error, not a silent no-op).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from kingraph import ids

MAX_LIMIT = 200
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size.")]
Offset = Annotated[int, Field(ge=0, le=100_000, description="Items to skip.")]
Pid = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


# Dates an API caller may send: written YYYY-MM-DD (no Unix seconds: "0" is no day) and
# within the years a population register holds; times likewise in ISO 8601.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2099, 12, 31)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                         r"(Z|[+-]\d{2}:?\d{2})?")


def _written_as_day(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


def _written_as_instant(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_INSTANT.fullmatch(value)):
        return value
    raise ValueError("a time is written YYYY-MM-DDTHH:MM[:SS][+08:00]")


def _plausible_day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"a day between {FIRST_DAY} and {LAST_DAY}")
    return value


def _plausible_instant(value: datetime) -> datetime:
    day = (value.astimezone(UTC) if value.tzinfo else value).date()
    _plausible_day(day)
    return value


Day = Annotated[date, BeforeValidator(_written_as_day), AfterValidator(_plausible_day),
                Field(description=f"A day, YYYY-MM-DD, from {FIRST_DAY} to {LAST_DAY}.")]
Instant = Annotated[datetime, BeforeValidator(_written_as_instant),
                    AfterValidator(_plausible_instant),
                    Field(description="A time in ISO 8601 (YYYY-MM-DDTHH:MM:SS, offset "
                          f"optional), from {FIRST_DAY} to {LAST_DAY}.")]


def _valid_id_number(raw: str) -> str:
    parsed = ids.parse(raw)
    if not parsed.usable or parsed.number is None:
        raise PydanticCustomError("id_number_invalid", "not a valid GB 11643 ID number ({status})",
                                  {"status": parsed.status.value})
    return parsed.number


IdNumber = Annotated[str, Field(min_length=15, max_length=40),
                     AfterValidator(_valid_id_number)]
# Letters (any script) with the separators real names use: 阿卜杜·热合曼, O'Neil, Li-Na.
PersonName = Annotated[str, Field(min_length=1, max_length=40,
                                  pattern=r"^[\p{L}\p{M}][\p{L}\p{M}·・ .'-]*$")]


class Inbound(BaseModel):
    """Base of every request model: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonBase(BaseModel):
    """What any role may see of a person: coded, non-identifying attributes."""

    sex: str | None = Field(None, description="GB/T 2261.1: 0 unknown, 1 male, 2 female, "
                                              "9 unspecified.")
    ethnicity: str | None = Field(None, description="GB/T 3304, two digits.")


class PersonPublic(PersonBase):
    """A person as officers, admins and services see them (ID number per role)."""

    kind: Literal["public"] = "public"
    pid: str
    name: str | None = Field(None, description="Absent for roles that do not need names.")
    id_number: str | None = Field(None, description="Masked unless the role needs it.")
    id_number_masked: bool
    birth_date: date | None = None
    death_date: date | None = None


class PersonPseudonymous(PersonBase):
    """A person as researchers see them: a stable pseudonym, years only, no identity."""

    kind: Literal["pseudonymous"] = "pseudonymous"
    ref: str = Field(description="Stable pseudonymous id (HMAC of the pid).")
    birth_year: int | None = None
    death_year: int | None = None


PersonView = Annotated[PersonPublic | PersonPseudonymous, Field(discriminator="kind")]


class FindQuery(Inbound):
    """Find a person by ID number, or by name and birth date."""

    id_number: IdNumber | None = None
    name: PersonName | None = None
    birth_date: Day | None = None
    limit: Limit = 20
    offset: Offset = 0

    @model_validator(mode="after")
    def _one_way(self) -> FindQuery:
        by_name = self.name is not None and self.birth_date is not None
        if (self.id_number is not None) == by_name:
            raise PydanticCustomError("id_number_or_name_and_birth_date",
                                      "give either id_number, or name and birth_date")
        return self


class Candidate(BaseModel):
    """One person a search found, with how and how well."""

    person: PersonPublic
    match: Literal["id_number", "exact_name", "fuzzy_name"]
    score: float = Field(ge=0, le=100, description="Name similarity, 100 for exact matches.")


class CandidateList(BaseModel):
    """One page of search candidates, best first."""

    count: int
    total: int
    limit: int
    offset: int
    items: list[Candidate]


class AuditQuery(Inbound):
    """Filters for the audit log; all optional."""

    person: Pid | None = None
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")] | None = None
    route: Annotated[str, Field(max_length=200, pattern=r"^/[A-Za-z0-9_/{}.:-]*$")] | None = None
    since: Instant | None = None
    until: Instant | None = None
    review_id: Annotated[str, Field(pattern=r"^R[0-9a-f]{16}$")] | None = None
    limit: Limit = 50
    offset: Offset = 0


class AuditRecord(BaseModel):
    """One audited call: ids, route, purpose, outcome."""

    id: int
    at: datetime
    key_id: str
    method: str
    route: str
    purpose: str
    status: int
    review_id: str | None = Field(None, description="The review item a decision was about.")
    job_id: str | None = Field(None, description="The job the call started, or that wrote "
                               "this entry (method JOB: what a decision's re-fusion touched).")
    pids: list[str] = Field(description="The first persons the call touched, in pid order "
                            "(at most 100; all of them: /v1/audit/{id}/persons).")
    pid_count: int = Field(description="How many persons the call touched.")


class AuditPersons(BaseModel):
    """One page of the persons an audited call touched, in pid order."""

    entry_id: int
    total: int
    limit: int
    items: list[str]
    next_after: str | None = Field(description="Pass as `after` for the next page; "
                                   "None on the last page.")


class AuditPage(BaseModel):
    """One page of the audit log, newest first."""

    count: int
    total: int
    limit: int
    offset: int
    items: list[AuditRecord]


class Health(BaseModel):
    """Liveness of the service and its graph."""

    status: Literal["ok", "degraded"]
    version: str
    neo4j: Literal["up", "down"]
    neo4j_version: str | None = None
