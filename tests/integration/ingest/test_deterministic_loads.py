"""Loads are a function of their rows (issue 14 item 4), against the real graph.

The same rows give the same graph however they arrive: two drops in either order, or
all at once (each half grows the rows by more than a quarter, so the second load trains
fusion's model again on all of them, as the load of all at once does; a smaller drop
keeps the model the store has, by design: ``ingest.fusion.weights.Model``); a load
interrupted by Neo4j dying (a real SIGKILL of the server) and run again after a restart;
a load interrupted and followed by an officer's decision instead of a re-run.  Graphs are
compared with :func:`graphdb.fingerprint.fingerprint` (pids included), and none holds a
person without mentions or a mention linked twice.
"""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from graphdb.connection import open_async_driver, read
from graphdb.fingerprint import Fingerprint, fingerprint
from graphdb.server import LocalServer
from ingest import review
from ingest.pipeline import fuse_again, mention_table, run
from ingest.store import Store
from kingraph.errors import KingraphError
from kingraph.settings import Settings
from queries import persons
from tests.integration.ingest.conftest import Scratch

Stage = Callable[[str, int | None], Callable[[int], None]]


def _split(drop: Path, root: Path) -> tuple[Path, Path]:
    """Two drops holding each row of ``drop`` once: a row goes to A or B by a hash of its
    record id, so every person has rows in both and B joins persons A began."""
    a, b = root / "drop-a", root / "drop-b"
    for target in (a, b):
        target.mkdir(parents=True, exist_ok=True)
    for path in sorted(drop.glob("*.csv")):
        raw = path.read_bytes()
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = raw.decode("gb18030"), "gb18030"
        rows = list(csv.DictReader(text.splitlines()))
        header = list(csv.DictReader(text.splitlines()).fieldnames or [])
        for target, parity in ((a, 0), (b, 1)):
            with (target / path.name).open("w", encoding=encoding, newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=header)
                writer.writeheader()
                writer.writerows(r for r in rows
                                 if zlib.crc32(r["record_id"].encode()) % 2 == parity)
    return a, b


@pytest.fixture(scope="module")
def halves(scratch: Scratch) -> tuple[Path, Path]:
    """The scratch drop split into drops A and B."""
    return _split(scratch.drop, scratch.root / "halves")


def _load(scratch: Scratch, store: Store, *drops: Path) -> Fingerprint:
    for drop in drops:
        run(drop, scratch.driver, scratch.database, store, batch_size=2000)
    return fingerprint(scratch.driver, scratch.database)


def _sound(found: Fingerprint) -> None:
    assert found.counts["persons"] > 0
    assert found.counts["ghosts"] == 0, "a person with no mention survived"
    assert found.counts["shared_mentions"] == 0, "a mention is linked to two persons"


@pytest.fixture(scope="module")
def serial(scratch: Scratch, halves: tuple[Path, Path]) -> Fingerprint:
    """The graph of drop A, then drop B, loaded without interruption."""
    scratch.reset()
    return _load(scratch, scratch.store("serial"), *halves)


def test_two_drops_in_either_order_or_at_once_give_one_graph(
        scratch: Scratch, halves: tuple[Path, Path], serial: Fingerprint) -> None:
    a, b = halves
    _sound(serial)
    scratch.reset()
    reversed_order = _load(scratch, scratch.store("reversed"), b, a)
    scratch.reset()
    at_once = _load(scratch, scratch.store("at-once"), scratch.drop)
    assert reversed_order == serial
    assert at_once == serial


def _killing_neo4j(settings: Settings, after_batches: int) -> Stage:
    """A progress callback that SIGKILLs the Neo4j server in the middle of writing
    mentions (after a few batches), as a crash or the OOM killer would."""
    server = LocalServer(settings)

    def stage(name: str, _total: int | None) -> Callable[[int], None]:
        done = [0]

        def advance(_n: int) -> None:
            if name != "write mentions":
                return
            done[0] += 1
            pid = server.pid()
            if done[0] == after_batches and pid is not None:
                os.kill(pid, signal.SIGKILL)
                while server.pid() is not None:
                    time.sleep(0.1)
        return advance
    return stage


def test_neo4j_killed_during_an_incremental_load_converges_when_run_again(
        scratch: Scratch, settings: Settings, halves: tuple[Path, Path],
        serial: Fingerprint) -> None:
    a, b = halves
    scratch.reset()
    store = scratch.store("killed")
    run(a, scratch.driver, scratch.database, store)
    with pytest.raises(KingraphError):
        run(b, scratch.driver, scratch.database, store, batch_size=500,
            stage=_killing_neo4j(settings, after_batches=3))
    assert LocalServer(settings).pid() is None
    LocalServer(settings).start()
    run(b, scratch.driver, scratch.database, store)
    assert fingerprint(scratch.driver, scratch.database) == serial


