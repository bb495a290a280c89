"""Pieces whose inputs did not change keep their answer (issue 13: "a later drop
re-resolves only the pieces its rows touch").

Clustering a piece (:func:`ingest.fusion.pieces.resolve_pieces`) is a pure function of
its entities (their anchors, the rows they came from and their life facts), its links,
the stated kin around it (with the relatives' own birth dates) and the officers'
decisions inside it; it is the resolver's longest step at 1 M persons (80 of 185 s).
So every piece is fingerprinted on those inputs, written with *stable keys* rather than
one run's numbers: an entity is ``n:<its ID number>`` or ``m:<its one mention id>``, a
row is its record key. Entity numbers keep the order of those keys in every run
(:func:`ingest.fusion.entities.build_entities`), which is all the clustering reads of
them (ties, the smallest entity naming a person), so a piece with the fingerprint of a
piece of an earlier run has that run's answer, mapped back through the keys.

The fingerprint is two 64-bit polars hashes (seeds 1 and 2) of the sorted hashes of the
piece's input rows. A memo is kept only by the same version of the clustering code, the
same life bounds and the same polars (``version``); otherwise every piece is clustered.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass

import polars as pl

from ingest.feeds.mentions import record_of
from ingest.fusion import clusters, lifetimes, pieces
from ingest.fusion.lifetimes import LifeBounds

SEEDS = (1, 2)
FP = ["fp_a", "fp_b"]
ANSWER_SCHEMA = {"fp_a": pl.UInt64, "fp_b": pl.UInt64, "key": pl.String, "person": pl.String}
REFUSED_SCHEMA = {"fp_a": pl.UInt64, "fp_b": pl.UInt64, "left": pl.String, "right": pl.String,
                  "weight": pl.Float64, "reason": pl.String}
VETOED_SCHEMA = {"fp_a": pl.UInt64, "fp_b": pl.UInt64, "reason": pl.String, "n": pl.Int64}


def version(bounds: LifeBounds) -> str:
    """What a memo is valid for: the clustering code, the life bounds, polars' hashes."""
    source = "".join(inspect.getsource(m) for m in (clusters, lifetimes, pieces))
    text = f"{source}\n{bounds!r}\n{pl.__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Memo:
    """Every piece's answer of one run, by fingerprint (stable keys throughout)."""

    version: str
    answers: pl.DataFrame  # ANSWER_SCHEMA: entity key -> person key (its smallest entity)
    refused: pl.DataFrame  # REFUSED_SCHEMA: links refused as impossible
    vetoed: pl.DataFrame  # VETOED_SCHEMA: vetoes by reason

    @classmethod
    def empty(cls, bounds: LifeBounds) -> Memo:
        """A memo with no piece in it."""
        return cls(version(bounds), pl.DataFrame(schema=ANSWER_SCHEMA),
                   pl.DataFrame(schema=REFUSED_SCHEMA), pl.DataFrame(schema=VETOED_SCHEMA))


def entity_keys(entities: pl.DataFrame, entity_of: pl.DataFrame,
                names: pl.DataFrame) -> pl.DataFrame:
    """``entity, key``: ``n:<anchor>`` for an anchored entity, ``m:<mention id>`` for a
    loose one (a loose entity is one mention)."""
    loose = (entities.filter(pl.col("anchor").is_null()).select("entity")
             .join(entity_of, on="entity").join(names, on="mention_id")
             .select("entity", "name"))
    return (entities.select("entity", "anchor").join(loose, on="entity", how="left")
            .select("entity", pl.coalesce(pl.concat_str(pl.lit("n:"), "anchor"),
                                          pl.concat_str(pl.lit("m:"), "name")).alias("key"))
            .sort("entity"))


def record_hashes(m: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """``rec, h``: a stable hash of each row's record key (its mention ids less the role)."""
    firsts = m.select("rec", "mention_id").unique("rec").join(names, on="mention_id")
    return firsts.select("rec", record_of(pl.col("name")).hash(SEEDS[0]).alias("h"))


def fingerprints(ents: pl.DataFrame, links: pl.DataFrame, kin: pl.DataFrame,
                 must: pl.DataFrame, apart: pl.DataFrame, keys: pl.DataFrame,
                 recs: pl.DataFrame) -> pl.DataFrame:
    """``piece, fp_a, fp_b`` for every piece of ``ents`` (the frames of
    ``resolution._cluster_in_batches``: entity numbers, ``piece`` columns)."""
    key = keys["key"]

    def named(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        return frame.with_columns(key.gather(frame[c]).alias(f"{c}_key") for c in columns)

    rows = (ents.select("entity", "records").explode("records")
            .join(recs, left_on="records", right_on="rec", how="left")
            .group_by("entity").agg(pl.col("h").sort().alias("rows")))
    facts = named(ents.join(rows, on="entity", how="left"), "entity")
    parts = [
        facts.select("piece", pl.struct("entity_key", "anchor", "rows", "born", "born_n",
                                        "wed", "alive", "died").hash(SEEDS[0]).alias("h")),
        named(links, "left", "right").select(
            "piece", pl.struct("left_key", "right_key", "weight").hash(SEEDS[0]).alias("h")),
        named(must, "left", "right").select(
            "piece", pl.struct(pl.lit("must"), "left_key", "right_key").hash(SEEDS[0])
            .alias("h")),
        named(apart, "left", "right").select(
            "piece", pl.struct(pl.lit("apart"), "left_key", "right_key").hash(SEEDS[0])
            .alias("h")),
    ]
    stated = named(kin.unique(["child", "parent", "mother"]), "child", "parent")
    for end in ("child_piece", "parent_piece"):
        inside = stated.filter(pl.col(end).is_not_null())
        parts.append(inside.select(
            pl.col(end).alias("piece"),
            pl.struct("child_key", "parent_key", "mother", "child_birth", "parent_birth",
                      (pl.col("child_piece") == pl.col(end)).fill_null(False).alias("c"),
                      (pl.col("parent_piece") == pl.col(end)).fill_null(False).alias("p"))
            .hash(SEEDS[0]).alias("h")))
    every = pl.concat([p.select(pl.col("piece").cast(pl.UInt32), "h") for p in parts])
    listed = every.group_by("piece").agg(pl.col("h").sort())
    return listed.select("piece", *(pl.col("h").hash(s).alias(f) for s, f in zip(
        SEEDS, FP, strict=True)))
