"""Flows and the X-Bookmarks header value (no server)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from graphdb.bookmarks import MAX_BOOKMARKS, Flow, current, following, parse, render
from ingest.store import Store, server_address
from kingraph.errors import InvalidArgument


def test_a_write_replaces_what_it_waited_for_and_keeps_the_rest() -> None:
    flow = Flow(["FB:a", "FB:b"])
    assert not flow.wrote
    flow.advance(sent=["FB:a"], received=["FB:c"])
    assert flow.bookmarks == {"FB:b", "FB:c"} and flow.wrote
    flow.advance(sent=["FB:b", "FB:c"], received=[])  # nothing committed: nothing changes
    assert flow.bookmarks == {"FB:b", "FB:c"}


def test_a_flow_follows_its_task_and_thread_only() -> None:
    assert current() is None
    outer = Flow(["FB:x"])

    async def elsewhere() -> Flow | None:
        return current()

    async def inside() -> tuple[Flow | None, Flow | None, Flow | None]:
        with following(outer):
            seen_in_thread: list[Flow | None] = []
            other = threading.Thread(target=lambda: seen_in_thread.append(current()))
            other.start()
            other.join()
            in_task = await asyncio.create_task(elsewhere())
            in_worker = await asyncio.to_thread(current)
            return seen_in_thread[0], in_task, in_worker

    bare_thread, task, worker = asyncio.run(inside())
    assert bare_thread is None  # a thread started without the context does not see it
    assert task is outer and worker is outer  # a task and to_thread copy the context
    assert current() is None


def test_the_header_value_round_trips_and_refuses_what_neo4j_never_issues() -> None:
    assert parse(None) == () and parse("  ") == ()
    assert parse("FB:kcwQ7ggnC2VIR36CE3zmEAX3UwOQ, FB:a+b/c=") == (
        "FB:kcwQ7ggnC2VIR36CE3zmEAX3UwOQ", "FB:a+b/c=")
    assert render({"FB:b", "FB:a"}) == "FB:a,FB:b"
    for bad in ("FB:a b", "<script>", "FB:\u00e9", ",".join(["FB:a"] * (MAX_BOOKMARKS + 1)),
                "FB:" + "a" * 300):
        with pytest.raises(InvalidArgument) as refused:
            parse(bad)
        assert "script" not in str(refused.value)  # the message never echoes the value


def test_one_store_per_server_whatever_the_scheme(tmp_path: Path) -> None:
    assert server_address("neo4j://127.0.0.1:7687") == "bolt://127.0.0.1:7687"
    assert server_address("bolt+s://user:pw@db.example:7687?policy=x") == \
        "bolt://db.example:7687"
    root = tmp_path
    direct = Store.for_graph(root, "bolt://127.0.0.1:7687", "neo4j")
    routed = Store.for_graph(root, "neo4j://127.0.0.1:7687", "neo4j")
    other = Store.for_graph(root, "neo4j://127.0.0.1:7688", "neo4j")
    assert direct.root == routed.root != other.root
