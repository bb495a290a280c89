"""Whole-graph administration: counts, wiping, emptying a database and freeing its disk."""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

from graphdb.connection import forget_bookmarks, read, write_auto_commit
from graphdb.server import LocalServer

COUNT_NODES = "MATCH (n) RETURN count(n) AS n"
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() RETURN count(r) AS n"
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def counts(driver: neo4j.Driver, database: str) -> tuple[int, int]:
    """Nodes and relationships in the database."""
    nodes = read(driver, database, "count_nodes", COUNT_NODES)[0]["n"]
    rels = read(driver, database, "count_relationships", COUNT_RELATIONSHIPS)[0]["n"]
    return int(nodes), int(rels)


def wipe(driver: neo4j.Driver, database: str) -> None:
    """Delete every node and relationship (the schema stays)."""
    write_auto_commit(driver, database, "wipe", WIPE)


@dataclass(frozen=True)
class Emptied:
    """How a database was emptied, and its files' size before and after (local only)."""

    offline: bool  # stopped, its store and transaction logs deleted, started again
    before_bytes: int | None = None
    after_bytes: int | None = None


def database_bytes(server: LocalServer, database: str) -> int:
    """Bytes of one database's store and transaction logs on a local server."""
    total = 0
    for sub in ("databases", "transactions"):
        folder = server.home / "data" / sub / database
        if folder.exists():
            total += sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return total


def empty_local(driver: neo4j.Driver, database: str, server: LocalServer,
                offline_min_bytes: int) -> Emptied:
    """Empty a local server's database, freeing its disk when that is worth a restart.

    At ``offline_min_bytes`` or more of store and transaction logs the server is
    stopped, the database's files deleted and the server started again (Neo4j creates
    an empty store; the schema must then be applied again).  Below, it is emptied in
    batches; Neo4j prunes the logs holding the deletions to the retention setting at
    its next checkpoint (Community Edition has no procedure to ask for one).  The
    caller holds the store's writer lock.
    """
    before = database_bytes(server, database)
    offline = before >= offline_min_bytes
    if offline:
        server.stop()
        server.drop_store(database)
        server.start()
        forget_bookmarks(driver, database)  # the new store's transaction ids start again
    else:
        wipe(driver, database)
    return Emptied(offline, before, database_bytes(server, database))


def empty_external(driver: neo4j.Driver, database: str) -> Emptied:
    """Empty an external server's database in batches (its disk is that server's to
    free: the deletions stay in its transaction logs until its retention prunes them,
    and store files do not shrink)."""
    wipe(driver, database)
    return Emptied(False)
