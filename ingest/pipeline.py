"""One load: a drop directory into the graph, stage by stage.

read -> clean -> store -> resolve -> derive -> write.  Each file is read and cleaned
on its own (a file that cannot be read is reported with its line and reason and
loses nothing else); fusion then runs over every row the store holds, and only what
changed since the last applied state is written.  Rows read = rows applied + rows
quarantined, per file, is checked before anything is written.
"""

from __future__ import annotations

import json
import resource
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import polars as pl

from graphdb import schema
from graphdb.admin import counts
from graphdb.batches import DEFAULT_BATCH
from graphdb.bulk import Imported, NodeSet, RelSet
from graphdb.connection import forget_bookmarks, read, write
from ingest import inputs, review
from ingest.budget import Budget
from ingest.derive import bulkload
from ingest.derive import state as derive
from ingest.derive.conflicts import Rulings
from ingest.derive.state import Stage
from ingest.feeds import quarantine
from ingest.feeds.catalogue import FEEDS
from ingest.feeds.clean import CleanFeed, clean_feed
from ingest.feeds.mentions import record_key, record_of, to_mentions
from ingest.feeds.read import FeedFile, discover, read_feed, stray_files
from ingest.fusion import child_process
from ingest.fusion.executors import LOCAL, Engine
from ingest.fusion.pieces import PieceLimits
from ingest.fusion.resolution import LIMITS, RESOLVER_COLUMNS, Decisions, Resolution
from ingest.fusion.weights import RETRAIN_GROWTH, Model
from ingest.store import Store
from kingraph import atomic
from kingraph.errors import FeedError

# Replaces the (empty) database with node and relationship sets; returns seconds taken.
BulkImport = Callable[[list[NodeSet], list[RelSet]], Imported]
BULK_MIN_ROWS = 200_000

LOAD_EXISTS = "MATCH (l:Load {load_id: $load_id}) RETURN count(l) AS n"
# Nothing in the graph but what killed first loads wrote: no load completed, no officer
# decided anything, no permit was issued.  Importing again loses nothing, and is far
# faster than writing the whole imported graph again through transactions.
ONLY_KILLED_LOADS = """
CALL () { MATCH (l:Load {status: 'complete'}) RETURN count(l) AS complete }
CALL () { MATCH (d:Decision) RETURN count(d) AS decisions }
CALL () { MATCH (p:Permit) RETURN count(p) AS permits }
RETURN complete + decisions + permits = 0 AS only
"""
START_LOAD = """
MERGE (l:Load {load_id: $load_id})
SET l.started = datetime(), l.drop = $drop, l.status = 'running'
"""
# Only one writer runs at a time (the store's lock): a load still ``running`` when
# another starts was killed, and never will finish.
MARK_INTERRUPTED = """
MATCH (l:Load {status: 'running'}) WHERE l.load_id <> $load_id
SET l.status = 'interrupted', l.interrupted_seen_by = $load_id
RETURN l.load_id AS load_id
"""
KILLED_LOADS = """
MATCH (l:Load) WHERE l.load_id <> $load_id RETURN properties(l) AS load
"""
KEEP_KILLED_LOADS = """
UNWIND $loads AS load
MERGE (l:Load {load_id: load.load_id})
SET l += load
"""
FINISH_LOAD = """
MATCH (l:Load {load_id: $load_id})
SET l.finished = datetime(), l.status = $status, l.summary = $summary
"""


@dataclass
class FileReport:
    """What happened to one file of the drop."""

    file: str
    feed: str
    encoding: str | None = None
    read: int = 0
    applied: int = 0
    quarantined: int = 0
    error: str | None = None  # the file was refused: why (file, line, reason)
    notes: list[str] = field(default_factory=list)  # read anyway: empty, columns ignored


