"""Birth-service permits the permit system holds (the certificate feed's ``birth_service``
rows and ``truth/permits.parquet``): for births the policy allowed, for children never
born, and duplicates a department issued in error.  Orders are counted here by hand from
the truth's parents and birth dates."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from synth.generator import Result
from tests.unit.synth.reading import dates, feed, truth

LAWFUL = {"era_number", "only_child", "minority_two_girls", "disabled_or_remarried"}


@pytest.fixture(scope="module")
def permits(province: tuple[Path, Result]) -> pl.DataFrame:
    return truth(province[0], "permits")


@pytest.fixture(scope="module")
def children(province: tuple[Path, Result]) -> pl.DataFrame:
    """Each child with both parents: its order among the pair's children and among all
    children of either parent, counted by birth date then key."""
    p = truth(province[0], "persons").filter(pl.col("father_key").is_not_null()
                                             & pl.col("mother_key").is_not_null())
    p = p.sort("birth_date", "person_key")

    def order(*by: str) -> pl.Expr:
        return pl.int_range(pl.len()).over(*by) + 1

    return p.with_columns(order("father_key", "mother_key").alias("pair_order"),
                          order("father_key").alias("f_order"),
                          order("mother_key").alias("m_order")).select(
        pl.col("person_key").alias("child_key"), "father_key", "mother_key", "birth_date",
        "birth_policy_rule", "pair_order",
        (pl.col("f_order") + pl.col("m_order") - pl.col("pair_order")).alias("all_order"))


def test_a_permit_for_a_born_child_names_its_parents_and_its_order(
        permits: pl.DataFrame, children: pl.DataFrame) -> None:
    born = permits.filter(pl.col("kind") == "birth").join(children, on="child_key")
    assert born.height > 1000
    assert born.height == permits.filter(pl.col("kind") == "birth").height
    assert (born["husband_key"] == born["father_key"]).all()
    assert (born["wife_key"] == born["mother_key"]).all()
    assert (born["child_order"] == born["pair_order"]).all()
    assert (born["child_order_all"] == born["all_order"]).all()
    assert (born["issued_on"] < born["birth_date"]).all()
    assert set(born["rule"]) <= LAWFUL and set(born["rule"]) == set(born["birth_policy_rule"])
    assert (born["rule"] == born["birth_policy_rule"]).all()
    # Second and third children were permitted under the eras' clauses too.
    assert born.filter(pl.col("child_order") == 2).height > 100
    assert born.filter(pl.col("child_order") >= 3).height > 5
    assert born.filter(pl.col("rule") != "era_number").height > 10


def test_no_birth_over_the_quota_has_a_permit(permits: pl.DataFrame,
                                              children: pl.DataFrame) -> None:
    over = children.filter(pl.col("birth_policy_rule") == "over_quota")
    assert over.height > 1000
    assert permits.join(over, on="child_key", how="semi").is_empty()


def test_a_permit_for_a_child_never_born_counts_the_couples_children_then(
        permits: pl.DataFrame, children: pl.DataFrame) -> None:
    unused = permits.filter(pl.col("kind") == "unused")
    assert unused.height > 100 and unused["child_key"].is_null().all()
    assert set(unused["rule"]) <= LAWFUL
    pairs = unused.join(children, left_on=["husband_key", "wife_key"],
                        right_on=["father_key", "mother_key"], how="left")
    before = pairs.group_by("record_id").agg(
        pl.first("child_order"),
        (pl.col("birth_date") < pl.col("issued_on")).sum().alias("born_before"))
    assert (before["child_order"] == before["born_before"] + 1).all()
    revoked = unused.filter(pl.col("revoked_on").is_not_null())
    assert 0.4 < revoked.height / unused.height < 0.9
    assert (revoked["revoked_on"] > revoked["issued_on"]).all()


def test_a_duplicate_permit_repeats_one_the_department_had_issued(
        permits: pl.DataFrame) -> None:
    dup = permits.filter(pl.col("kind") == "duplicate")
    first = permits.filter(pl.col("kind") != "duplicate")
    assert dup.height > 10
    key = ["husband_key", "wife_key", "child_order"]
    pair = dup.join(first, on=key, suffix="_first")
    assert pair.select("record_id").unique().height == dup.height
    assert (pair["issued_on"] > pair["issued_on_first"]).all()
    assert (pair["certificate_no"] != pair["certificate_no_first"]).all()
    assert 0 < dup["revoked_on"].is_not_null().sum() < dup.height


def test_the_certificate_feed_carries_what_the_permit_truth_says(
        province: tuple[Path, Result], permits: pl.DataFrame) -> None:
    rows = feed(province[0], "certificate").filter(pl.col("type") == "birth_service")
    assert rows.height == permits.height
    joined = rows.with_columns(dates("issued_on"), dates("revoked_on"),
                               pl.col("child_order").cast(pl.Int64)).join(
        permits, on=["record_id", "certificate_no"], suffix="_truth")
    assert joined.height == permits.height
    for column in ("issued_on", "revoked_on", "child_order"):
        same = joined[column].eq_missing(joined[f"{column}_truth"])
        assert same.all(), column
