"""Drivers for the configured Neo4j, local or external.

Only the command line and the API build drivers (from settings); every other
function takes a ``neo4j.Driver`` and a database name as arguments.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, NoReturn

import neo4j
from neo4j.exceptions import (
    AuthError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graphdb.credentials import credentials
from kingraph.errors import ConfigError, GraphError, ServerNotRunning
from kingraph.settings import Settings


def open_driver(settings: Settings) -> neo4j.Driver:
    """A verified driver for the configured server, or a clear error."""
    driver = neo4j.GraphDatabase.driver(settings.bolt_uri, auth=credentials(settings),
                                        notifications_min_severity="OFF")
    try:
        driver.verify_connectivity()
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        hint = "start it with `kingraph neo4j start`" if settings.uses_local_server else ""
        raise ServerNotRunning(f"Neo4j does not answer on {settings.bolt_uri}; {hint}") from exc
    except AuthError as exc:
        driver.close()
        raise ConfigError(f"Neo4j at {settings.bolt_uri} rejected the credentials") from exc
    return driver


def open_async_driver(settings: Settings) -> neo4j.AsyncDriver:
    """An async driver for the API (connectivity is checked by /healthz)."""
    return neo4j.AsyncGraphDatabase.driver(settings.bolt_uri, auth=credentials(settings),
                                           notifications_min_severity="OFF",
                                           max_transaction_retry_time=5.0)


def open_sync_driver(settings: Settings) -> neo4j.Driver:
    """A sync driver for the API's thread pool (connectivity is checked by /healthz)."""
    return neo4j.GraphDatabase.driver(settings.bolt_uri, auth=credentials(settings),
                                      notifications_min_severity="OFF",
                                      max_transaction_retry_time=5.0,
                                      max_connection_pool_size=64)


def bolt_answers(uri: str, user: str, password: str) -> bool:
    """True when a Bolt server answers at uri and accepts the credentials."""
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
            driver.verify_connectivity()
        return True
    except (ServiceUnavailable, OSError, AuthError):
        return False


READ_ATTEMPTS = 3


def read(driver: neo4j.Driver, database: str, name: str, cypher: str,
         **params: Any) -> list[neo4j.Record]:
    """Run a named read query; driver errors become a GraphError naming the query.

    Reads are auto-commit: one network round trip instead of a managed
    transaction's begin / run / commit, which is what a hot API route pays for.
    They share ``execute_query``'s bookmarks, so a read still sees this driver's
    earlier writes on a cluster, and transient failures are retried.
    """
    for attempt in range(READ_ATTEMPTS):
        try:
            with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                                bookmark_manager=driver.execute_query_bookmark_manager
                                ) as session:
                return list(session.run(cypher, params))
        except (TransientError, SessionExpired, ServiceUnavailable) as exc:
            if attempt + 1 == READ_ATTEMPTS:
                return _failed(name, exc)
            time.sleep(0.2 * 2**attempt)
        except Neo4jError as exc:
            return _failed(name, exc)
    raise AssertionError("unreachable")


async def read_async(driver: neo4j.AsyncDriver, database: str, name: str, cypher: str,
                     **params: Any) -> list[neo4j.Record]:
    """:func:`read` on the async driver: for API routes whose whole work is one read,
    so they stay on the event loop instead of taking a worker thread (and the GIL
    hand-offs that come with it) per request."""
    for attempt in range(READ_ATTEMPTS):
        try:
            async with driver.session(
                    database=database, default_access_mode=neo4j.READ_ACCESS,
                    bookmark_manager=driver.execute_query_bookmark_manager) as session:
                result = await session.run(cypher, params)
                return [record async for record in result]
        except (TransientError, SessionExpired, ServiceUnavailable) as exc:
            if attempt + 1 == READ_ATTEMPTS:
                return _failed(name, exc)
            await asyncio.sleep(0.2 * 2**attempt)
        except Neo4jError as exc:
            return _failed(name, exc)
    raise AssertionError("unreachable")


def _failed(name: str, exc: Exception) -> NoReturn:
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        raise ServerNotRunning(f"query {name}: Neo4j is unavailable") from exc
    code = exc.code if isinstance(exc, Neo4jError) else type(exc).__name__
    # The server's message may quote parameter values: keep only its code.
    raise GraphError(f"query {name} failed: {code}") from None


def write(driver: neo4j.Driver, database: str, name: str, cypher: str,
          **params: Any) -> list[neo4j.Record]:
    """Run a named write query in one transaction; errors name the query only."""
    return _execute(driver, database, name, cypher, neo4j.RoutingControl.WRITE, params)


def _execute(driver: neo4j.Driver, database: str, name: str, cypher: str,
             routing: neo4j.RoutingControl, params: dict[str, Any]) -> list[neo4j.Record]:
    try:
        records, _, _ = driver.execute_query(cypher, params, database_=database,
                                             routing_=routing)
    except Neo4jError as exc:
        # The server's message may quote parameter values: keep only its code.
        raise GraphError(f"query {name} failed: {exc.code}") from None
    except ServiceUnavailable as exc:
        raise ServerNotRunning(f"query {name}: Neo4j is unavailable") from exc
    return records


def forget_bookmarks(driver: neo4j.Driver, database: str) -> None:
    """Replace ``execute_query``'s causal bookmarks by a fresh one (after the store was
    replaced offline, the old transaction ids would make every query wait)."""
    with driver.session(database=database, bookmark_manager=None) as session:
        session.run("RETURN 1").consume()
        fresh = session.last_bookmarks()
    manager = driver.execute_query_bookmark_manager
    manager.update_bookmarks(manager.get_bookmarks(), fresh.raw_values)