@dataclass
class LoadReport:
    """The summary of a load, printed by the CLI and stored on the :Load node."""

    load_id: str
    drop: str
    files: list[FileReport] = field(default_factory=list)
    stray_files: list[str] = field(default_factory=list)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)  # rows, by reason
    interrupted: list[str] = field(default_factory=list)  # earlier loads found killed
    fusion: dict[str, int] = field(default_factory=dict)
    # Whether fusion trained its model on this load (the first load, a store grown by a
    # quarter, or asked for) or scored with the one the store kept.
    model_trained: bool | None = None
    # Fusion's pieces above the size bound, split by a stricter rule (never dropped).
    fusion_splits: list[dict[str, object]] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=dict)  # conflicts found, by kind
    written: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    # Peak resident memory (GiB) at the end of each stage: of this process, and of the
    # largest child it has waited for (the fusion worker), which runs while this
    # process holds its own memory, so a machine needs about the sum of the two.
    peak_gib: dict[str, float] = field(default_factory=dict)
    child_peak_gib: dict[str, float] = field(default_factory=dict)
    admin_peak_gib: float | None = None  # neo4j-admin import's process tree (bulk path)
    # The inputs were those of the applied state (ingest.inputs): fusion, derivation and
    # the write were skipped, the graph holding this load's answer already.
    unchanged: bool = False

    def lap(self, stage: str, started: float) -> float:
        """Record a stage's seconds and the memory peaks so far; returns the clock."""
        now = time.perf_counter()
        self.seconds[stage] = now - started
        self.peak_gib[stage] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)
        self.child_peak_gib[stage] = round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2, 2)
        return now

    @property
    def fusion_worker_peak_gib(self) -> float:
        """The fusion worker's peak: the children's peak once fusion ended (the only
        child waited for by then; neo4j-admin runs later and is measured apart)."""
        return self.child_peak_gib.get("resolve", 0.0)

    @property
    def files_refused(self) -> int:
        """Feed files not loaded at all (each with its error)."""
        return sum(1 for f in self.files if f.error)

    @property
    def rows_quarantined(self) -> int:
        """Rows of the loaded files that went to the quarantine."""
        return sum(f.quarantined for f in self.files)

    @property
    def refused_anything(self) -> bool:
        """A file was refused or a row quarantined: the load is not clean (exit 3)."""
        return self.files_refused > 0 or self.rows_quarantined > 0

    @property
    def reconciled(self) -> bool:
        """Per file: read == applied + quarantined."""
        return all(f.read == f.applied + f.quarantined for f in self.files if not f.error)

    def to_json(self) -> str:
        """The report as JSON (no personal data: counts, file names, reasons)."""
        return json.dumps(asdict(self), ensure_ascii=False, default=str)


def _no_stage(_name: str, _total: int | None) -> Callable[[int], None]:
    return lambda _n: None


def new_load_id() -> str:
    """A sortable, unique load id."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@dataclass
class Staged:
    """A drop's accepted rows, read and cleaned one file at a time and spilled, each
    file's rows stamped with the load (``folder/<n>.parquet``), so a load never holds
    every file's rows at once (4.9 GiB at 1 M persons); and its quarantined rows."""

    folder: Path
    files: dict[str, list[Path]] = field(default_factory=dict)  # by feed
    quarantine: list[pl.DataFrame] = field(default_factory=list)
    rows: int = 0  # accepted rows

    def add(self, clean: CleanFeed, load_id: str) -> None:
        path = self.folder / f"{sum(map(len, self.files.values()))}.parquet"
        clean.accepted.with_columns(pl.lit(load_id).alias("load_id")).write_parquet(path)
        self.files.setdefault(clean.definition.name, []).append(path)
        self.quarantine.append(clean.quarantine)
        self.rows += clean.accepted.height

    def feed(self, feed: str) -> pl.DataFrame:
        """One feed's accepted rows (its files in the drop's order)."""
        return pl.concat([pl.read_parquet(p) for p in self.files[feed]],
                         how="diagonal_relaxed")

    def scans(self) -> dict[str, pl.LazyFrame]:
        """Every feed's accepted rows, as plans over the spilled files."""
        return {feed: pl.concat([pl.scan_parquet(p) for p in paths], how="diagonal_relaxed")
                for feed, paths in self.files.items()}


