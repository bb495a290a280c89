"""queries.migration.residence: timelines from household and dwelling rows, by the module's rules.

Known answers: 振东区 (460102) was retired on 2002-10-15 with 龙华区 (460106) as its
successor (divisions.csv); 乐东 (469027) and 龙华区 are different counties, 美兰区
(460108) is nested in 海口市 (460100); Guangdong-era 海口市 (441000) was succeeded by
海口市 460100 in 1988, whose districts date from 2002.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from queries.migration.residence import lived, moves, refined, resolve, timeline


def row(place: str, start: str | None, end: str | None, code: str | None,
        record: str | None = None) -> dict[str, Any]:
    return {"place": place, "start": start, "end": end, "division_code": code,
            "record": record or f"r-{place}-{start}"}


def test_rows_of_one_place_that_touch_are_one_episode_with_both_records() -> None:
    eps = resolve("registration", [row("H1", "2000-01-01", "2004-12-31", "469027", "a"),
                                   row("H1", "2005-01-01", None, "469027", "b")])
    assert len(eps) == 1
    assert (eps[0].start, eps[0].end, eps[0].records) == (date(2000, 1, 1), None, ("a", "b"))


def test_rows_of_one_place_with_a_gap_stay_apart() -> None:
    eps = resolve("registration", [row("H1", "2000-01-01", "2001-01-01", "469027"),
                                   row("H1", "2003-01-01", None, "469027")])
    assert [e.start for e in eps] == [date(2000, 1, 1), date(2003, 1, 1)]


def test_an_episode_overlapping_the_next_place_ends_where_the_next_begins() -> None:
    eps = resolve("registration", [row("H1", "1990-03-01", None, "469027"),
                                   row("H2", "2010-06-15", None, "460106")])
    assert (eps[0].end, eps[1].start, eps[1].end) == (date(2010, 6, 15), date(2010, 6, 15), None)


def test_a_closed_episode_before_the_next_keeps_its_end() -> None:
    eps = resolve("registration", [row("H1", "1990-03-01", "2001-01-01", "469027"),
                                   row("H2", "2010-06-15", None, "460106")])
    assert eps[0].end == date(2001, 1, 1)


def test_retired_codes_are_shown_as_todays_unit() -> None:
    (ep,) = resolve("registration", [row("H1", "1995-01-01", None, "460102")])
    assert (ep.division_code, ep.current_code, ep.division_name) == ("460102", "460106", "龙华区")


def test_living_elsewhere_than_registered_is_flagged_on_both_sides() -> None:
    eps = timeline([row("H1", "2000-01-01", None, "469027")],
                   [row("D1", "2012-01-01", None, "460106")])
    assert {(e.kind, e.separated) for e in eps} == {("registration", True), ("residence", True)}


def test_living_where_registered_is_not_flagged() -> None:
    eps = timeline([row("H1", "2000-01-01", None, "460102")],  # 振东区 -> 龙华区 today
                   [row("D1", "2012-01-01", None, "460106")])
    assert not any(e.separated for e in eps)


def test_a_nested_unit_is_the_same_place() -> None:
    eps = timeline([row("H1", "2000-01-01", None, "460100")],  # 海口市 as a whole
                   [row("D1", "2012-01-01", None, "460108")])  # 美兰区 in 海口
    assert not any(e.separated for e in eps)


def test_no_flag_when_the_periods_do_not_overlap() -> None:
    eps = timeline([row("H1", "2000-01-01", "2005-01-01", "469027")],
                   [row("D1", "2006-01-01", "2008-01-01", "460106")])
    assert not any(e.separated for e in eps)


def test_timeline_is_in_date_order() -> None:
    eps = timeline([row("H2", "2010-01-01", None, "460106"), row("H1", "1990-01-01", None,
                                                                 "469027")], [])
    assert [e.place for e in eps] == ["H1", "H2"]


def test_moves_are_changes_of_county_between_registrations() -> None:
    regs = resolve("registration", [row("H1", "1990-01-01", None, "469027", "a"),
                                    row("H2", "2010-06-15", None, "460106", "b"),
                                    row("H3", "2015-01-01", None, "460102", "c")])
    found = moves(regs)  # H2 -> H3 is 龙华区 -> 龙华区 (retired code): no move
    assert [(m.day, m.origin, m.destination, m.records) for m in found] == [
        (date(2010, 6, 15), "469027", "460106", ("a", "b"))]


def test_lived_is_the_residence_where_recorded_and_the_registration_around_it() -> None:
    eps = lived(timeline([row("H1", "2000-01-01", None, "469027", "a")],
                         [row("D1", "2012-01-01", "2015-06-30", "460106", "b")]))
    assert [(e.kind, e.start, e.end, e.current_code) for e in eps] == [
        ("registration", date(2000, 1, 1), date(2012, 1, 1), "469027"),
        ("residence", date(2012, 1, 1), date(2015, 6, 30), "460106"),
        ("registration", date(2015, 6, 30), None, "469027")]


def test_lived_with_a_residence_covering_the_whole_registration_keeps_the_residence() -> None:
    eps = lived(timeline([row("H1", "2003-04-16", None, "460108")],
                         [row("W1", "2003-04-16", None, "460107")]))
    assert [(e.kind, e.start, e.end, e.current_code) for e in eps] == [
        ("residence", date(2003, 4, 16), None, "460107")]


def test_lived_without_residences_is_the_registration() -> None:
    eps = timeline([row("H1", "1990-01-01", "2010-06-15", "469027"),
                    row("H2", "2010-06-15", None, "460106")], [])
    assert lived(eps) == eps


def test_moving_between_a_city_and_one_of_its_districts_is_no_move() -> None:
    regs = resolve("registration", [row("H1", "1995-01-01", None, "460100"),  # 海口市
                                    row("H2", "2009-06-28", None, "460108")])  # 美兰区
    assert moves(regs) == ()


def test_a_city_wide_code_takes_the_one_district_the_household_names_later() -> None:
    assert refined("441000", ["441000", "460108"]) == "460108"
    assert refined("460100", ["460100"]) == "460100"


def test_a_city_wide_code_stays_coarse_when_the_household_names_two_districts() -> None:
    assert refined("460100", ["460100", "460108", "460106"]) == "460100"


def test_a_county_code_is_never_refined_into_another_county() -> None:
    assert refined("469027", ["469027", "460108"]) == "469027"


def test_a_refined_origin_makes_a_move_between_districts_visible() -> None:
    regs = resolve("registration", [
        {**row("H1", "1995-01-01", None, "460100", "a"), "codes": ["460100", "460108"]},
        row("H2", "2009-06-28", None, "460106", "b")])
    assert [(m.origin, m.destination) for m in moves(regs)] == [("460108", "460106")]


# 三亚市 460200 got its districts on 2014-02-21 (天涯区 460204 among them): a household
# registered before keeps 460200 on its old rows and 460204 on rows made after.


def test_a_code_succession_in_one_household_is_one_stay_under_both_names() -> None:
    [stay] = timeline([row("H1", "2001-03-01", "2014-05-31", "460200", "a"),
                       {**row("H1", "2014-06-01", None, "460204", "b"),
                        "codes": ["460200", "460204"]}], [])
    assert (stay.start, stay.end, stay.records) == (date(2001, 3, 1), None, ("a", "b"))
    assert stay.names == ((date(2001, 3, 1), "460200"), (date(2014, 6, 1), "460204"))
    assert stay.current_code == "460204" and not stay.continues
    assert moves([stay]) == ()


def test_a_recorded_code_repeated_is_no_renaming() -> None:
    [stay] = resolve("registration", [row("H1", "2000-01-01", "2004-12-31", "469027"),
                                      row("H1", "2005-01-01", None, "469027")])
    assert stay.names == ((date(2000, 1, 1), "469027"),)


def test_a_new_household_in_a_nested_unit_continues_the_stay_and_is_no_move() -> None:
    eps = timeline([row("H1", "2001-03-01", "2015-11-06", "460200"),  # 三亚市, district unknown
                    row("H2", "2015-11-06", None, "460204")], [])  # 天涯区
    assert [(e.current_code, e.district_unknown, e.continues) for e in eps] == [
        ("460200", True, False), ("460204", False, True)]
    assert moves(eps) == ()


def test_a_move_to_another_county_does_not_continue() -> None:
    eps = timeline([row("H1", "2001-03-01", "2010-01-01", "460204"),  # 天涯区
                    row("H2", "2010-01-01", None, "469027")], [])  # 乐东
    assert [e.continues for e in eps] == [False, False]
    assert [(m.origin, m.destination) for m in moves(eps)] == [("460204", "469027")]


def test_continuing_is_judged_within_a_kind_and_along_the_lived_timeline() -> None:
    eps = timeline([row("H1", "2000-01-01", "2010-01-01", "469027"),
                    row("H2", "2010-01-01", None, "469027")],
                   [row("D1", "2005-01-01", "2008-01-01", "460106")])
    regs = [e for e in eps if e.kind == "registration"]
    assert [e.continues for e in regs] == [False, True]  # 乐东 then 乐东: a new household
    assert [(e.kind, e.current_code, e.continues) for e in lived(eps)] == [
        ("registration", "469027", False), ("residence", "460106", False),
        ("registration", "469027", False), ("registration", "469027", True)]
