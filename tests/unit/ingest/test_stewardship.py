"""Stewardship without a server: queue filters, review items' divisions, and the outcome
of a re-fusion measured from two applied states (persons merged and split, mentions
moved, edges added, removed and changed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from ingest.derive.state import review_divisions
from ingest.stewardship import QueueFilter, division_prefix
from ingest.stewardship.changes import EdgeChanges, outcome, snapshot, survivor
from ingest.store import Store
from kingraph.errors import InvalidArgument


@pytest.mark.parametrize(("code", "prefix"), [
    ("460000", "46"),  # the province: every county
    ("460100", "4601"),  # Haikou: its districts
    ("460107", "460107"),  # a district
    ("469001", "469001"),  # a county-level city
])
def test_a_division_filter_covers_the_division_and_what_lies_within(code: str,
                                                                    prefix: str) -> None:
    assert division_prefix(code) == prefix


@pytest.mark.parametrize("code", ["4601", "46010A", "4601000"])
def test_a_division_is_six_digits(code: str) -> None:
    with pytest.raises(InvalidArgument):
        division_prefix(code)


def test_ages_become_load_id_bounds() -> None:
    now = datetime(2026, 12, 6, 10, 30, tzinfo=UTC)
    params = QueueFilter("open", "conflict", "460100", older_than_days=7,
                         newer_than_days=30).params(now)
    # Load ids start with the load's UTC start, %Y%m%dT%H%M%S: they sort as times do.
    assert params == {"status": "open", "kind": "conflict", "division": "4601",
                      "created_before": "20261129T103000", "created_after": "20261106T103000"}
    assert QueueFilter().params(now)["created_before"] is None
    with pytest.raises(InvalidArgument):
        QueueFilter("pending").params(now)


def _households(rows: list[tuple[str, str, date | None, date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"pid": [r[0] for r in rows], "division_code": [r[1] for r in rows],
         "props": [{"from_date": r[2], "to_date": r[3]} for r in rows]})


def test_a_review_is_in_the_counties_where_its_persons_are_registered_today() -> None:
    reviews = pl.DataFrame({"review_id": ["R1", "R2", "R3"],
                            "pids": [["A", "B"], ["C"], []]})
    households = _households([
        # A moved from Xiuying (old code 460104, today 460105) to Meilan: Meilan now.
        ("A", "460104", date(1990, 1, 1), date(2005, 3, 1)),
        ("A", "460108", date(2005, 3, 1), None),
        # B's only registration used the old Xiuying code: today's code is 460105.
        ("B", "460104", date(1995, 1, 1), date(2001, 1, 1)),
        # C has none.
    ])
    found = review_divisions(reviews, households).sort("review_id")
    assert found["divisions"].to_list() == [["460105", "460108"], None, None]


def _state(root: Path, name: str, frame: pl.DataFrame) -> None:
    """Apply one piece of state, as a load does (saved, then marked applied)."""
    store = Store(root)
    store.save_state(name, frame)
    store.mark_applied("L1")


def _assignments(pairs: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame({"mention_id": [m for m, _ in pairs], "pid": [p for _, p in pairs]})


def _child_of(rows: list[tuple[str, str, bool]]) -> pl.DataFrame:
    return pl.DataFrame({"child": [r[0] for r in rows], "parent": [r[1] for r in rows],
                         "kind": ["biological"] * len(rows),
                         "disputed": [r[2] for r in rows]})


def test_the_outcome_of_a_merge_and_a_split(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    # Before: A has m1, m2; B has m3; C has m4, m5, m6. Kid K's mother edges point at A
    # and at B (a disputed pair).
    _state(store.root, "assignments", _assignments([
        ("r1|p|1|person", "A"), ("r2|p|2|person", "A"), ("r3|p|3|person", "B"),
        ("r4|p|4|person", "C"), ("r5|p|5|person", "C"), ("r6|p|6|mother", "C"),
        ("r7|p|7|child", "K")]))
    _state(store.root, "child_of", _child_of([("K", "A", True), ("K", "B", True)]))
    before = snapshot(store, tmp_path / "before")
    # After: B merged into A; m5 and m6 split off C into D; K's one mother edge is A's,
    # no longer disputed.
    _state(store.root, "assignments", _assignments([
        ("r1|p|1|person", "A"), ("r2|p|2|person", "A"), ("r3|p|3|person", "A"),
        ("r4|p|4|person", "C"), ("r5|p|5|person", "D"), ("r6|p|6|mother", "D"),
        ("r7|p|7|child", "K")]))
    _state(store.root, "child_of", _child_of([("K", "A", False)]))
    found = outcome(before, store, {"persons": 2}, "L2", about=["Q"])
    assert found.merged == [("A", ["A", "B"])]
    assert found.split == [("C", ["C", "D"])]
    assert (found.mentions_moved, found.records_moved) == (3, 3)
    assert found.edges == {"CHILD_OF": EdgeChanges(added=0, removed=1, changed=1)}
    assert found.pids == ["A", "B", "C", "D", "K", "Q"]
    assert (found.written, found.load_id) == ({"persons": 2}, "L2")


def test_a_snapshot_keeps_the_state_the_store_then_replaces(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _state(store.root, "assignments", _assignments([("r1|p|1|person", "A")]))
    before = snapshot(store, tmp_path / "before")
    _state(store.root, "assignments", _assignments([("r1|p|1|person", "B")]))
    kept = pl.read_parquet(before / "assignments.parquet")
    assert kept["pid"].to_list() == ["A"]


def test_nothing_moved_is_an_empty_outcome(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _state(store.root, "assignments", _assignments([("r1|p|1|person", "A")]))
    _state(store.root, "child_of", _child_of([]))
    before = snapshot(store, tmp_path / "before")
    found = outcome(before, store, {}, "L2")
    assert (found.merged, found.split, found.mentions_moved, found.edges, found.pids) == (
        [], [], 0, {}, [])


def test_every_row_of_a_place_carries_its_latest_rows_properties() -> None:
    # Two rows name one dwelling with different addresses (a move of the address, or a
    # typo): both carry the latest row's, whichever order they come in, so the node is
    # the same whether the bulk importer (first row per node) or transactions (every
    # row in turn) write it.
    from ingest.derive.relations import settled_targets

    frame = pl.DataFrame({
        "record": ["a", "b", "c"], "pid": ["1", "2", "3"], "target": ["D1", "D1", "D2"],
        "target_props": [{"address": "old"}, {"address": "new"}, {"address": "x"}],
        "division_code": ["460105", "460106", None],
        "props": [{"from_date": date(2000, 1, 1)}, {"from_date": date(2010, 1, 1)},
                  {"from_date": None}]})
    for order in (frame, frame.reverse()):
        settled = settled_targets(order)
        assert settled.columns == frame.columns
        by_record = {r["record"]: r["target_props"]["address"] for r in settled.to_dicts()}
        assert by_record == {"a": "new", "b": "new", "c": "x"}


def _base(pid: str, number: str | None, anchored: int, first: str) -> dict[str, object]:
    return {"pid": pid, "number": number, "anchored": anchored, "first": first}


@pytest.mark.parametrize(("bases", "kept"), [
    # the ID number most mentions are anchored on names the merged person
    ([_base("Pa", "460100198001010011", 2, "a|1"), _base("Pb", "460100197001010011", 5, "b|1")],
     "Pb"),
    # a tie: the smaller number, whatever the persons' sizes
    ([_base("Pa", "460100198001010011", 3, "a|1"), _base("Pb", "460100197001010011", 3, "b|1")],
     "Pb"),
    # a person with a number but no mention anchored on it does not name the merge
    ([_base("Pa", "460100198001010011", 0, "a|1"), _base("Pb", None, 0, "b|1"),
      _base("Pc", "460100199001010011", 1, "c|1")], "Pc"),
    # no number anchored anywhere: the person holding the smallest mention id
    ([_base("Pa", None, 0, "household|x|2|person"), _base("Pb", None, 0, "birth|x|9|child")],
     "Pb"),
])
def test_a_merge_keeps_the_pid_fusion_gives_the_merged_person(
        bases: list[dict[str, object]], kept: str) -> None:
    assert survivor(bases) == kept
