"""Pieces whose inputs did not change keep their answer (:mod:`ingest.fusion.memo`):
fusing with an earlier run's memo gives exactly what fusing from scratch gives."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.fusion import memo
from ingest.fusion.pieces import resolve_pieces
from ingest.fusion.resolution import Resolution, Thresholds
from tests.factories import assigned_pids, background, fuse, mention, mentions_frame, person_id

LOW_BAR = Thresholds(link=8.0, review=4.0)


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


def _father_and_child(child_born: date, died: date | None = None) -> pl.DataFrame:
    """A numbered man born in 1970 (his second household row deregistered for his death
    on ``died``), and a birth row whose father has his name and no number, and whose
    child (no number either) was born on ``child_born``."""
    man = person_id(date(1970, 1, 1), 13)
    father = "birth|self_collected|b1|father"
    death = ({"deregistered_on": died, "deregistered_reason": "death"} if died is not None
             else {})
    return mentions_frame(background() + [
        mention("household", "y1", id_number=man, name="王伟", sex="1",
                birth_date=date(1970, 1, 1)),
        mention("household", "y2", id_number=man, name="王伟", sex="1",
                birth_date=date(1970, 1, 1), **death),
        mention("birth", "b1", "child", source="self_collected", name="陈明", sex="1",
                birth_date=child_born, event_date=date(2000, 5, 20), father_mention=father),
        mention("birth", "b1", "father", source="self_collected", name="王伟", sex="1",
                event_date=date(2000, 5, 20)),
    ])


def test_a_relatives_birth_date_is_part_of_a_pieces_inputs() -> None:
    """The same entities and links, but the child now born before the man: his piece
    must be clustered again (the merge becomes impossible), not given the old answer."""
    man, father = "household|public_security|y1|person", "birth|self_collected|b1|father"
    before = fuse(_father_and_child(date(2000, 5, 20)), thresholds=LOW_BAR)
    assert len(set(assigned_pids(before.assignments, man, father))) == 1
    moved = _father_and_child(date(1960, 5, 20))
    scratch = fuse(moved, thresholds=LOW_BAR)
    assert len(set(assigned_pids(scratch.assignments, man, father))) == 2
    _same(fuse(moved, thresholds=LOW_BAR, memo=before.memo), scratch)


def test_an_entitys_life_facts_are_part_of_a_pieces_inputs() -> None:
    """The same entities, keys and links, but the man's death now registered ten years
    before the birth: the merge becomes impossible, so his piece is clustered again."""
    man, father = "household|public_security|y1|person", "birth|self_collected|b1|father"
    before = fuse(_father_and_child(date(2000, 5, 20)), thresholds=LOW_BAR)
    assert len(set(assigned_pids(before.assignments, man, father))) == 1
    dead = _father_and_child(date(2000, 5, 20), died=date(1990, 1, 1))
    scratch = fuse(dead, thresholds=LOW_BAR)
    assert len(set(assigned_pids(scratch.assignments, man, father))) == 2
    _same(fuse(dead, thresholds=LOW_BAR, memo=before.memo), scratch)


def _three_in_a_row(ab: float, bc: float) -> dict[str, pl.DataFrame]:
    """One piece of three entities: two with ID numbers far apart (never one person) and
    a loose one between them, linked to each with weights ``ab`` and ``bc``. Links are
    applied strongest first, so the weights alone decide whom the loose one joins."""
    ents = pl.DataFrame(
        {"piece": [0, 0, 0], "entity": [0, 1, 2],
         "anchor": ["460100198001010011", None, "460200199502020022"],
         "records": [[0], [1], [2]], "born": [None, None, None],
         "born_n": [None, None, None], "wed": [None, None, None],
         "alive": [None, None, None], "died": [None, None, None]},
        schema={"piece": pl.UInt32, "entity": pl.UInt32, "anchor": pl.String,
                "records": pl.List(pl.UInt32), "born": pl.List(pl.Int32),
                "born_n": pl.List(pl.UInt32), "wed": pl.Int32, "alive": pl.Int32,
                "died": pl.Int32})
    links = pl.DataFrame({"left": [0, 1], "right": [1, 2], "weight": [ab, bc],
                          "piece": [0, 0]},
                         schema={"left": pl.UInt32, "right": pl.UInt32,
                                 "weight": pl.Float64, "piece": pl.UInt32})
    pairs = pl.DataFrame(schema={"left": pl.UInt32, "right": pl.UInt32, "piece": pl.UInt32})
    kin = pl.DataFrame(schema={"child": pl.UInt32, "parent": pl.UInt32,
                               "mother": pl.Boolean, "child_piece": pl.UInt32,
                               "parent_piece": pl.UInt32, "child_birth": pl.Int32,
                               "parent_birth": pl.Int32})
    return {"ents": ents, "links": links, "kin": kin, "must": pairs, "apart": pairs}


def test_link_weights_are_part_of_a_pieces_inputs() -> None:
    """The same entities and links with the weights swapped: the loose entity joins the
    other side, so the two runs must not share a fingerprint."""
    keys = pl.DataFrame({"entity": [0, 1, 2], "key": ["n:a", "m:b", "n:c"]},
                        schema={"entity": pl.UInt32, "key": pl.String})
    recs = pl.DataFrame({"rec": [0, 1, 2], "h": [11, 12, 13]},
                        schema={"rec": pl.UInt32, "h": pl.UInt64})
    answers, prints = [], []
    for ab, bc in ((12.0, 9.0), (9.0, 12.0)):
        frames = _three_in_a_row(ab, bc)
        ents = frames["ents"]
        assigned, _, _ = resolve_pieces(ents,
                                        frames["links"], frames["kin"],
                                        frames["must"], frames["apart"])
        answers.append(dict(assigned.iter_rows()))
        prints.append(memo.fingerprints(ents, frames["links"], frames["kin"],
                                        frames["must"], frames["apart"], keys, recs)
                      .select(memo.FP).row(0))
    # A person is named by its smallest entity.
    assert answers == [{0: 0, 1: 0, 2: 2}, {0: 0, 1: 1, 2: 1}]
    assert prints[0] != prints[1]
