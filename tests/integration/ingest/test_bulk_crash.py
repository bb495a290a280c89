"""The bulk path survives a kill: real ``kingraph ingest`` processes, killed with their
whole process group (as a terminal's Ctrl-C or a closed session would), against the real
local server the bulk import stops and restarts.

The known answer is the graph of the same drop loaded without interruption (its
:func:`graphdb.fingerprint.fingerprint`: persons with their pids and mentions, edges by
their ends). The drop is small; ``KINGRAPH_BULK_MIN_ROWS=1`` sends it through
``neo4j-admin import`` all the same.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator

import neo4j
import pytest

from graphdb import schema
from graphdb.connection import forget_bookmarks, read, write
from graphdb.fingerprint import Fingerprint, fingerprint
from graphdb.server import IMPORT_MARK, LocalServer
from ingest import pipeline
from kingraph.settings import Settings
from tests.integration.ingest.conftest import Scratch
from tests.integration.ingest.test_writers import KINGRAPH, ROOT

BULK_ENV = {"KINGRAPH_BULK_MIN_ROWS": "1"}
LOADS = "MATCH (l:Load) RETURN l.load_id AS load_id, l.status AS status"


def _env(**extra: str) -> dict[str, str]:
    return os.environ | extra


def kingraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI to its end, as its own process."""
    return subprocess.run([*KINGRAPH, *args], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=900, env=env or _env())


