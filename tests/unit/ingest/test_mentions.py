"""Person mentions: one row per role, ids, identity, family context."""

from __future__ import annotations

import polars as pl

from ingest.feeds.clean import CleanFeed
from ingest.feeds.mentions import MENTION_SCHEMA, to_mentions


def _mentions(cleaned: dict[str, CleanFeed], name: str) -> dict[str, dict[str, object]]:
    frame = to_mentions(cleaned[name])
    assert frame.schema == pl.Schema(MENTION_SCHEMA)
    return {row["mention_id"]: row for row in frame.iter_rows(named=True)}


def test_one_mention_per_role_of_each_accepted_row(cleaned: dict[str, CleanFeed]) -> None:
    # Accepted marriage rows m1, m4, m5 each mention a husband and a wife.
    assert set(_mentions(cleaned, "marriage.csv")) == {
        f"marriage|civil_affairs|{r}|{role}" for r in ("m1", "m4", "m5")
        for role in ("husband", "wife")}


def test_mention_ids_are_unique_across_the_drop(cleaned: dict[str, CleanFeed]) -> None:
    ids = pl.concat([to_mentions(c) for c in cleaned.values()])["mention_id"]
    assert ids.n_unique() == ids.len()


def test_birth_row_family_context(cleaned: dict[str, CleanFeed]) -> None:
    m = _mentions(cleaned, "birth.csv")
    child = m["birth|birth_platform|b1|child"]
    assert child["mother_mention"] == "birth|birth_platform|b1|mother"
    assert child["father_mention"] == "birth|birth_platform|b1|father"
    assert (child["birth_order"], child["plurality"], child["sex"]) == (1, 2, "1")
    assert child["name_placeholder"] is True and child["id_status"] == "empty"
    mother = m["birth|birth_platform|b1|mother"]
    assert mother["spouse_mention"] == "birth|birth_platform|b1|father"
    assert mother["sex"] == "2" and mother["birth_date"] is None
    assert mother["birth_order"] is None


def test_absent_father_yields_no_mention_and_no_pointer(cleaned: dict[str, CleanFeed]) -> None:
    m = _mentions(cleaned, "birth.csv")
    assert "birth|birth_platform|b2|father" not in m
    assert m["birth|birth_platform|b2|child"]["father_mention"] is None
    assert m["birth|birth_platform|b2|mother"]["spouse_mention"] is None


def test_bloodline_relation_is_on_the_person(cleaned: dict[str, CleanFeed]) -> None:
    m = _mentions(cleaned, "bloodline.csv")
    person = m["bloodline|self_collected|l1|person"]
    assert person["relative_mention"] == "bloodline|self_collected|l1|relative"
    assert person["relation"] == "52"  # the relative is the person's mother
    relative = m["bloodline|self_collected|l1|relative"]
    assert relative["relation"] is None and relative["relative_mention"] is None


def test_unusable_id_is_raw_only_and_usable_id_is_normalised(
    cleaned: dict[str, CleanFeed]
) -> None:
    m = _mentions(cleaned, "household.csv")
    bad = m["household|public_security|h5|person"]
    assert (bad["id_number"], bad["id_raw"], bad["id_status"]) == (
        None, "460106198503120018", "bad_check")
    upgraded = m["household|public_security|h4|person"]
    assert upgraded["id_number"] == "460001195001010134" and upgraded["id_raw"] is None


def test_row_context_columns(cleaned: dict[str, CleanFeed]) -> None:
    h1 = _mentions(cleaned, "household.csv")["household|public_security|h1|person"]
    assert (h1["household_id"], h1["relation_to_head"], h1["division_code"]) == (
        "HH001", "02", "460106")
    assert str(h1["event_date"]) == "2009-06-01" and h1["line"] == 2
    assert h1["file"] == "household.csv" and len(str(h1["content_hash"])) == 40


def test_marriage_roles_imply_sex_and_carry_birth_dates(cleaned: dict[str, CleanFeed]) -> None:
    m = _mentions(cleaned, "marriage.csv")
    husband = m["marriage|civil_affairs|m1|husband"]
    assert husband["sex"] == "1" and str(husband["birth_date"]) == "1985-03-12"
    assert husband["spouse_mention"] == "marriage|civil_affairs|m1|wife"
    assert m["marriage|civil_affairs|m5|husband"]["id_sex_mismatch"] is True


def test_diagnosis_newborn_points_at_the_mother_and_a_lone_patient_names_nobody_else(
        cleaned: dict[str, CleanFeed]) -> None:
    m = _mentions(cleaned, "diagnosis.csv")
    baby = m["diagnosis|newborn_screening|g1|person"]
    assert baby["mother_mention"] == "diagnosis|newborn_screening|g1|mother"
    assert (baby["id_status"], baby["sex"], str(baby["birth_date"])) == ("empty", "1",
                                                                          "2010-05-20")
    assert m["diagnosis|newborn_screening|g1|mother"]["sex"] == "2"
    # a hospital row about the mother herself states no mother: no mention, no pointer
    assert "diagnosis|hospital|g3|mother" not in m
    assert m["diagnosis|hospital|g3|person"]["mother_mention"] is None
    # the unidentified newborn whose mother is unknown is still a person (as a birth row's)
    assert "diagnosis|newborn_screening|g6|person" not in m  # g6 was quarantined