def read_drop(drop: Path, encoding: str, report: LoadReport, stage: Stage,
              staged: Staged) -> Staged:
    """Read and clean every feed file into ``staged``, one file at a time; file-level
    errors are reported, not raised."""
    files = discover(drop)
    report.stray_files = [p.name for p in stray_files(drop)]
    advance = stage("read + clean", len(files))
    for file in files:
        for clean in _read_one(file, encoding, report):
            staged.add(clean, report.load_id)
        advance(1)
    return staged


def _read_one(file: FeedFile, encoding: str, report: LoadReport) -> list[CleanFeed]:
    entry = FileReport(file.name, file.feed)
    report.files.append(entry)
    try:
        raw = read_feed(file, encoding)  # type: ignore[arg-type]
        clean = clean_feed(raw)
    except FeedError as exc:
        entry.error = str(exc)
        return []
    entry.encoding = raw.encoding
    entry.notes = list(raw.notes)
    counts = clean.counts
    entry.read, entry.applied, entry.quarantined = counts.read, counts.accepted, counts.quarantined
    return [clean]


def run(drop: Path, driver: neo4j.Driver, database: str, store: Store, *,
        encoding: str = "auto", batch_size: int = DEFAULT_BATCH, stage: Stage = _no_stage,
        load_id: str | None = None, bulk: BulkImport | None = None,
        bulk_min_rows: int = BULK_MIN_ROWS, limits: PieceLimits = LIMITS,
        engine: Engine = LOCAL, retrain: bool = False,
        budget: Budget | None = None, full: bool = False) -> LoadReport:
    """Load one drop into the graph and return its report.

    The caller holds the store's lock (:func:`ingest.lock.exclusive` on ``store.root``).
    ``bulk`` (local servers only) is used for a first load of at least
    ``bulk_min_rows`` rows into an empty database, or into one that only killed first
    loads wrote (:data:`ONLY_KILLED_LOADS`); every other load writes through
    transactions.  Before anything is written the schema is applied (a server started
    by hand after a killed bulk load may lack it) and loads left ``running`` by a
    killed writer are marked ``interrupted``.  Fusion runs on ``engine`` (the local
    executor, or Spark: :mod:`ingest.fusion.executors`); the answer is the same.
    Fusion scores with the model the store kept (:class:`~ingest.fusion.weights.Model`)
    unless ``retrain``, the store has none, or its mentions grew by
    :data:`~ingest.fusion.weights.RETRAIN_GROWTH` since it was trained.  With a
    ``budget`` (``--memory``), a load whose rows need more is refused before anything
    is written (:mod:`ingest.budget`).  A load that changes none of the inputs the
    applied state was made from (a drop sent again, no decision since) skips fusion,
    derivation and the write unless ``full`` (:mod:`ingest.inputs`).

    Raises:
        StoreDamaged: a file of the store is damaged (before anything is written).
        MemoryBudgetError: the load needs more memory than ``budget`` (nothing written).
    """
    report = LoadReport(load_id or new_load_id(), str(drop))
    store.tidy()
    store.check()
    clock = time.perf_counter()
    with store.staging() as spill:
        staged = read_drop(drop, encoding, report, stage, Staged(spill))
        report.lap("read_clean", clock)
        if not report.reconciled:
            raise FeedError("row counts do not reconcile; nothing was written")
        if not staged.rows and not store.feeds():
            raise FeedError(_nothing_to_load(report))
        _check_store(driver, database, store)
        if budget is not None:  # the stored rows and the drop's new ones: fusion fuses all
            budget.check_fits(store.rows_after(staged.scans()))
        fresh = store.last_load() is None and _empty_or_killed(driver, database)
        use_bulk = (bulk if bulk is not None and fresh and staged.rows >= bulk_min_rows
                    else None)
        _begin(driver, database, report, drop.name)
        for feed in staged.files:  # one feed's rows in memory at a time
            store.upsert(feed, staged.feed(feed))
        held = staged.quarantine
        report.quarantine_reasons = _reasons(held)
    fuse_and_apply(driver, database, store, report, batch_size, stage, use_bulk, limits,
                   engine, retrain, full)
    _write_quarantine(held, store, report)
    return report


