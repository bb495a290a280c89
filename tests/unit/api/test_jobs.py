"""Jobs in the service state: one active job per item, progress, results, failures,
an audit entry when a job ends, and jobs of a dead process reported interrupted."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api import state
from api.jobs import Job, JobRunner, NewJob, Report
from api.problems import JobPending
from graphdb import bookmarks
from kingraph.errors import InvalidArgument


def new(subject: str = "R0000000000000001") -> NewJob:
    return NewJob("decision", subject, "k1", "review:CASE-1",
                  "/v1/reviews/{review_id}/decision", {"decision": "no_link", "records": []},
                  review_id=subject)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "service.db"


@pytest.fixture
def runner(db: Path) -> Iterator[JobRunner]:
    found = JobRunner(db)
    yield found
    found.close()


async def _until_done(runner: JobRunner, job_id: str) -> Job:
    for _ in range(500):
        job = await runner.get(job_id)
        assert job is not None
        if job.status in ("succeeded", "failed"):
            return job
        await asyncio.sleep(0.01)
    raise AssertionError("the job did not end")


def test_a_job_runs_reports_progress_and_keeps_its_result(runner: JobRunner, db: Path) -> None:
    release = threading.Event()
    seen: list[Job] = []

    def work(report: Report) -> tuple[dict[str, Any], list[str]]:
        report.progress("write_persons", 5, 10)
        release.wait(10)
        return {"merged": 1}, ["P2", "P1"]

    async def scenario() -> Job:
        job = await runner.submit(new(), work)
        assert job.status in ("queued", "running")
        for _ in range(200):
            found = await runner.get(job.job_id)
            assert found is not None
            if found.stage == "write_persons":
                seen.append(found)
                break
            await asyncio.sleep(0.01)
        release.set()
        return await _until_done(runner, job.job_id)

    done = asyncio.run(scenario())
    assert (seen[0].done, seen[0].total) == (5, 10)
    assert done.status == "succeeded" and done.result == {"merged": 1}
    assert done.started and done.finished and done.finished >= done.started
    with state.connect(db) as conn:
        row = conn.execute("SELECT method, review_id, job_id, purpose, status FROM audit"
                           ).fetchone()
        pids = {p for (p,) in conn.execute("SELECT pid FROM audit_person")}
    assert row == ("JOB", "R0000000000000001", done.job_id, "review:CASE-1", 200)
    assert pids == {"P1", "P2"}


def test_a_second_job_on_the_same_item_is_refused_while_one_is_active(runner: JobRunner) -> None:
    release = threading.Event()

    def slow(report: Report) -> tuple[dict[str, Any], list[str]]:
        release.wait(10)
        return {}, []

    async def scenario() -> tuple[Job, Job]:
        first = await runner.submit(new(), slow)
        with pytest.raises(JobPending):
            await runner.submit(new(), slow)
        other = await runner.submit(new("R0000000000000002"), slow)  # another item: fine
        release.set()
        await _until_done(runner, first.job_id)
        again = await runner.submit(new(), slow)  # the first has ended
        return await _until_done(runner, other.job_id), await _until_done(runner, again.job_id)

    other, again = asyncio.run(scenario())
    assert other.status == again.status == "succeeded"


def test_a_refused_decision_fails_its_job_with_the_problem_code(runner: JobRunner,
                                                                db: Path) -> None:
    def refused(report: Report) -> tuple[dict[str, Any], list[str]]:
        raise InvalidArgument("this review item is decided, not open")

    def broken(report: Report) -> tuple[dict[str, Any], list[str]]:
        raise RuntimeError("a bug, with a detail that must not be shown")

    async def scenario() -> tuple[Job, Job]:
        a = await runner.submit(new(), refused)
        b = await runner.submit(new("R0000000000000002"), broken)
        return await _until_done(runner, a.job_id), await _until_done(runner, b.job_id)

    a, b = asyncio.run(scenario())
    assert (a.status, a.error_code, a.error) == ("failed", "invalid_input",
                                                 "this review item is decided, not open")
    assert (b.status, b.error_code, b.error) == ("failed", "internal", None)
    with state.connect(db) as conn:
        statuses = sorted(s for (s,) in conn.execute("SELECT status FROM audit"))
    assert statuses == [422, 500]


def test_an_active_job_of_a_dead_process_is_reported_interrupted(runner: JobRunner,
                                                                 db: Path) -> None:
    # A job row left running by a worker process that no longer exists.
    dead = _dead_pid()
    with state.connect(db) as conn:
        conn.execute(
            "INSERT INTO job (id, kind, subject, key_id, purpose, route, status, created, "
            "updated, worker, request) VALUES ('J00000000000000aa', 'decision', "
            "'R0000000000000009', 'k1', 'review', '/x', 'running', '2026-01-01', '2026-01-01', "
            "?, '{}')", (dead,))
    job = asyncio.run(runner.get("J00000000000000aa"))
    assert job is not None
    assert (job.status, job.stage, job.error_code) == ("failed", "interrupted", "interrupted")

    def work(report: Report) -> tuple[dict[str, Any], list[str]]:
        return {}, []

    # ... and its item can be decided again.
    async def again() -> Job:
        return await _until_done(runner, (await runner.submit(new("R0000000000000009"),
                                                              work)).job_id)

    assert asyncio.run(again()).status == "succeeded"


def test_a_dead_process_does_not_hold_its_item_forever(runner: JobRunner, db: Path) -> None:
    with state.connect(db) as conn:
        conn.execute(
            "INSERT INTO job (id, kind, subject, key_id, purpose, route, status, created, "
            "updated, worker, request) VALUES ('J00000000000000bb', 'decision', "
            "'R0000000000000001', 'k1', 'review', '/x', 'queued', '2026-01-01', '2026-01-01', "
            "?, '{}')", (_dead_pid(),))

    def work(report: Report) -> tuple[dict[str, Any], list[str]]:
        return {}, []

    async def scenario() -> Job:
        return await _until_done(runner, (await runner.submit(new(), work)).job_id)

    assert asyncio.run(scenario()).status == "succeeded"


def test_jobs_are_unknown_by_other_ids(runner: JobRunner) -> None:
    assert asyncio.run(runner.get("J0000000000000000")) is None


def test_an_earlier_state_file_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
                "key_id TEXT NOT NULL, method TEXT NOT NULL, route TEXT NOT NULL, "
                "purpose TEXT NOT NULL, status INTEGER NOT NULL)")
    old.execute("INSERT INTO audit (at, key_id, method, route, purpose, status) "
                "VALUES ('t', 'k', 'GET', '/', 'x', 200)")
    old.commit()
    old.close()
    conn = state.connect(path)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(audit)")}
    assert {"review_id", "job_id"} <= columns
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 1
    conn.close()


def _dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def whatif() -> NewJob:
    return NewJob("policy_whatif", None, "k1", "oversight", "/v1/policy/whatif",
                  {"as_of": "2017-06-01", "sample": 5}, lane="read")


def test_a_read_job_runs_while_a_store_job_holds_its_lane(runner: JobRunner) -> None:
    # A what-if only reads the graph: a decision waiting for the store lock never holds
    # it up, and what-ifs have no item, so two may be asked for at once.
    release = threading.Event()

    def blocked(report: Report) -> tuple[dict[str, Any], list[str]]:
        release.wait(10)
        return {}, []

    def counted(report: Report) -> tuple[dict[str, Any], list[str]]:
        report.progress("deciding", 3, 3)
        return {"couples": 3}, []

    async def scenario() -> tuple[Job, Job, Job, Job]:
        decision = await runner.submit(new(), blocked)
        first = await runner.submit(whatif(), counted)
        second = await runner.submit(whatif(), counted)
        ended = (await _until_done(runner, first.job_id), await _until_done(runner, second.job_id))
        still = await runner.get(decision.job_id)
        assert still is not None
        release.set()
        return (*ended, still, await _until_done(runner, decision.job_id))

    first, second, still, decision = asyncio.run(scenario())
    assert first.status == second.status == "succeeded" and first.job_id != second.job_id
    assert first.result == {"couples": 3} and (first.done, first.total) == (3, 3)
    assert first.subject == first.job_id and first.stage == "done"
    assert still.status == "running" and decision.status == "succeeded"


def test_a_job_waits_for_its_request_bookmarks_and_keeps_those_it_wrote(
        runner: JobRunner) -> None:
    seen: list[frozenset[str]] = []

    def writes(report: Report) -> tuple[dict[str, Any], list[str]]:
        flow = bookmarks.current()
        assert flow is not None
        seen.append(flow.bookmarks)
        flow.advance(flow.bookmarks, ["FB:written"])  # as graphdb.connection.write does
        return {}, []

    def reads(report: Report) -> tuple[dict[str, Any], list[str]]:
        return {}, []

    def fails(report: Report) -> tuple[dict[str, Any], list[str]]:
        flow = bookmarks.current()
        assert flow is not None
        flow.advance(flow.bookmarks, ["FB:half"])
        raise InvalidArgument("refused")

    async def scenario() -> list[Job]:
        ended = []
        with bookmarks.following(bookmarks.Flow(["FB:seen"])):
            for subject, work in (("R1", writes), ("R2", reads), ("R3", fails)):
                job = await runner.submit(new(subject), work)
                ended.append(await _until_done(runner, job.job_id))
        return ended

    wrote, read, failed = asyncio.run(scenario())
    assert seen == [frozenset({"FB:seen"})]  # the job thread waited for its request's
    assert (wrote.status, wrote.waited, wrote.bookmarks) == (
        "succeeded", {"FB:seen"}, {"FB:written"})
    assert (read.status, read.bookmarks) == ("succeeded", frozenset())  # wrote nothing
    assert (failed.status, failed.bookmarks) == ("failed", frozenset())  # only on success


def test_a_state_file_of_an_earlier_version_gains_the_job_bookmarks(db: Path) -> None:
    with sqlite3.connect(db) as old:
        old.execute("""CREATE TABLE job (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, review_id TEXT,
            pid TEXT, key_id TEXT NOT NULL, purpose TEXT NOT NULL, route TEXT NOT NULL,
            status TEXT NOT NULL, stage TEXT, done INTEGER, total INTEGER,
            created TEXT NOT NULL, started TEXT, finished TEXT, updated TEXT NOT NULL,
            worker INTEGER NOT NULL, request TEXT NOT NULL, result TEXT, error_code TEXT,
            error TEXT)""")
    conn = state.connect(db)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(job)")}
    conn.close()
    assert {"waited", "bookmarks"} <= columns
