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

Nothing here is overwritten in place (:mod:`kingraph.atomic`), and the applied state
changes as one: a load saves its pieces into a new folder (``state-<token>/``), and
``applied.json`` (the last load's id and that folder's name) is replaced last, so a
kill at any instant leaves the old state or the new one.  A damaged file (empty,
truncated, not JSON) is found by :meth:`Store.check` before a load starts, and by
every read, as :class:`~kingraph.errors.StoreDamaged` naming the file and what to do.

Writers hold the store's lock (:func:`ingest.lock.exclusive` on :attr:`Store.root`).

Layout::

    rows/<feed>.parquet               accepted rows, latest version per record
    applied.json                      {"load_id": ..., "state": "state-<token>"}
    state-<token>/<piece>.parquet     the applied state named by applied.json
    loads/<load_id>/quarantine.parquet, report.json
    pending/<piece>.parquet           keys an unfinished write may have touched
    history/aliases.parquet           retired pids kept by `db reset --keep-rows`
    fusion/                           fusion's work files (rewritten by every load)

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
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from ingest.feeds.mentions import record_key
from ingest.lock import LOCK_FILE
from kingraph import atomic
from kingraph.errors import ConfigError, StoreDamaged

APPLIED = "applied.json"
LEGACY_STATE = "state"  # stores written before applied.json: state/meta.json
GENERATION = "state-*"
PENDING = "pending"
HISTORY = "history"
STAGING = "staging"  # a load's drop rows before they are merged in
KEPT_ALIASES = f"{HISTORY}/aliases.parquet"
PID_KEY_FILE = "pid.key"
PID_KEY_BYTES = 32

_ROWS_ADVICE = ("it holds the accepted rows of every earlier load of this feed: restore it "
                "from a backup of the store, or start again with `kingraph db reset --yes` "
                "and load every drop again, in order")
_STATE_ADVICE = ("it is part of the state last applied to the graph, which can be rebuilt "
                 "from the stored rows: run `kingraph db reset --yes --keep-rows`, then "
                 "`kingraph ingest` with the latest drop (every stored row is written again; "
                 "officers' decisions in the graph go with the reset)")
_HISTORY_ADVICE = ("it keeps the retired pids (aliases) of a graph rebuilt by `kingraph db reset "
                   "--keep-rows`: restore it from a backup of the store, or delete it to go "
                   "on (those old pids then stop resolving to today's persons)")
_LOAD_ADVICE = ("it records one earlier load's quarantined rows and report: delete that "
                "load's folder to go on (its quarantine list is lost; the rows are still in "
                "the drop's files)")