def _empty_or_killed(driver: neo4j.Driver, database: str) -> bool:
    """Whether the graph is empty or holds only what killed first loads wrote (a bulk
    import replaces it whole, so a first load killed after its import imports again)."""
    if counts(driver, database) == (0, 0):
        return True
    return bool(read(driver, database, "only_killed_loads", ONLY_KILLED_LOADS)[0]["only"])


def _nothing_to_load(report: LoadReport) -> str:
    """Why a first load found no row to write (file names, lines and reasons only)."""
    if not report.files:
        return f"nothing to load: {report.drop} holds no feed file; nothing was written"
    refused = "; ".join(f.error for f in report.files if f.error)
    return (f"nothing to load: {report.files_refused} of {len(report.files)} feed files "
            f"refused{f' ({refused})' if refused else ''}, {report.rows_quarantined} rows "
            "quarantined and none accepted; nothing was written")


def _reasons(held: list[pl.DataFrame]) -> dict[str, int]:
    """Quarantined rows counted by reason, most serious reason first."""
    counted: dict[str, int] = {}
    for frame in held:
        for reason, n in frame.group_by("reason").len().iter_rows():
            counted[reason] = counted.get(reason, 0) + n
    order = quarantine.REASON_ORDER
    return dict(sorted(counted.items(), key=lambda kv: order.get(kv[0], len(order))))


def fuse_again(driver: neo4j.Driver, database: str, store: Store, *,
               batch_size: int = DEFAULT_BATCH, stage: Stage = _no_stage,
               limits: PieceLimits = LIMITS) -> LoadReport:
    """Re-run fusion over the stored rows (after an officer's decision) and apply it.

    The caller holds the store's lock (:func:`ingest.lock.exclusive` on ``store.root``).
    """
    report = LoadReport(new_load_id(), "(re-fusion)")
    store.tidy()
    store.check()
    _check_store(driver, database, store)
    _begin(driver, database, report, report.drop)
    fuse_and_apply(driver, database, store, report, batch_size, stage, limits=limits)
    return report


def _begin(driver: neo4j.Driver, database: str, report: LoadReport, drop: str) -> None:
    """Make the graph ready to be written, and say that this load runs.

    The schema is applied every time (idempotent; without its constraints every
    ``MERGE`` scans its label), and earlier loads still ``running`` are marked
    ``interrupted``: the caller holds the only writer's lock, so they were killed.
    """
    clock = time.perf_counter()
    schema.apply(driver, database)
    report.seconds["schema_check"] = time.perf_counter() - clock
    stale = write(driver, database, "mark_interrupted", MARK_INTERRUPTED,
                  load_id=report.load_id)
    report.interrupted = sorted(r["load_id"] for r in stale)
    write(driver, database, "start_load", START_LOAD, load_id=report.load_id, drop=drop)


