"""Drivers for the configured Neo4j, local or external.

Only the command line and the API build drivers (from settings); every other
function takes a ``neo4j.Driver`` and a database name as arguments.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import neo4j
from neo4j.exceptions import (
    AuthError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graphdb import bookmarks
from graphdb.credentials import credentials
from kingraph.errors import (
    BookmarkInvalid,
    ConfigError,
    GraphBehind,
    GraphError,
    ServerNotRunning,
)
from kingraph.settings import Settings

T = TypeVar("T")


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
BOOKMARK_TIMEOUT = "Neo.TransientError.Transaction.BookmarkTimeout"
# The server already waited its bookmark timeout: asking again would only wait again
# (unless the bookmarks were stale, :func:`_stale_bookmarks`).
NOT_RETRIED = frozenset({BOOKMARK_TIMEOUT})
BOOKMARK_INVALID = frozenset({"Neo.ClientError.Transaction.InvalidBookmark",
                              "Neo.ClientError.Transaction.InvalidBookmarkMixture"})


def _flow_bookmarks() -> neo4j.Bookmarks | None:
    """The current flow's bookmarks (see :mod:`graphdb.bookmarks`), sent with a query."""
    flow = bookmarks.current()
    if flow is None or not flow.bookmarks:
        return None
    return neo4j.Bookmarks.from_raw_values(flow.bookmarks)


def _stale_bookmarks(driver: neo4j.Driver | neo4j.AsyncDriver, exc: Exception) -> bool:
    """A bookmark timeout from a single server (a direct ``bolt://`` driver): no member
    can lag behind it, so the driver's bookmarks name transactions of a store that was
    replaced since (another process imported or emptied the database offline: the new
    store counts its transactions from the start again). Forgetting them is then safe;
    on a cluster a timeout may be a lagging member, and stays :class:`GraphBehind`."""
    return (isinstance(exc, Neo4jError) and exc.code == BOOKMARK_TIMEOUT
            and isinstance(driver, neo4j.BoltDriver | neo4j.AsyncBoltDriver))


def _retried(exc: Exception) -> bool:
    if isinstance(exc, Neo4jError) and exc.code in NOT_RETRIED:
        return False
    return isinstance(exc, TransientError | SessionExpired | ServiceUnavailable)


def read(driver: neo4j.Driver, database: str, name: str, cypher: str,
         **params: Any) -> list[neo4j.Record]:
    """Run a named read query as a READ transaction; errors become a GraphError naming
    the query.

    Reads are auto-commit: one network round trip instead of a managed
    transaction's begin / run / commit, which is what a hot API route pays for. In
    READ access mode a cluster serves them from a secondary (and every server refuses
    a write in them). They wait for ``execute_query``'s bookmarks and the current
    flow's, so a read sees the earlier writes of this driver and of its flow, and
    transient failures are retried.
    """
    forgot, failures = False, 0
    while True:  # a forgetting of stale bookmarks is not one of the READ_ATTEMPTS
        try:
            with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                                bookmark_manager=driver.execute_query_bookmark_manager,
                                bookmarks=_flow_bookmarks()) as session:
                return list(session.run(cypher, params))
        except (Neo4jError, SessionExpired, ServiceUnavailable) as exc:
            if not forgot and _stale_bookmarks(driver, exc):
                forget_bookmarks(driver, database)
                forgot = True
                continue
            failures += 1
            if failures == READ_ATTEMPTS or not _retried(exc):
                return _failed(name, exc)
            time.sleep(0.2 * 2 ** (failures - 1))


async def read_async(driver: neo4j.AsyncDriver, database: str, name: str, cypher: str,
                     **params: Any) -> list[neo4j.Record]:
    """:func:`read` on the async driver: for API routes whose whole work is one read,
    so they stay on the event loop instead of taking a worker thread (and the GIL
    hand-offs that come with it) per request."""
    forgot, failures = False, 0
    while True:  # as in read: forgetting stale bookmarks is not a failed attempt
        try:
            async with driver.session(
                    database=database, default_access_mode=neo4j.READ_ACCESS,
                    bookmark_manager=driver.execute_query_bookmark_manager,
                    bookmarks=_flow_bookmarks()) as session:
                result = await session.run(cypher, params)
                return [record async for record in result]
        except (Neo4jError, SessionExpired, ServiceUnavailable) as exc:
            if not forgot and _stale_bookmarks(driver, exc):
                await forget_bookmarks_async(driver, database)
                forgot = True
                continue
            failures += 1
            if failures == READ_ATTEMPTS or not _retried(exc):
                return _failed(name, exc)
            await asyncio.sleep(0.2 * 2 ** (failures - 1))


