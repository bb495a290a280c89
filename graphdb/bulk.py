"""Initial loads into an empty local database with ``neo4j-admin database import full``.

Transactions write some tens of thousands of rows a second; the offline importer
writes millions.  For the first load of a large drop into an empty *local* server the
ingest pipeline hands its frames here: each becomes a CSV file with a typed header,
the server is stopped, the importer builds the store, the server is started again
and the schema applied.  Incremental loads always go through transactions.

Node ids are 56-bit hashes of the keys (``--id-type=integer``) rather than the keys
themselves: the importer maps integers faster than text (at 1 M persons, 8.4 M nodes
and 16 M relationships, 164.8 s against 187.7 s, medians of three, 2026-12-07). The
keys are stored as properties; a hash shared by two keys of one id space (about one
load in 40 at 60 M records) sends the whole import back to text ids.
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
# neo4j-admin's integer ids lie in [0, 2**56); the seed is fixed so a node file and the
# relationship files written by one process agree.
ID_BITS, ID_SEED = 56, 20261207


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


def hashed_id(column: str) -> pl.Expr:
    """A key as the importer's integer id (``ID_BITS`` bits of polars' hash)."""
    return (pl.col(column).hash(ID_SEED) & ((1 << ID_BITS) - 1)).cast(pl.Int64)


def hashes_distinct(nodes: list[NodeSet]) -> bool:
    """Whether no two keys of one id space share a hashed id (their keys are distinct:
    the importer refuses a duplicate either way)."""
    spaces: dict[str, list[pl.Series]] = {}
    for n in nodes:
        ids = n.frame.lazy().select(hashed_id(n.id_column)).collect(engine="streaming")
        spaces.setdefault(n.id_space, []).append(ids.to_series())
    return all(ids.n_unique() == ids.len()
               for ids in (pl.concat(parts) for parts in spaces.values()))


def node_files(nodes: NodeSet, folder: Path, name: str, *, hashed: bool = False) -> str:
    """Write one node set; returns the ``--nodes`` argument. ``hashed``: the id is
    :func:`hashed_id` of the key, and the key an ordinary property."""
    header, frame = [], nodes.frame.lazy()
    if hashed:
        header.append(f":ID({nodes.id_space})")
        frame = frame.select(hashed_id(nodes.id_column).alias("_id"), pl.all())
    for column, dtype in nodes.frame.collect_schema().items():
        if column == nodes.id_column and not hashed:
            header.append(f"{column}:ID({nodes.id_space})")
        else:
            header.append(f"{column}{_type(dtype)}")
    files = _write(frame, header, folder, name)
    return f"--nodes={':'.join(nodes.labels)}={files}"


def relationship_files(rels: RelSet, folder: Path, name: str, *,
                       hashed: bool = False) -> str:
    """Write one relationship set; returns the ``--relationships`` argument."""
    ends = [hashed_id(c) if hashed else pl.col(c) for c in ("start", "end")]
    frame = rels.frame.select(*ends, *[c for c in rels.frame.columns
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
    id_type: str = "integer"  # "string" when two keys' hashes met (:func:`hashes_distinct`)


def import_full(server: LocalServer, database: str, nodes: list[NodeSet],
                rels: list[RelSet]) -> Imported:
    """Replace the (empty) database with the given nodes and relationships."""
    for left in (server.home / "import").glob("bulk-*"):
        shutil.rmtree(left, ignore_errors=True)  # a killed import's files (one writer)
    folder = server.home / "import" / f"bulk-{int(time.time())}"
    folder.mkdir(parents=True)
    hashed = hashes_distinct(nodes)
    args = [node_files(n, folder, f"n{i}", hashed=hashed) for i, n in enumerate(nodes)]
    args += [relationship_files(r, folder, f"r{i}", hashed=hashed) for i, r in enumerate(rels)]
    id_type = "integer" if hashed else "string"
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
                                   "--high-parallel-io=off", f"--id-type={id_type}",
                                   *args)
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
    return Imported(time.perf_counter() - clock, ran.peak_gib, id_type)



