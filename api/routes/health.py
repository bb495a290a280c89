"""``/healthz``: is the service up and does Neo4j answer (no auth, no personal data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.auth import runtime
from api.models import Health
from api.runtime import Runtime
from kingraph import __version__
from kingraph.errors import KingraphError
from queries.health import neo4j_version

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(rt: Annotated[Runtime, Depends(runtime)]) -> Health | JSONResponse:
    """Report the service version and whether Neo4j answers a trivial query."""
    try:
        version = await neo4j_version(rt.driver, rt.database)
    except KingraphError:
        down = Health(status="degraded", version=__version__, neo4j="down")
        return JSONResponse(down.model_dump(), status_code=503)
    return Health(status="ok", version=__version__, neo4j="up", neo4j_version=version)
