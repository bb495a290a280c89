"""Ingest tests change the graph: they get a scratch graph, and the shared one is loaded
again before the next test that reads it (tests/conftest.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pytest

from graphdb.admin import wipe
from graphdb.connection import read
from graphdb.schema import apply
from ingest.store import Store
from kingraph.settings import Settings
from synth.generator import generate
from tests.integration.synthetic import SHARED, LoadedDrop

PERSONS = 1500
SEED = 7


@dataclass
class Scratch:
    """An empty graph, a fresh store and a small generated drop."""

    driver: neo4j.Driver
    database: str
    drop: Path
    root: Path

    def store(self, name: str = "store") -> Store:
        """A fresh store directory."""
        path = self.root / name
        shutil.rmtree(path, ignore_errors=True)
        return Store(path)

    def reset(self) -> None:
        """Wipe the graph (the schema stays)."""
        wipe(self.driver, self.database)

    def pid_of(self, id_number: str) -> str:
        """The pid of the one person holding an ID number."""
        found = read(self.driver, self.database, "pid",
                     "MATCH (p:Person {id_number: $n}) RETURN p.pid AS pid", n=id_number)
        assert len(found) == 1
        return str(found[0]["pid"])


@pytest.fixture(scope="module")
def scratch(driver: neo4j.Driver, settings: Settings, synthetic: LoadedDrop,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    """A scratch graph for this module; the shared synthetic graph is reloaded after."""
    root = tmp_path_factory.mktemp("scratch")
    drop = root / "drop"
    generate(PERSONS, SEED, drop)
    wipe(driver, settings.neo4j_database)
    apply(driver, settings.neo4j_database)
    yield Scratch(driver, settings.neo4j_database, drop, root)
    SHARED.replaced = True  # loaded again before the next test that reads it
