"""Housekeeping of the local server: transaction logs kept to the setting, and
``kingraph db reset`` freeing the disk (real processes, the real server and its files)."""

from __future__ import annotations

import neo4j

from graphdb import schema
from graphdb.admin import database_bytes
from graphdb.connection import forget_bookmarks, read
from graphdb.server import LocalServer
from kingraph.settings import Settings
from tests.integration.ingest.conftest import Scratch
from tests.integration.ingest.test_bulk_crash import _env, kingraph

SETTING = ("SHOW SETTINGS YIELD name, value "
           "WHERE name = 'db.tx_log.rotation.retention_policy' RETURN value")
EVERYTHING = "MATCH (n) RETURN count(n) AS n"


def _transactions_bytes(server: LocalServer, database: str) -> int:
    folder = server.home / "data" / "transactions" / database
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_the_running_server_keeps_transaction_logs_as_the_setting_says(
        driver: neo4j.Driver, settings: Settings) -> None:
    found = read(driver, "system", "setting", SETTING)
    assert [r["value"] for r in found] == [settings.neo4j_tx_log_retention]


def test_reset_above_the_threshold_deletes_the_files_and_frees_the_disk(
        scratch: Scratch, settings: Settings) -> None:
    server = LocalServer(settings)
    load = kingraph("ingest", "--no-bulk", str(scratch.drop))
    assert load.returncode in (0, 3), load.stderr
    before = database_bytes(server, scratch.database)
    logs_before = _transactions_bytes(server, scratch.database)
    old_pid = server.pid()

    done = kingraph("db", "reset", "--yes", env=_env(KINGRAPH_RESET_OFFLINE_MIN_MIB="0"))
    assert done.returncode == 0, done.stderr
    forget_bookmarks(scratch.driver, scratch.database)
    assert "database files deleted and recreated" in " ".join(done.stdout.split())
    assert server.pid() not in (None, old_pid), "the server was not restarted"
    after = database_bytes(server, scratch.database)
    # A fresh store and one new log file hold less than a store with a loaded drop and
    # every log the loads and earlier resets left.
    assert after < before and _transactions_bytes(server, scratch.database) < logs_before
    assert read(scratch.driver, scratch.database, "n", EVERYTHING)[0]["n"] == 0
    assert {n for n, _ in schema.statements()} <= schema.existing(scratch.driver,
                                                                  scratch.database)
    again = kingraph("ingest", "--no-bulk", str(scratch.drop))  # the graph works again
    assert again.returncode == load.returncode, again.stderr


def test_reset_below_the_threshold_empties_online(scratch: Scratch, settings: Settings) -> None:
    server = LocalServer(settings)
    assert kingraph("ingest", "--no-bulk", str(scratch.drop)).returncode in (0, 3)
    pid = server.pid()
    done = kingraph("db", "reset", "--yes",
                    env=_env(KINGRAPH_RESET_OFFLINE_MIN_MIB=str(1024 * 1024)))
    assert done.returncode == 0, done.stderr
    assert "emptied online" in " ".join(done.stdout.split())
    assert server.pid() == pid
    assert read(scratch.driver, scratch.database, "n", EVERYTHING)[0]["n"] == 0
