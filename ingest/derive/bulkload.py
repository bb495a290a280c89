"""The graph state of a first load as node and relationship sets for the offline importer.

Same shapes as the transactional writes of :mod:`graphdb.model`, flattened: every
node set and relationship set of ``docs/architecture.md`` becomes one CSV file.
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from graphdb.bulk import NodeSet, RelSet
from graphdb.model import EPISODES, FACT_LABELS
from ingest.derive.state import GraphState, division_rows

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def _unnest(frame: Frame, column: str, prefix_clash: set[str]) -> Frame:
    dtype = frame.collect_schema()[column]
    assert isinstance(dtype, pl.Struct)
    fields = [f.name for f in dtype.fields]
    keep = [f for f in fields if f not in prefix_clash and f != "_"]
    return frame.with_columns(pl.col(column).struct.field(f) for f in keep).drop(column)


def node_sets(graph: GraphState) -> list[NodeSet]:
    """Persons, records (with fact labels), households, dwellings, employers, divisions,
    reviews."""
    sets = [NodeSet(("Person",), _unnest(graph.persons, "props", {"pid"}), "pid", "Person")]
    for feed, records in graph.records.items():
        labels = ("Record", FACT_LABELS[feed]) if feed in FACT_LABELS else ("Record",)
        flat = _unnest(records, "props", set(records.collect_schema().names()))
        sets.append(NodeSet(labels, flat, "key", "Record"))
    for rel, frame in graph.episodes.items():
        label, key = EPISODES[rel]
        targets = frame.unique("target", keep="first").select(
            pl.col("target").alias(key), "target_props")
        sets.append(NodeSet((label,), _unnest(targets, "target_props", {key}), key, label))
    sets.append(NodeSet(("Division",), _divisions(graph), "code", "Division"))
    reviews = graph.reviews.drop("pids").with_columns(
        pl.lit("open").alias("status"),
        # graphdb.schema.QUEUE_ORDER: the queue's index order
        pl.coalesce(-pl.col("weight"), pl.lit(1.0e9)).alias("queue_order"),
    ).rename({"load_id": "created_load"})
    sets.append(NodeSet(("Review",), reviews, "review_id", "Review"))
    return sets


def _divisions(graph: GraphState) -> pl.DataFrame:
    known = division_rows().drop("successor")
    used = pl.concat([f.select("division_code") for f in graph.episodes.values()]
                     ).drop_nulls().unique()
    missing = used.join(known.select(pl.col("code").alias("division_code")),
                        on="division_code", how="anti").rename({"division_code": "code"})
    return pl.concat([known, missing], how="diagonal_relaxed")


def relationship_sets(graph: GraphState) -> list[RelSet]:
    """Mentions, parent-child and marriage edges, episodes, divisions, review subjects."""
    sets = [
        RelSet("MENTIONS", graph.mentions.select(pl.col("record").alias("start"),
                                                 pl.col("pid").alias("end"), "role", "link"),
               "Record", "Person"),
        RelSet("CHILD_OF", graph.child_of.rename({"child": "start", "parent": "end"}),
               "Person", "Person"),
    ]
    if graph.married.height:
        sets.append(RelSet("MARRIED", graph.married.rename({"husband": "start",
                                                            "wife": "end"}),
                           "Person", "Person"))
    for rel, frame in graph.episodes.items():
        label, _ = EPISODES[rel]
        edges = _unnest(frame.select(pl.col("pid").alias("start"),
                                     pl.col("target").alias("end"), "record", "props"),
                        "props", {"start", "end", "record"})
        sets.append(RelSet(rel, edges, "Person", label))
        located = frame.select(pl.col("target").alias("start"),
                               pl.col("division_code").alias("end")).drop_nulls().unique()
        sets.append(RelSet("IN", located, label, "Division"))
    successors = division_rows().filter(pl.col("successor").is_not_null()).select(
        pl.col("code").alias("start"), pl.col("successor").alias("end"))
    sets.append(RelSet("SUCCEEDED_BY", successors, "Division", "Division"))
    about = (graph.reviews.select(pl.col("review_id").alias("start"), pl.col("pids").alias("end"))
             .explode("end").drop_nulls().unique())
    sets.append(RelSet("ABOUT", about, "Review", "Person"))
    return sets
