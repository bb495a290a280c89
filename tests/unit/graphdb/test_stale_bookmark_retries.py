"""How `graphdb.connection.read` counts its attempts around stale bookmarks.

A store replaced behind a long-lived process (see
`tests/integration/graphdb/test_stale_bookmarks.py`, against a real server) shows first
as dead connections (the server restarted) and then as a bookmark timeout. Forgetting
the bookmarks is not a failed attempt: a read whose third try meets the timeout still
gets its fourth. The sessions here are scripted; the errors are those the server sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any

import neo4j
import pytest
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from graphdb import connection
from kingraph.errors import GraphBehind

TIMEOUT = "Neo.TransientError.Transaction.BookmarkTimeout"
PROBE = "RETURN 1 AS one"


def _timeout() -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=TIMEOUT, message="not reached")


class _Result:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows)

    def consume(self) -> None:
        return None


class _Session:
    """Answers the probe as the script says (an exception, or rows); the forgetting's
    own ``RETURN 1`` always answers."""

    def __init__(self, script: list[Exception | None], log: list[str]) -> None:
        self._script, self._log = script, log

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> _Result:
        if cypher == "RETURN 1":
            self._log.append("forget")
            return _Result([])
        self._log.append("probe")
        step = self._script.pop(0)
        if step is not None:
            raise step
        return _Result([{"one": 1}])

    def last_bookmarks(self) -> neo4j.Bookmarks:
        return neo4j.Bookmarks.from_raw_values(())


def _driver(uri: str, script: list[Exception | None], log: list[str]) -> neo4j.Driver:
    driver = neo4j.GraphDatabase.driver(uri, auth=("neo4j", "unused"))
    driver.session = lambda **_: _Session(script, log)  # type: ignore[method-assign,assignment]
    return driver


def test_forgetting_stale_bookmarks_is_not_a_failed_attempt() -> None:
    log: list[str] = []
    script: list[Exception | None] = [ServiceUnavailable("restarted"),
                                      ServiceUnavailable("restarted"), _timeout(), None]
    with _driver("bolt://127.0.0.1:1", script, log) as driver:
        rows = connection.read(driver, "neo4j", "probe", PROBE)
    assert [dict(r) for r in rows] == [{"one": 1}]
    assert log == ["probe", "probe", "probe", "forget", "probe"]


def test_bookmarks_are_forgotten_once() -> None:
    log: list[str] = []
    with _driver("bolt://127.0.0.1:1", [_timeout(), _timeout()], log) as driver, \
            pytest.raises(GraphBehind):
        connection.read(driver, "neo4j", "probe", PROBE)
    assert log == ["probe", "forget", "probe"]


def test_a_routing_driver_never_forgets() -> None:
    log: list[str] = []
    with _driver("neo4j://127.0.0.1:1", [_timeout()], log) as driver, \
            pytest.raises(GraphBehind):
        connection.read(driver, "neo4j", "probe", PROBE)
    assert log == ["probe"]
