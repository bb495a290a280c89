"""``/v1/persons/{ref}/trajectory``, ``/v1/persons/{ref}/moves``, ``/v1/flows``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from api import flow_tables, problems
from api.auth import Access, personal_data, require, runtime
from api.keys import ApiKey, Role
from api.models import Day
from api.references import resolve
from api.routes.kinship import ident
from api.runtime import Runtime
from kingraph import divisions
from queries import migration
from queries.migration import Episode, View

router = APIRouter(tags=["migration"])
PROBLEMS = problems.responses(400, 401, 403, 404, 422, 429)
Ref = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                          description="The pid (researchers: the pseudonym); never an ID "
                          "number (400 `id_number_in_url`).")]


class NameOut(BaseModel):
    """A code the stay's records used, from the first day it was recorded."""

    code: str
    name: str | None
    current_code: str = Field(description="Today's unit of this code.")
    since: date | None = None
    since_year: int | None = None


class EpisodeOut(BaseModel):
    """One registration or residence episode (researchers: years, no record keys)."""

    kind: str
    start: date | None = None
    end: date | None = None
    start_year: int | None = None
    end_year: int | None = None
    division_code: str | None
    current_code: str | None
    division_name: str | None
    separated: bool
    names: list[NameOut] = Field(
        description="Every code the stay's records used, oldest first: more than one is a "
                    "renaming (a code succession such as 三亚市 460200 to 天涯区 460204 in "
                    "2014), the same place under a new name, never a move.")
    continues: bool = Field(
        description="The stay before it (of the same kind; in the lived view, the one "
                    "before) lies in the same place, or one nested in it: no move between.")
    district_unknown: bool = Field(
        description="Known only as a city that has districts today (records naming the "
                    "city alone): its district is not known.")
    records: list[str] | None = None


class TrajectoryOut(BaseModel):
    """A person's episodes, oldest first."""

    pid: str = Field(description="The pid (researchers: the pseudonym).")
    view: View = Field(description="all: registration and residence episodes as recorded; "
                                   "registered: household registration (户籍) only; lived: "
                                   "one timeline of where the person actually lived, "
                                   "residence records first, registration in the gaps.")
    count: int
    items: list[EpisodeOut]


class MoveOut(BaseModel):
    """A companion who made the same move."""

    pid: str
    ties: list[str]
    day: date
    their_day: date
    origin: str
    destination: str


class MovesOut(BaseModel):
    """Companions who moved with the person."""

    pid: str
    count: int
    items: list[MoveOut]


class FlowRow(BaseModel):
    """Moves between two divisions."""

    origin: str
    origin_name: str
    destination: str
    destination_name: str
    moves: int


class NetRow(BaseModel):
    """Net migration of one division."""

    division: str
    name: str
    inflow: int
    outflow: int
    net: int
    district_unknown: bool = Field(
        description="a city that has districts today, standing for records that name only "
                    "the city (made before its districts): its district is not known")


class FlowsOut(BaseModel):
    """Origin-destination counts, net migration and top corridors."""

    level: str
    start: date
    end: date
    od: list[FlowRow]
    net: list[NetRow]
    corridors: list[FlowRow]


PERSON_ROLES = (Role.ADMIN, Role.OFFICER, Role.SERVICE)


def _episode(e: Episode, private: bool) -> EpisodeOut:
    names = [NameOut(code=code, name=divisions.name(code), current_code=divisions.current(code),
                     since=None if private else since,
                     since_year=since.year if since else None) for since, code in e.names]
    return EpisodeOut(kind=e.kind, start=None if private else e.start,
                      end=None if private else e.end,
                      start_year=e.start.year if e.start else None,
                      end_year=e.end.year if e.end else None, division_code=e.division_code,
                      current_code=e.current_code, division_name=e.division_name,
                      separated=e.separated, names=names, continues=e.continues,
                      district_unknown=e.district_unknown,
                      records=None if private else list(e.records))


@router.get("/v1/persons/{ref}/trajectory", response_model=TrajectoryOut, responses=PROBLEMS)
async def trajectory(ref: Ref,
                     access: Annotated[Access, Depends(personal_data(*PERSON_ROLES,
                                                                     Role.RESEARCHER))],
                     view: View = "all") -> TrajectoryOut:
    """A person's registration and residence episodes with 人户分离 flags.

    ``view=lived`` resolves the overlaps: one timeline of where the person actually
    lived (recorded residences, the registered address where none is recorded).
    """
    pid = await resolve(access, ref)
    found = await access.runtime.call(migration.trajectory, pid)
    access.audit.add(pid)
    private = access.key.role is Role.RESEARCHER
    items = [_episode(e, private) for e in found.view(view)]
    return TrajectoryOut(pid=ident(access, pid), view=view, count=len(items), items=items)


@router.get("/v1/persons/{ref}/moves", response_model=MovesOut, responses=PROBLEMS)
async def moves(ref: Ref, access: Annotated[Access, Depends(personal_data(*PERSON_ROLES))],
                window_days: Annotated[int, Query(ge=0, le=3650)] = 90) -> MovesOut:
    """Kin, cohabitants and colleagues who moved with the person.

    Closed to researchers: co-movers with exact days re-identify households; flows and
    trajectories give researchers the aggregate and per-person views instead.
    """
    rt = access.runtime
    pid = await resolve(access, ref)
    found = await rt.call(migration.family_moves, pid, window_days)
    access.audit.add(pid, *(f.pid for f in found))
    items = [MoveOut(pid=f.pid, ties=list(f.ties), day=f.move.day, their_day=f.their_day,
                     origin=f.move.origin, destination=f.move.destination) for f in found]
    return MovesOut(pid=pid, count=len(items), items=items)


@router.get("/v1/flows", response_model=FlowsOut, responses=PROBLEMS)
async def flows(start: Annotated[Day, Query()], end: Annotated[Day, Query()],
                _key: Annotated[ApiKey, Depends(require(*PERSON_ROLES, Role.RESEARCHER))],
                rt: Annotated[Runtime, Depends(runtime)],
                level: Literal["county", "prefecture"] = "county") -> FlowsOut:
    """Origin-destination migration counts between divisions for a period (aggregates)."""
    found = await flow_tables.flows(rt, start, end, level)
    return FlowsOut(level=level, start=start, end=end,
                    od=[FlowRow(**r) for r in found.od.to_dicts()],
                    net=[NetRow(**r) for r in found.net.to_dicts()],
                    corridors=[FlowRow(**r) for r in found.corridors.to_dicts()])
