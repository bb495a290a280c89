"""The graph as a cluster client: reads as READ, writes as WRITE, bookmarks carried.

Against the test server over ``neo4j://`` (routing), with the driver's Bolt traffic
recorded (``tests.bolt_traffic``): what a cluster would route and wait for.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Iterator

import neo4j
import pytest

from graphdb.admin import counts
from graphdb.bookmarks import Flow, following
from graphdb.connection import (
    open_async_driver,
    open_driver,
    read,
    read_async,
    write,
    write_auto_commit,
)
from kingraph.errors import BookmarkInvalid, GraphBehind, GraphError
from kingraph.settings import Settings
from tests.bolt_traffic import Transaction, misrouted, recording
from tests.integration.cluster import routing_settings

PROBE = "MERGE (p:KgRoutingProbe {marker: $marker}) SET p.n = coalesce(p.n, 0) + 1"
COUNT = "MATCH (p:KgRoutingProbe {marker: $marker}) RETURN count(p) AS n"
DROP = "MATCH (p:KgRoutingProbe {marker: $marker}) DELETE p"
DROP_ALL = "MATCH (p:KgRoutingProbe) CALL (p) { DELETE p } IN TRANSACTIONS OF 1000 ROWS"


@pytest.fixture(scope="module")
def routed(settings: Settings) -> Settings:
    """The test server's settings over neo4j:// (a routing driver)."""
    return routing_settings(settings)


@pytest.fixture
def routing_driver(routed: Settings) -> Iterator[neo4j.Driver]:
    """A fresh routing driver (no bookmarks yet), closed after the test."""
    drv = open_driver(routed)
    yield drv
    drv.close()


@pytest.fixture
def marker(driver: neo4j.Driver, database: str) -> Iterator[str]:
    """A marker for this test's probe nodes, deleted afterwards."""
    value = uuid.uuid4().hex
    yield value
    write(driver, database, "drop_probe", DROP, marker=value)


def _only(traffic: list[Transaction], query: str) -> Transaction:
    found = [t for t in traffic if t.queries and t.queries[0] == query.splitlines()[0]]
    assert len(found) == 1, (query, len(found))
    return found[0]


def test_the_driver_routes(routing_driver: neo4j.Driver, routed: Settings) -> None:
    assert routed.neo4j_uri is not None and routed.neo4j_uri.startswith("neo4j://")
    assert not routed.uses_local_server  # as an external server: no offline import
    assert counts(routing_driver, routed.neo4j_database)[0] >= 0


def test_the_server_refuses_a_write_in_a_read_transaction(
        routing_driver: neo4j.Driver, database: str, marker: str) -> None:
    # What makes the rest of this file a proof: a cluster's secondary, and a single
    # server too, refuses to write in a READ transaction.
    with pytest.raises(GraphError, match=r"Neo\.ClientError\.Statement\.AccessMode"):
        read(routing_driver, database, "probe_in_read", PROBE, marker=marker)
    with routing_driver.session(database=database,
                                default_access_mode=neo4j.READ_ACCESS) as session:
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            session.execute_read(lambda tx: tx.run(PROBE, marker=marker).consume())
    assert refused.value.code == "Neo.ClientError.Statement.AccessMode"
    assert read(routing_driver, database, "count", COUNT, marker=marker)[0]["n"] == 0
    write(routing_driver, database, "probe", PROBE, marker=marker)
    assert read(routing_driver, database, "count", COUNT, marker=marker)[0]["n"] == 1


def test_reads_go_as_read_and_writes_as_write_each_after_the_one_before(
        routing_driver: neo4j.Driver, database: str, marker: str) -> None:
    with recording() as traffic:
        write(routing_driver, database, "probe", PROBE, marker=marker)
        read(routing_driver, database, "count", COUNT, marker=marker)
        write_auto_commit(routing_driver, database, "drop_all", DROP_ALL)
        read(routing_driver, database, "count", COUNT, marker=marker)
    txs = traffic.transactions
    assert [(t.mode, t.wrote) for t in txs] == [("w", True), ("r", False), ("w", True),
                                                 ("r", False)]
    assert all(t.bookmark and t.failure is None for t in txs)
    # Each waits for the bookmark of the one before (the driver's own chain).
    assert txs[1].sent == (txs[0].bookmark,) and txs[3].sent == (txs[2].bookmark,)
    assert misrouted(txs) == []


