"""Pieces whose inputs did not change keep their answer (:mod:`ingest.fusion.memo`):
fusing with an earlier run's memo gives exactly what fusing from scratch gives."""

from __future__ import annotations

import polars as pl

from ingest.fusion.resolution import Resolution
from tests.factories import fuse


def _same(a: Resolution, b: Resolution) -> None:
    assert a.assignments.sort("mention_id").equals(b.assignments.sort("mention_id"))
    assert a.reviews.sort("review_id").equals(b.reviews.sort("review_id"))
    for figure in ("vetoed", "vetoed_impossible", "persons", "pieces"):
        assert a.stats[figure] == b.stats[figure], figure


def test_the_same_mentions_again_reuse_every_piece_and_give_the_same_answer(
        drop20k: pl.DataFrame) -> None:
    first = fuse(drop20k)
    assert first.memo is not None and first.stats["pieces_reused"] == 0
    again = fuse(drop20k, memo=first.memo)
    _same(again, first)
    assert again.stats["pieces_reused"] == first.stats["pieces"] > 1000
    assert first.stats["vetoed"] > 0  # vetoes are carried with the pieces kept


def test_changed_mentions_cluster_their_pieces_again_and_equal_a_run_from_scratch(
        drop20k: pl.DataFrame) -> None:
    first = fuse(drop20k)
    # Every 97th mention loses its ID number and every 89th its birth date: anchors,
    # entities, links and pieces change around them.
    changed = drop20k.sort("mention_id").with_row_index("_i").with_columns(
        pl.when(pl.col("_i") % 97 == 0).then(None).otherwise(pl.col("id_number"))
        .alias("id_number"),
        pl.when(pl.col("_i") % 89 == 0).then(None).otherwise(pl.col("birth_date"))
        .alias("birth_date")).drop("_i")
    scratch = fuse(changed)
    kept = fuse(changed, memo=first.memo)
    _same(kept, scratch)
    assert 0 < kept.stats["pieces_reused"] < scratch.stats["pieces"]
