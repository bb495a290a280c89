"""Dates: the three accepted shapes and nothing else."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.feeds import dates


def _parse(values: list[str | None]) -> list[date | None]:
    frame = pl.DataFrame({"d": values}, schema={"d": pl.String})
    return frame.select(dates.parse("d"))["d"].to_list()


def test_three_formats_give_the_same_day() -> None:
    assert _parse(["2015-04-01", "20150401", "2015/4/1", "2015/04/01", " 2015-04-01 "]) == [
        date(2015, 4, 1)] * 5


def test_other_shapes_and_impossible_days_do_not_parse() -> None:
    assert _parse(["2015-4-1", "2015.04.01", "01/04/2015", "2015-02-29", "2016-13-01",
                   "1800-01-01", "abc"]) == [None] * 7


def test_leap_day() -> None:
    assert _parse(["2016-02-29", "20000229"]) == [date(2016, 2, 29), date(2000, 2, 29)]


def test_unreadable_is_true_only_for_present_text() -> None:
    frame = pl.DataFrame({"d": ["2015-04-01", "bad", "", None]}, schema={"d": pl.String})
    assert frame.select(dates.unreadable("d"))["d"].to_list() == [False, True, False, False]
