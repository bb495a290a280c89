"""Per-division cascade yield, counted by hand from small frames."""

from __future__ import annotations

import polars as pl
import pytest

from kingraph.errors import InvalidArgument
from queries.thalassemia.screening_yield import division_summary

CASCADE = pl.DataFrame(
    {
        "index_pid": ["I1", "I1", "I1", "I2", "I2", "I1"],
        "relative_pid": ["R1", "R2", "R3", "R4", "R1", "R5"],
        "division": ["460105", "460105", "460105", "460105", "460105", "469027"],
        "reached": [True, True, False, True, True, True],
        "screened": [True, False, False, True, False, True],
        "carrier_found": [True, False, False, False, False, False],
    }
)
COUPLES = pl.DataFrame(
    {
        "division": ["460105", "469027", "469027", "469001"],
        "classification": ["prenatal_diagnosis", "partner_screening", "prenatal_diagnosis", "none"],
    }
)


def row(summary: pl.DataFrame, division: str) -> dict[str, object]:
    return summary.filter(pl.col("division") == division).to_dicts()[0]


def test_counts_per_division_with_a_relative_shared_by_two_index_cases() -> None:
    haikou = row(division_summary(CASCADE, COUPLES), "460105")
    # R1 appears for I1 and I2: one relative, screened once, a carrier.
    assert haikou["index_cases"] == 2
    assert haikou["relatives"] == 4  # R1 R2 R3 R4
    assert haikou["reached"] == 3  # R1 R2 R4
    assert haikou["screened"] == 2  # R1 R4
    assert haikou["carriers_found"] == 1
    assert haikou["yield"] == pytest.approx(1 / 2)
    assert haikou["at_risk_couples"] == 1


def test_divisions_with_only_couples_or_no_screening() -> None:
    summary = division_summary(CASCADE, COUPLES)
    assert summary["division"].to_list() == ["460105", "469001", "469027"]
    ledong = row(summary, "469027")
    assert (ledong["screened"], ledong["carriers_found"], ledong["yield"]) == (1, 0, 0.0)
    assert (ledong["at_risk_couples"], ledong["partner_screening_couples"]) == (1, 1)
    wuzhishan = row(summary, "469001")
    assert wuzhishan["index_cases"] == 0 and wuzhishan["yield"] is None


def test_without_couples_the_couple_counts_are_zero() -> None:
    summary = division_summary(CASCADE)
    assert summary["at_risk_couples"].to_list() == [0, 0]


def test_missing_column_is_named() -> None:
    with pytest.raises(InvalidArgument, match="cascade: missing_columns screened"):
        division_summary(CASCADE.drop("screened"))
