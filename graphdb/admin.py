"""Whole-graph administration: counts and wiping (tests and demos)."""

from __future__ import annotations

import neo4j

from graphdb.connection import read, write_auto_commit

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
