"""Fusion's executor on Apache Spark (issue 15): ``kingraph ingest DIR --engine spark``.

The driver lives in the fusion worker (:mod:`ingest.fusion.child_process`), which runs
:func:`ingest.fusion.resolution.resolve` as always; this executor runs its three heavy
steps (:mod:`ingest.fusion.executors`) on Spark:

1. **candidate pairs**: the long keys of the same blocking rules
   (:func:`~ingest.fusion.blocking.blocking_keys`) are read by Spark and joined by the
   same text as DuckDB's, :data:`~ingest.fusion.blocking.PAIRS_SQL` and
   :data:`~ingest.fusion.blocking.STATS_SQL` (Spark SQL with double-quoted identifiers);
2. **pieces**: min-label propagation over the LINK-grade edges, with pointer jumping
   (each node takes the smallest label among its own and its neighbours', then its
   label's label), a join per round until no label moves; each round is checkpointed
   to the work folder, so a lost executor recomputes from the last round, not from the
   start.  A label only ever falls, stays inside its component, and the component's
   smallest entity never moves: at the fixed point every entity holds its component's
   smallest entity, as :func:`ingest.fusion.pieces.pieces` defines a piece;
3. **the batches of pieces**: one frame of the five inputs (a ``part`` column says
   which), ``groupBy("batch").applyInArrow`` over :func:`resolve_arrow`, which calls the
   very same :func:`~ingest.fusion.executors.resolve_batch` as the local engine (polars
   inside).

Files pass between the driver and Spark as parquet under the work folder: on a
cluster of several hosts it must be a path every host sees (a shared file system).
Spark's stages are reported while they run (:class:`Watch`, polling Spark's
status tracker).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pyarrow as pa

from ingest.fusion.blocking import (
    PAIRS_SQL,
    STATS_SQL,
    BlockingRule,
    BlockStats,
    block_stats,
    blocking_keys,
    rule_limits,
)
from ingest.fusion.executors import (
    ASSIGNED_SCHEMA,
    BATCH_SCHEMAS,
    VETOED_SCHEMA,
    Engine,
    Event,
    Resolved,
    empty_resolved,
    resolve_batch,
)
from ingest.fusion.lifetimes import LifeBounds
from ingest.fusion.pieces import REFUSED_SCHEMA, PieceLimits

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# What a group of pieces gives back, as one frame: ``part`` says which of the three
# answers a row belongs to (assigned, refused, vetoed).
OUT_SCHEMA = {"part": pl.String, "entity": pl.Int64, "person": pl.Int64, "left": pl.Int64,
              "right": pl.Int64, "weight": pl.Float64, "piece": pl.Int64, "reason": pl.String,
              "n": pl.Int64}
OUT_DDL = ("part string, entity bigint, person bigint, `left` bigint, `right` bigint, "
           "weight double, piece bigint, reason string, n bigint")
OUT_ARROW = pa.schema([("part", pa.string()), ("entity", pa.int64()), ("person", pa.int64()),
                       ("left", pa.int64()), ("right", pa.int64()), ("weight", pa.float64()),
                       ("piece", pa.int64()), ("reason", pa.string()), ("n", pa.int64())])
ANSWERS: dict[str, dict[str, Any]] = {
    "assigned": ASSIGNED_SCHEMA, "refused": REFUSED_SCHEMA, "vetoed": VETOED_SCHEMA}
POLL_SECONDS = 1.0


def session(engine: Engine, work: Path) -> SparkSession:
    """A Spark session on ``engine.spark_master`` whose Python workers run this
    interpreter (the project installed in it), with its scratch under ``work``."""
    from pyspark.sql import SparkSession

    # The Python workers' interpreter: read by the SparkContext from the environment
    # (the spark.pyspark.python setting is read by spark-submit alone).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    builder: Any = SparkSession.builder
    spark: SparkSession = (builder.master(engine.spark_master).appName("kingraph-fusion")
            .config("spark.pyspark.python", sys.executable)
            .config("spark.pyspark.driver.python", sys.executable)
            .config("spark.driver.memory", engine.spark_driver_memory)
            .config("spark.local.dir", str(work / "spark-local"))
            .config("spark.sql.shuffle.partitions", str(engine.spark_partitions))
            .config("spark.default.parallelism", str(engine.spark_partitions))
            # PAIRS_SQL quotes its column names as standard SQL does.
            .config("spark.sql.ansi.enabled", "true")
            .config("spark.sql.ansi.doubleQuotedIdentifiers", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate())
    return spark


class Watch:
    """Spark's stages as progress events: a thread polls the status tracker every
    ``every`` seconds and reports each stage's tasks done while it runs, and once more
    when it ends (``active`` false), labelled with the fusion step that started it."""

    def __init__(self, spark: SparkSession, event: Event, every: float = POLL_SECONDS) -> None:
        self._context = spark.sparkContext
        self._event = event
        self._every = every
        self.step = "spark"
        self._stop = threading.Event()
        self._seen: dict[int, tuple[int, int, str]] = {}  # stage: (done, failed, step)
        self._job: dict[int, int] = {}  # stage: its job
        self._active: set[int] = set()
        self._thread = threading.Thread(target=self._run, name="spark-progress", daemon=True)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.poll()

    def poll(self) -> None:
        """Report the stages that moved since the last poll, and those that ended."""
        tracker = self._context.statusTracker()
        active = set(tracker.getActiveStageIds())
        for job in tracker.getActiveJobsIds():
            job_info = tracker.getJobInfo(job)
            for stage in job_info.stageIds if job_info else ():
                self._job.setdefault(stage, job)
        for stage in sorted(active | (self._active - active)):
            info = tracker.getStageInfo(stage)
            if info is None:
                continue
            running = stage in active
            step = self._seen.get(stage, (0, 0, self.step))[2]
            moved = (info.numCompletedTasks, info.numFailedTasks, step)
            if self._seen.get(stage) == moved and running:
                continue
            self._seen[stage] = moved
            self._event({"spark_stage": stage, "job": self._job.get(stage), "step": step,
                         "tasks": info.numTasks, "done": info.numCompletedTasks,
                         "failed": info.numFailedTasks, "active": running})
        self._active = active


@dataclass
class SparkExecutor:
    """Fusion's heavy steps on a Spark session (see the module docstring)."""

    spark: SparkSession
    engine: Engine
    watch: Watch | None = None
    name: str = "spark"

    def candidate_pairs(self, entities: pl.DataFrame, rules: tuple[BlockingRule, ...], *,
                        folder: Path, memory: str
                        ) -> tuple[pl.DataFrame, list[BlockStats]]:
        """:data:`PAIRS_SQL` and :data:`STATS_SQL` in Spark SQL over the long keys
        (``memory`` is DuckDB's: Spark's executors have their own)."""
        self._step("candidate pairs")
        keys = folder / "keys.parquet"
        blocking_keys(entities, rules).write_parquet(keys)
        self.spark.read.parquet(keys.as_uri()).createOrReplaceTempView("keys")
        limits = rule_limits(rules)
        self.spark.createDataFrame(limits.rows(), "rule int, max_block int"
                                   ).createOrReplaceTempView("limits")
        per_rule = {int(r): (p, s) for r, p, s in self.spark.sql(STATS_SQL).collect()}
        out = folder / "pairs"
        self.spark.sql(PAIRS_SQL).write.parquet(out.as_uri())
        pairs = _read(out, {"left": pl.UInt32, "right": pl.UInt32})
        keys.unlink()
        return pairs.sort("left", "right"), block_stats(rules, per_rule)

    def pieces(self, n: int, left: np.ndarray, right: np.ndarray, *,
               folder: Path) -> np.ndarray:
        """Min-label propagation with pointer jumping, one checkpointed join per round."""
        from pyspark.sql import functions as F  # noqa: N812

        self._step("pieces")
        edges_file = folder / "edges.parquet"
        pl.DataFrame({"a": left.astype(np.int64), "b": right.astype(np.int64)}
                     ).write_parquet(edges_file)
        self.spark.sparkContext.setCheckpointDir((folder / "checkpoints").as_uri())
        raw = self.spark.read.parquet(edges_file.as_uri()).filter(F.col("a") != F.col("b"))
        edges = raw.unionByName(raw.select(F.col("b").alias("a"), F.col("a").alias("b"))
                                ).distinct().checkpoint()
        labels: DataFrame = (edges.groupBy("a").agg(F.min("b").alias("m"))
                             .select(F.col("a").alias("node"),
                                     F.least("a", "m").alias("label")).checkpoint())
        while True:
            seen = labels.select(F.col("node").alias("b"), F.col("label").alias("seen"))
            proposed = (edges.join(seen, "b").groupBy("a").agg(F.min("seen").alias("p"))
                        .withColumnRenamed("a", "node"))
            stepped = labels.join(proposed, "node").select(
                "node", F.least("label", "p").alias("label")).cache()
            up = stepped.select(F.col("node").alias("label"), F.col("label").alias("up"))
            jumped = (stepped.join(up, "label", "left")
                      .select("node", F.least("label", F.coalesce("up", "label"))
                              .alias("label")).checkpoint())
            stepped.unpersist()
            moved = (jumped.alias("new").join(labels.alias("old"), "node")
                     .filter(F.col("new.label") != F.col("old.label")).limit(1).count())
            labels = jumped
            if moved == 0:
                break
        out = folder / "labels"
        labels.write.parquet(out.as_uri())
        found = _read(out, {"node": pl.Int64, "label": pl.Int64})
        piece = np.arange(n, dtype=np.uint32)
        piece[found["node"].to_numpy()] = found["label"].to_numpy().astype(np.uint32)
        edges_file.unlink()
        return piece

    def batch_bytes(self, limits: PieceLimits) -> int:
        """``KINGRAPH_SPARK_BATCH_MIB``: many groups, so the executors share them."""
        return min(limits.batch_bytes, self.engine.spark_batch_mib * 2**20)

    def resolve_batches(self, inputs: dict[str, pl.DataFrame], bounds: LifeBounds, *,
                        folder: Path) -> Resolved:
        """``groupBy("batch").applyInArrow`` over :func:`resolve_arrow`."""
        self._step("clustering")
        packed = pl.concat([
            frame.select(pl.col("batch").cast(pl.Int64),
                         *[pl.col(c).cast(t) for c, t in BATCH_SCHEMAS[name].items()])
            .with_columns(pl.lit(name).alias("part"))
            for name, frame in inputs.items()], how="diagonal_relaxed")
        if packed.height == 0:
            return empty_resolved()
        packed_file = folder / "batches-in.parquet"
        packed.write_parquet(packed_file)
        del packed
        out = folder / "batches-out"

        def resolve_group(table: pa.Table) -> pa.Table:  # pickled with ``bounds``
            return resolve_arrow(table, bounds)

        (self.spark.read.parquet(packed_file.as_uri()).groupBy("batch")
         .applyInArrow(resolve_group, OUT_DDL).write.parquet(out.as_uri()))
        answer = _read(out, OUT_SCHEMA)
        packed_file.unlink()
        assigned, refused, vetoed = (
            answer.filter(pl.col("part") == part).select(
                [pl.col(c).cast(t) for c, t in schema.items()])
            for part, schema in ANSWERS.items())
        return assigned, refused, vetoed

    def _step(self, name: str) -> None:
        if self.watch is not None:
            self.watch.step = name
        self.spark.sparkContext.setJobDescription(f"kingraph fusion: {name}")


