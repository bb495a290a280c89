"""The app factory: routers, problem handlers, the request log, the lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress

from fastapi import FastAPI

from api import problems
from api.consistency import CausalConsistency
from api.openapi import documented
from api.requestlog import RequestLog
from api.routes import (
    audit,
    conditions,
    contacts,
    decisions,
    docs,
    eligibility,
    health,
    jobs,
    kinship,
    me,
    migration,
    persons,
    policy,
    records,
    reviews,
    thalassemia,
    web,
)
from api.runtime import open_runtime
from api.warm import keep_warm
from kingraph import __version__
from kingraph.settings import Settings
from queries.eligibility import policy as tables
from queries.eligibility import policy_file

ROUTERS = (health.router, persons.router, audit.router, me.router, reviews.router,
           decisions.router, jobs.router, web.router, migration.router, eligibility.router,
           kinship.router, thalassemia.router, records.router, docs.router,
           contacts.router, conditions.router,
           policy.router)

DESCRIPTION = """Kingraph's REST API. Every route but `/healthz` needs an API key
(`Authorization: Bearer <key>` or `X-API-Key: <key>`); each operation states the roles
it admits (`x-roles`). Routes that touch persons also need an `X-Purpose` header (a
purpose code from the service's list, optionally `:` and a case reference) and are
audit-logged, as is every refused attempt. ID numbers travel in request bodies
(`POST /v1/persons/search`), never in URLs. Personal data is sent with
`Cache-Control: no-store`. Errors are RFC 9457 `application/problem+json` with a
stable `code`.

Persons are named by pid in URLs. A pid is stable while its person is: it changes only
when fusion changes who the person is (two persons merged, one split), and the pid it
replaces stays an alias that every person route accepts, answering with the person
that holds most of its mentions now, under that person's current pid.

To read your own writes on a cluster, send with each request the `X-Bookmarks` header
of the last response. A decision's write is a job's: the job, once ended, answers
`GET /v1/jobs/{id}` with the `X-Bookmarks` of its write."""


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
            every = settings.api_warm_every_s
            warm = asyncio.create_task(keep_warm(rt, every)) if every > 0 else None
            try:
                yield
            finally:
                if warm is not None:
                    warm.cancel()
                    with suppress(asyncio.CancelledError):
                        await warm
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
    # The birth-policy table the settings choose; a malformed one stops the start here.
    tables.activate(policy_file.configured(settings.policy_file, settings.var_dir))
    app = FastAPI(title="Kingraph", version=__version__, description=DESCRIPTION,
                  lifespan=_lifespan(settings), openapi_url="/openapi.json",
                  docs_url=None, redoc_url=None,  # /docs: api.routes.docs, served locally
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    problems.install(app)
    app.add_middleware(CausalConsistency)  # inside the request log, which contains errors
    app.add_middleware(RequestLog)
    for router in ROUTERS:
        app.include_router(router)
    documented(app, ROUTERS, settings.api_purposes)
    return app


def from_environment() -> FastAPI:
    """The app for settings read from the environment (uvicorn's factory for workers)."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    return create_app(Settings())
