"""The audit log: storage, search filters, group commit."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api import state
from api.audit import AuditEntry, AuditFilter, AuditWriter, insert, search


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = state.connect(tmp_path / "service.db")
    yield c
    c.close()


def _entry(key: str, route: str, pids: list[str], at: datetime) -> AuditEntry:
    return AuditEntry(key, "GET", route, "casework", pids, status=200, at=at.isoformat())


T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def filled(conn: sqlite3.Connection) -> sqlite3.Connection:
    insert(conn, [
        _entry("k1", "/v1/persons/{ref}", ["p1"], T0),
        _entry("k1", "/v1/persons", ["p1", "p2"], T0 + timedelta(hours=1)),
        _entry("k2", "/v1/persons/{ref}", ["p2"], T0 + timedelta(hours=2)),
        _entry("k2", "/v1/persons", [], T0 + timedelta(hours=3)),
    ])
    return conn


@pytest.mark.parametrize(("flt", "expected_pid_lists"), [
    (AuditFilter(), [[], ["p2"], ["p1", "p2"], ["p1"]]),  # newest first
    (AuditFilter(pid="p2"), [["p2"], ["p1", "p2"]]),
    (AuditFilter(key_id="k1"), [["p1", "p2"], ["p1"]]),
    (AuditFilter(route="/v1/persons/{ref}"), [["p2"], ["p1"]]),
    (AuditFilter(since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=3)),
     [["p2"], ["p1", "p2"]]),
    (AuditFilter(pid="p1", key_id="k2"), []),
])
def test_search_filters(filled: sqlite3.Connection, flt: AuditFilter,
                        expected_pid_lists: list[list[str]]) -> None:
    total, entries = search(filled, flt, limit=10, offset=0)
    assert total == len(expected_pid_lists)
    assert [e.pids for e in entries] == expected_pid_lists


def test_search_pages_and_counts_the_total(filled: sqlite3.Connection) -> None:
    total, page = search(filled, AuditFilter(), limit=2, offset=1)
    assert total == 4
    assert [e.pids for e in page] == [["p2"], ["p1", "p2"]]


def test_naive_times_in_a_filter_mean_utc(filled: sqlite3.Connection) -> None:
    naive = (T0 + timedelta(hours=2)).replace(tzinfo=None)
    total, _ = search(filled, AuditFilter(since=naive), limit=10, offset=0)
    assert total == 2


def test_a_filter_value_is_never_sql(filled: sqlite3.Connection) -> None:
    total, _ = search(filled, AuditFilter(route="x' OR '1'='1"), limit=10, offset=0)
    assert total == 0
    assert filled.execute("SELECT count(*) FROM audit").fetchone()[0] == 4


def test_an_entry_names_each_person_once() -> None:
    entry = AuditEntry("k", "GET", "/r", "casework")
    entry.add("p1", "p2", "p1")
    entry.add("p2")
    assert entry.pids == ["p1", "p2"]


def test_issued_pseudonyms_are_registered_with_the_entry(conn: sqlite3.Connection) -> None:
    entry = _entry("k", "/r", ["p9"], T0)
    entry.issued["ps_x"] = "p9"
    insert(conn, [entry])
    assert conn.execute("SELECT pid FROM pseudonym WHERE pseudonym='ps_x'").fetchone() == ("p9",)


def test_concurrent_records_are_all_written(tmp_path: Path) -> None:
    path = tmp_path / "service.db"

    async def run() -> None:
        writer = AuditWriter(state.connect(path))
        writer.start()
        await asyncio.gather(*(writer.record(_entry("k", "/r", [f"p{i}"], T0))
                               for i in range(200)))
        await writer.stop()

    asyncio.run(run())
    check = state.connect(path)
    assert check.execute("SELECT count(*) FROM audit").fetchone()[0] == 200
    assert check.execute("SELECT count(DISTINCT pid) FROM audit_person").fetchone()[0] == 200


def test_a_failed_write_reaches_the_caller(tmp_path: Path) -> None:
    broken = state.connect(tmp_path / "service.db")
    broken.execute("DROP TABLE audit_person")

    async def run() -> None:
        writer = AuditWriter(broken)
        writer.start()
        try:
            await writer.record(_entry("k", "/r", ["p1"], T0))
        finally:
            await writer.stop()

    with pytest.raises(sqlite3.OperationalError):
        asyncio.run(run())
    assert broken.execute("SELECT count(*) FROM audit").fetchone()[0] == 0  # rolled back
