"""One writer at a time, and a damaged store named before anything is written: real
``kingraph`` processes against the real test graph and the store the CLI uses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graphdb.connection import read
from graphdb.fingerprint import fingerprint
from ingest.lock import exclusive
from ingest.store import Store
from kingraph.cli.common import EXIT_MEMORY
from kingraph.settings import Settings
from synth.generator import generate
from tests.integration.ingest.conftest import Scratch

PERSONS = 400
SEED = 14
ROOT = Path(__file__).resolve().parents[3]
KINGRAPH = [str(Path(sys.executable).with_name("kingraph"))]
# Drop A holds the registers, drop B the other feeds: loaded in either order they give
# one graph.
REGISTERS = ("household", "birth", "bloodline", "marriage")


def kingraph(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as its own process (the settings come from this one's environment)."""
    return subprocess.run([*KINGRAPH, *args], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=900)


def start(*args: str) -> subprocess.Popen[str]:
    """Start the CLI as its own process."""
    return subprocess.Popen([*KINGRAPH, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def one_line(text: str) -> str:
    """Rich wraps long lines at the terminal width: join them back."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def drops(scratch: Scratch) -> tuple[Path, Path]:
    """Two drops of one small province: A (registers) and B (the rest)."""
    whole = scratch.root / "writers"
    generate(PERSONS, SEED, whole)
    a, b = scratch.root / "A", scratch.root / "B"
    for folder in (a, b):
        folder.mkdir()
    for path in whole.glob("*.csv"):
        shutil.copy(path, (a if path.stem in REGISTERS else b) / path.name)
    return a, b


@pytest.fixture
def store(settings: Settings) -> Store:
    """The store the CLI uses for the test graph."""
    return Store.for_graph(settings.var_dir, settings.bolt_uri, settings.neo4j_database)


@contextmanager
def held(store: Store) -> Iterator[threading.Event]:
    """This process holds the store lock (as an officer's decision would) until the
    yielded event is set, or the block ends."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with exclusive(store.root, "decision"):
            taken.set()
            release.wait(600)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(30)
    try:
        yield release
    finally:
        release.set()
        thread.join()


def test_two_loads_started_together_run_one_after_the_other(
        scratch: Scratch, drops: tuple[Path, Path]) -> None:
    a, b = drops
    assert kingraph("db", "reset", "--yes").returncode == 0
    both = [start("ingest", str(a)), start("ingest", str(b))]
    outcomes = [proc.communicate(timeout=900) for proc in both]
    for proc, (_out, err) in zip(both, outcomes, strict=True):
        assert proc.returncode == 0, err
    waited = [one_line(err) for _out, err in outcomes
              if "waiting: the graph's store is locked by ingest" in one_line(err)]
    assert len(waited) == 1
    assert any(f"(process {proc.pid}, since" in waited[0] for proc in both)
    order = [r["drop"] for r in read(scratch.driver, scratch.database, "loads",
                                     "MATCH (l:Load) RETURN l.drop AS drop ORDER BY l.started")]
    assert sorted(order) == ["A", "B"]
    together = fingerprint(scratch.driver, scratch.database)

    assert kingraph("db", "reset", "--yes").returncode == 0
    for name in order:
        assert kingraph("ingest", str(scratch.root / name)).returncode == 0
    assert fingerprint(scratch.driver, scratch.database) == together


def test_every_writer_is_refused_with_no_wait_and_changes_nothing(
        scratch: Scratch, drops: tuple[Path, Path], store: Store) -> None:
    assert kingraph("ingest", str(drops[0])).returncode == 0
    before = fingerprint(scratch.driver, scratch.database)
    with held(store):
        refusals = [kingraph(*command) for command in (
            ["ingest", "--no-wait", str(drops[1])], ["db", "reset", "--yes", "--no-wait"],
            ["permits", "issue", "--as-of", "2024-01-01", "--no-wait"])]
    for done in refusals:
        assert done.returncode == 75, done.stderr
        assert f"locked by decision (process {os.getpid()}" in one_line(done.stderr)
    assert fingerprint(scratch.driver, scratch.database) == before


def test_a_reset_waits_for_the_holder_and_then_runs(
        scratch: Scratch, drops: tuple[Path, Path], store: Store) -> None:
    assert kingraph("ingest", str(drops[0])).returncode == 0
    with held(store) as release:
        reset = start("db", "reset", "--yes")
        assert reset.stderr is not None
        told = reset.stderr.readline()  # the message is one line, never wrapped
        assert told.startswith("waiting: the graph's store is locked by decision (process")
        assert read(scratch.driver, scratch.database, "n",
                    "MATCH (p:Person) RETURN count(p) AS n")[0]["n"] > 0
        release.set()
        _out, err = reset.communicate(timeout=300)
    assert reset.returncode == 0, err
    assert read(scratch.driver, scratch.database, "n", "MATCH (p:Person) RETURN count(p) AS n"
                )[0]["n"] == 0


def test_a_load_that_cannot_fit_its_memory_budget_is_refused_before_it_writes(
        scratch: Scratch, drops: tuple[Path, Path], store: Store) -> None:
    assert kingraph("ingest", str(drops[0])).returncode == 0
    before = fingerprint(scratch.driver, scratch.database)
    stored = (store.feeds(), store.row_count())
    # Any load needs 0.6 GiB, and 1.8 GiB per million rows (ingest/budget.py): the stored
    # rows and these, over a thousand, need more than 0.6018 GiB (616.2 MiB). Refused
    # after reading, before writing, exit 12.
    done = kingraph("ingest", str(drops[1]), "--memory", "615m")
    assert done.returncode == EXIT_MEMORY, done.stderr
    told = one_line(done.stderr)
    assert "needs about 0.6" in told and "--memory gives 0.60 GiB" in told
    assert "nothing was written" in told
    assert fingerprint(scratch.driver, scratch.database) == before
    assert (store.feeds(), store.row_count()) == stored
    bad = kingraph("ingest", str(drops[1]), "--memory", "eight")
    assert bad.returncode == 2 and "is not a size" in one_line(bad.stderr)


def _damage(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def test_a_damaged_store_stops_the_load_before_it_writes_and_can_be_rebuilt(
        scratch: Scratch, drops: tuple[Path, Path], store: Store) -> None:
    a, b = drops
    assert kingraph("db", "reset", "--yes").returncode == 0
    for drop in (a, b):
        assert kingraph("ingest", str(drop)).returncode == 0
    expected = fingerprint(scratch.driver, scratch.database)

    piece = next(store.root.glob("state-*")) / "assignments.parquet"
    _damage(piece)
    refused = kingraph("ingest", str(b))
    message = one_line(refused.stderr)
    assert refused.returncode == 1
    assert f"{piece} is damaged (it is not a complete parquet file)" in message
    assert "kingraph db reset --yes --keep-rows" in message
    assert "Traceback" not in refused.stderr and "PAR1" not in refused.stderr
    loads = "MATCH (l:Load) RETURN count(l) AS n"
    assert read(scratch.driver, scratch.database, "loads", loads)[0]["n"] == 2

    # The advice works: the graph is rebuilt from the stored rows of both drops.
    assert kingraph("db", "reset", "--yes", "--keep-rows").returncode == 0
    assert kingraph("ingest", str(b)).returncode == 0
    assert fingerprint(scratch.driver, scratch.database) == expected

    rows = store.root / "rows" / "birth.parquet"
    _damage(rows)
    refused = kingraph("ingest", str(a))
    assert refused.returncode == 1
    assert f"{rows} is damaged" in one_line(refused.stderr)
    assert "load every drop again" in one_line(refused.stderr)