def test_the_misrouting_check_sees_what_it_looks_for(
        routing_driver: neo4j.Driver, database: str, marker: str) -> None:
    # A read sent as WRITE, and a write sent as READ, are both named.
    with recording() as traffic:
        write(routing_driver, database, "count_as_write", COUNT, marker=marker)
        with pytest.raises(GraphError):
            read(routing_driver, database, "probe_in_read", PROBE, marker=marker)
    assert misrouted(traffic.transactions) == [
        f"read sent as WRITE: {COUNT}", f"write sent as READ: {PROBE}"]


def test_a_flow_carries_a_write_bookmark_to_another_driver(
        routing_driver: neo4j.Driver, routed: Settings, database: str, marker: str) -> None:
    # An API worker has two drivers, and a client's next request may reach another
    # worker: the flow, not a driver, carries the write's bookmark to the next read.
    flow = Flow()
    with recording() as traffic, following(flow):
        write(routing_driver, database, "probe", PROBE, marker=marker)
    written = _only(traffic.transactions, PROBE)
    assert flow.wrote and flow.bookmarks == {written.bookmark}

    async def read_elsewhere(given: Flow | None) -> int:
        other = open_async_driver(routed)  # never saw the write
        try:
            if given is None:
                rows = await read_async(other, database, "count", COUNT, marker=marker)
            else:
                with following(given):
                    rows = await read_async(other, database, "count", COUNT, marker=marker)
        finally:
            await other.close()
        return int(rows[0]["n"])

    with recording() as alone:
        assert asyncio.run(read_elsewhere(None)) == 1
    with recording() as carried:
        assert asyncio.run(read_elsewhere(Flow(flow.bookmarks))) == 1
    assert _only(alone.transactions, COUNT).sent == ()
    assert _only(carried.transactions, COUNT).sent == (written.bookmark,)
    assert _only(carried.transactions, COUNT).mode == "r"


def test_a_bookmark_the_graph_never_issued_is_refused(
        routing_driver: neo4j.Driver, database: str, marker: str) -> None:
    with following(Flow(["FB:notabookmark"])), pytest.raises(BookmarkInvalid):
        read(routing_driver, database, "count", COUNT, marker=marker)


def _ahead(bookmark: str) -> str:
    """The same database's bookmark for a transaction far in its future.

    Neo4j 5.26 writes a bookmark as "FB:" and base64 of a PackStream list: 0x91,
    the database id (0xCC 0x10 and 16 bytes), the transaction id (a PackStream
    integer), and an empty list (0x90). The id becomes an INT_64 (0xCB) of 2**40.
    """
    raw = base64.b64decode(bookmark.removeprefix("FB:") + "=" * (-len(bookmark) % 4))
    assert bookmark.startswith("FB:") and raw[:3] == b"\x91\xcc\x10" and raw[-1:] == b"\x90", \
        "the bookmark format of Neo4j 5.26 changed: update _ahead"
    ahead = raw[:19] + b"\xcb" + (2**40).to_bytes(8, "big") + raw[-1:]
    return "FB:" + base64.b64encode(ahead).decode().rstrip("=")


def test_a_bookmark_the_graph_has_not_reached_is_graph_behind_asked_once(
        routing_driver: neo4j.Driver, database: str, marker: str) -> None:
    flow = Flow()
    with following(flow):
        write(routing_driver, database, "probe", PROBE, marker=marker)
    (bookmark,) = flow.bookmarks
    with recording() as traffic, following(Flow([_ahead(bookmark)])), \
            pytest.raises(GraphBehind):
        read(routing_driver, database, "count", COUNT, marker=marker)
    # The server already waited its bookmark timeout: the read is not retried.
    tried = [t for t in traffic.transactions if t.queries == [COUNT]]
    assert [t.failure for t in tried] == ["Neo.TransientError.Transaction.BookmarkTimeout"]