def _unreadable(path: Path, exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"it cannot be read: {exc.strerror}"
    if path.stat().st_size == 0:
        return "it is empty"
    if isinstance(exc, (KeyError, TypeError)):
        return "it lacks the load id or the state folder"
    if isinstance(exc, ValueError):
        return "it is not valid JSON"
    return "it is not a complete parquet file"


def server_address(uri: str) -> str:
    """The server a Neo4j URI names, as ``bolt://host:port``: the scheme (direct or
    routing, plain or TLS), credentials and routing context do not change the graph."""
    netloc = urlsplit(uri).netloc.rpartition("@")[2]
    return f"bolt://{netloc}"


class Store:
    """One directory of parquet files for one graph."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pending: Path | None = None  # the state being saved by this load
        self._saved: set[str] = set()  # the pieces saved there

    @staticmethod
    def for_graph(var_dir: Path, uri: str, database: str) -> Store:
        """The store of the graph at ``uri``/``database``: one store per server and
        database, whichever scheme reaches it (``bolt://`` direct or ``neo4j://``
        routing, with or without TLS)."""
        tag = hashlib.sha1(f"{server_address(uri)}/{database}".encode()).hexdigest()[:10]
        return Store(var_dir / "ingest" / f"{database}-{tag}")

    # -- reading, with damage named -------------------------------------------------

    def _advice(self, path: Path) -> str:
        top = path.relative_to(self.root).parts[0]
        if top == "rows":
            return _ROWS_ADVICE
        if top == "loads":
            return _LOAD_ADVICE
        if top == HISTORY:
            return _HISTORY_ADVICE
        return _STATE_ADVICE

    def _damaged(self, path: Path, exc: Exception) -> StoreDamaged:
        return StoreDamaged(f"the ingest store's file {path} is damaged "
                            f"({_unreadable(path, exc)}); {self._advice(path)}")

    def _read(self, path: Path, columns: list[str] | None = None) -> pl.DataFrame | None:
        if not path.exists():
            return None
        try:
            return pl.read_parquet(path, columns=columns)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise self._damaged(path, exc) from None

    def _read_json(self, path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise self._damaged(path, exc) from None

    def _load_id(self, path: Path) -> str:
        found = self._read_json(path)
        try:
            return str(found["load_id"])
        except (KeyError, TypeError) as exc:
            raise self._damaged(path, exc) from None

    def check(self) -> None:
        """Raise :class:`StoreDamaged` for the first damaged file the store holds.

        Reads every parquet footer and JSON file (not the data pages): what a kill or a
        full disk leaves behind.  Fusion's work files are not checked (every load
        rewrites them before reading).
        """
        current = self._current()
        if current is not None and not current.is_dir():
            raise StoreDamaged(f"the ingest store's applied state folder {current} is "
                               f"missing; {_STATE_ADVICE}")
        folders = [self.root / "rows", *([current] if current else [])]
        files = [p for folder in folders for p in sorted(folder.glob("*.parquet"))]
        files += sorted((self.root / PENDING).glob("*.parquet"))
        files += sorted((self.root / HISTORY).glob("*.parquet"))
        files += sorted((self.root / "loads").glob("*/quarantine.parquet"))
        for path in files:
            try:
                pl.read_parquet_schema(path)
            except (pl.exceptions.PolarsError, OSError) as exc:
                raise self._damaged(path, exc) from None
        for path in sorted((self.root / "loads").glob("*/report.json")):
            self._read_json(path)

    def tidy(self) -> None:
        """Remove what killed or failed writers left: temporary files and unapplied state
        folders (this instance's own included).

        Only while holding the store's lock, before a load writes anything.
        """
        atomic.sweep(self.root)
        shutil.rmtree(self.root / STAGING, ignore_errors=True)
        self._pending, self._saved = None, set()
        current = self._current()
        for folder in self.root.glob(GENERATION):
            if folder != current:
                shutil.rmtree(folder, ignore_errors=True)

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """An empty folder for a load's drop rows, read and cleaned but not yet merged
        into the store (removed afterwards, or by :meth:`tidy` after a kill)."""
        folder = self.root / STAGING
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # -- rows -----------------------------------------------------------------------
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
        return self._read(self.root / "rows" / f"{feed}.parquet")

    def scan_rows(self, feed: str) -> pl.LazyFrame:
        """A plan reading the stored rows of a feed from their file (``rows`` without
        holding them)."""
        return pl.scan_parquet(self.root / "rows" / f"{feed}.parquet")

    def row_count(self) -> int:
        """Stored rows of every feed, from the files' metadata (nothing is read)."""
        return sum(pl.scan_parquet(path).select(pl.len()).collect().item()
                   for path in sorted((self.root / "rows").glob("*.parquet")))

    def rows_after(self, drop: Mapping[str, pl.DataFrame | pl.LazyFrame]) -> int:
        """Stored rows once ``drop`` (accepted rows by feed) is merged in: a row whose
        record is stored already replaces it, so only new records add (the stored keys
        are read, nothing else)."""
        total = self.row_count()
        for feed, accepted in drop.items():
            keys = accepted.lazy().select(record_key().alias("_key")).unique()
            path = self.root / "rows" / f"{feed}.parquet"
            if path.exists():
                stored = pl.scan_parquet(path).select(record_key().alias("_key"))
                keys = keys.join(stored, on="_key", how="anti")
            total += keys.select(pl.len()).collect().item()
        return total

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
            if incoming.height == 0:  # every row is stored as it is: the file stays
                return incoming.drop("_key")
            kept = old.join(incoming.select("_key"), on="_key", how="anti")
            merged = pl.concat([kept, incoming], how="diagonal_relaxed")
        else:
            merged = incoming
        atomic.write_parquet(merged.drop("_key"), self.root / "rows" / f"{feed}.parquet")
        return incoming.drop("_key")

    # -- the applied state ------------------------------------------------------------

    def _applied(self) -> dict[str, str] | None:
        """``{"load_id", "state"}`` of the applied state, or None."""
        path = self.root / APPLIED
        if path.exists():
            found = self._read_json(path)
            if not isinstance(found, dict) or not isinstance(found.get("state"), str):
                raise self._damaged(path, TypeError())
            return {"load_id": self._load_id(path), "state": found["state"]}
        legacy = self.root / LEGACY_STATE / "meta.json"
        if legacy.exists():
            return {"load_id": self._load_id(legacy), "state": LEGACY_STATE}
        return None

    def _current(self) -> Path | None:
        applied = self._applied()
        return None if applied is None else self.root / applied["state"]

    def state(self, name: str, columns: list[str] | None = None) -> pl.DataFrame | None:
        """A piece of the last applied state (only ``columns`` if given), or None (never a
        piece saved but unapplied)."""
        current = self._current()
        return None if current is None else self._read(current / f"{name}.parquet", columns)

    def state_file(self, name: str) -> Path | None:
        """The file of a piece of the applied state, or None: for a reader that keeps it
        beyond the next load (a hard link to it outlives the generation it belongs to)."""
        current = self._current()
        path = None if current is None else current / f"{name}.parquet"
        return path if path is not None and path.exists() else None

    def save_state(self, name: str, frame: pl.DataFrame) -> None:
        """Save a piece of the state being applied; it counts from :meth:`mark_applied`."""
        if self._pending is None:
            self._pending = self.root / f"state-{secrets.token_hex(6)}"
            atomic.make_dirs(self._pending)
        atomic.write_parquet(frame, self._pending / f"{name}.parquet")
        self._saved.add(f"{name}.parquet")

    def mark_applied(self, load_id: str) -> None:
        """Record that the state now matches the graph after ``load_id``: the pieces
        saved since the last call replace their old versions (the others are kept), in
        one atomic step."""
        current = self._current()
        pending = self._pending or self.root / f"state-{secrets.token_hex(6)}"
        if any(not (pending / name).exists() for name in self._saved):
            raise StoreDamaged(f"the state being saved in {pending} was removed while this "
                               "load ran: another writer worked on the store without its "
                               "lock; nothing was marked applied, run the load again")
        atomic.make_dirs(pending)
        if current is not None and current.is_dir():
            for piece in current.glob("*.parquet"):
                if not (pending / piece.name).exists():
                    os.link(piece, pending / piece.name)
        atomic.fsync(pending)
        atomic.write_json(self.root / APPLIED, {"load_id": load_id, "state": pending.name})
        self._pending, self._saved = None, set()
        self._clear_pending()
        self._drop_generations(keep=pending)
        (self.root / KEPT_ALIASES).unlink(missing_ok=True)  # now applied

    def keep_aliases(self) -> int | None:
        """Keep the applied state's retired pids beyond :meth:`forget_state`.

        Aliases are history, not a function of the rows: whoever wrote an old pid down
        (a permit, an export, a researcher's pseudonym) still holds it after the graph
        is rebuilt from the stored rows (``kingraph db reset --keep-rows``).  They are
        copied to ``history/aliases.parquet``; the next load takes them as the aliases
        last applied (:meth:`aliases_before`) and writes them into the empty graph.

        Returns:
            How many aliases are kept, or None when the applied state's aliases piece
            is damaged (they are lost; the caller says so).
        """
        try:
            applied = self.state("aliases")
        except StoreDamaged:
            return None
        if applied is None:  # no applied state: keep what an earlier reset kept
            kept = self._read(self.root / KEPT_ALIASES)
            return 0 if kept is None else kept.height
        atomic.make_dirs(self.root / HISTORY)
        atomic.write_parquet(applied, self.root / KEPT_ALIASES)
        return applied.height

    def aliases_before(self) -> pl.DataFrame | None:
        """The aliases as last applied, or those a reset kept (:meth:`keep_aliases`)."""
        applied = self.state("aliases")
        return applied if applied is not None else self._read(self.root / KEPT_ALIASES)

    def forget_state(self) -> None:
        """Drop the applied state (the graph no longer holds it)."""
        (self.root / APPLIED).unlink(missing_ok=True)
        (self.root / LEGACY_STATE / "meta.json").unlink(missing_ok=True)
        if self.root.is_dir():
            atomic.fsync(self.root)
        self._pending, self._saved = None, set()
        self._drop_generations(keep=None)
        self._clear_pending()

    def _drop_generations(self, keep: Path | None) -> None:
        for folder in [*self.root.glob(GENERATION), self.root / LEGACY_STATE]:
            if folder != keep and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)

    def pending(self, name: str) -> pl.DataFrame | None:
        """Keys of ``name`` that a write which did not finish may have touched, or None.

        A load saves the keys of everything it is about to write before it writes
        (:meth:`add_pending`); they stay until its state is marked applied.  The next
        load treats them as unknown in the graph: it writes them again from its own
        state, or deletes them when its state lacks them, so the graph converges even
        when the interrupted load is never run again (another drop, a decision).
        """
        return self._read(self.root / PENDING / f"{name}.parquet")

    def add_pending(self, name: str, keys: pl.DataFrame) -> None:
        """Add ``keys`` to what the graph may hold of ``name`` beyond the applied state."""
        folder = self.root / PENDING
        atomic.make_dirs(folder)
        earlier = self.pending(name)
        if earlier is not None:
            keys = pl.concat([earlier, keys.select(earlier.columns)]).unique()
        atomic.write_parquet(keys, folder / f"{name}.parquet")

    def has_pending(self) -> bool:
        """Whether a write that did not finish may have left the graph beyond the applied
        state (:meth:`add_pending`)."""
        return any((self.root / PENDING).glob("*.parquet"))

    def _clear_pending(self) -> None:
        for path in (self.root / PENDING).glob("*.parquet"):
            path.unlink()

    def last_load(self) -> str | None:
        """The id of the last load whose state was applied."""
        applied = self._applied()
        return None if applied is None else applied["load_id"]

    def clear(self) -> None:
        """Delete everything the store holds but its lock file (a waiting writer holds it
        open: a new file would let a third writer in beside it)."""
        self.forget_state()
        if not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if entry.name == LOCK_FILE:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        atomic.fsync(self.root)

    # -- load records -----------------------------------------------------------------

    def load_folder(self, load_id: str) -> Path:
        """Where one load's quarantine and report are kept."""
        return self.root / "loads" / load_id

    def load_ids(self) -> list[str]:
        """Loads with a record here, oldest first."""
        folder = self.root / "loads"
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def quarantine(self, load_id: str) -> pl.DataFrame | None:
        """The rows one load quarantined, or None."""
        return self._read(self.load_folder(load_id) / "quarantine.parquet")


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
