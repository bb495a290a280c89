"""The trivial query behind ``/healthz``: is Neo4j answering, and which version."""

from __future__ import annotations

import neo4j

from queries.persons import read

NEO4J_VERSION = "CALL dbms.components() YIELD versions RETURN versions[0] AS version"


async def neo4j_version(driver: neo4j.AsyncDriver, database: str) -> str:
    """The Neo4j server version; raises ServerNotRunning when it does not answer."""
    rows = await read(driver, database, "neo4j_version", NEO4J_VERSION)
    return str(rows[0]["version"]) if rows else "unknown"
