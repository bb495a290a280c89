"""The audit log: who read or wrote which persons, through which route, when, why.

An entry holds ids only (the key id and person pids), never names or ID numbers.
Entries are written before the response leaves, by one writer that commits
whatever has queued up in a single durable transaction (group commit), so many
concurrent requests share one fsync.
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

    def add(self, *pids: str) -> None:
        """Name persons this call touched (duplicates are kept once)."""
        self.pids.extend(p for p in pids if p not in self.pids)


@dataclass(frozen=True)
class AuditFilter:
    """Which entries an audit search returns; None matches anything."""

    pid: str | None = None
    key_id: str | None = None
    route: str | None = None
    since: datetime | None = None
    until: datetime | None = None


INSERT_ENTRY = ("INSERT INTO audit (at, key_id, method, route, purpose, status) "
                "VALUES (?,?,?,?,?,?)")
INSERT_PERSON = "INSERT OR IGNORE INTO audit_person (pid, audit_id) VALUES (?,?)"
INSERT_PSEUDONYM = "INSERT OR IGNORE INTO pseudonym (pseudonym, pid) VALUES (?,?)"
PIDS_OF = "SELECT audit_id, pid FROM audit_person WHERE audit_id IN ({marks}) ORDER BY pid"

# One fixed predicate per filter field: values only ever go in as parameters.
_CONDITIONS = (
    ("pid", "a.id IN (SELECT audit_id FROM audit_person WHERE pid = ?)"),
    ("key_id", "a.key_id = ?"),
    ("route", "a.route = ?"),
    ("since", "a.at >= ?"),
    ("until", "a.at < ?"),
)


def insert(conn: sqlite3.Connection, entries: list[AuditEntry]) -> None:
    """Write entries in one transaction; each gets its ``entry_id``."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for e in entries:
            e.at = _instant(datetime.fromisoformat(e.at))  # one sortable text form
            cur = conn.execute(INSERT_ENTRY, (e.at, e.key_id, e.method, e.route, e.purpose,
                                              e.status))
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
    """Entries matching a filter, newest first.

    Returns:
        The total number of matches and one page of them.
    """
    where, params = _where(flt)
    total = conn.execute(f"SELECT count(*) FROM audit a WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT a.id, a.at, a.key_id, a.method, a.route, a.purpose, a.status FROM audit a "
        f"WHERE {where} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    entries = {r[0]: AuditEntry(r[2], r[3], r[4], r[5], status=r[6], at=r[1], entry_id=r[0])
               for r in rows}
    if entries:
        marks = ",".join("?" * len(entries))
        for audit_id, pid in conn.execute(PIDS_OF.format(marks=marks), list(entries)):
            entries[audit_id].pids.append(pid)
    return total, list(entries.values())


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