def resolve_arrow(table: pa.Table, bounds: LifeBounds) -> pa.Table:
    """One group of pieces (the packed inputs, ``part`` naming each row's input) through
    :func:`~ingest.fusion.executors.resolve_batch`; the answers packed the same way."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frames = {str(key[0]): part for key, part in
              frame.partition_by("part", as_dict=True).items()}
    answers = resolve_batch(frames, bounds)
    out = pl.concat([answer.with_columns(pl.lit(part).alias("part"))
                     for part, answer in zip(ANSWERS, answers, strict=True)],
                    how="diagonal_relaxed")
    out = out.select([pl.col(c).cast(t) if c in out.columns else pl.lit(None, t).alias(c)
                      for c, t in OUT_SCHEMA.items()])
    return out.to_arrow().cast(OUT_ARROW)


def _read(folder: Path, schema: dict[str, Any]) -> pl.DataFrame:
    """What Spark wrote to ``folder`` (its part files), in ``schema``'s types."""
    files = sorted(folder.glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=schema)
    frame = pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


@contextmanager
def spark_executor(engine: Engine, work: Path, event: Event | None = None
                   ) -> Iterator[SparkExecutor]:
    """A Spark session for ``engine`` and its executor, its stages reported to
    ``event``; stopped at the end."""
    work.mkdir(parents=True, exist_ok=True)
    spark = session(engine, work)
    spark.sparkContext.setLogLevel("ERROR")
    try:
        if event is None:
            yield SparkExecutor(spark, engine)
            return
        with Watch(spark, event) as watch:
            yield SparkExecutor(spark, engine, watch)
    finally:
        spark.stop()