def fuse_and_apply(driver: neo4j.Driver, database: str, store: Store, report: LoadReport,
                   batch_size: int, stage: Stage, bulk: BulkImport | None = None,
                   limits: PieceLimits = LIMITS, engine: Engine = LOCAL,
                   retrain: bool = False, full: bool = True) -> None:
    """Resolve every stored mention, derive the graph, write the difference.

    Unless ``full``, a load whose inputs (:mod:`ingest.inputs`: the stored rows, the
    officers' decisions and rulings, the model, the code) are those the applied state
    was made from, with nothing half-written since, skips all three: it would write
    nothing (``report.unchanged``).
    """
    clock = time.perf_counter()
    work = store.root / "fusion"
    if not store.feeds():
        raise FeedError("nothing to fuse: no rows have been loaded")
    store.pid_key()  # made, or checked, before the worker reads it
    decisions, rulings = _decisions(driver, database), review.rulings(driver, database)
    frames = None if retrain else model_frames(store)
    given = inputs.of(store, decisions, rulings, frames or (), limits.max_piece)
    if (not full and frames is not None and bulk is None and not store.has_pending()
            and inputs.applied(store) == given.digest):
        report.unchanged = True
        report.lap("inputs", clock)
        _finish(driver, database, store, report)
        return
    mentions = refresh_mentions(store, work)
    model = None if retrain else kept_model(frames, mentions)
    child_process.write_inputs(work, None, decisions, limits, engine, model)
    fused = stage("fusion" if engine.name == "local" else f"fusion on {engine.name}", 1)
    # In a child process: its memory goes when it ends.
    steps = FusionProgress(stage)
    resolution = child_process.run(work, store.pid_key_path, steps)
    steps.close()
    fused(1)
    report.fusion = resolution.stats
    report.model_trained = model is None
    if model is None:  # kept from the moment this load's state is marked applied
        frames = resolution.model.weights_frame(), resolution.model.names
        store.save_state(MODEL_WEIGHTS, frames[0])
        store.save_state(MODEL_NAMES, frames[1])
    assert frames is not None
    store.save_state(inputs.NAME, replace(given, model=inputs.model_digest(frames)).frame())
    report.fusion_splits = [asdict(s) for s in resolution.splits]
    clock = report.lap("resolve", clock)
    graph = derive_state(store, resolution, report.load_id, rulings)
    report.conflicts = graph.conflicts
    del resolution
    clock = report.lap("derive", clock)
    if bulk is not None:
        imported = stage("bulk import", 1)
        report.written = _bulk_apply(driver, database, store, graph, bulk, report)
        imported(1)
    else:
        report.written = derive.apply(driver, database, store, graph, batch_size, stage)
    report.lap("write", clock)
    _finish(driver, database, store, report)


def _finish(driver: neo4j.Driver, database: str, store: Store, report: LoadReport) -> None:
    """Say in the graph that the load is complete, then mark its state applied."""
    write(driver, database, "finish_load", FINISH_LOAD, load_id=report.load_id,
          status="complete", summary=report.to_json())
    store.mark_applied(report.load_id)


# Stored row columns derivation never reads (provenance and cleaning's working columns:
# a third of the rows' memory at 1 M); the record nodes read them from the files.
NOT_DERIVED = ("content_hash", "load_id", "file", "line", "flags")
NOT_DERIVED_SUFFIXES = ("_status", "_raw", "_initials", "_partial", "_mismatch")


class StoredRows(Mapping[str, pl.DataFrame]):
    """The stored rows of each feed as derivation reads them (without what only a record
    node shows, :data:`NOT_DERIVED`), read from the store's file each time a step asks:
    derivation never holds every feed at once (at 1 M persons the rows are 6.6 M, and a
    feed is read again in well under a second)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._feeds = tuple(store.feeds())

    def __getitem__(self, feed: str) -> pl.DataFrame:
        if feed not in self._feeds:
            raise KeyError(feed)
        scan = self._store.scan_rows(feed)
        return scan.select(c for c in scan.collect_schema().names()
                           if c not in NOT_DERIVED
                           and not c.endswith(NOT_DERIVED_SUFFIXES)).collect()

    def __contains__(self, feed: object) -> bool:
        return feed in self._feeds

    def __iter__(self) -> Iterator[str]:
        return iter(self._feeds)

    def __len__(self) -> int:
        return len(self._feeds)


def derive_state(store: Store, resolution: Resolution, load_id: str,
                 rulings: Rulings) -> derive.GraphState:
    """The graph state from the stored rows (:class:`StoredRows`), the mentions fusion
    read (only the columns derivation needs) and its answer; the record nodes stay plans
    over the stored files."""
    rows = StoredRows(store)
    # Handed over, not kept here: derive frees the names and numbers once it has used them.
    return derive.graph_state(rows, pl.read_parquet(store.root / "fusion" / "mentions.parquet",
                                                    columns=list(derive.DERIVE_COLUMNS)),
                              resolution, load_id, rulings,
                              stored={feed: store.scan_rows(feed) for feed in rows})


class FusionProgress:
    """The fusion worker's progress events as stages of the load's progress: each step
    of the resolver a one-step stage (done when the next starts), each Spark stage a
    stage of its tasks, and a line for tasks that failed (Spark runs them again)."""

    def __init__(self, stage: Stage) -> None:
        self._stage = stage
        self._step: Callable[[int], None] | None = None
        self._spark: dict[int, tuple[Callable[[int], None], int, int]] = {}

    def __call__(self, event: dict[str, Any]) -> None:
        """One event of the worker (:mod:`ingest.fusion.child_process`)."""
        if "spark_stage" in event:
            self._spark_stage(event)
        elif "step" in event:
            self.close()
            self._step = self._stage(f"fusion: {event['step']}", 1)

    def _spark_stage(self, event: dict[str, Any]) -> None:
        number, tasks = int(event["spark_stage"]), int(event["tasks"])
        name = f"spark {event['step']}: stage {number}"
        if number not in self._spark:
            job = event.get("job")
            self._spark[number] = (
                self._stage(name + ("" if job is None else f" (job {job})"), tasks), 0, 0)
        advance, done, failed = self._spark[number]
        now = tasks if not event["active"] else min(int(event["done"]), tasks)
        if int(event["failed"]) > failed:
            lost = int(event["failed"]) - failed
            self._stage(f"{name}: {lost} task(s) failed, run again", 1)(1)
        if now > done:
            advance(now - done)
        self._spark[number] = (advance, max(done, now), max(failed, int(event["failed"])))

    def close(self) -> None:
        """End the step running (the worker has finished it)."""
        if self._step is not None:
            self._step(1)
            self._step = None


# The store's pieces of state that hold fusion's trained model.
MODEL_WEIGHTS, MODEL_NAMES = "model_weights", "model_names"


def model_frames(store: Store) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The frames of the model the store kept (weights, names), or None."""
    weights, names = store.state(MODEL_WEIGHTS), store.state(MODEL_NAMES)
    return None if weights is None or names is None else (weights, names)


