"""The legal marriage age by date: the 1950 and 1980 Marriage Laws and the Civil Code."""

from __future__ import annotations

from datetime import date

from kingraph import marriage_age


def test_ages_in_force_follow_the_laws() -> None:
    # 1950 Marriage Law art. 4: men 20, women 18 (in force 1950-05-01).
    old = marriage_age.in_force(date(1975, 6, 1))
    assert old is not None and (old.husband, old.wife) == (20, 18)
    # 1980 Marriage Law art. 5 from 1981-01-01: men 22, women 20.
    assert marriage_age.in_force(date(1980, 12, 31)) == old
    new = marriage_age.in_force(date(1981, 1, 1))
    assert new is not None and (new.husband, new.wife) == (22, 20)
    # Civil Code art. 1047 from 2021-01-01 keeps 22 and 20.
    code = marriage_age.in_force(date(2021, 1, 1))
    assert code is not None and (code.husband, code.wife) == (22, 20) and "1047" in code.law


def test_no_national_minimum_before_the_1950_law() -> None:
    assert marriage_age.in_force(date(1950, 4, 30)) is None


def test_the_frame_has_one_row_per_law_oldest_first() -> None:
    frame = marriage_age.frame()
    assert frame["valid_from"].to_list() == sorted(frame["valid_from"].to_list())
    assert frame.height == len(marriage_age.table()) == 3
