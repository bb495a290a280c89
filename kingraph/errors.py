"""One exception hierarchy for the whole engine.

Messages name files, lines, queries and reasons; they never carry personal data
(ID numbers, names, addresses).
"""

from __future__ import annotations


class KingraphError(Exception):
    """Base class of every error the engine raises on purpose."""


class ConfigError(KingraphError):
    """The settings are inconsistent or unsafe."""


class SetupError(KingraphError):
    """The machine lacks something the local Neo4j needs (Java, Maven, memory, a port)."""


class ServerStartError(KingraphError):
    """The local Neo4j did not come up; the message carries the log tail."""


class ServerNotRunning(KingraphError):
    """An operation needs the local Neo4j running and it is not."""


class GraphError(KingraphError):
    """A Cypher query failed; the message names the query, never its parameters."""


class FeedError(KingraphError):
    """A feed file cannot be read at all (encoding, header, truncation)."""


class InvalidIdNumber(KingraphError):
    """A citizen ID number fails GB 11643 validation."""


class PersonNotFound(KingraphError):
    """No person matches the given identifier."""


class InvalidArgument(KingraphError):
    """A caller passed a value outside the accepted range."""


class StoreBusy(KingraphError):
    """Another writer holds the graph's store lock and the caller would not wait."""


class StoreDamaged(KingraphError):
    """A file of a graph's ingest store is damaged (empty, truncated or unreadable)."""