def kept_model(frames: tuple[pl.DataFrame, pl.DataFrame] | None,
               mentions: int) -> Model | None:
    """The model the store kept (its ``frames``: :func:`model_frames`), or None when
    fusion must train one: none was kept, it no longer fits the comparisons, or the
    mentions grew by ``RETRAIN_GROWTH`` since."""
    if frames is None:
        return None
    model = Model.from_frames(*frames)
    if model is None or mentions >= RETRAIN_GROWTH * model.mentions:
        return None
    return model


# Rows made into mentions at once (a bloodline row has two): the largest feed's mentions
# in one frame, with their copy for sorting, were 9.8 GiB at 2 M persons.
MENTION_CHUNK_ROWS = 1_000_000
# Beside fusion's columns, each mention carries a hash of its row's content hash, so that
# a later load can tell which rows the mentions file was made from (refresh_mentions).
ROW_HASH = "row_hash"
ROW_HASH_SEED = 41
# Past this share of stored rows new, changed or gone, the file is made again whole.
REFRESH_SHARE = 0.25


def mention_parts(store: Store, chunk_rows: int = MENTION_CHUNK_ROWS,
                  only: pl.DataFrame | None = None) -> Iterator[pl.DataFrame]:
    """Every stored row's person mentions, with the columns fusion and derivation read
    and :data:`ROW_HASH`, ``chunk_rows`` rows at a time, each part sorted by mention id;
    with ``only`` (``key``: record keys), the mentions of those rows alone.

    A feed's rows are taken in the order of ``record key|``, the prefix every mention id
    of the row starts with, so the parts follow one another in mention id order (a
    mention id starts with its feed, then its row's key: feeds and rows never
    interleave). :func:`ingest.fusion.child_process.write_mentions` writes them into
    one file in that order, the order fusion numbers mentions in: the worker uses the
    frame as it reads it, and the province's mentions are never in memory at once in
    this process.
    """
    for feed in store.feeds():
        scan = store.scan_rows(feed)
        if only is not None:
            scan = scan.filter(record_key().is_in(only["key"].implode()))
        rows = scan.collect()
        order = rows.select(pl.concat_str(record_key(), pl.lit("|")).arg_sort()).to_series()
        for start in range(0, rows.height, chunk_rows):
            chunk = rows.select(pl.all().gather(order.slice(start, chunk_rows)))
            hashes = chunk.select(record_key().alias("_k"), _row_hash())
            clean = CleanFeed(_stored_file(feed), FEEDS[feed], chunk, quarantine.empty())
            del chunk
            yield (to_mentions(clean).select(RESOLVER_COLUMNS)
                   .with_columns(record_of(pl.col("mention_id")).alias("_k"))
                   .join(hashes, on="_k", how="left", maintain_order="left").drop("_k")
                   .sort("mention_id"))
        del rows, order


