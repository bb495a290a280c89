"""Long work as jobs: an id at once, progress and result readable by every API worker.

An officer's decision re-runs fusion over every stored row (tens of seconds at 100 k
persons, minutes at 1 M). Its route answers 202 with a job id; the work runs in this
process's one job thread (never on the event loop, never in the request thread pool),
and its state lives in the service's SQLite state (``job`` table), so any worker
process answers ``GET /v1/jobs/{id}``. Jobs of one process run one after another;
jobs of several processes serialize on the store lock they take
(:func:`ingest.stewardship.decide`).

A job left ``queued`` or ``running`` by a process that died is reported ``failed``
(``interrupted``) by whoever reads it: the store lock died with the process, and its
decision, if written, is applied by the next re-fusion.  When a job ends it writes
its own audit entry: the key, the review, and every pid the work touched.
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
from typing import Any

import anyio.to_thread

from api import audit, state
from api.audit import AuditEntry
from api.problems import JobPending, code_of, status_of
from kingraph.errors import KingraphError

log = logging.getLogger("kingraph.api")

ACTIVE = ("queued", "running")
PROGRESS_EVERY = 0.5  # seconds between progress writes of one job

INSERT_JOB = """INSERT INTO job (id, kind, subject, review_id, pid, key_id, purpose, route,
    status, stage, created, updated, worker, request)
    VALUES (?,?,?,?,?,?,?,?,'queued','queued',?,?,?,?)"""
START_JOB = "UPDATE job SET status = 'running', started = ?, updated = ? WHERE id = ?"
PROGRESS_JOB = "UPDATE job SET stage = ?, done = ?, total = ?, updated = ? WHERE id = ?"
FINISH_JOB = """UPDATE job SET status = ?, stage = ?, finished = ?, updated = ?, result = ?,
    error_code = ?, error = ? WHERE id = ?"""
GET_JOB = """SELECT id, kind, subject, review_id, pid, key_id, purpose, route, status, stage,
    done, total, created, started, finished, worker, request, result, error_code, error
    FROM job WHERE id = ?"""
INTERRUPT_JOB = """UPDATE job SET status = 'failed', stage = 'interrupted', finished = ?,
    error_code = 'interrupted', error = ? WHERE id = ? AND status IN ('queued', 'running')"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class NewJob:
    """What a route asks to run: its kind, what it is about, who asked and why."""

    kind: str  # decision | unmerge
    subject: str  # one active job per subject (a review id, or the pid unmerged)
    key_id: str
    purpose: str
    route: str
    request: dict[str, Any]  # the decision (codes and record keys; no personal data)
    review_id: str | None = None
    pid: str | None = None


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


def _job(row: tuple[Any, ...]) -> Job:
    (job_id, kind, subject, review_id, pid, key_id, purpose, route, status, stage, done,
     total, created, started, finished, worker, request, result, error_code, error) = row
    return Job(job_id, kind, subject, review_id, pid, key_id, purpose, route, status, stage,
               done, total, created, started, finished, worker, json.loads(request),
               json.loads(result) if result else None, error_code, error)


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
        self._lock = threading.Lock()  # the connection, between the job thread and readers
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kingraph-job")

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
        await anyio.to_thread.run_sync(self._insert, job_id, new)
        self._pool.submit(self._run, job_id, new, work)
        found = await self.get(job_id)
        assert found is not None
        return found

    def _insert(self, job_id: str, new: NewJob) -> None:
        now = _now()
        try:
            self.execute(INSERT_JOB, (job_id, new.kind, new.subject, new.review_id, new.pid,
                                      new.key_id, new.purpose, new.route, now, now,
                                      os.getpid(), json.dumps(new.request)))
        except sqlite3.IntegrityError:
            self._forget_dead(new.subject)
            try:
                self.execute(INSERT_JOB, (job_id, new.kind, new.subject, new.review_id,
                                          new.pid, new.key_id, new.purpose, new.route, now,
                                          now, os.getpid(), json.dumps(new.request)))
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

    def _run(self, job_id: str, new: NewJob, work: Work) -> None:
        self.execute(START_JOB, (_now(), _now(), job_id))
        pids: list[str] = []
        result: str | None = None
        code: str | None = None
        detail: str | None = None
        try:
            found, pids = work(Report(self, job_id))
            result = json.dumps(found)
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
        self.execute(FINISH_JOB, (status, stage, now, now, result, code, detail, job_id))

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
        """Let the running job finish (``wait``), drop queued ones, close the connection."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
        self._conn.close()
