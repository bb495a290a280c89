"""One exception hierarchy for the whole engine.

Messages name files, lines, queries and reasons; they never carry personal data
(ID numbers, names, addresses).  Every error also carries a ``reason``: a stable,
machine-readable code (snake_case) that clients act on, so that no client reads the
message (English, for developers).  A raise site names its reason when it has a
specific one (``InvalidArgument("...", reason="end_before_start")``); otherwise the
class's ``default_reason`` stands.
"""

from __future__ import annotations

from typing import Any


class KingraphError(Exception):
    """Base class of every error the engine raises on purpose."""

    default_reason = "engine_error"

    def __init__(self, *args: object, reason: str | None = None) -> None:
        super().__init__(*args)
        self.reason: str = reason or self.default_reason

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the reason across pickling (a worker process's error re-raised here).
        return (_rebuild, (type(self), self.args, self.reason))


def _rebuild(cls: type[KingraphError], args: tuple[object, ...], reason: str) -> KingraphError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.reason = reason
    return err


class ConfigError(KingraphError):
    """The settings are inconsistent or unsafe."""

    default_reason = "config_error"


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

    default_reason = "setup_error"


class ServerStartError(KingraphError):
    """The local Neo4j did not come up; the message carries the log tail."""

    default_reason = "server_start_failed"


class ServerNotRunning(KingraphError):
    """An operation needs the local Neo4j running and it is not."""

    default_reason = "graph_unavailable"


class GraphError(KingraphError):
    """A Cypher query failed; the message names the query, never its parameters."""

    default_reason = "graph_error"


class FeedError(KingraphError):
    """A feed file cannot be read at all (encoding, header, truncation)."""

    default_reason = "feed_unreadable"


class InvalidIdNumber(KingraphError):
    """A citizen ID number fails GB 11643 validation."""

    default_reason = "invalid_id_number"


class PersonNotFound(KingraphError):
    """No person matches the given identifier."""

    default_reason = "person_not_found"


class InvalidArgument(KingraphError):
    """A caller passed a value outside the accepted range."""

    default_reason = "invalid_argument"


class InvalidInput(InvalidArgument):
    """A request the rules cannot be asked about; ``fields`` names each field and reason."""

    def __init__(self, fields: list[tuple[str, str, str]]) -> None:
        """``fields``: (field, reason code, message), none carrying personal data."""
        self.fields = fields
        super().__init__("; ".join(f"{name}: {message}" for name, _, message in fields))


class StoreBusy(KingraphError):
    """Another writer holds the graph's store lock and the caller would not wait."""

    default_reason = "store_busy"


class StoreDamaged(KingraphError):
    """A file of a graph's ingest store is damaged (empty, truncated or unreadable)."""

    default_reason = "store_damaged"


class BookmarkInvalid(GraphError):
    """A causal bookmark sent with a query is not one this graph issued."""

    default_reason = "bookmark_invalid"


class GraphBehind(GraphError):
    """The graph member serving a query did not reach a bookmark's transaction in time."""

    default_reason = "graph_behind"
