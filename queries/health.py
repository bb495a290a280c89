"""The trivial query behind ``/healthz``: is Neo4j answering, and which version."""

from __future__ import annotations

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from kingraph.errors import ServerNotRunning

NEO4J_VERSION = "CALL dbms.components() YIELD versions RETURN versions[0] AS version"


async def neo4j_version(driver: neo4j.AsyncDriver, database: str) -> str:
    """The Neo4j server version, asked once without retries (a health check must be quick).

    Raises:
        ServerNotRunning: Neo4j does not answer or refuses the query.
    """
    try:
        async with driver.session(database=database,
                                  default_access_mode=neo4j.READ_ACCESS) as session:
            result = await session.run(NEO4J_VERSION)
            record = await result.single()
    except (Neo4jError, DriverError, OSError):
        raise ServerNotRunning("query neo4j_version: Neo4j is unavailable") from None
    return str(record["version"]) if record else "unknown"
