"""Cleaning: reconciliation, reason codes per bad row, ID numbers, names, cross-checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ingest.feeds.clean import CleanFeed, clean_feed
from ingest.feeds.read import discover, read_feed

from .conftest import BROKEN, feed_file

# The bad rows of each hand-written file and the reason each must get (line -> reason).
EXPECTED_QUARANTINE = {
    "household.csv": {7: "no_identity", 9: "missing_record_id", 11: "unknown_source",
                      14: "duplicate_record", 15: "field_count"},
    "household_gb18030.csv": {},
    "marriage.csv": {3: "bad_date", 4: "unknown_code", 7: "no_identity"},
    "marriage_2018-08.csv": {},
    "birth.csv": {5: "missing_required", 6: "no_identity"},
    "cohabitation.csv": {6: "bad_quoting", 8: "missing_required", 9: "field_count"},
    "bloodline.csv": {4: "unknown_code", 5: "missing_required"},
    "screening.csv": {4: "unknown_code"},
    "pregnancy.csv": {3: "no_identity"},
    "certificate.csv": {4: "missing_required"},
    "disability.csv": {},
    "employment.csv": {3: "missing_required"},
    # a condition outside the conditions table, no result, nobody identified
    "diagnosis.csv": {5: "unknown_code", 6: "missing_required", 7: "no_identity"},
}
# Soft problems: the row is kept, the value nulled, the flag recorded.
EXPECTED_FLAGS = {
    ("household.csv", "h7"): ["bad_date:birth_date"],
    ("household.csv", "h9"): ["unknown_code:deregistered_reason"],
    ("birth.csv", "b3"): ["bad_number:birth_order"],
    ("birth.csv", "b6"): ["unknown_code:child_sex"],
    ("cohabitation.csv", "c5"): ["unknown_code:division_code"],
    ("screening.csv", "s2"): ["bad_number:mcv"],
    ("disability.csv", "d2"): ["unknown_code:grade"],
    ("employment.csv", "e3"): ["bad_date:from_date"],
    ("diagnosis.csv", "g7"): ["unknown_code:sex"],
}


def _row(clean: CleanFeed, record_id: str) -> dict[str, object]:
    return clean.accepted.filter(pl.col("record_id") == record_id).row(0, named=True)


def test_every_file_of_the_drop_is_covered(cleaned: dict[str, CleanFeed]) -> None:
    assert set(cleaned) == set(EXPECTED_QUARANTINE)


@pytest.mark.parametrize("name", sorted(EXPECTED_QUARANTINE))
def test_quarantine_reasons(cleaned: dict[str, CleanFeed], name: str) -> None:
    held = cleaned[name].quarantine
    assert dict(held.select("line", "reason").rows()) == EXPECTED_QUARANTINE[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_QUARANTINE))
def test_rows_read_equal_accepted_plus_quarantined(
    cleaned: dict[str, CleanFeed], name: str
) -> None:
    clean = cleaned[name]
    text_rows = _data_rows(feed_file(name).path)
    assert clean.counts.read == text_rows
    assert clean.counts.read == clean.counts.accepted + clean.counts.quarantined
    assert clean.counts.quarantined == len(EXPECTED_QUARANTINE[name])


def _data_rows(path: Path) -> int:
    """Records in a test file, counted independently: c2 of cohabitation spans two lines."""
    raw = path.read_bytes()
    text = raw.decode("gb18030") if "gb18030" in path.name else raw.decode("utf-8-sig")
    lines = [line for line in text.splitlines()[1:] if line.strip()]
    return len(lines) - (1 if path.name == "cohabitation.csv" else 0)


@pytest.mark.parametrize("name", ["screening_truncated.csv", "disability_cut.csv"])
def test_truncated_files_reconcile(name: str) -> None:
    clean = clean_feed(read_feed(feed_file(name, BROKEN)))
    assert clean.counts.read == 2 and clean.counts.accepted == 1
    assert clean.quarantine["reason"].to_list() == ["truncated"]


def test_soft_flags(cleaned: dict[str, CleanFeed]) -> None:
    for (name, record_id), flags in EXPECTED_FLAGS.items():
        assert _row(cleaned[name], record_id)["flags"] == flags, (name, record_id)


def test_soft_problem_values_are_nulled(cleaned: dict[str, CleanFeed]) -> None:
    assert _row(cleaned["household.csv"], "h7")["birth_date"] is None
    assert _row(cleaned["household.csv"], "h9")["deregistered_reason"] is None
    assert _row(cleaned["screening.csv"], "s2")["mcv"] is None
    assert _row(cleaned["cohabitation.csv"], "c5")["division_code"] is None


def test_quarantine_detail_names_columns_not_values(cleaned: dict[str, CleanFeed]) -> None:
    detail = cleaned["marriage.csv"].quarantine.filter(pl.col("line") == 3)["detail"][0]
    assert detail == "bad_date:event_date"
    everything = " ".join(pl.concat([c.quarantine for c in cleaned.values()])["detail"])
    for personal in ("4601", "陈", "林", "海口"):
        assert personal not in everything


def test_three_date_formats(cleaned: dict[str, CleanFeed]) -> None:
    household = cleaned["household.csv"]
    assert _row(household, "h1")["registered_on"] == date(2009, 6, 1)  # 2009-06-01
    assert _row(household, "h2")["registered_on"] == date(2009, 6, 1)  # 2009/6/1
    assert _row(household, "h2")["birth_date"] == date(1987, 7, 1)  # 19870701


def test_fifteen_digit_id_is_upgraded(cleaned: dict[str, CleanFeed]) -> None:
    # 460001 500101 013: century 19 inserted; check over 46000119500101013 is
    # S = 4*7+6*9+0*10+0*5+0*8+1*4+1*2+9*1+5*6+0*3+0*7+1*9+0*10+1*5+0*8+1*4+3*2 = 151,
    # 151 mod 11 = 8 -> check character "4".
    row = _row(cleaned["household.csv"], "h4")
    assert (row["id_number"], row["id_number_status"]) == ("460001195001010134", "upgraded")
    assert row["id_number_birth_date"] == date(1950, 1, 1)
    assert row["id_number_sex"] == "1"  # sequence 013 is odd


def test_lowercase_x_is_valid(cleaned: dict[str, CleanFeed]) -> None:
    row = _row(cleaned["marriage.csv"], "m4")
    assert (row["wife_id_number"], row["wife_id_number_status"]) == (
        "11010519491231002X", "valid")
    assert row["wife_id_number_sex"] == "2"  # sequence 002 is even


def test_bad_check_digit_is_kept_as_raw_evidence_only(cleaned: dict[str, CleanFeed]) -> None:
    row = _row(cleaned["household.csv"], "h5")
    assert row["id_number"] is None
    assert row["id_number_raw"] == "460106198503120018"
    assert row["id_number_status"] == "bad_check"


def test_all_zero_placeholder_and_placeholder_name_leave_no_identity(
    cleaned: dict[str, CleanFeed]
) -> None:
    held = cleaned["household.csv"].quarantine.filter(pl.col("line") == 7)
    assert held["detail"][0] == "no_identity:person; no_identity:row"


def test_traditional_name_and_full_width_spaces(cleaned: dict[str, CleanFeed]) -> None:
    household = cleaned["household.csv"]
    h3 = _row(household, "h3")
    assert (h3["name"], h3["name_key"], h3["name_initials"]) == ("陈明", "chenming", "cm")
    h2 = _row(household, "h2")
    assert (h2["name"], h2["name_key"]) == ("林小红", "linxiaohong")


def test_placeholder_newborn_names(cleaned: dict[str, CleanFeed]) -> None:
    birth = cleaned["birth.csv"]
    for record_id in ("b1", "b2", "b3"):  # 陈某某之子, empty, 婴儿
        row = _row(birth, record_id)
        assert row["child_name_placeholder"] is True
        assert row["child_name_key"] is None


def test_id_versus_record_cross_checks(cleaned: dict[str, CleanFeed]) -> None:
    household = cleaned["household.csv"]
    # h11: the number's sequence 026 is even (a woman) but the record says sex 1.
    assert _row(household, "h11")["person_id_sex_mismatch"] is True
    # h12: the number encodes 1992-11-30, the record says 1992-11-29.
    assert _row(household, "h12")["person_id_birth_mismatch"] is True
    assert _row(household, "h1")["person_id_sex_mismatch"] is False
    # m5: husband and wife numbers swapped: each number's sex contradicts the role.
    m5 = _row(cleaned["marriage.csv"], "m5")
    assert m5["husband_id_sex_mismatch"] and m5["wife_id_sex_mismatch"]


def test_single_digit_codes_are_padded(cleaned: dict[str, CleanFeed]) -> None:
    assert _row(cleaned["household.csv"], "h3")["ethnicity"] == "01"


def test_conflicting_copies_of_a_record_are_all_quarantined(tmp_path: Path) -> None:
    head = ("record_id,source,id_number,name,employer_code,employer_name,division_code,"
            "from_date,to_date\n")
    (tmp_path / "employment.csv").write_text(
        head + "e1,social_security,,张三,X1,,460106,2010-01-01,\n"
        "e1,social_security,,张三,X1,,460106,2011-01-01,\n"
        "e2,social_security,,李四,X2,,460106,2010-01-01,\n", encoding="utf-8")
    clean = clean_feed(read_feed(discover(tmp_path)[0]))
    assert clean.quarantine.select("line", "reason").rows() == [
        (2, "conflicting_record"), (3, "conflicting_record")]
    assert clean.accepted["record_id"].to_list() == ["e2"]


LIMITS_HEADER = ("record_id,source,id_number,name,employer_code,employer_name,division_code,"
                 "from_date,to_date")


def _employment(tmp_path: Path, *rows: str) -> CleanFeed:
    (tmp_path / "employment.csv").write_text(LIMITS_HEADER + "\n" + "\n".join(rows) + "\n")
    return clean_feed(read_feed(discover(tmp_path)[0]))


def test_a_one_mebibyte_name_is_quarantined_never_a_person(tmp_path: Path) -> None:
    # docs/feeds.md, "Limits Kingraph enforces": a name holds at most 64 characters.
    huge = "张" * 2**20
    clean = _employment(tmp_path, f"e1,social_security,460106198503120019,{huge},X1,,460106,"
                                  "2010-01-01,",
                        "e2,social_security,,李四,X1,,460106,2010-01-01,")
    assert clean.accepted["record_id"].to_list() == ["e2"]
    assert clean.quarantine.select("line", "record_id", "reason", "detail").rows() == [
        (2, "e1", "too_long", "too_long:name")]


def test_length_limits_by_column_kind_at_the_boundary(tmp_path: Path) -> None:
    # At the limit is accepted, one character more is not: name 64, free text 256,
    # record_id 64 (a long record_id is not copied into the quarantine).
    at, over = "王" * 64, "王" * 65
    clean = _employment(
        tmp_path,
        f"e1,social_security,,{at},X1,{'某' * 256},460106,2010-01-01,",
        f"e2,social_security,,{over},X1,,460106,2010-01-01,",
        f"e3,social_security,,李四,X1,{'某' * 257},460106,2010-01-01,",
        f"{'e' * 64},social_security,,李四,X1,,460106,2010-01-01,",
        f"{'e' * 65},social_security,,李四,X1,,460106,2010-01-01,",
    )
    assert clean.accepted["record_id"].to_list() == ["e1", "e" * 64]
    assert clean.quarantine.select("line", "record_id", "reason").rows() == [
        (3, "e2", "too_long"), (4, "e3", "too_long"), (6, None, "too_long")]
    assert clean.counts.read == 5
