"""Fusion on Apache Spark (issue 15): the Spark executor's steps on graphs and blocks
whose answer is worked out by hand, and the whole engine, run as the CLI runs it (in the
fusion worker, Spark local[2] inside), against the local engine on a 20,000-person drop.

Needs pyspark (``make install`` installs the ``spark`` extra) and Java 17: without them
these tests fail, never skip (the suite is to prove the Spark engine in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from ingest.fusion import child_process
from ingest.fusion.blocking import BlockingRule, candidate_pairs
from ingest.fusion.child_process import open_executor
from ingest.fusion.executors import Engine
from ingest.fusion.pieces import ENTITY_BYTES, PieceLimits
from ingest.fusion.resolution import Decisions
from tests.factories import PID_KEY, fuse

# Spark local[2] with small groups of pieces (many applyInArrow tasks).
SPARK = Engine("spark", spark_master="local[2]", spark_driver_memory="1g", spark_batch_mib=1,
               spark_partitions=4)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The Spark executor in this process."""
    with open_executor(SPARK, tmp_path_factory.mktemp("spark") / "work") as executor:
        yield executor


def test_pieces_are_the_components_named_by_their_smallest_entity(
        spark: Any, tmp_path: Path) -> None:
    # A chain 9-8-7-...-1 (the smallest entity is at the far end: eight hops, more than
    # pointer jumping needs), a star 12-{10,11,13}, a self-loop on 14 and 0, 15 alone.
    left = np.array([9, 8, 7, 6, 5, 4, 3, 2, 12, 12, 13, 14], dtype=np.uint32)
    right = np.array([8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12, 14], dtype=np.uint32)
    piece = spark.pieces(16, left, right, folder=tmp_path)
    assert piece.tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10, 10, 10, 14, 15]


def test_candidate_pairs_are_the_blocks_within_their_bound(
        spark: Any, tmp_path: Path) -> None:
    # Names: a block of 3 (3 pairs), a block of 2 (1 pair), one alone (none); a second
    # rule over birth years with a bound of 2: the year shared by 3 is skipped, the year
    # shared by 2 gives the pair (3, 4) again (counted by the rule, kept once).
    entities = pl.DataFrame({
        "entity": [0, 1, 2, 3, 4, 5],
        "name_key": ["wang", "wang", "wang", "li", "li", "zhao"],
        "year": [1980, 1980, 1980, 1990, 1990, None],
    }, schema={"entity": pl.UInt32, "name_key": pl.String, "year": pl.Int32})
    rules = (BlockingRule("name", (pl.col("name_key"),)),
             BlockingRule("year", (pl.col("year"),), max_block=2))
    pairs, stats = spark.candidate_pairs(entities, rules, folder=tmp_path, memory="64MB")
    assert pairs.rows() == [(0, 1), (0, 2), (1, 2), (3, 4)]
    assert [(s.rule, s.pairs, s.skipped_blocks) for s in stats] == [("name", 4, 0),
                                                                     ("year", 1, 1)]
    duck = tmp_path / "duckdb"
    duck.mkdir()
    duck_pairs, duck_stats = candidate_pairs(entities, rules, folder=duck, memory="64MB")
    assert pairs.equals(duck_pairs) and stats == duck_stats


def test_spark_gives_exactly_the_local_engine_s_persons_and_reviews(
        drop20k: pl.DataFrame, tmp_path: Path) -> None:
    # Officers' decisions too: an item of the local run linked, and one of its persons
    # held together by a context link split.
    local = fuse(drop20k)
    item = local.reviews.row(0, named=True)
    merged = (local.assignments.filter(~pl.col("anchored")).group_by("pid")
              .agg(pl.col("mention_id").sort()).filter(pl.col("mention_id").list.len() > 1)
              .sort("pid").row(0, named=True)["mention_id"])
    decisions = Decisions(must_link=((item["left_mention"], item["right_mention"]),),
                          cannot_link=((merged[0], merged[1]),))
    limits = PieceLimits(batch_bytes=2**40)
    local = fuse(drop20k, decisions=decisions, limits=limits)
    key = tmp_path / "pid.key"
    key.write_bytes(PID_KEY)
    events: list[dict[str, Any]] = []
    child_process.write_inputs(tmp_path / "fusion", drop20k, decisions, limits, SPARK)
    spark = child_process.run(tmp_path / "fusion", key, events.append)

    assert spark.assignments.sort("mention_id").equals(local.assignments.sort("mention_id"))
    assert spark.reviews.sort("review_id").equals(local.reviews.sort("review_id"))
    assert spark.blocks == local.blocks
    # The decisions were applied: both mentions in one person, the two split apart.
    pid = dict(spark.assignments.select("mention_id", "pid").iter_rows())
    assert pid[item["left_mention"]] == pid[item["right_mention"]]
    assert pid[merged[0]] != pid[merged[1]]
    # The drop has choices in it, spread over many groups of pieces: one group of the
    # local engine's 2**40 bytes; on Spark groups of 1 MiB, and a piece holds two
    # entities at least (ENTITY_BYTES each), so there are at least this many groups.
    assert local.stats["batches"] == 1
    assert spark.stats["batches"] >= 2 * spark.stats["pieces"] * ENTITY_BYTES // 2**20 > 10
    assert spark.stats["vetoed"] > 0 and spark.reviews.height > 50
    # Spark's stages were reported while they ran, under the resolver's steps.
    steps = [e["step"] for e in events if "spark_stage" not in e]
    assert steps[:3] == ["starting Spark (local[2])", "anchoring on ID numbers",
                         "estimating weights"]
    spark_steps = {e["step"] for e in events if "spark_stage" in e}
    assert spark_steps == {"candidate pairs", "pieces", "clustering"}
    ended = [e for e in events if "spark_stage" in e and not e["active"]]
    assert ended and all(e["done"] == e["tasks"] for e in ended)