def _interrupted(name: str, _total: int | None) -> Callable[[int], None]:
    def advance(_n: int) -> None:
        if name == "write child_of":
            raise KeyboardInterrupt("simulated kill")
    return advance


def _new_persons(before: pl.DataFrame, after: pl.DataFrame) -> list[str]:
    """Pids ``after`` has that ``before`` lacks, each with one of its mention ids."""
    old = set(before["pid"].drop_nulls())
    made = after.filter(pl.col("pid").is_not_null() & ~pl.col("pid").is_in(list(old)))
    return made.select(pl.concat_str("feed", "source", "record_id", "role", separator="|")
                       .alias("mention"), "pid").unique("pid").sort("pid")["mention"].to_list()


def _link(scratch: Scratch, left: str, right: str) -> None:
    scratch.driver.execute_query(
        "CREATE (:Decision {kind: 'must_link', left_mention: $l, right_mention: $r, "
        "decided_by: 'test', decided_at: datetime(), reason: 'test'})",
        l=left, r=right, database_=scratch.database)


def _link_persons(scratch: Scratch, left: str, right: str) -> None:
    """An officer's ``link``: the pair and the pins that join the two whole persons."""
    pins = review.link_pins(scratch.driver, scratch.database, [left, right])
    rows = [{"kind": "must_link", "left": left, "right": right},
            *({"kind": "must_link", **pin} for pin in pins)]
    scratch.driver.execute_query(review.CREATE_DECISIONS, rows=rows, by="test",
                                 reason="test", database_=scratch.database)


def test_an_interrupted_load_followed_by_a_decision_leaves_no_ghost(
        scratch: Scratch, halves: tuple[Path, Path]) -> None:
    # The interrupted load is never run again: an officer links two persons it made and
    # the re-fusion must still remove what the interrupted write left behind.
    a, b = halves
    scratch.reset()
    clean = scratch.store("decided-clean")
    run(a, scratch.driver, scratch.database, clean)
    after_a = mention_table(clean)
    run(b, scratch.driver, scratch.database, clean)
    left, right = _new_persons(after_a, mention_table(clean))[:2]
    _link(scratch, left, right)
    fuse_again(scratch.driver, scratch.database, clean)
    expected = fingerprint(scratch.driver, scratch.database)
    _sound(expected)

    scratch.reset()
    store = scratch.store("decided-interrupted")
    run(a, scratch.driver, scratch.database, store)
    with pytest.raises(KeyboardInterrupt):
        run(b, scratch.driver, scratch.database, store, batch_size=500, stage=_interrupted)
    _link(scratch, left, right)
    fuse_again(scratch.driver, scratch.database, store)
    assert fingerprint(scratch.driver, scratch.database) == expected


def test_a_pid_merged_away_still_finds_its_person(scratch: Scratch, settings: Settings,
                                                  halves: tuple[Path, Path]) -> None:
    a, _ = halves
    scratch.reset()
    store = scratch.store("aliases")
    run(a, scratch.driver, scratch.database, store)
    table = mention_table(store).filter(pl.col("pid").is_not_null()).with_columns(
        pl.concat_str("feed", "source", "record_id", "role", separator="|").alias("mention"))
    first, second = table.unique("pid").sort("pid").head(2).iter_rows(named=True)
    _link_persons(scratch, first["mention"], second["mention"])
    fuse_again(scratch.driver, scratch.database, store)
    now = dict(mention_table(store).select(
        pl.concat_str("feed", "source", "record_id", "role", separator="|"), "pid").iter_rows())
    merged = now[first["mention"]]
    assert merged == now[second["mention"]]
    retired = next(p for p in (first["pid"], second["pid"]) if p != merged)
    assert not read(scratch.driver, scratch.database, "gone",
                    "MATCH (p:Person {pid: $pid}) RETURN p", pid=retired)
    assert persons.resolve(scratch.driver, scratch.database, retired) == merged
    assert persons.resolve_many(scratch.driver, scratch.database, [retired]) == [merged]

    async def profile() -> str | None:
        async_driver = open_async_driver(settings)
        try:
            found = await persons.by_pid(async_driver, scratch.database, retired)
        finally:
            await async_driver.close()
        return found.pid if found is not None else None

    assert asyncio.run(profile()) == merged
