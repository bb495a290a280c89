"""The server is real: Neo4j 5.26 Community, APOC, writes, constraints, restarts."""

from __future__ import annotations

import uuid

import neo4j
import pytest
from neo4j.exceptions import ConstraintError

from graphdb.server import LocalServer
from kingraph.settings import Settings


def test_server_is_neo4j_5_26_community(driver: neo4j.Driver, database: str) -> None:
    records, _, _ = driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN *", database_=database)
    component = records[0]
    assert component["name"] == "Neo4j Kernel"
    assert component["edition"] == "community"
    assert component["versions"][0].startswith("5.26.")


def test_apoc_is_callable(driver: neo4j.Driver, database: str) -> None:
    records, _, _ = driver.execute_query("RETURN apoc.version() AS v, "
                                         "apoc.text.join(['a', 'b'], '-') AS joined",
                                         database_=database)
    assert records[0]["v"].startswith("5.26.")
    assert records[0]["joined"] == "a-b"


def test_write_then_read(driver: neo4j.Driver, database: str) -> None:
    marker = uuid.uuid4().hex
    driver.execute_query("CREATE (:ServerProbe {marker: $m, n: 42, names: ['甲', '乙']})",
                         m=marker, database_=database)
    records, _, _ = driver.execute_query(
        "MATCH (p:ServerProbe {marker: $m}) RETURN p.n AS n, p.names AS names",
        m=marker, database_=database)
    driver.execute_query("MATCH (p:ServerProbe {marker: $m}) DELETE p", m=marker,
                         database_=database)
    assert [(r["n"], r["names"]) for r in records] == [(42, ["甲", "乙"])]


def test_uniqueness_constraint_rejects_duplicate(driver: neo4j.Driver, database: str) -> None:
    pid = f"probe-{uuid.uuid4().hex}"
    driver.execute_query("CREATE (:Person {pid: $pid})", pid=pid, database_=database)
    try:
        with pytest.raises(ConstraintError):
            driver.execute_query("CREATE (:Person {pid: $pid})", pid=pid, database_=database)
    finally:
        driver.execute_query("MATCH (p:Person {pid: $pid}) DELETE p", pid=pid,
                             database_=database)


def test_data_survives_stop_and_start(settings: Settings, driver: neo4j.Driver,
                                      database: str) -> None:
    if not settings.uses_local_server:
        pytest.skip("an external server is not ours to restart")
    server = LocalServer(settings)
    marker = uuid.uuid4().hex
    driver.execute_query("CREATE (:ServerProbe {marker: $m})", m=marker, database_=database)

    assert server.stop() is True
    assert server.status().running is False
    assert server.stop() is False
    assert server.start() is True
    assert server.status().running is True
    assert server.start() is False  # a second start does not start a second server

    records, _, _ = driver.execute_query(
        "MATCH (p:ServerProbe {marker: $m}) DELETE p RETURN count(*) AS n",
        m=marker, database_=database)
    assert records[0]["n"] == 1
