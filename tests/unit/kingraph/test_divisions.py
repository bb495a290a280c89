"""Division codes: retired codes map to their successors and back."""

from __future__ import annotations

from datetime import date

from kingraph import divisions


def test_danzhou_through_its_four_codes() -> None:
    # 儋县 (Guangdong era) -> 儋县 460029 -> 儋州市 460003 -> 469003 -> 460400 (2015)
    assert divisions.code_on("460400", date(1980, 1, 1)) == "442129"
    assert divisions.code_on("460400", date(1990, 1, 1)) == "460029"
    assert divisions.code_on("460400", date(2010, 1, 1)) == "469003"
    assert divisions.code_on("460400", date(2016, 1, 1)) == "460400"
    assert divisions.current("442129") == "460400"


def test_qiongshan_city_became_a_haikou_district() -> None:
    assert divisions.current("469004") == "460107"
    assert divisions.prefecture("469004") == "460100"


def test_sanya_districts_before_2014_use_the_city_code() -> None:
    assert divisions.code_on("460203", date(2010, 1, 1)) == "460200"
    assert divisions.code_on("460203", date(2015, 1, 1)) == "460203"


def test_county_level_units_in_force() -> None:
    counties = divisions.counties()
    assert "469027" in counties and "460400" in counties
    assert "469003" not in counties and "460300" not in counties
    assert all(divisions.table()[c].valid_to is None for c in counties)


def test_same_place_across_periods() -> None:
    assert divisions.same_place("442133", "469027")  # 乐东 before and after 1988
    assert not divisions.same_place("469027", "469028")


def test_cities_with_districts_today() -> None:
    # 海口市 (秀英区, 龙华区, 琼山区, 美兰区), 三亚市 (since 2014) and 三沙市 (西沙区, 南沙区)
    # have districts today; 儋州市, a prefecture-level city since 2015, has none, nor has
    # a county.
    assert all(divisions.has_districts(c) for c in ("460100", "460200", "460300"))
    assert not any(divisions.has_districts(c) for c in ("460400", "460204", "469027"))
