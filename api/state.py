"""The service's own durable state in SQLite: API keys, the audit log, pseudonyms, jobs.

This is service state, not graph data: it lives beside the graph in
``settings.service_db`` (WAL mode, ``synchronous=FULL``, file mode 600), and
survives restarts. The CLI and the API open the same file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_key (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    salt BLOB NOT NULL, digest BLOB NOT NULL, created TEXT NOT NULL, revoked TEXT);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, key_id TEXT NOT NULL,
    method TEXT NOT NULL, route TEXT NOT NULL, purpose TEXT NOT NULL, status INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE INDEX IF NOT EXISTS audit_key_at ON audit (key_id, at);
CREATE INDEX IF NOT EXISTS audit_route_at ON audit (route, at);
CREATE TABLE IF NOT EXISTS audit_person (
    pid TEXT NOT NULL, audit_id INTEGER NOT NULL REFERENCES audit (id),
    PRIMARY KEY (pid, audit_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_person_entry ON audit_person (audit_id, pid);
CREATE TABLE IF NOT EXISTS pseudonym (
    pseudonym TEXT PRIMARY KEY, pid TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, review_id TEXT,
    pid TEXT, key_id TEXT NOT NULL, purpose TEXT NOT NULL, route TEXT NOT NULL,
    status TEXT NOT NULL, stage TEXT, done INTEGER, total INTEGER, created TEXT NOT NULL,
    started TEXT, finished TEXT, updated TEXT NOT NULL, worker INTEGER NOT NULL,
    request TEXT NOT NULL, result TEXT, error_code TEXT, error TEXT, waited TEXT,
    bookmarks TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS job_active_subject ON job (subject)
    WHERE status IN ('queued', 'running');
"""
# Columns added to tables of earlier versions: (table, column, declaration).
ADDED_COLUMNS = (
    ("audit", "review_id", "TEXT"),  # the review item a decision was about
    ("audit", "job_id", "TEXT"),  # the job a call started, or the job that wrote the entry
    ("job", "waited", "TEXT"),  # X-Bookmarks of the request that started the job
    ("job", "bookmarks", "TEXT"),  # X-Bookmarks after the job's last write (succeeded)
)
ADDED_INDEXES = """
CREATE INDEX IF NOT EXISTS audit_review ON audit (review_id) WHERE review_id IS NOT NULL;
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the state database, durable and private.

    Args:
        path: The SQLite file, usually ``settings.service_db``.

    Returns:
        A connection in autocommit mode usable from any one thread at a time.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(SCHEMA)
    _add_columns(conn)
    conn.executescript(ADDED_INDEXES)
    return conn


def _add_columns(conn: sqlite3.Connection) -> None:
    """Bring a state file of an earlier version up to date (columns only ever added)."""
    for table, column, declaration in ADDED_COLUMNS:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            try:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            except sqlite3.OperationalError as exc:  # another process added it first
                if "duplicate column" not in str(exc):
                    raise