def started(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start the CLI in a process group of its own (a terminal's job), to kill as one."""
    return subprocess.Popen([*KINGRAPH, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env,
                            start_new_session=True)


def kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the process and every process of its group (what it started there)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)


@pytest.fixture
def fresh(scratch: Scratch) -> Iterator[Scratch]:
    """The scratch graph; afterwards the test's driver forgets the transaction ids of the
    store the bulk import replaced (or every later read would wait for them)."""
    yield scratch
    forget_bookmarks(scratch.driver, scratch.database)


def _server_back(server: LocalServer, driver: neo4j.Driver, old_pid: int | None,
                 proc: subprocess.Popen[str], deadline: float) -> int:
    """Wait until the server runs again under a new pid and answers Bolt; its pid."""
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the load ended before the bulk import restarted Neo4j"
        pid = server.pid()
        if pid is not None and pid != old_pid:
            try:
                driver.verify_connectivity()
            except neo4j.exceptions.DriverError:
                pass
            else:
                return pid
        time.sleep(0.05)
    raise AssertionError("Neo4j was not restarted by the bulk import in time")


@pytest.fixture(scope="module")
def uninterrupted(scratch: Scratch) -> tuple[int, Fingerprint]:
    """The drop loaded once through the bulk path without interruption: its exit status
    and fingerprint, the known answer of every bulk test here (made once: each is a
    server stop, an import and a start)."""
    assert kingraph("db", "reset", "--yes").returncode == 0
    done = kingraph("ingest", str(scratch.drop), env=_env(**BULK_ENV))
    assert "bulk_import" in done.stdout, "the load did not take the bulk path"
    # neo4j-admin's memory is measured and named apart from the fusion worker's: a
    # JVM resides in more than 100 MiB.
    peaks = re.search(r"fusion worker ([\d.]+), neo4j-admin import ([\d.]+)",
                      " ".join(done.stdout.split()))
    assert peaks is not None, done.stdout[-2000:]
    assert float(peaks[2]) > 0.1 and float(peaks[1]) > 0
    forget_bookmarks(scratch.driver, scratch.database)
    return done.returncode, fingerprint(scratch.driver, scratch.database)


def test_a_load_killed_just_after_the_bulk_restart_leaves_the_server_up_and_converges(
        fresh: Scratch, settings: Settings, uninterrupted: tuple[int, Fingerprint]) -> None:
    code, expected = uninterrupted
    assert code in (0, 3)

    assert kingraph("db", "reset", "--yes").returncode == 0
    server = LocalServer(settings)
    before = server.pid()
    proc = started("ingest", str(fresh.drop), env=_env(**BULK_ENV))
    restarted = _server_back(server, fresh.driver, before, proc, time.monotonic() + 600)
    kill_group(proc)
    time.sleep(2)  # a server in the load's session would be dying by now
    assert server.pid() == restarted, "killing the load killed the server it restarted"

    forget_bookmarks(fresh.driver, fresh.database)
    # The worst a hand-started server can hold: the imported graph and no schema.
    for name, _ in schema.statements():
        kind = "CONSTRAINT" if name in {c[0] for c in schema.CONSTRAINTS} else "INDEX"
        write(fresh.driver, fresh.database, "drop", f"DROP {kind} {schema.quote(name)} IF EXISTS")
    assert not schema.existing(fresh.driver, fresh.database) & {n for n, _ in
                                                               schema.statements()}
    killed = {r["load_id"] for r in read(fresh.driver, fresh.database, "loads", LOADS)}

    again = kingraph("ingest", str(fresh.drop), env=_env(**BULK_ENV))
    assert again.returncode == code, again.stderr
    # Only a killed first load wrote the graph: it is imported again, not rewritten
    # through transactions; the killed load's :Load node is kept, marked interrupted.
    assert "bulk_import" in again.stdout, "the re-run did not import again"
    assert {n for n, _ in schema.statements()} <= schema.existing(fresh.driver,
                                                                  fresh.database)
    loads = {r["load_id"]: r["status"] for r in read(fresh.driver, fresh.database, "loads",
                                                      LOADS)}
    assert "running" not in loads.values()
    assert all(loads[k] == "interrupted" for k in killed)
    assert fingerprint(fresh.driver, fresh.database) == expected


def test_a_load_killed_during_the_import_leaves_a_server_that_starts_and_converges(
        fresh: Scratch, settings: Settings, uninterrupted: tuple[int, Fingerprint]) -> None:
    # neo4j-admin is killed with the load while it writes the store (the server is
    # stopped): the half-written database would keep Neo4j's database offline, so the
    # next start deletes it (the import was replacing it whole) and the re-run imports.
    code, expected = uninterrupted
    assert kingraph("db", "reset", "--yes").returncode == 0
    server = LocalServer(settings)
    mark = server.home / IMPORT_MARK
    proc = started("ingest", str(fresh.drop), env=_env(**BULK_ENV))
    deadline = time.monotonic() + 600
    while not mark.exists():
        assert proc.poll() is None, "the load ended before its import began"
        assert time.monotonic() < deadline, "the import never began"
        time.sleep(0.02)
    time.sleep(1.0)  # into the import: the JVM is writing the store
    kill_group(proc)
    assert server.pid() is None, "the server was stopped for the import"
    assert mark.exists(), "the killed import left no mark"

    assert kingraph("neo4j", "start").returncode == 0  # as an operator would
    assert not mark.exists()
    forget_bookmarks(fresh.driver, fresh.database)
    again = kingraph("ingest", str(fresh.drop), env=_env(**BULK_ENV))
    assert again.returncode == code, again.stderr[-2000:]
    assert "bulk_import" in again.stdout
    assert fingerprint(fresh.driver, fresh.database) == expected


@pytest.mark.parametrize(("written", "imports_again"), [
    ("CREATE (:Load {load_id: 'k1', status: 'interrupted'}), (:Person {pid: 'P1'})", True),
    ("CREATE (:Load {load_id: 'k1', status: 'running'}), (:Person {pid: 'P1'})", True),
    ("CREATE (:Load {load_id: 'k1', status: 'complete'})", False),
    ("CREATE (:Load {load_id: 'k1', status: 'interrupted'}), (:Decision {kind: 'must_link'})",
     False),
    ("CREATE (:Load {load_id: 'k1', status: 'interrupted'}), (:Permit {permit_id: 'x'})",
     False),
])
def test_only_a_graph_of_killed_first_loads_is_imported_again(
        fresh: Scratch, written: str, imports_again: bool) -> None:
    # A completed load, an officer's decision or an issued permit must never be replaced
    # by an import: those loads write through transactions.
    fresh.reset()
    assert pipeline._empty_or_killed(fresh.driver, fresh.database)
    write(fresh.driver, fresh.database, "setup", written)
    assert pipeline._empty_or_killed(fresh.driver, fresh.database) is imports_again
    fresh.reset()


def test_a_transactional_load_killed_while_writing_is_marked_interrupted_and_converges(
        fresh: Scratch, uninterrupted: tuple[int, Fingerprint]) -> None:
    code, expected = uninterrupted

    assert kingraph("db", "reset", "--yes").returncode == 0
    proc = started("ingest", "--no-bulk", str(fresh.drop), env=_env())
    assert proc.stdout is not None
    for line in proc.stdout:
        if "write persons: started" in line:
            break
    kill_group(proc)
    running = [r["load_id"] for r in read(fresh.driver, fresh.database, "loads", LOADS)
               if r["status"] == "running"]
    assert len(running) == 1, "the killed load's :Load node is not the running one"

    again = kingraph("ingest", str(fresh.drop))
    assert again.returncode == code, again.stderr
    assert f"marked interrupted: {running[0]}" in " ".join(again.stdout.split())
    loads = {r["load_id"]: r["status"] for r in read(fresh.driver, fresh.database, "loads",
                                                      LOADS)}
    assert loads[running[0]] == "interrupted"
    assert sorted(loads.values()) == ["complete", "interrupted"]
    assert fingerprint(fresh.driver, fresh.database) == expected


def test_the_server_outlives_the_session_that_started_it(settings: Settings) -> None:
    """``LocalServer.start`` puts Neo4j in a session of its own."""
    pid = LocalServer(settings).pid()
    assert pid is not None
    assert os.getsid(pid) != os.getsid(0)
    assert os.getpgid(pid) != os.getpgid(0)


@pytest.fixture(scope="module")
def reference(scratch: Scratch) -> tuple[int, Fingerprint]:
    """The drop loaded once without interruption through transactions: its exit status
    and fingerprint (the bulk path gives the same graph: test_bulk_equivalence)."""
    assert kingraph("db", "reset", "--yes").returncode == 0
    done = kingraph("ingest", "--no-bulk", str(scratch.drop))
    assert done.returncode in (0, 3), done.stderr
    return done.returncode, fingerprint(scratch.driver, scratch.database)


@pytest.mark.parametrize("stage", ["read + clean", "fusion", "write records", "write mentions",
                                   "write child_of", "write married"])
def test_a_load_killed_at_each_stage_converges_when_run_again(
        fresh: Scratch, reference: tuple[int, Fingerprint], stage: str) -> None:
    # Killed as soon as the stage says it started: reading (nothing stored yet), fusing
    # (the worker process killed with the load), deriving and writing (part of the graph
    # written, the state not applied). The state save itself is killed in
    # tests/unit/ingest/test_store.py, the bulk restart above.
    code, expected = reference
    assert kingraph("db", "reset", "--yes").returncode == 0
    proc = started("ingest", "--no-bulk", str(fresh.drop), env=_env())
    assert proc.stdout is not None
    seen = False
    for line in proc.stdout:
        if f"{stage}: started" in line:
            seen = True
            break
    assert seen, f"the load never started {stage}"
    kill_group(proc)

    again = kingraph("ingest", str(fresh.drop))
    assert again.returncode == code, again.stderr
    assert fingerprint(fresh.driver, fresh.database) == expected
