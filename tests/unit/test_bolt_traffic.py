"""The Bolt traffic recorder the routing tests rely on, fed the driver's own log lines."""

from __future__ import annotations

import logging
from datetime import date

from tests.bolt_traffic import BoltTraffic, Transaction, _run_fields, misrouted, unchained


def _feed(traffic: BoltTraffic, port: int, message: str, *args: object) -> None:
    traffic.handle(logging.LogRecord("neo4j.io", logging.DEBUG, __file__, 0,
                                     f"[#%04X]  {message}", (port, *args), None))


def test_auto_commit_and_explicit_transactions_are_rebuilt() -> None:
    traffic = BoltTraffic()
    run = " ".join(map(repr, ("MATCH (p) RETURN p\nLIMIT 1", {"born": date(1990, 5, 17)},
                              {"mode": "r", "db": "neo4j", "bookmarks": ["FB:a"]})))
    _feed(traffic, 1, "C: RUN %s", run)
    _feed(traffic, 1, "C: PULL %r", {"n": 1000})
    _feed(traffic, 1, "S: SUCCESS %r", {"fields": ["p"]})
    _feed(traffic, 1, "S: SUCCESS %r", {"type": "r", "bookmark": "FB:b"})
    _feed(traffic, 2, "C: BEGIN %r", {"bookmarks": ["FB:b"], "db": "neo4j"})
    _feed(traffic, 2, "C: RUN %s", " ".join(map(repr, ("MERGE (x {k: $k})", {"k": "{"}, {}))))
    _feed(traffic, 2, "S: SUCCESS %r", {"type": "rw"})
    _feed(traffic, 2, "C: COMMIT")
    _feed(traffic, 2, "S: SUCCESS %r", {"bookmark": "FB:c"})
    first, second = traffic.transactions
    assert (first.mode, first.sent, first.queries, first.types, first.bookmark) == (
        "r", ("FB:a",), ["MATCH (p) RETURN p"], ["r"], "FB:b")
    assert (second.mode, second.sent, second.wrote, second.bookmark) == (
        "w", ("FB:b",), True, "FB:c")
    assert unchained(traffic.transactions) == []


def test_the_extra_is_found_after_parameters_that_look_like_maps() -> None:
    text = " ".join(map(repr, ("RETURN 1", {"rows": [{"a": "} {"}]}, {"mode": "r"})))
    assert _run_fields(text) == ("RETURN 1", {"mode": "r"})


def test_misrouted_and_unchained_name_the_transactions() -> None:
    read_as_write = Transaction("t", "1", "w", (), ["MATCH (n) RETURN n"], ["r"], "FB:1")
    write_as_read = Transaction("t", "1", "r", ("FB:1",), ["CREATE (n)"], [], None,
                                "Neo.ClientError.Statement.AccessMode")
    schema_read = Transaction("t", "1", "r", (), ["CALL dbms.components()"], ["s"], "FB:1")
    forgetful = Transaction("t", "1", "r", (), ["MATCH (m) RETURN m"], ["r"], "FB:2")
    assert misrouted([read_as_write, write_as_read, schema_read]) == [
        "read sent as WRITE: MATCH (n) RETURN n", "write sent as READ: CREATE (n)"]
    assert misrouted([read_as_write], {"MATCH (n) RETURN n": "why"}) == []
    assert unchained([read_as_write, forgetful]) == [
        "MATCH (m) RETURN m did not wait for the transaction before it"]
