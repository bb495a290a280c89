"""Fixtures shared by the integration and browser tests: the real Neo4j that
`make test` starts, and one synthetic province loaded into it once per session.

The Makefile points the settings at the `test` instance (its own ports and data),
so these tests never touch the demo graph.  Defined here, at the root, so that every
suite shares one session fixture (and the graph is loaded once, not once per suite).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from graphdb.connection import open_driver
from graphdb.schema import apply
from kingraph.settings import Settings
from tests.integration.synthetic import SHARED, LoadedDrop, load_synthetic, restore_shared

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Temporary files under this clone's ``var/pytest/`` unless ``--basetemp`` says
    otherwise.  Pytest's default, ``/tmp/pytest-of-<user>/pytest-N``, keeps the three
    newest sessions of every clone on the machine together: a run in another clone
    deleted a long session's generated drops under it.  Pytest empties the folder at
    the start of each session (so two sessions of one clone must not run at once)."""
    if config.option.basetemp is None:
        config.option.basetemp = str(ROOT / "var" / "pytest")


#: Fixtures that put a graph of their own in the test database: the scratch graphs of
#: tests/integration/ingest, the 20 k province of the thalassemia tests.
REPLACERS = frozenset({"scratch", "province"})
#: Fixtures through which a test reads the session's graph.
READERS = frozenset({"driver", "synthetic"})
#: Modules with a test that uses a replacer: the graph is theirs until they end.
_REPLACING: set[str] = set()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Note the modules that put a graph of their own in the test database."""
    for item in items:
        if REPLACERS & set(getattr(item, "fixturenames", ())):
            _REPLACING.add(item.nodeid.split("::")[0])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a test that reads the session's graph (its fixtures not yet made), load
    the graph again if a module before put one of its own in its place."""
    names = set(getattr(item, "fixturenames", ()))
    if (SHARED.replaced and names & READERS
            and item.nodeid.split("::")[0] not in _REPLACING):
        restore_shared()


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings from the environment (the Makefile's TEST_ENV)."""
    return Settings()


@pytest.fixture(scope="session")
def driver(settings: Settings) -> Iterator[neo4j.Driver]:
    """A driver for the running test server; fails (not skips) when it is down."""
    drv = open_driver(settings)
    apply(drv, settings.neo4j_database)
    yield drv
    drv.close()


@pytest.fixture(scope="session")
def database(settings: Settings) -> str:
    """The database name to run queries against."""
    return settings.neo4j_database


@pytest.fixture(scope="session")
def synthetic(driver: neo4j.Driver, settings: Settings,
              tmp_path_factory: pytest.TempPathFactory) -> LoadedDrop:
    """A 4,000-person synthetic province loaded into the (wiped) test graph."""
    SHARED.workdir = tmp_path_factory.mktemp("synthetic")
    return load_synthetic(driver, settings, SHARED.workdir)
