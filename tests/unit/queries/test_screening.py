"""Carrier status from genotypes, from the conclusion, and from both."""

from __future__ import annotations

import pytest

from kingraph.errors import InvalidArgument
from queries.thalassemia.genotypes import Gene
from queries.thalassemia.screening import Screening, Status, from_feed


@pytest.mark.parametrize(
    ("alpha", "beta", "status"),
    [
        ("αα/αα", "βN/βN", Status.NORMAL),
        ("--SEA/αα", "βN/βN", Status.ALPHA_CARRIER),
        ("-α3.7/-α4.2", "βN/βN", Status.ALPHA_CARRIER),  # α⁺ homozygote is a trait
        ("αα/αα", "βCD41-42/βN", Status.BETA_CARRIER),
        ("-α3.7/αα", "βIVS-II-654/βN", Status.ALPHA_BETA_CARRIER),
        ("--SEA/-α3.7", "βN/βN", Status.HBH_DISEASE),
        ("--SEA/-α3.7", "βCD17/βN", Status.HBH_DISEASE),  # disease outranks a trait
        ("αα/αα", "βCD41-42/βCD41-42", Status.BETA_MAJOR),
        ("αα/αα", "β-28/βCD26(E)", Status.BETA_INTERMEDIA),
        ("--SEA/--SEA", "βN/βN", Status.HB_BARTS_HYDROPS),
    ],
)
def test_status_from_both_genotypes(alpha: str, beta: str, status: Status) -> None:
    assert from_feed(alpha, beta, None).status is status


@pytest.mark.parametrize("status", list(Status))
def test_conclusion_alone_gives_its_own_status(status: Status) -> None:
    assert from_feed(None, None, status.value).status is status


def test_genotype_of_one_gene_and_conclusion_for_the_other() -> None:
    result = from_feed("--SEA/αα", "", "alpha_beta_carrier")
    assert result.status is Status.ALPHA_BETA_CARRIER
    assert result.carries(Gene.BETA) is True
    assert not result.conflicting


def test_genotype_overrides_a_contradicting_conclusion_and_flags_it() -> None:
    result = from_feed("αα/αα", "βN/βN", "alpha_carrier")
    assert result.status is Status.NORMAL
    assert result.conflicting


def test_suspected_settles_nothing() -> None:
    result = from_feed(None, None, "suspected")
    assert result.carries(Gene.ALPHA) is None
    assert result.carries(Gene.BETA) is None
    assert result.mutant_counts(Gene.ALPHA) == {0, 1, 2}


def test_alpha_carrier_conclusion_may_hide_an_alpha_plus_homozygote() -> None:
    assert from_feed(None, None, "alpha_carrier").mutant_counts(Gene.ALPHA) == {1, 2}
    assert from_feed(None, None, "beta_carrier").mutant_counts(Gene.BETA) == {1}


def test_unknown_conclusion_names_the_place_only() -> None:
    with pytest.raises(InvalidArgument, match="f.csv line 3 conclusion: screening_unknown"):
        from_feed(None, None, "carrier?", "f.csv line 3")


def test_row_with_nothing_is_rejected() -> None:
    with pytest.raises(InvalidArgument, match="screening_empty_result"):
        from_feed("", "", "")


def test_conclusion_is_case_and_space_tolerant() -> None:
    assert from_feed(None, None, " Beta_Carrier ") == Screening(conclusion=Status.BETA_CARRIER)
