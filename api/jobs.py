"""Long work as jobs: an id at once, progress and result readable by every API worker.

The one job mechanism of the API, for two kinds of work. An officer's decision (or an
unmerge) re-runs fusion over every stored row (tens of seconds at 100 k persons,
minutes at 1 M); a policy what-if decides every couple twice (minutes at province size).
Their routes answer 202 with a job id; the work runs in one of this process's job
threads (never on the event loop, never in the request thread pool), and its state
lives in the service's SQLite state (``job`` table), so any worker process answers
``GET /v1/jobs/{id}``. Each process has two lanes of one thread each: ``store`` for the
work that writes the graph's store (decisions and unmerges run one after another; jobs
of several processes serialize on the store lock they take,
:func:`ingest.stewardship.decide`) and ``read`` for work that only reads the graph (a
what-if), so that a long what-if never holds a decision up.

A job left ``queued`` or ``running`` by a process that died is reported ``failed``
(``interrupted``) by whoever reads it: the store lock died with the process, and its
decision, if written, is applied by the next re-fusion.  When a job ends it writes
its own audit entry: the key, the review, and every pid the work touched.

Read your own writes (:mod:`api.consistency`): a job runs in a flow of its own, seeded
with the ``X-Bookmarks`` of the request that started it (so it reads at least what its
officer saw), and a job that succeeds stores the bookmarks of its last write. Whoever
reads the ended job (``GET /v1/jobs/{id}``) receives them in ``X-Bookmarks``, so a
client that polls a decision to its end reads that decision on any worker afterwards.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import anyio.to_thread

from api import audit, state
from api.audit import AuditEntry
from api.problems import JobPending, code_of, status_of
from graphdb import bookmarks
from kingraph.errors import KingraphError

log = logging.getLogger("kingraph.api")

ACTIVE = ("queued", "running")
PROGRESS_EVERY = 0.5  # seconds between progress writes of one job

INSERT_JOB = """INSERT INTO job (id, kind, subject, review_id, pid, key_id, purpose, route,
    status, stage, created, updated, worker, request, waited)
    VALUES (?,?,?,?,?,?,?,?,'queued','queued',?,?,?,?,?)"""
START_JOB = "UPDATE job SET status = 'running', started = ?, updated = ? WHERE id = ?"
PROGRESS_JOB = "UPDATE job SET stage = ?, done = ?, total = ?, updated = ? WHERE id = ?"
FINISH_JOB = """UPDATE job SET status = ?, stage = ?, finished = ?, updated = ?, result = ?,
    error_code = ?, error = ?, bookmarks = ? WHERE id = ?"""
GET_JOB = """SELECT id, kind, subject, review_id, pid, key_id, purpose, route, status, stage,
    done, total, created, started, finished, worker, request, result, error_code, error,
    waited, bookmarks
    FROM job WHERE id = ?"""
INTERRUPT_JOB = """UPDATE job SET status = 'failed', stage = 'interrupted', finished = ?,
    error_code = 'interrupted', error = ? WHERE id = ? AND status IN ('queued', 'running')"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


Lane = Literal["store", "read"]


@dataclass(frozen=True)
class NewJob:
    """What a route asks to run: its kind, what it is about, who asked and why."""

    kind: str  # decision | unmerge | policy_whatif
    subject: str | None  # one active job per subject (a review id, the pid unmerged); None:
    # the job is its own subject (any number may run)
    key_id: str
    purpose: str
    route: str
    request: dict[str, Any]  # what was asked (codes, dates, record keys; no personal data)
    review_id: str | None = None
    pid: str | None = None
    lane: Lane = "store"  # store: writes the graph's store; read: only reads the graph


@dataclass(frozen=True)
class Job:
    """A job as stored."""

    job_id: str
    kind: str
    subject: str
    review_id: str | None
    pid: str | None
    key_id: str
    purpose: str
    route: str
    status: str  # queued | running | succeeded | failed
    stage: str | None
    done: int | None
    total: int | None
    created: str
    started: str | None
    finished: str | None
    worker: int
    request: dict[str, Any]
    result: dict[str, Any] | None
    error_code: str | None
    error: str | None
    waited: frozenset[str] = frozenset()  # the bookmarks its work waited for
    bookmarks: frozenset[str] = frozenset()  # after its last write, once it succeeded


