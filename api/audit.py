"""The audit log: who read or wrote which persons, through which route, when, why.

An entry holds ids only (the key id and person pids), never names or ID numbers.
Entries are written before the response leaves, by one writer that commits
whatever has queued up in a single durable transaction (group commit), so many
concurrent requests share one fsync.

The persons of an entry are rows of ``audit_person`` (pid, entry), indexed both
ways, so an entry naming tens of thousands of persons (an issuance run) is no
wider than any other: a search shows each entry's count and its first
:data:`PIDS_SHOWN` pids, and :func:`persons` pages through all of them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

import anyio.to_thread


@dataclass
class AuditEntry:
    """One personal-data call; the route fills ``pids``, the framework the status."""

    key_id: str
    method: str
    route: str
    purpose: str
    pids: list[str] = field(default_factory=list)
    status: int = 0
    issued: dict[str, str] = field(default_factory=dict)  # pseudonym -> pid, registered
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="microseconds"))
    entry_id: int | None = None
    review_id: str | None = None  # the review item a decision is about
    job_id: str | None = None  # the job the call started, or that wrote the entry
    pid_count: int = 0  # a search's count of the entry's persons (``pids`` may be fewer)
    _seen: set[str] = field(default_factory=set, repr=False, compare=False)

    def add(self, *pids: str) -> None:
        """Name persons this call touched (duplicates are kept once)."""
        for pid in pids:
            if pid not in self._seen:
                self._seen.add(pid)
                self.pids.append(pid)


@dataclass(frozen=True)
class AuditFilter:
    """Which entries an audit search returns; None matches anything."""

    pid: str | None = None
    key_id: str | None = None
    route: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    review_id: str | None = None


INSERT_ENTRY = ("INSERT INTO audit (at, key_id, method, route, purpose, status, review_id, "
                "job_id) VALUES (?,?,?,?,?,?,?,?)")
INSERT_PERSON = "INSERT OR IGNORE INTO audit_person (pid, audit_id) VALUES (?,?)"
INSERT_PSEUDONYM = "INSERT OR IGNORE INTO pseudonym (pseudonym, pid) VALUES (?,?)"
PIDS_SHOWN = 100  # pids listed per entry in a search; the rest through persons()
FIRST_PIDS = "SELECT pid FROM audit_person WHERE audit_id = ? ORDER BY pid LIMIT ?"
COUNT_PIDS = "SELECT count(*) FROM audit_person WHERE audit_id = ?"
ENTRY_EXISTS = "SELECT 1 FROM audit WHERE id = ?"
PIDS_AFTER = ("SELECT pid FROM audit_person WHERE audit_id = ? AND pid > ? "
              "ORDER BY pid LIMIT ?")

# One fixed predicate per filter field: values only ever go in as parameters.
_CONDITIONS = (
    ("pid", "a.id IN (SELECT audit_id FROM audit_person WHERE pid = ?)"),
    ("key_id", "a.key_id = ?"),
    ("route", "a.route = ?"),
    ("since", "a.at >= ?"),
    ("until", "a.at < ?"),
    ("review_id", "a.review_id = ?"),
)


def insert(conn: sqlite3.Connection, entries: list[AuditEntry]) -> None:
    """Write entries in one transaction; each gets its ``entry_id``."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for e in entries:
            e.at = _instant(datetime.fromisoformat(e.at))  # one sortable text form
            cur = conn.execute(INSERT_ENTRY, (e.at, e.key_id, e.method, e.route, e.purpose,
                                              e.status, e.review_id, e.job_id))
            e.entry_id = cur.lastrowid
            conn.executemany(INSERT_PERSON, [(pid, e.entry_id) for pid in e.pids])
            conn.executemany(INSERT_PSEUDONYM, e.issued.items())
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _instant(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # naive means UTC
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def _where(flt: AuditFilter) -> tuple[str, list[object]]:
    clauses, params = ["1=1"], []
    for name, clause in _CONDITIONS:
        value = getattr(flt, name)
        if value is not None:
            clauses.append(clause)
            params.append(_instant(value) if isinstance(value, datetime) else value)
    return " AND ".join(clauses), params


def search(conn: sqlite3.Connection, flt: AuditFilter, limit: int,
           offset: int) -> tuple[int, list[AuditEntry]]:
    """Entries matching a filter, newest first, each with its count of persons and
    the first :data:`PIDS_SHOWN` of their pids (in pid order).

    Returns:
        The total number of matches and one page of them.
    """
    where, params = _where(flt)
    total = conn.execute(f"SELECT count(*) FROM audit a WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT a.id, a.at, a.key_id, a.method, a.route, a.purpose, a.status, a.review_id, "
        f"a.job_id FROM audit a WHERE {where} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    entries = [AuditEntry(r[2], r[3], r[4], r[5], status=r[6], at=r[1], entry_id=r[0],
                          review_id=r[7], job_id=r[8]) for r in rows]
    for e in entries:  # one index seek each (a page holds at most a few hundred)
        e.pids = [pid for (pid,) in conn.execute(FIRST_PIDS, (e.entry_id, PIDS_SHOWN))]
        e.pid_count = (len(e.pids) if len(e.pids) < PIDS_SHOWN else
                       conn.execute(COUNT_PIDS, (e.entry_id,)).fetchone()[0])
    return total, entries


def persons(conn: sqlite3.Connection, entry_id: int, after: str,
            limit: int) -> tuple[int, list[str]] | None:
    """One page of an entry's pids in pid order, those greater than ``after``.

    Returns:
        The entry's count of persons and the page, or None when there is no such entry.
    """
    if conn.execute(ENTRY_EXISTS, (entry_id,)).fetchone() is None:
        return None
    total = conn.execute(COUNT_PIDS, (entry_id,)).fetchone()[0]
    return total, [pid for (pid,) in conn.execute(PIDS_AFTER, (entry_id, after, limit))]


class AuditWriter:
    """Group commit: callers await their entry; one task writes what has queued."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._queue: asyncio.Queue[tuple[AuditEntry, asyncio.Future[None]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the writer task on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Write what is queued, then stop."""
        if self._task is not None:
            await self._queue.join()
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def record(self, entry: AuditEntry) -> None:
        """Return once the entry is durably written; raise if it could not be."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put((entry, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[AuditEntry, asyncio.Future[None]]]) -> None:
        try:
            await anyio.to_thread.run_sync(insert, self._conn, [e for e, _ in batch])
            outcome: BaseException | None = None
        except Exception as exc:  # the callers fail closed with it
            outcome = exc
        for _, done in batch:
            if not done.done():
                done.set_result(None) if outcome is None else done.set_exception(outcome)
            self._queue.task_done()