def _failed(name: str, exc: Exception) -> NoReturn:
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        raise ServerNotRunning(f"query {name}: Neo4j is unavailable") from exc
    code = exc.code if isinstance(exc, Neo4jError) else type(exc).__name__
    # The server's message may quote parameter values: keep only its code.
    if code in BOOKMARK_INVALID:
        raise BookmarkInvalid(f"query {name}: a bookmark is not one this graph issued "
                              f"({code})") from None
    if code in NOT_RETRIED:
        raise GraphBehind(f"query {name}: the graph did not reach a bookmark's transaction "
                          f"in time ({code})") from None
    raise GraphError(f"query {name} failed: {code}") from None


def write(driver: neo4j.Driver, database: str, name: str, cypher: str,
          **params: Any) -> list[neo4j.Record]:
    """Run a named write query in one WRITE transaction (retried when transient);
    errors name the query only.

    It waits for the driver's and the current flow's bookmarks, and its own bookmark
    becomes the flow's, so the flow's next read, on any member, sees it.
    """
    flow = bookmarks.current()
    sent = _flow_bookmarks()

    def run() -> tuple[list[neo4j.Record], neo4j.Bookmarks]:
        with driver.session(database=database, default_access_mode=neo4j.WRITE_ACCESS,
                            bookmark_manager=driver.execute_query_bookmark_manager,
                            bookmarks=sent) as session:
            return (session.execute_write(_all_records, cypher, params),
                    session.last_bookmarks())

    records, received = _once_more_if_stale(driver, database, name, run)
    if flow is not None:
        flow.advance(sent.raw_values if sent else (), received.raw_values)
    return records


def write_auto_commit(driver: neo4j.Driver, database: str, name: str, cypher: str,
                      **params: Any) -> None:
    """Run a named write in an auto-commit WRITE transaction: for ``CALL { ... } IN
    TRANSACTIONS``, which commits its own batches and cannot run in a managed one.

    Not retried (a half-done run is simply run again); bookmarks as :func:`write`.
    """
    flow = bookmarks.current()
    sent = _flow_bookmarks()

    def run() -> tuple[None, neo4j.Bookmarks]:
        with driver.session(database=database, default_access_mode=neo4j.WRITE_ACCESS,
                            bookmark_manager=driver.execute_query_bookmark_manager,
                            bookmarks=sent) as session:
            session.run(cypher, params).consume()
            return None, session.last_bookmarks()

    _, received = _once_more_if_stale(driver, database, name, run)
    if flow is not None:
        flow.advance(sent.raw_values if sent else (), received.raw_values)


def _once_more_if_stale(driver: neo4j.Driver, database: str, name: str,
                        run: Callable[[], tuple[T, neo4j.Bookmarks]]
                        ) -> tuple[T, neo4j.Bookmarks]:
    """``run()``, once more after forgetting stale bookmarks (:func:`_stale_bookmarks`:
    a transaction that timed out on its bookmarks never started); errors become a
    GraphError naming the query."""
    for attempt in range(2):
        try:
            return run()
        except (Neo4jError, SessionExpired, ServiceUnavailable) as exc:
            if attempt == 0 and _stale_bookmarks(driver, exc):
                forget_bookmarks(driver, database)
                continue
            _failed(name, exc)
    raise AssertionError("unreachable")


def _all_records(tx: neo4j.ManagedTransaction, cypher: str,
                 params: dict[str, Any]) -> list[neo4j.Record]:
    return list(tx.run(cypher, params))


def forget_bookmarks(driver: neo4j.Driver, database: str) -> None:
    """Replace ``execute_query``'s causal bookmarks by a fresh one (after the store was
    replaced offline, the old transaction ids would make every query wait)."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                        bookmark_manager=None) as session:
        session.run("RETURN 1").consume()
        fresh = session.last_bookmarks()
    manager = driver.execute_query_bookmark_manager
    manager.update_bookmarks(manager.get_bookmarks(), fresh.raw_values)


async def forget_bookmarks_async(driver: neo4j.AsyncDriver, database: str) -> None:
    """:func:`forget_bookmarks` on the async driver."""
    async with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                              bookmark_manager=None) as session:
        await (await session.run("RETURN 1")).consume()
        fresh = await session.last_bookmarks()
    manager = driver.execute_query_bookmark_manager
    await manager.update_bookmarks(await manager.get_bookmarks(), fresh.raw_values)
