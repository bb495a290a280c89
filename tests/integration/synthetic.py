"""A small synthetic province, generated and loaded once per test session.

Integration tests of the query layer compare the graph with the drop's ``truth/``.
The drop is deterministic (fixed seed), so failures reproduce.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import neo4j
import polars as pl

from graphdb.admin import wipe
from graphdb.connection import open_driver
from graphdb.schema import apply
from ingest.pipeline import LoadReport, mention_table, run
from ingest.store import Store
from kingraph.settings import Settings
from synth.generator import generate

PERSONS = 4000
SEED = 20261125


@dataclass
class Shared:
    """The session's synthetic graph: where its drop is, and whether a module put a graph
    of its own in the test database since (``tests/conftest.py`` loads it again before
    the next test that reads it: once, not after every such module)."""

    workdir: Path | None = None
    replaced: bool = False


SHARED = Shared()


def restore_shared() -> None:
    """Load the session's synthetic graph again (the settings are the test session's)."""
    if SHARED.workdir is None:
        return
    settings = Settings()
    with open_driver(settings) as driver:
        load_synthetic(driver, settings, SHARED.workdir)
    SHARED.replaced = False


@dataclass(frozen=True)
class LoadedDrop:
    """A generated drop, its store, and the report of loading it."""

    drop: Path
    truth: Path
    store: Store
    report: LoadReport


def load_synthetic(driver: neo4j.Driver, settings: Settings, workdir: Path,
                   persons: int = PERSONS, seed: int = SEED,
                   noise: str = "standard") -> LoadedDrop:
    """Wipe the test graph, generate a drop and ingest it."""
    drop = workdir / f"drop-{persons}-{seed}-{noise}"
    if not drop.exists():
        generate(persons, seed, drop, noise=noise)
    database = settings.neo4j_database
    wipe(driver, database)
    apply(driver, database)
    # The store the CLI and the API use for this graph, so that API routes that re-fuse
    # (review decisions, unmerge) see the rows of this load.
    store = Store.for_graph(settings.var_dir, settings.bolt_uri, database)
    shutil.rmtree(store.root, ignore_errors=True)
    store = Store(store.root)
    report = run(drop, driver, database, store)
    return LoadedDrop(drop, drop / "truth", store, report)


def main_pids(loaded: LoadedDrop) -> pl.DataFrame:
    """Each truth person's main pid, the one holding most of their mentions: ``person_key,
    pid`` (a person fusion split keeps the other pids out of this table)."""
    key = ["feed", "source", "record_id", "role"]
    links = pl.read_parquet(loaded.truth / "record_links.parquet").select(*key, "person_key")
    mentions = mention_table(loaded.store).drop_nulls("pid").join(links, on=key)
    return (mentions.group_by("person_key", "pid").len()
            .sort(["len", "pid"], descending=[True, False])
            .group_by("person_key", maintain_order=True).first().select("person_key", "pid"))
