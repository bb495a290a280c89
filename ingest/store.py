"""The ingest store: every accepted row and the last applied fusion state, as parquet.

Fusion is recomputed over *all* rows at each load (a new drop can join two persons
that earlier drops kept apart), so the accepted rows of every load are kept here,
latest version per record.  The state that was last applied to the graph
(assignments, golden persons, parent-child and marriage edges) is kept beside them so
that a load writes only what changed and deletes what vanished.

The store belongs to one graph: it records the id of the last load it applied, and
when that :Load node is missing from the graph (the database was wiped or another
store wrote it) the applied state is discarded and everything is written again.
Rows stay: they are the input, not the output.

Beside the stores of an installation (``var/ingest/``) lies ``pid.key``: 256 random
bits, mode 600, made on first use, under which person ids are hashed
(:func:`ingest.fusion.clusters.person_ids`).  It outlives ``kingraph db reset`` (which
removes one store), so the same rows get the same pids again; back it up with the
stores.  Lost, every pid changes on the next load (the old ones become aliases).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

import polars as pl

from ingest.feeds.mentions import record_key
from kingraph.errors import ConfigError

PID_KEY_FILE = "pid.key"
PID_KEY_BYTES = 32


class Store:
    """One directory of parquet files for one graph."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "rows").mkdir(parents=True, exist_ok=True)
        (root / "state").mkdir(parents=True, exist_ok=True)

    @staticmethod
    def for_graph(var_dir: Path, uri: str, database: str) -> Store:
        """The store of the graph at ``uri``/``database``."""
        tag = hashlib.sha1(f"{uri}/{database}".encode()).hexdigest()[:10]
        return Store(var_dir / "ingest" / f"{database}-{tag}")

    @property
    def pid_key_path(self) -> Path:
        """Where the installation's pid key lives: beside the stores, not in one."""
        return self.root.parent / PID_KEY_FILE

    def pid_key(self) -> bytes:
        """The installation's pid key, made (atomically, mode 600) when absent.

        Raises:
            ConfigError: The key file exists but is not a key (damaged or truncated).
        """
        path = self.pid_key_path
        if not path.exists():
            _create_key(path)
        key = path.read_bytes()
        if len(key) != PID_KEY_BYTES:
            raise ConfigError(f"{path} is not a pid key ({len(key)} bytes, expected "
                              f"{PID_KEY_BYTES}); restore it from a backup (deleting it "
                              "gives every person a new pid)")
        return key

    def rows(self, feed: str) -> pl.DataFrame | None:
        """Every accepted row of a feed so far, or None."""
        path = self.root / "rows" / f"{feed}.parquet"
        return pl.read_parquet(path) if path.exists() else None

    def feeds(self) -> list[str]:
        """Feeds with stored rows."""
        return sorted(p.stem for p in (self.root / "rows").glob("*.parquet"))

    def upsert(self, feed: str, accepted: pl.DataFrame) -> pl.DataFrame:
        """Merge new rows (later versions win); returns the rows that are new or changed.

        What reaches the graph is decided against the applied state (``records``),
        not against this return value, so a load interrupted after this call still
        writes these rows when it is run again.
        """
        incoming = accepted.with_columns(record_key().alias("_key")).unique(
            "_key", keep="last", maintain_order=True)
        old = self.rows(feed)
        if old is not None:
            old = old.with_columns(record_key().alias("_key"))
            same = incoming.join(old.select("_key", "content_hash"),
                                 on=["_key", "content_hash"], how="semi")
            incoming = incoming.join(same.select("_key"), on="_key", how="anti")
            kept = old.join(incoming.select("_key"), on="_key", how="anti")
            merged = pl.concat([kept, incoming], how="diagonal_relaxed")
        else:
            merged = incoming
        merged.drop("_key").write_parquet(self.root / "rows" / f"{feed}.parquet")
        return incoming.drop("_key")

    def state(self, name: str) -> pl.DataFrame | None:
        """A piece of the last applied state, or None."""
        path = self.root / "state" / f"{name}.parquet"
        return pl.read_parquet(path) if path.exists() else None

    def save_state(self, name: str, frame: pl.DataFrame) -> None:
        """Replace a piece of the applied state."""
        frame.write_parquet(self.root / "state" / f"{name}.parquet")

    def forget_state(self) -> None:
        """Drop the applied state (the graph no longer holds it)."""
        for path in (self.root / "state").glob("*.parquet"):
            path.unlink()
        (self.root / "state" / "meta.json").unlink(missing_ok=True)
        self._clear_pending()

    def pending(self, name: str) -> pl.DataFrame | None:
        """Keys of ``name`` that a write which did not finish may have touched, or None.

        A load saves the keys of everything it is about to write before it writes
        (:meth:`add_pending`); they stay until its state is marked applied.  The next
        load treats them as unknown in the graph: it writes them again from its own
        state, or deletes them when its state lacks them, so the graph converges even
        when the interrupted load is never run again (another drop, a decision).
        """
        path = self.root / "state" / "pending" / f"{name}.parquet"
        return pl.read_parquet(path) if path.exists() else None

    def add_pending(self, name: str, keys: pl.DataFrame) -> None:
        """Add ``keys`` to what the graph may hold of ``name`` beyond the applied state."""
        folder = self.root / "state" / "pending"
        folder.mkdir(parents=True, exist_ok=True)
        earlier = self.pending(name)
        if earlier is not None:
            keys = pl.concat([earlier, keys.select(earlier.columns)]).unique()
        _write_atomically(keys, folder / f"{name}.parquet")

    def _clear_pending(self) -> None:
        for path in (self.root / "state" / "pending").glob("*.parquet"):
            path.unlink()

    def last_load(self) -> str | None:
        """The id of the last load whose state was applied."""
        path = self.root / "state" / "meta.json"
        if not path.exists():
            return None
        return str(json.loads(path.read_text())["load_id"])

    def mark_applied(self, load_id: str) -> None:
        """Record that the state now matches the graph after ``load_id``."""
        (self.root / "state" / "meta.json").write_text(json.dumps({"load_id": load_id}))
        self._clear_pending()


def _write_atomically(frame: pl.DataFrame, path: Path) -> None:
    """Write under a temporary name, fsync, rename: a kill leaves the old file or the new."""
    temporary = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(temporary)
    fd = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def _create_key(path: Path) -> None:
    """Write a new key under a temporary name, then link it into place: a kill leaves no
    half-written key, and of two processes racing, both end up reading the same one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, secrets.token_bytes(PID_KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