def _row_hash() -> pl.Expr:
    return pl.col("content_hash").hash(ROW_HASH_SEED).alias(ROW_HASH)


def refresh_mentions(store: Store, folder: Path) -> int:
    """Make ``folder``'s mentions file hold every stored row's mentions; returns how many.

    Mentions are a function of their row alone (``to_mentions``), so a file made by an
    earlier load keeps the mentions of every row stored as it was then (the same record
    key and :data:`ROW_HASH`): only the rows new or changed since are made into
    mentions, the mentions of rows changed or gone are dropped, and the two are merged in
    mention id order as the file is streamed to its new version (at 1 M persons a 1 %
    correction makes 65,674 rows' mentions instead of 6.6 M rows'). A file without row
    hashes (an older version), or one that more than :data:`REFRESH_SHARE` of the rows
    changed, is made again whole; either way the file is the one a whole remake gives.
    """
    path = folder / "mentions.parquet"
    if not path.exists() or ROW_HASH not in pl.scan_parquet(path).collect_schema():
        return child_process.write_mentions(folder, mention_parts(store))
    made = (pl.scan_parquet(path).select(record_of(pl.col("mention_id")).alias("key"), ROW_HASH)
            .unique().collect(engine="streaming"))
    stored = pl.concat([store.scan_rows(feed).select(record_key().alias("key"), _row_hash())
                        for feed in store.feeds()]).collect(engine="streaming")
    fresh = stored.join(made, on=["key", ROW_HASH], how="anti").select("key")
    gone = made.join(stored, on=["key", ROW_HASH], how="anti").select("key").unique()
    del made
    if fresh.height + gone.height > REFRESH_SHARE * max(stored.height, 1):
        return child_process.write_mentions(folder, mention_parts(store))
    del stored
    if fresh.height == 0 and gone.height == 0:  # made from these very rows
        return int(pl.scan_parquet(path).select(pl.len()).collect().item())
    kept = pl.scan_parquet(path).filter(
        ~record_of(pl.col("mention_id")).is_in(gone["key"].implode()))
    new = pl.concat(list(mention_parts(store, only=fresh)) or
                    [kept.clear().collect()]).sort("mention_id")
    with atomic.replace(path) as temporary:
        kept.merge_sorted(new.lazy(), key="mention_id").sink_parquet(temporary)
    return int(pl.scan_parquet(path).select(pl.len()).collect().item())


def _bulk_apply(driver: neo4j.Driver, database: str, store: Store, graph: derive.GraphState,
                bulk: BulkImport, report: LoadReport) -> dict[str, int]:
    """Build the whole graph offline, then the schema; the :Load node is written again,
    and so are the killed loads' (the import replaces the graph they were in)."""
    nodes, rels = bulkload.node_sets(graph), bulkload.relationship_sets(graph)
    killed = read(driver, database, "killed_loads", KILLED_LOADS, load_id=report.load_id)
    imported = bulk(nodes, rels)
    report.seconds["bulk_import"] = imported.seconds
    report.admin_peak_gib = imported.admin_peak_gib
    forget_bookmarks(driver, database)  # the old store's transaction ids mean nothing now
    clock = time.perf_counter()
    schema.apply(driver, database)
    report.seconds["schema"] = time.perf_counter() - clock
    write(driver, database, "start_load", START_LOAD, load_id=report.load_id, drop=report.drop)
    if killed:
        write(driver, database, "keep_killed_loads", KEEP_KILLED_LOADS,
              loads=[dict(r["load"]) for r in killed])
    derive.save(store, graph)
    written: dict[str, int] = {}
    for name, size in [(":".join(n.labels), _height(n.frame)) for n in nodes] + \
            [(r.type, r.frame.height) for r in rels]:
        written[name] = written.get(name, 0) + size
    return written


