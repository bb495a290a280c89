"""Long work as jobs: an id, progress anyone can read, the result when done.

A job is a row of the service state (``job`` in :mod:`api.state`), so that every worker
process of ``kingraph serve`` answers for it, whichever one runs it.  The worker that
starts a job runs it in a thread with its own SQLite connection, updating the row as it
goes; a job whose process died stays ``running`` with an ``updated`` time that no longer
moves (the reader can tell).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api import state

INSERT = ("INSERT INTO job (id, kind, key_id, status, created, updated) "
          "VALUES (?, ?, ?, 'running', ?, ?)")
PROGRESS = "UPDATE job SET done = ?, total = ?, updated = ? WHERE id = ?"
FINISH = ("UPDATE job SET status = ?, finished = ?, updated = ?, error = ?, result = ? "
          "WHERE id = ?")
SELECT = ("SELECT id, kind, key_id, status, done, total, created, updated, finished, error, "
          "result FROM job WHERE id = ? AND kind = ?")


@dataclass(frozen=True)
class Job:
    """A job as stored: who started it, how far it is, and its result or error."""

    id: str
    kind: str
    key_id: str
    status: str  # running | done | failed
    done: int
    total: int | None
    created: str
    updated: str
    finished: str | None
    error: str | None
    result: dict[str, Any] | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def create(conn: sqlite3.Connection, kind: str, key_id: str) -> str:
    """Record a new running job of ``kind`` for a key; its id."""
    job_id = f"J{secrets.token_hex(8)}"
    now = _now()
    conn.execute(INSERT, (job_id, kind, key_id, now, now))
    return job_id


def get(conn: sqlite3.Connection, kind: str, job_id: str) -> Job | None:
    """The job of ``kind`` with this id, or None."""
    row = conn.execute(SELECT, (job_id, kind)).fetchone()
    if row is None:
        return None
    (job_id, kind, key_id, status, done, total, created, updated, finished, error,
     result) = row
    return Job(job_id, kind, key_id, status, done, total, created, updated, finished, error,
               json.loads(result) if result else None)


Progress = Callable[[int, int], None]


def run(path: Path, job_id: str, work: Callable[[Progress], dict[str, Any]]) -> None:
    """Run ``work`` (in the calling thread), recording its progress and its end on the row.

    ``work`` gets a progress callback ``(done, total)`` and returns the result (plain
    JSON data).  An engine error ends the job ``failed`` with its message (safe by the
    error hierarchy's contract); anything else ends it ``failed`` without one.
    """
    from kingraph.errors import KingraphError

    conn = state.connect(path)
    try:
        def progress(done: int, total: int) -> None:
            conn.execute(PROGRESS, (done, total, _now(), job_id))

        try:
            result = work(progress)
        except KingraphError as exc:
            conn.execute(FINISH, ("failed", _now(), _now(), str(exc), None, job_id))
        except Exception:
            conn.execute(FINISH, ("failed", _now(), _now(), "internal error", None, job_id))
            raise
        else:
            conn.execute(FINISH, ("done", _now(), _now(), None,
                                  json.dumps(result, ensure_ascii=False, default=str), job_id))
    finally:
        conn.close()
