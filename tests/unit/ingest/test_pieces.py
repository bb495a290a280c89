"""Fusion in independent pieces (issue 13): components, splits for size, batches.

The equality test is the issue's: a budget that forces many batches gives exactly the
single-batch persons, pids and review items on a 20,000-person synthetic drop.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from ingest.fusion.context import batch_bounds
from ingest.fusion.pieces import (
    ENTITY_BYTES,
    PIECE_SPLIT,
    SPLIT_STEP,
    PieceLimits,
    batches,
    pieces,
    split_large,
)
from ingest.fusion.resolution import Thresholds
from tests.factories import fuse

LINKS = {"left": pl.UInt32, "right": pl.UInt32, "weight": pl.Float64}
PAIRS = {"left": pl.UInt32, "right": pl.UInt32}


def _links(rows: list[tuple[int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=LINKS, orient="row")


def test_a_piece_is_a_component_named_by_its_smallest_entity() -> None:
    # 0-3-5 and 2-4 are linked; 1 and 6 are alone.
    piece = pieces(7, np.array([3, 4, 5]), np.array([0, 2, 3]))
    assert piece.tolist() == [0, 1, 2, 0, 2, 0, 6]


def test_a_piece_above_the_bound_is_split_by_a_stricter_threshold_and_reported() -> None:
    # A chain 0-1-2-3-4-5 of six entities; its middle link is the weakest (17 bits), so
    # raising the threshold of 16 by one step (to 18) cuts it into 0-1-2 and 3-4-5.
    links = _links([(0, 1, 30.0), (1, 2, 25.0), (2, 3, 17.0), (3, 4, 25.0), (4, 5, 30.0),
                    (6, 7, 20.0)])
    piece = pieces(8, links["left"].to_numpy(), links["right"].to_numpy())
    assert piece.tolist() == [0, 0, 0, 0, 0, 0, 6, 6]
    empty = pl.DataFrame(schema=PAIRS)
    new, kept, left_out, splits = split_large(piece, links, empty, 3, 16.0)
    assert new.tolist() == [0, 0, 0, 3, 3, 3, 6, 6]
    assert left_out.select("left", "right").rows() == [(2, 3)]
    assert kept.height == 5
    assert len(splits) == 1
    split = splits[0]
    assert (split.entities, split.parts, split.largest, split.links_left_out) == (6, 2, 3, 1)
    assert split.rule == f"link weight >= {16.0 + SPLIT_STEP:g}"


def test_an_officers_link_is_never_left_out_by_a_split() -> None:
    # The same chain, but an officer linked 2 and 3: the rule rises past 17 and 25 bits
    # (at 18, 20, 22 and 24 the officer's link still holds 0..5 together) to 26, where
    # only 0-1, 2-3 (the officer's) and 4-5 are left.
    links = _links([(0, 1, 30.0), (1, 2, 25.0), (2, 3, 17.0), (3, 4, 25.0), (4, 5, 30.0)])
    must = pl.DataFrame([(2, 3)], schema=PAIRS, orient="row")
    piece = pieces(6, np.array([0, 1, 2, 3, 4, 2]), np.array([1, 2, 3, 4, 5, 3]))
    new, _, left_out, splits = split_large(piece, links, must, 3, 16.0)
    assert new.tolist() == [0, 0, 2, 2, 4, 4]
    assert splits[0].rule == "link weight >= 26"
    assert sorted(left_out.select("left", "right").rows()) == [(1, 2), (2, 3), (3, 4)]


def test_a_piece_officers_hold_together_stays_whole_and_is_reported() -> None:
    # Officers linked 0-1-2-3: no threshold can cut four entities below a bound of 3, so
    # the rule rises until no scored link is left and the piece is kept whole, reported.
    links = _links([(3, 4, 20.0)])
    must = pl.DataFrame([(0, 1), (1, 2), (2, 3)], schema=PAIRS, orient="row")
    piece = pieces(5, np.array([3, 0, 1, 2]), np.array([4, 1, 2, 3]))
    new, kept, left_out, splits = split_large(piece, links, must, 3, 16.0)
    assert new.tolist() == [0, 0, 0, 0, 4]
    assert (splits[0].entities, splits[0].parts, splits[0].largest) == (5, 2, 4)
    assert kept.height == 0 and left_out.rows() == [(3, 4, 20.0)]


def test_batches_pack_whole_pieces_in_order_within_the_budget() -> None:
    # Pieces 0 (3 entities), 3 (2) and 5 (4); a budget of 5 entities: 0+3 fit (5), 5 opens
    # a new batch.
    piece = np.array([0, 0, 0, 3, 3, 5, 5, 5, 5], dtype=np.uint32)
    per_piece = pl.DataFrame(schema={"piece": pl.UInt32, "links": pl.UInt32})
    out = batches(piece, np.arange(9), per_piece, 5 * ENTITY_BYTES)
    assert out.rows() == [(0, 0), (3, 0), (5, 1)]
    # A piece larger than the budget gets a batch of its own.
    out = batches(piece, np.arange(9), per_piece, 2 * ENTITY_BYTES)
    assert out.rows() == [(0, 0), (3, 1), (5, 2)]


def test_many_batches_give_exactly_the_single_batch_persons_and_reviews(
        drop20k: pl.DataFrame) -> None:
    whole = fuse(drop20k, limits=PieceLimits(batch_bytes=2**40))
    # A budget of 40 entities a batch: a hundred batches and more.
    parted = fuse(drop20k, limits=PieceLimits(batch_bytes=40 * ENTITY_BYTES))
    assert whole.stats["batches"] == 1
    assert parted.stats["batches"] > 100
    assert parted.stats["pieces"] == whole.stats["pieces"] > 1000
    assert parted.assignments.sort("mention_id").equals(whole.assignments.sort("mention_id"))
    assert parted.reviews.sort("review_id").equals(whole.reviews.sort("review_id"))
    # The drop has choices in it: refusals and possible matches, across many batches.
    assert whole.stats["vetoed"] > 0
    assert whole.reviews.height > 50


@pytest.mark.parametrize("limits", [PieceLimits(context_batch=97),
                                    PieceLimits(context_pairs=2_000)],
                         ids=["97 loose mentions a batch", "2,000 group candidates a batch"])
def test_context_links_built_a_few_loose_mentions_at_a_time_give_the_same_answer(
        drop20k: pl.DataFrame, limits: PieceLimits) -> None:
    whole = fuse(drop20k)
    parted = fuse(drop20k, limits=limits)
    assert whole.stats["context_links"] > 100
    assert parted.stats["context_links"] == whole.stats["context_links"]
    assert parted.assignments.sort("mention_id").equals(whole.assignments.sort("mention_id"))
    assert parted.reviews.sort("review_id").equals(whole.reviews.sort("review_id"))


def test_a_piece_split_for_size_is_reported_and_loses_no_mention(
        drop20k: pl.DataFrame) -> None:
    whole = fuse(drop20k)
    bound = max(2, whole.stats["largest_piece"] - 1)
    split = fuse(drop20k, limits=PieceLimits(max_piece=bound))
    assert split.stats["pieces_split"] == len(split.splits) >= 1
    assert all(s.entities > bound and s.rule.startswith("link weight >= ")
               for s in split.splits)
    assert split.assignments["mention_id"].sort().equals(
        whole.assignments["mention_id"].sort())
    # A link left out that did not end inside one person is an item for an officer.
    left_out = split.stats["links_left_out_by_splits"]
    assert left_out == sum(s.links_left_out for s in split.splits) > 0
    assert (split.reviews["reason"] == PIECE_SPLIT).sum() >= 1
    assert split.stats["largest_piece"] <= max(bound, max(s.largest for s in split.splits))


def test_a_higher_link_threshold_makes_no_larger_pieces(drop20k: pl.DataFrame) -> None:
    # Arithmetic of the design, not of the data: fewer LINK-grade edges, no larger piece.
    low = fuse(drop20k)
    high = fuse(drop20k, thresholds=Thresholds(link=24.0, review=8.0))
    assert high.stats["largest_piece"] <= low.stats["largest_piece"]


def test_context_batches_end_at_their_entity_count_or_before_their_pair_budget() -> None:
    pairs = pl.Series([3, 0, 10, 2, 2, 1], dtype=pl.Int64)
    # 3 + 0 fit in 5; 10 alone passes it (a batch of its own); 2 + 2 + 1 = 5 fit.
    assert batch_bounds(6, pairs, 100, 5) == [0, 2, 3, 6]
    assert batch_bounds(6, pairs, 2, 10**9) == [0, 2, 4, 6]
    assert batch_bounds(6, pairs, 2, 5) == [0, 2, 3, 5, 6]
    assert batch_bounds(0, pl.Series([], dtype=pl.Int64), 10, 10) == [0]
