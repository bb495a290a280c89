"""One exception hierarchy for the whole engine.

Messages name files, lines, queries and reasons; they never carry personal data
(ID numbers, names, addresses).
"""

from __future__ import annotations


class KingraphError(Exception):
    """Base class of every error the engine raises on purpose."""


class ConfigError(KingraphError):
    """The settings are inconsistent or unsafe."""


class PolicyFileError(ConfigError):
    """An operator's policy table file is malformed; the message names file, line and reason."""

    def __init__(self, name: str, problems: list[tuple[int | None, str]]) -> None:
        """Every problem found, as (line, reason); the message lists them all."""
        self.name = name
        self.problems = problems
        lines = [f"{name}, line {line}: {reason}" if line else f"{name}: {reason}"
                 for line, reason in problems]
        super().__init__("\n".join(lines))


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


class InvalidInput(InvalidArgument):
    """A request the rules cannot be asked about; ``fields`` names each field and reason."""

    def __init__(self, fields: list[tuple[str, str, str]]) -> None:
        """``fields``: (field, reason code, message), none carrying personal data."""
        self.fields = fields
        super().__init__("; ".join(f"{name}: {message}" for name, _, message in fields))


class StoreBusy(KingraphError):
    """Another writer holds the graph's store lock and the caller would not wait."""


class StoreDamaged(KingraphError):
    """A file of a graph's ingest store is damaged (empty, truncated or unreadable)."""
class BookmarkInvalid(GraphError):
    """A causal bookmark sent with a query is not one this graph issued."""


class GraphBehind(GraphError):
    """The graph member serving a query did not reach a bookmark's transaction in time."""
