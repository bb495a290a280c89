"""Initial loads into an empty local database with ``neo4j-admin database import full``.

Transactions write some tens of thousands of rows a second; the offline importer
writes millions.  For the first load of a large drop into an empty *local* server the
ingest pipeline hands its frames here: each becomes a CSV file with a typed header,
the server is stopped, the importer builds the store, the server is started again
and the schema applied.  Incremental loads always go through transactions.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from graphdb.server import LocalServer
from kingraph.errors import ServerStartError

ARRAY_DELIMITER = ";"


@dataclass(frozen=True)
class NodeSet:
    """Nodes of one label set; ``id_column`` is unique within ``id_space``."""

    labels: tuple[str, ...]
    frame: pl.DataFrame | pl.LazyFrame  # a plan is streamed to its file, never collected
    id_column: str
    id_space: str


@dataclass(frozen=True)
class RelSet:
    """Relationships of one type between two id spaces (``start``/``end`` columns)."""

    type: str
    frame: pl.DataFrame
    start_space: str
    end_space: str


def _type(dtype: pl.DataType) -> str:
    if dtype == pl.Date:
        return ":date"
    if dtype.is_integer():
        return ":long"
    if dtype.is_float():
        return ":double"
    if dtype == pl.Boolean:
        return ":boolean"
    if isinstance(dtype, pl.List):
        return ":string[]"
    return ""


def _flat(frame: pl.LazyFrame) -> pl.LazyFrame:
    lists = [c for c, t in frame.collect_schema().items() if isinstance(t, pl.List)]
    return frame.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join(ARRAY_DELIMITER)
                              for c in lists)


def _write(frame: pl.DataFrame | pl.LazyFrame, header: list[str], folder: Path,
           name: str) -> str:
    head, body = folder / f"{name}.header.csv", folder / f"{name}.csv"
    head.write_text(",".join(header) + "\n")
    # Streamed: a plan over stored rows (the records) is written batch by batch.
    _flat(frame.lazy()).sink_csv(body, include_header=False, null_value="",
                                 quote_style="necessary", engine="streaming")
    return f"{head},{body}"


def node_files(nodes: NodeSet, folder: Path, name: str) -> str:
    """Write one node set; returns the ``--nodes`` argument."""
    header = []
    for column, dtype in nodes.frame.collect_schema().items():
        if column == nodes.id_column:
            header.append(f"{column}:ID({nodes.id_space})")
        else:
            header.append(f"{column}{_type(dtype)}")
    files = _write(nodes.frame, header, folder, name)
    return f"--nodes={':'.join(nodes.labels)}={files}"


def relationship_files(rels: RelSet, folder: Path, name: str) -> str:
    """Write one relationship set; returns the ``--relationships`` argument."""
    frame = rels.frame.select("start", "end", *[c for c in rels.frame.columns
                                                if c not in ("start", "end")])
    header = [f":START_ID({rels.start_space})", f":END_ID({rels.end_space})"]
    header += [f"{c}{_type(t)}" for c, t in frame.schema.items() if c not in ("start", "end")]
    files = _write(frame, header, folder, name)
    return f"--relationships={rels.type}={files}"


@dataclass(frozen=True)
class Imported:
    """What an offline import took."""

    seconds: float
    admin_peak_gib: float  # the neo4j-admin process tree's peak resident memory


def import_full(server: LocalServer, database: str, nodes: list[NodeSet],
                rels: list[RelSet]) -> Imported:
    """Replace the (empty) database with the given nodes and relationships."""
    for left in (server.home / "import").glob("bulk-*"):
        shutil.rmtree(left, ignore_errors=True)  # a killed import's files (one writer)
    folder = server.home / "import" / f"bulk-{int(time.time())}"
    folder.mkdir(parents=True)
    args = [node_files(n, folder, f"n{i}") for i, n in enumerate(nodes)]
    args += [relationship_files(r, folder, f"r{i}") for i, r in enumerate(rels)]
    clock = time.perf_counter()
    server.stop()
    try:
        with server.importing(database):
            # The database name goes first: after the variadic --nodes/--relationships
            # options picocli would read it as one more file.
            ran = server.run_admin("database", "import", "full", database,
                                   "--overwrite-destination=true",
                                   f"--array-delimiter={ARRAY_DELIMITER}", "--threads=2",
                                   f"--report-file={folder / 'import.report'}",
                                   "--high-parallel-io=off", *args)
            done = ran.done
            if done.returncode != 0:
                # A failed import leaves unusable store files: drop them, so the server
                # comes back with an empty database rather than a broken one.
                server.drop_store(database)
    finally:
        server.start()
    shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        lines = (done.stdout + done.stderr).strip().splitlines()
        causes = [line for line in lines if line.startswith("Caused by")][-1:]
        raise ServerStartError("neo4j-admin import failed:\n" + "\n".join(causes + lines[-5:]))
    return Imported(time.perf_counter() - clock, ran.peak_gib)



