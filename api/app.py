"""The app factory: routers, problem handlers, the request log, the lifespan."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from api import problems
from api.requestlog import RequestLog
from api.routes import (
    audit,
    docs,
    eligibility,
    fusion,
    health,
    kinship,
    me,
    migration,
    persons,
    records,
    thalassemia,
    web,
)
from api.runtime import open_runtime
from kingraph import __version__
from kingraph.settings import Settings

ROUTERS = (health.router, persons.router, audit.router, me.router, fusion.router,
           web.router, migration.router, eligibility.router, kinship.router, thalassemia.router,
           records.router, docs.router)

DESCRIPTION = """Kingraph's REST API. Every route but `/healthz` needs an API key
(`Authorization: Bearer <key>` or `X-API-Key: <key>`); routes that touch persons
also need an `X-Purpose` header and are audit-logged. Errors are RFC 9457
`application/problem+json` with a stable `code`.

Persons are named by pid (or ID number where a route says so). A pid is stable while
its person is: it changes only when fusion changes who the person is (two persons
merged, one split), and the pid it replaces stays an alias that every person route
accepts, answering with the person that holds most of its mentions now, under that
person's current pid."""


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings) as rt:
            app.state.runtime = rt
            # What exists now (modules, routes, schemas, drivers: ~300 k objects) lives as
            # long as the process: frozen out of the cyclic collector's sight, a full
            # collection scans only what requests made. Unfrozen, each full collection
            # was a 200+ ms pause of the event loop, the eligibility route's p99.
            gc.collect()
            gc.freeze()
            yield
    return lifespan


def create_app(settings: Settings) -> FastAPI:
    """Build the API for a settings object (the lifespan opens Neo4j and the state).

    Args:
        settings: Where Neo4j and the service state are, and the rate budgets.

    Returns:
        The FastAPI application, ready for uvicorn.
    """
    # FastAPI's own OpenTelemetry (traces, metrics, validation-error logs) is off: its
    # logs and spans are not ours to keep free of personal data, and its per-request
    # check for a configured provider costs CPU on every call.
    app = FastAPI(title="Kingraph", version=__version__, description=DESCRIPTION,
                  lifespan=_lifespan(settings), openapi_url="/openapi.json",
                  docs_url=None, redoc_url=None,  # /docs: api.routes.docs, served locally
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    problems.install(app)
    app.add_middleware(RequestLog)
    for router in ROUTERS:
        app.include_router(router)
    return app


def from_environment() -> FastAPI:
    """The app for settings read from the environment (uvicorn's factory for workers)."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    return create_app(Settings())
