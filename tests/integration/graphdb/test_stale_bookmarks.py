"""A process that outlives its graph's store keeps working.

The API (or a notebook) holds a driver for days. When another process replaces the
database's store offline (a first load's bulk import, `kingraph db reset` of a large
graph), the new store counts its transactions from the start again, and the old
driver's bookmarks name transactions it will not reach for a long time: every query
would wait the server's bookmark timeout and fail (`GraphBehind`) until the process
restarted. On a single server (a direct `bolt://` driver) no member can lag, so such a
timeout means stale bookmarks: `graphdb.connection` forgets them and runs the query
once more. Through a routing driver (a cluster, where a member may lag) it still says
`GraphBehind`.

The test stops and restarts its server, so it runs a small instance of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import neo4j
import pytest

from graphdb.connection import (
    open_async_driver,
    open_driver,
    read,
    read_async,
    write,
    write_auto_commit,
)
from graphdb.credentials import credentials
from graphdb.server import LocalServer
from kingraph.errors import GraphBehind
from kingraph.settings import Settings
from tests.integration.own_instance import own_instance

WRITES = 40  # transactions the old store had committed before it was replaced


@pytest.fixture(scope="module")
def instance(settings: Settings) -> Iterator[tuple[LocalServer, Settings]]:
    """A small instance of its own ("bookmarkcheck"), removed afterwards."""
    with own_instance(settings, "bookmarkcheck",
                      "the store is replaced offline, which needs a local server",
                      pagecache="128m") as started:
        yield started


def _replace_store(server: LocalServer, database: str) -> None:
    """What another process's offline import or reset does to the database."""
    server.stop()
    server.drop_store(database)
    server.start()


def test_a_long_lived_driver_reads_and_writes_after_the_store_was_replaced(
        instance: tuple[LocalServer, Settings]) -> None:
    server, own = instance
    database = own.neo4j_database
    with neo4j.GraphDatabase.driver(own.bolt_uri.replace("bolt://", "neo4j://"),
                                    auth=credentials(own)) as routing, \
            open_driver(own) as driver:
        for n in range(WRITES):
            write(driver, database, "probe_write", "CREATE (:Probe {n: $n})", n=n)
        assert read(driver, database, "probe_count",
                    "MATCH (p:Probe) RETURN count(p) AS n")[0]["n"] == WRITES
        read(routing, database, "probe", "RETURN 1 AS one")  # it holds bookmarks too

        _replace_store(server, database)

        # The new store is empty, and the old driver's reads and writes reach it.
        assert read(driver, database, "probe_count",
                    "MATCH (p:Probe) RETURN count(p) AS n")[0]["n"] == 0
        write(driver, database, "probe_write", "CREATE (:Probe {n: $n})", n=-1)
        write_auto_commit(driver, database, "probe_delete", "MATCH (p:Probe) DELETE p")
        assert read(driver, database, "probe_count",
                    "MATCH (p:Probe) RETURN count(p) AS n")[0]["n"] == 0
        with pytest.raises(GraphBehind):  # a cluster's member may lag: not forgotten there
            read(routing, database, "probe", "RETURN 1 AS one")


def test_an_async_driver_reads_after_the_store_was_replaced(
        instance: tuple[LocalServer, Settings]) -> None:
    server, own = instance
    database = own.neo4j_database

    async def scenario() -> int:
        async with open_async_driver(own) as driver:
            with open_driver(own) as writer:  # the API's two drivers share nothing
                for n in range(WRITES):
                    write(writer, database, "probe_write", "CREATE (:Probe {n: $n})", n=n)
            before = await read_async(driver, database, "probe_count",
                                      "MATCH (p:Probe) RETURN count(p) AS n")
            assert before[0]["n"] == WRITES
            await asyncio.to_thread(_replace_store, server, database)
            after = await read_async(driver, database, "probe_count",
                                     "MATCH (p:Probe) RETURN count(p) AS n")
            return int(after[0]["n"])

    assert asyncio.run(scenario()) == 0