def _height(frame: pl.DataFrame | pl.LazyFrame) -> int:
    if isinstance(frame, pl.LazyFrame):
        return int(frame.select(pl.len()).collect().item())
    return frame.height


def _stored_file(feed: str) -> FeedFile:
    return FeedFile(Path(f"{feed}.store"), feed, "parquet")


def _check_store(driver: neo4j.Driver, database: str, store: Store) -> None:
    last = store.last_load()
    if last is None:
        return
    found = read(driver, database, "load_exists", LOAD_EXISTS, load_id=last)
    if found[0]["n"] == 0:
        store.forget_state()


def _decisions(driver: neo4j.Driver, database: str) -> Decisions:
    """Officers' decisions, the latest one per pair of mentions winning.

    Pairs keep their orientation: in an unmerge's ``cannot_link`` the left mention is
    the one split off.
    """
    latest: dict[frozenset[str], tuple[str, str, str]] = {}
    for kind, left, right in review.decisions(driver, database):
        latest[frozenset((left, right))] = (kind, left, right)
    link = tuple(sorted((a, b) for kind, a, b in latest.values() if kind == "must_link"))
    apart = tuple(sorted((a, b) for kind, a, b in latest.values() if kind == "cannot_link"))
    return Decisions(must_link=link, cannot_link=apart)


def _write_quarantine(quarantined: list[pl.DataFrame], store: Store,
                      report: LoadReport) -> None:
    held = [q for q in quarantined if q.height]
    folder = store.load_folder(report.load_id)
    frame = pl.concat(held) if held else quarantine.empty()
    quarantine.write_quarantine(frame, folder / "quarantine.parquet")
    atomic.write_text(folder / "report.json", report.to_json())


MENTION_TABLE_SCHEMA = pl.Schema({
    "feed": pl.String(), "source": pl.String(), "record_id": pl.String(),
    "role": pl.String(), "pid": pl.String(), "quarantine_reason": pl.String(),
    "file": pl.String(), "line": pl.Int64(),
})


def _row_places(store: Store) -> pl.DataFrame:
    """The file and line each stored row (its latest version) was read from."""
    parts = [rows.select(record_key().alias("record"), "file", "line")
             for feed in store.feeds() if (rows := store.rows(feed)) is not None]
    if not parts:
        return pl.DataFrame(schema={"record": pl.String, "file": pl.String, "line": pl.Int64})
    return pl.concat(parts)


def mention_table(store: Store) -> pl.DataFrame:
    """Where every loaded row went, with the file and line it was read from.

    One row per person mention of the applied state, with its pid (file and line of
    the row's latest version), plus one row per quarantined row of every load with its
    reason (and no role or pid); columns ``MENTION_TABLE_SCHEMA``.
    """
    state = store.state("assignments")
    parts = []
    if state is not None:
        placed = state.join(_row_places(store), on="record", how="left")
        parts.append(placed.select(
            pl.col("record").str.split("|").list.get(0).alias("feed"),
            pl.col("record").str.split("|").list.get(1).alias("source"),
            pl.col("record").str.splitn("|", 3).struct.field("field_2").alias("record_id"),
            "role", "pid", pl.lit(None, pl.String).alias("quarantine_reason"),
            "file", "line"))
    for load_id in store.load_ids():
        q = store.quarantine(load_id)
        if q is None:
            continue
        parts.append(q.select("feed", "source", "record_id", pl.lit(None, pl.String)
                              .alias("role"), pl.lit(None, pl.String).alias("pid"),
                              pl.col("reason").alias("quarantine_reason"), "file", "line"))
    if not parts:
        return pl.DataFrame(schema=MENTION_TABLE_SCHEMA)
    return pl.concat([p.cast(MENTION_TABLE_SCHEMA) for p in parts])
