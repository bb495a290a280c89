"""Flows count real moves: once per person and day, never a code succession."""

from __future__ import annotations

from datetime import date
from typing import Any

from queries.migration.trajectories import _real_moves, district_unknown


def row(pid: str, origin: str, destination: str, day: date,
        origin_codes: tuple[str, ...] = (), destination_codes: tuple[str, ...] = ()
        ) -> dict[str, Any]:
    return {"pid": pid, "origin": origin, "origin_codes": list(origin_codes),
            "destination": destination, "destination_codes": list(destination_codes),
            "day": day}


def test_a_code_succession_is_no_move() -> None:
    # 三亚市 (460200) became four districts in 2014: 天涯区 (460204) is inside it.
    assert _real_moves([row("a", "460200", "460204", date(2014, 3, 1))], "county") == []


def test_a_move_recorded_twice_on_one_day_counts_once() -> None:
    day = date(2016, 5, 2)
    rows = [row("a", "469005", "460108", day), row("a", "469005", "460108", day),
            row("b", "469005", "460108", day)]
    assert sorted(_real_moves(rows, "county")) == [("469005", "460108")] * 2


def test_a_city_wide_code_is_refined_by_its_households_later_rows() -> None:
    # A household registered under 海口市 (460100) whose later rows name 美兰区 (460108).
    moved = _real_moves([row("a", "460100", "469005", date(2010, 1, 1),
                             origin_codes=("460100", "460108"))], "county")
    assert moved == [("460108", "469005")]


def test_moves_within_a_prefecture_vanish_at_prefecture_level() -> None:
    rows = [row("a", "460105", "460108", date(2016, 1, 1))]  # 秀英区 -> 美兰区, both 海口市
    assert _real_moves(rows, "prefecture") == []
    assert _real_moves(rows, "county") == [("460105", "460108")]


def test_only_cities_with_districts_are_flagged_district_unknown() -> None:
    assert district_unknown("460200", "county") and district_unknown("460100", "county")
    assert not district_unknown("460204", "county")
    assert not district_unknown("460400", "county")  # 儋州市 has no districts
    assert not district_unknown("460200", "prefecture")
