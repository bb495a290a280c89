"""The two ways a drop reaches the graph write the same graph.

A first load into an empty local database goes through ``neo4j-admin database import``
(every 1 M figure and every ``make demo`` does); later loads through transactions. Both
are fed from the same derived state, but by different code (CSV sets and the offline
importer, or ``UNWIND`` batches), so they are compared here on one drop: loaded once
through transactions, then, the database emptied, once through the bulk path, each
fingerprinted (every node and relationship with its properties, per label and type).
The importer is given hashed integer ids, and text ids when two keys' hashes meet
(:func:`graphdb.bulk.hashes_distinct`): both are compared.

The bulk path stops and restarts its server, so the test runs its own small instance
of the project's Neo4j on free ports, beside the suite's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import polars as pl
import pytest

from graphdb import bulk
from graphdb.admin import wipe
from graphdb.bulk import Imported, import_full
from graphdb.connection import open_driver
from graphdb.schema import apply
from graphdb.server import LocalServer
from ingest import pipeline
from ingest.store import Store
from kingraph.settings import Settings
from synth.generator import generate
from tests.integration.fingerprint import differences, fingerprint
from tests.integration.own_instance import own_instance

PERSONS, SEED = 1500, 20261206


@pytest.fixture(scope="module")
def instance(settings: Settings) -> Iterator[tuple[LocalServer, Settings]]:
    """A small instance of its own ("bulkcheck"), removed afterwards."""
    with own_instance(settings, "bulkcheck", "the bulk importer writes a local server's "
                      "store; this graph is external") as started:
        yield started


@pytest.fixture(scope="module")
def drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small province with the standard noise (conflicts and possible matches too)."""
    out = tmp_path_factory.mktemp("bulk") / "drop"
    generate(PERSONS, SEED, out, noise="standard")
    return out


def _load(driver: neo4j.Driver, database: str, drop: Path, store: Path,
          bulk: pipeline.BulkImport | None) -> pipeline.LoadReport:
    wipe(driver, database)
    apply(driver, database)
    # bulk_min_rows=0: this small drop is bulk-sized too
    return pipeline.run(drop, driver, database, Store(store), bulk=bulk, bulk_min_rows=0)


@pytest.fixture(scope="module")
def by_transactions(instance: tuple[LocalServer, Settings], drop: Path,
                    tmp_path_factory: pytest.TempPathFactory
                    ) -> tuple[pipeline.LoadReport, dict[str, Any]]:
    """The drop loaded through transactions, and the graph's fingerprint."""
    _, own = instance
    with open_driver(own) as driver:
        report = _load(driver, own.neo4j_database, drop,
                       tmp_path_factory.mktemp("store-tx"), None)
        assert "bulk_import" not in report.seconds
        return report, fingerprint(driver, own.neo4j_database)


@pytest.mark.parametrize("id_type", ["integer", "string"])
def test_the_bulk_path_and_the_transactional_path_write_the_same_graph(
        instance: tuple[LocalServer, Settings], drop: Path, tmp_path: Path,
        by_transactions: tuple[pipeline.LoadReport, dict[str, Any]], id_type: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    server, own = instance
    database = own.neo4j_database
    if id_type == "string":  # as when two keys' hashes meet
        monkeypatch.setattr(bulk, "hashes_distinct", lambda _nodes: False)
    imports: list[Imported] = []

    def importer(nodes: list[bulk.NodeSet], rels: list[bulk.RelSet]) -> Imported:
        imports.append(import_full(server, database, nodes, rels))
        return imports[-1]

    with open_driver(own) as driver:
        by_bulk = _load(driver, database, drop, tmp_path / "store-bulk", importer)
        assert "bulk_import" in by_bulk.seconds  # it did go the offline way
    assert [i.id_type for i in imports] == [id_type]
    with open_driver(own) as driver:  # the server was restarted under the first driver
        imported = fingerprint(driver, database)
    report, written = by_transactions
    assert by_bulk.fusion == report.fusion
    assert written["Person"][0] > PERSONS * 0.9
    assert differences(written, imported) == {}


def test_hashed_ids_are_distinct_per_id_space() -> None:
    """Keys of one space must keep distinct hashes; one key in two spaces is no clash.
    (A real 56-bit clash cannot be built here: a key given twice stands for one.)"""
    def nodes(space: str, keys: list[str]) -> bulk.NodeSet:
        return bulk.NodeSet(("X",), pl.DataFrame({"key": keys}), "key", space)

    assert bulk.hashes_distinct([nodes("A", ["a", "b"]), nodes("B", ["a", "b"])])
    assert not bulk.hashes_distinct([nodes("A", ["a", "b"]), nodes("A", ["c", "a"])])
    ids = pl.DataFrame({"key": [f"k{i}" for i in range(100_000)]}).select(
        bulk.hashed_id("key").min().alias("low"), bulk.hashed_id("key").max().alias("high"))
    assert ids["low"].item() >= 0 and ids["high"].item() < 2**56
