"""Where fusion's heavy steps run: one resolver, two executors (issue 15).

:func:`ingest.fusion.resolution.resolve` decides everything; an :class:`Executor` runs
only the three steps whose cost grows with the province, each over frames that
:mod:`~ingest.fusion.resolution` prepared and whose answer it reads back:

1. **candidate pairs**: the long blocking keys (:func:`~ingest.fusion.blocking.
   blocking_keys`, from the same :data:`~ingest.fusion.blocking.BLOCKING_RULES`) joined
   into pairs by the one query :data:`~ingest.fusion.blocking.PAIRS_SQL`;
2. **pieces**: the connected components of the LINK-grade edges, each named by its
   smallest entity;
3. **the batches of pieces**, each resolved by the one pure function
   :func:`~ingest.fusion.pieces.resolve_pieces` through :func:`resolve_batch`.

:class:`LocalExecutor` runs them in the fusion worker (DuckDB, scipy, a loop over the
batches spilled to parquet); ``ingest.fusion.spark.SparkExecutor`` on Apache Spark
(the same SQL, a min-label propagation join, ``groupBy("batch").applyInArrow``).
:class:`Engine` says which; :func:`ingest.fusion.child_process.open_executor` starts
and stops it in the fusion worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import polars as pl

from ingest.fusion.blocking import BlockingRule, BlockStats, candidate_pairs
from ingest.fusion.lifetimes import LifeBounds
from ingest.fusion.pieces import LINK_SCHEMA, REFUSED_SCHEMA, PieceLimits, pieces, resolve_pieces

# A progress event of the worker: a step of the resolver ({"step": name}) or a Spark
# stage ({"spark_stage": id, ...}: ingest.fusion.spark.watch).
Event = Callable[[dict[str, Any]], None]

# The piece resolver's inputs, by name, each with its columns in order (one batch's rows
# of each are passed to resolve_pieces).
BATCH_SCHEMAS: dict[str, dict[str, Any]] = {
    "ents": {"piece": pl.UInt32, "entity": pl.UInt32, "anchor": pl.String,
             "records": pl.List(pl.UInt32), "born": pl.List(pl.Int32),
             "born_n": pl.List(pl.UInt32), "wed": pl.Int32, "alive": pl.Int32,
             "died": pl.Int32},
    "links": LINK_SCHEMA,
    "kin": {"child": pl.UInt32, "parent": pl.UInt32, "mother": pl.Boolean,
            "child_piece": pl.UInt32, "parent_piece": pl.UInt32, "child_birth": pl.Int32,
            "parent_birth": pl.Int32},
    "must": {"left": pl.UInt32, "right": pl.UInt32},
    "apart": {"left": pl.UInt32, "right": pl.UInt32},
}
ASSIGNED_SCHEMA = {"entity": pl.UInt32, "person": pl.UInt32}
VETOED_SCHEMA = {"piece": pl.UInt32, "reason": pl.String, "n": pl.Int64}

# What resolving the batches gives back: ``entity, person`` of every entity in a piece,
# the links refused as impossible, and the vetoes by piece and reason.
Resolved = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]


class Executor(Protocol):
    """The steps of fusion that differ between engines; everything else is shared."""

    name: str

    def candidate_pairs(self, entities: pl.DataFrame, rules: tuple[BlockingRule, ...], *,
                        folder: Path, memory: str
                        ) -> tuple[pl.DataFrame, list[BlockStats]]:
        """Distinct ``left < right`` entity pairs (sorted) and per-rule figures, as
        :func:`ingest.fusion.blocking.candidate_pairs` defines them."""
        ...

    def pieces(self, n: int, left: np.ndarray, right: np.ndarray, *,
               folder: Path) -> np.ndarray:
        """The piece of every entity, as :func:`ingest.fusion.pieces.pieces` defines it."""
        ...

    def batch_bytes(self, limits: PieceLimits) -> int:
        """The memory budget of one batch of pieces (smaller batches spread wider)."""
        ...

    def resolve_batches(self, inputs: dict[str, pl.DataFrame], bounds: LifeBounds, *,
                        folder: Path) -> Resolved:
        """Every batch of ``inputs`` (the :data:`BATCH_SCHEMAS` frames, each with a
        ``batch`` column) through :func:`resolve_batch`."""
        ...


def resolve_batch(frames: dict[str, pl.DataFrame], bounds: LifeBounds) -> Resolved:
    """One batch's rows of each input (any extra columns, any integer widths, any row
    order) through :func:`~ingest.fusion.pieces.resolve_pieces`."""
    inputs = {}
    for name, schema in BATCH_SCHEMAS.items():
        frame = frames.get(name)
        if frame is None or frame.height == 0:
            inputs[name] = pl.DataFrame(schema=schema)
            continue
        inputs[name] = frame.select([pl.col(c).cast(t) for c, t in schema.items()])
    return resolve_pieces(inputs["ents"], inputs["links"], inputs["kin"],
                          inputs["must"].sort("left", "right"),
                          inputs["apart"].sort("left", "right"), bounds)


class LocalExecutor:
    """The fusion worker itself: DuckDB's joins within ``memory`` (spilling beyond it),
    scipy's connected components, and the batches one after another, each answer
    spilled to parquet."""

    name = "local"

    def candidate_pairs(self, entities: pl.DataFrame, rules: tuple[BlockingRule, ...], *,
                        folder: Path, memory: str
                        ) -> tuple[pl.DataFrame, list[BlockStats]]:
        """DuckDB's :func:`ingest.fusion.blocking.candidate_pairs`."""
        return candidate_pairs(entities, rules, folder=folder, memory=memory)

    def pieces(self, n: int, left: np.ndarray, right: np.ndarray, *,
               folder: Path) -> np.ndarray:
        """scipy's components (:func:`ingest.fusion.pieces.pieces`)."""
        return pieces(n, left, right)

    def batch_bytes(self, limits: PieceLimits) -> int:
        """``KINGRAPH_FUSION_BATCH_MIB``."""
        return limits.batch_bytes

    def resolve_batches(self, inputs: dict[str, pl.DataFrame], bounds: LifeBounds, *,
                        folder: Path) -> Resolved:
        """The batches in order, each answer spilled to ``folder/batches``."""
        parts = {name: frame.partition_by("batch", as_dict=True, include_key=False)
                 for name, frame in inputs.items()}
        numbers = sorted({key[0] for by_batch in parts.values() for key in by_batch})
        spill = folder / "batches"
        spill.mkdir()
        for b in numbers:
            answer = resolve_batch({name: frame for name, by_batch in parts.items()
                                    if (frame := by_batch.get((b,))) is not None}, bounds)
            for kind, frame in zip(("assigned", "refused", "vetoed"), answer, strict=True):
                frame.write_parquet(spill / f"{kind}-{b:06d}.parquet")
        del parts
        if not numbers:
            return empty_resolved()
        assigned, refused, vetoed = (pl.read_parquet(spill / f"{kind}-*.parquet")
                                     for kind in ("assigned", "refused", "vetoed"))
        return assigned, refused, vetoed


