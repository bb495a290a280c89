"""ID number columns: GB 11643 known answers through the vectorised lookup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from ingest.feeds.id_numbers import lookup
from kingraph import ids


def _by_raw(values: Sequence[str | None]) -> dict[str, dict[str, object]]:
    table = lookup(pl.Series(values, dtype=pl.String))
    return {row["raw_value"]: row for row in table.iter_rows(named=True)}


def test_standard_examples_are_valid() -> None:
    rows = _by_raw(["11010519491231002X", "440524188001010014"])
    assert rows["11010519491231002X"]["status"] == "valid"
    assert rows["11010519491231002X"]["birth_date"] == date(1949, 12, 31)
    assert rows["11010519491231002X"]["sex"] == "2"
    assert rows["440524188001010014"]["birth_date"] == date(1880, 1, 1)
    assert rows["440524188001010014"]["sex"] == "1"


def test_fifteen_digit_upgrades() -> None:
    rows = _by_raw(["110105491231002", "440524800101001", "440524800101997"])
    # 110105 49 1231 002 -> 19 inserted -> the standard's own example 11010519491231002X.
    assert rows["110105491231002"]["number"] == "11010519491231002X"
    assert rows["110105491231002"]["status"] == "upgraded"
    # 44052419800101001: S = 28+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 196,
    # 196 mod 11 = 9 -> "3".
    assert rows["440524800101001"]["number"] == "440524198001010013"
    # Sequence 997 is an old centenarian sequence: 18 inserted. 44052418800101997:
    # S = 28+36+0+25+16+16+2+8+48+0+0+9+0+5+72+36+14 = 315, 315 mod 11 = 7 -> "5".
    assert rows["440524800101997"]["number"] == "440524188001019975"


def test_unusable_numbers_keep_raw_evidence_and_no_key() -> None:
    rows = _by_raw(["11010519491231002x ", "110105194912310021", "000000000000000000",
                    "11010519491331002X", "12345"])
    assert rows["11010519491231002x "]["number"] == "11010519491231002X"
    bad_check = rows["110105194912310021"]
    assert (bad_check["number"], bad_check["raw"], bad_check["status"]) == (
        None, "110105194912310021", "bad_check")
    zeros = rows["000000000000000000"]
    assert (zeros["number"], zeros["raw"], zeros["status"]) == (None, None, "placeholder")
    assert rows["11010519491331002X"]["status"] == "bad_date"  # month 13
    assert rows["12345"]["status"] == "malformed"
    assert rows["12345"]["raw"] == "12345"


def test_each_distinct_value_is_parsed_once() -> None:
    assert lookup(pl.Series(["110105491231002"] * 5 + [None], dtype=pl.String)).height == 1


def test_fast_path_agrees_with_the_reference_parser() -> None:
    # Valid numbers built by the standard's arithmetic, then damaged in every usual way.
    base = ["11010519491231002X", "440524188001010014", "460106198503120019"]
    damaged = []
    for number in base:
        damaged += [number, number.lower(), f" {number} ", number[:17] + "0",
                    number[:6] + number[8:17], number[:10] + "13" + number[12:],
                    "０" + number[1:], number[:6] + "1849" + number[10:]]
    damaged += ["666666666666666666", "111111111111111111", "00000000000000000X", "12345"]
    for row in _by_raw(damaged).values():
        parsed = ids.parse(str(row["raw_value"]))
        assert row["status"] == parsed.status.value, row["raw_value"]
        assert row["number"] == (parsed.number if parsed.usable else None)
        assert row["birth_date"] == parsed.birth_date and row["sex"] == parsed.sex