def _job(row: tuple[Any, ...]) -> Job:
    (job_id, kind, subject, review_id, pid, key_id, purpose, route, status, stage, done,
     total, created, started, finished, worker, request, result, error_code, error, waited,
     written) = row
    return Job(job_id, kind, subject, review_id, pid, key_id, purpose, route, status, stage,
               done, total, created, started, finished, worker, json.loads(request),
               json.loads(result) if result else None, error_code, error,
               frozenset(bookmarks.parse(waited)), frozenset(bookmarks.parse(written)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Report:
    """Progress of a running job, written to the state at most every half second."""

    runner: JobRunner
    job_id: str
    _stage: str | None = field(default=None)
    _last: float = field(default=0.0)

    def progress(self, stage: str, done: int | None, total: int | None) -> None:
        """Record the job's stage (a code) and its counts; stage changes are written at
        once, counts within a stage at most every :data:`PROGRESS_EVERY` seconds."""
        now = time.monotonic()
        final = total is not None and done is not None and done >= total
        if stage == self._stage and now - self._last < PROGRESS_EVERY and not final:
            return
        self._stage, self._last = stage, now
        self.runner.execute(PROGRESS_JOB, (stage, done, total, _now(), self.job_id))


# The work of a job: given its progress report, returns (result, pids touched).
Work = Callable[[Report], tuple[dict[str, Any], list[str]]]


class JobRunner:
    """One job thread per API process and its own connection to the state database."""

    def __init__(self, path: Path) -> None:
        self._conn = state.connect(path)
        self._lock = threading.Lock()  # the connection, between the job threads and readers
        self._pools: dict[Lane, ThreadPoolExecutor] = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kingraph-job-{lane}")
            for lane in ("store", "read")}

    def execute(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        """Run one statement on the runner's connection (from any thread)."""
        with self._lock:
            return self._conn.execute(sql, params)

    async def submit(self, new: NewJob, work: Work) -> Job:
        """Store a job and start it in the job thread; returns it as stored.

        Raises:
            JobPending: a job on the same subject is queued or running.
        """
        job_id = "J" + secrets.token_hex(8)
        flow = bookmarks.current()
        waited = flow.bookmarks if flow else frozenset()
        await anyio.to_thread.run_sync(self._insert, job_id, new, waited)
        self._pools[new.lane].submit(self._run, job_id, new, work, waited)
        found = await self.get(job_id)
        assert found is not None
        return found

    def _insert(self, job_id: str, new: NewJob, waited: frozenset[str]) -> None:
        now = _now()
        subject = new.subject or job_id
        row = (job_id, new.kind, subject, new.review_id, new.pid, new.key_id, new.purpose,
               new.route, now, now, os.getpid(), json.dumps(new.request),
               bookmarks.render(waited) or None)
        try:
            self.execute(INSERT_JOB, row)
        except sqlite3.IntegrityError:
            self._forget_dead(subject)
            try:
                self.execute(INSERT_JOB, row)
            except sqlite3.IntegrityError:
                raise JobPending("a decision on this item is already queued or running; "
                                 "follow its job") from None

    def _forget_dead(self, subject: str) -> None:
        """Mark the active jobs of a subject whose worker died as interrupted."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, worker FROM job WHERE subject = ? AND status IN "
                "('queued', 'running')", (subject,)).fetchall()
        for job_id, worker in rows:
            if not _alive(worker):
                self.execute(INTERRUPT_JOB, (_now(), "the API process running it stopped",
                                             job_id))

    def _run(self, job_id: str, new: NewJob, work: Work, waited: frozenset[str]) -> None:
        self.execute(START_JOB, (_now(), _now(), job_id))
        pids: list[str] = []
        result: str | None = None
        written: str | None = None
        code: str | None = None
        detail: str | None = None
        try:
            # The job's own flow: it waits for its request's bookmarks, and collects
            # the bookmarks of its writes (the job thread has no request's context).
            with bookmarks.following(bookmarks.Flow(waited)) as flow:
                found, pids = work(Report(self, job_id))
            result = json.dumps(found)
            written = bookmarks.render(flow.bookmarks) if flow.wrote else None
        except KingraphError as exc:
            code = code_of(exc)
            detail = str(exc) if status_of(code) < 500 else None
        except Exception as exc:  # a bug: the job fails, the thread lives on
            log.error(json.dumps({"event": "job_error", "type": type(exc).__name__,
                                  "kind": new.kind}))
            code = "internal"
        # Audited first: a job that reads as ended has its audit entry.
        self._audit(new, job_id, pids, 200 if code is None else status_of(code))
        now = _now()
        status, stage = ("succeeded", "done") if code is None else ("failed", "failed")
        self.execute(FINISH_JOB, (status, stage, now, now, result, code, detail, written,
                                  job_id))

    def _audit(self, new: NewJob, job_id: str, pids: list[str], status: int) -> None:
        entry = AuditEntry(new.key_id, "JOB", new.route, new.purpose, status=status,
                           review_id=new.review_id, job_id=job_id)
        entry.add(*pids)
        try:
            with self._lock:
                audit.insert(self._conn, [entry])
        except sqlite3.Error as exc:
            log.error(json.dumps({"event": "audit_failed", "type": type(exc).__name__,
                                  "route": new.route}))

    async def get(self, job_id: str) -> Job | None:
        """A job by id (None when unknown); an active job whose process died is failed."""
        return await anyio.to_thread.run_sync(self._get, job_id)

    def _get(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._conn.execute(GET_JOB, (job_id,)).fetchone()
        if row is None:
            return None
        found = _job(row)
        if found.status in ACTIVE and not _alive(found.worker):
            self.execute(INTERRUPT_JOB, (_now(), "the API process running it stopped", job_id))
            with self._lock:
                row = self._conn.execute(GET_JOB, (job_id,)).fetchone()
            found = _job(row)
        return found

    def close(self, wait: bool = True) -> None:
        """Let the running jobs finish (``wait``), drop queued ones, close the connection."""
        for pool in self._pools.values():
            pool.shutdown(wait=wait, cancel_futures=True)
        self._conn.close()