def empty_resolved() -> Resolved:
    """What resolving no piece gives."""
    return (pl.DataFrame(schema=ASSIGNED_SCHEMA), pl.DataFrame(schema=REFUSED_SCHEMA),
            pl.DataFrame(schema=VETOED_SCHEMA))


@dataclass(frozen=True)
class Engine:
    """Which executor runs fusion, and how Spark is reached.

    ``spark_master``: ``local[N]`` (Spark inside the fusion worker, N threads) or a
    cluster's ``spark://host:7077``; ``spark_driver_memory``: the driver's JVM heap (the
    fusion worker's own frames are beside it); ``spark_batch_mib``: the estimated memory
    of one group of pieces (one task of ``applyInArrow``), smaller than the local
    engine's batch so the groups spread over the executors; ``spark_partitions``: the
    partitions of each Spark shuffle.
    """

    name: Literal["local", "spark"] = "local"
    spark_master: str = "local[2]"
    spark_driver_memory: str = "2g"
    spark_batch_mib: int = 16
    spark_partitions: int = 8

    @classmethod
    def of(cls, settings: EngineSettings, name: str | None = None,
           spark_master: str | None = None) -> Engine:
        """The engine an installation's settings give (``KINGRAPH_FUSION_ENGINE``,
        ``KINGRAPH_SPARK_*``), ``name`` and ``spark_master`` overriding them."""
        engine = name or settings.fusion_engine
        if engine not in ("local", "spark"):
            raise ValueError(f"unknown fusion engine {engine!r} (local or spark)")
        return cls(name=engine, spark_master=spark_master or settings.spark_master,  # type: ignore[arg-type]
                   spark_driver_memory=settings.spark_driver_memory,
                   spark_batch_mib=settings.spark_batch_mib,
                   spark_partitions=settings.spark_partitions)


LOCAL = Engine()  # the default: the fusion worker itself


class EngineSettings(Protocol):
    """The settings an :class:`Engine` is read from (:class:`kingraph.settings.Settings`)."""

    @property
    def fusion_engine(self) -> str: ...  # noqa: D102
    @property
    def spark_master(self) -> str: ...  # noqa: D102
    @property
    def spark_driver_memory(self) -> str: ...  # noqa: D102
    @property
    def spark_batch_mib(self) -> int: ...  # noqa: D102
    @property
    def spark_partitions(self) -> int: ...  # noqa: D102
