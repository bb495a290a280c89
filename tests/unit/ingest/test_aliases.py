"""Retired pids become aliases of the persons that hold their mentions now."""

from __future__ import annotations

import polars as pl

from ingest.derive.aliases import retire


def _pids(pairs: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"mention_id": list(pairs), "pid": list(pairs.values())})


def _table(aliases: pl.DataFrame) -> dict[str, list[tuple[str, int]]]:
    return {alias: [(t["pid"], t["mentions"]) for t in targets]
            for alias, targets in aliases.select("alias", "targets").iter_rows()}


def test_a_merged_away_pid_names_the_person_that_took_its_mentions() -> None:
    before = _pids({"m1": "A", "m2": "A", "m3": "B"})
    after = _pids({"m1": "B", "m2": "B", "m3": "B"})
    aliases = retire(before, after, None, "L2")
    assert _table(aliases) == {"A": [("B", 2)]}
    assert aliases["retired_load"].to_list() == ["L2"]


def test_a_split_pid_names_both_parts_most_mentions_first() -> None:
    before = _pids({"m1": "A", "m2": "A", "m3": "A"})
    after = _pids({"m1": "C", "m2": "D", "m3": "D"})
    assert _table(retire(before, after, None, "L2")) == {"A": [("D", 2), ("C", 1)]}


def test_an_alias_follows_its_person_when_that_pid_retires_too() -> None:
    first = _pids({"m1": "A", "m2": "B"})
    second = _pids({"m1": "B", "m2": "B"})
    third = _pids({"m1": "C", "m2": "C"})
    aliases = retire(first, second, None, "L2")
    aliases = retire(second, third, aliases, "L3")
    assert _table(aliases) == {"A": [("C", 2)], "B": [("C", 2)]}
    stamps = dict(aliases.select("alias", "retired_load").iter_rows())
    assert stamps == {"A": "L2", "B": "L3"}  # each keeps when it was first retired


def test_a_pid_that_names_a_person_again_is_no_longer_an_alias() -> None:
    first = _pids({"m1": "A", "m2": "B"})
    merged = _pids({"m1": "B", "m2": "B"})
    split_again = _pids({"m1": "A", "m2": "B"})
    aliases = retire(first, merged, None, "L2")
    assert _table(retire(merged, split_again, aliases, "L3")) == {}


def test_a_pid_whose_mentions_all_went_keeps_an_alias_with_no_person() -> None:
    before = _pids({"m1": "A", "m2": "B"})
    after = _pids({"m2": "B"})
    assert _table(retire(before, after, None, "L2")) == {"A": []}


def test_nothing_retires_when_the_pids_stay() -> None:
    same = _pids({"m1": "A", "m2": "B"})
    assert retire(same, same, None, "L2").height == 0
    assert retire(None, same, None, "L1").height == 0
