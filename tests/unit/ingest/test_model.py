"""Fusion's trained model is kept from load to load, so that a change to one person (an
officer's unmerge, a corrected row) never moves the mentions of persons it does not touch.

Before the model was kept, every run estimated its weights again from a random sample of
the province's entity pairs; an unmerge adds one entity, the sample changed everywhere,
and pairs near a threshold flipped: one officer's unmerge merged or split unrelated
persons on the 4,000-person test province (seen in the browser test of the review queue).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ingest.fusion.comparisons import COMPARISONS
from ingest.fusion.resolution import Decisions
from ingest.fusion.weights import RETRAIN_GROWTH, LevelWeights, Model
from ingest.pipeline import MODEL_NAMES, MODEL_WEIGHTS, kept_model, model_frames
from ingest.review import unmerge_pairs
from ingest.store import Store
from tests.factories import fuse
from tests.unit.ingest.conftest import synthetic_mentions

PERSONS, SEED = 1000, 5


@pytest.fixture(scope="module")
def mentions(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """Every mention of a noisy 1,000-person drop."""
    return synthetic_mentions(tmp_path_factory.mktemp("model"), PERSONS, SEED)


def _unmerge(first: pl.DataFrame, pid: str) -> tuple[list[str], Decisions]:
    """An officer's unmerge of a person's first mention: what review.unmerge records."""
    own = sorted(first.filter(pl.col("pid") == pid)["mention_id"].to_list())
    split, kept = own[:1], own[1:]
    rows = unmerge_pairs(kept, split)
    return own, Decisions(
        must_link=tuple((r["left"], r["right"]) for r in rows if r["kind"] == "must_link"),
        cannot_link=tuple((r["left"], r["right"]) for r in rows if r["kind"] == "cannot_link"))


def test_an_unmerge_fused_with_the_kept_model_moves_only_that_persons_mentions(
        mentions: pl.DataFrame) -> None:
    first = fuse(mentions)
    before = dict(first.assignments.select("mention_id", "pid").iter_rows())
    sizes = first.assignments.group_by("pid").len().filter(pl.col("len") >= 3).sort("pid")
    for pid in sizes["pid"].head(4).to_list():
        own, decisions = _unmerge(first.assignments, pid)
        retrained = fuse(mentions, decisions=decisions)
        # Why the model must be kept: the same rows with one more entity train other weights.
        assert retrained.model.weights != first.model.weights
        again = fuse(mentions, decisions=decisions, model=first.model)
        assert again.model is first.model
        after = dict(again.assignments.select("mention_id", "pid").iter_rows())
        moved = {m for m, p in before.items() if after[m] != p}
        assert moved <= set(own), "an unmerge moved mentions of persons it does not touch"
        assert len({after[m] for m in own}) == 2  # the split mention is apart from the rest


def test_a_model_survives_its_frames() -> None:
    weights = {c.name: LevelWeights(c.name, c.levels,
                                    tuple(0.5 + i / 100 for i in range(len(c.levels))),
                                    tuple(0.01 * (i + 1) for i in range(len(c.levels))))
               for c in COMPARISONS}
    names = pl.DataFrame({"name_key": ["wang wei", "li na"], "tf_u": [0.75, 0.25]})
    model = Model(weights, names, entities=4, mentions=9)
    back = Model.from_frames(model.weights_frame(), model.names)
    assert back is not None
    assert back.weights == model.weights and (back.entities, back.mentions) == (4, 9)
    assert back.names.equals(names)
    # A saved model missing a comparison's level (an older version's) is trained again.
    short = model.weights_frame().filter(pl.col("level") != COMPARISONS[0].levels[-1])
    assert Model.from_frames(short, names) is None


def test_a_name_keeps_its_trained_share_and_a_new_name_counts_over_the_trained_total() -> None:
    # Trained on 4 named entities: wang wei twice, li na once, zhao lei once.
    weights = {c.name: LevelWeights(c.name, c.levels, (0.5,) * len(c.levels),
                                    (0.5,) * len(c.levels)) for c in COMPARISONS}
    model = Model(weights, pl.DataFrame({"name_key": ["wang wei", "li na", "zhao lei"],
                                         "tf_u": [2 / 4, 1 / 4, 1 / 4]}), 4, 4)
    today = pl.DataFrame({"name_key": ["wang wei", "chen jie", "chen jie", None]})
    tf = dict(model.name_tf(today).iter_rows())
    assert tf["wang wei"] == 0.5  # not 1/4 (its share among today's three named)
    assert tf["chen jie"] == 2 / 4  # two bearers over the 4 the model was trained on
    assert tf["li na"] == 0.25


def _saved(tmp_path: Path, model: Model) -> Store:
    store = Store(tmp_path / "store")
    store.save_state(MODEL_WEIGHTS, model.weights_frame())
    store.save_state(MODEL_NAMES, model.names)
    store.mark_applied("load-1")
    return store


def test_the_kept_model_is_trained_again_once_the_rows_grow_by_a_quarter(tmp_path: Path) -> None:
    weights = {c.name: LevelWeights(c.name, c.levels, (0.5,) * len(c.levels),
                                    (0.5,) * len(c.levels)) for c in COMPARISONS}
    model = Model(weights, pl.DataFrame({"name_key": ["li na"], "tf_u": [1.0]}), 1, 1000)
    store = _saved(tmp_path, model)
    assert RETRAIN_GROWTH == 1.25
    assert kept_model(model_frames(store), 1000) is not None
    assert kept_model(model_frames(store), 1249) is not None
    assert kept_model(model_frames(store), 1250) is None  # 1,000 mentions grown by a quarter
    assert kept_model(model_frames(Store(tmp_path / "empty")), 10) is None
