"""Couple risk per pregnancy: Mendel's four gamete combinations, written out by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from queries.thalassemia.genotypes import Gene, Outcome, parse_genotype
from queries.thalassemia.pregnancy_risk import CoupleClass, CoupleRisk, children, couple_risk
from queries.thalassemia.screening import Screening, from_feed

Q = Fraction(1, 4)


def typed(alpha: str = "αα/αα", beta: str = "βN/βN") -> Screening:
    return from_feed(alpha, beta, None)


def risks(result: CoupleRisk) -> dict[Outcome, Fraction]:
    return {r.outcome: r.probability for r in result.risks}


def test_alpha0_by_alpha_plus_children_are_the_four_gamete_pairs() -> None:
    # --SEA/αα passes --SEA or αα; -α3.7/αα passes -α3.7 or αα: four children, ¼ each.
    a = parse_genotype("--SEA/αα", Gene.ALPHA)
    b = parse_genotype("-α3.7/αα", Gene.ALPHA)
    assert a is not None and b is not None
    got = {str(c.genotype): (c.probability, c.outcome) for c in children(a, b)}
    assert got == {
        "--SEA/-α3.7": (Q, Outcome.HBH_DISEASE),
        "--SEA/αα": (Q, None),
        "-α3.7/αα": (Q, None),
        "αα/αα": (Q, None),
    }


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (typed("--SEA/αα"), typed("--SEA/αα"), {Outcome.HB_BARTS_HYDROPS: Q}),
        (typed("--SEA/αα"), typed("-α3.7/αα"), {Outcome.HBH_DISEASE: Q}),
        (typed("--SEA/αα"), typed("αCSα/αα"), {Outcome.HBH_DISEASE: Q}),
        (typed(beta="βCD41-42/βN"), typed(beta="βIVS-II-654/βN"), {Outcome.BETA_MAJOR: Q}),
        (typed(beta="βCD41-42/βN"), typed(beta="β-28/βN"), {Outcome.BETA_MAJOR: Q}),
        (typed(beta="β-28/βN"), typed(beta="βCD26(E)/βN"), {Outcome.BETA_INTERMEDIA: Q}),
    ],
)
def test_carrier_couples_at_a_quarter(a: Screening, b: Screening, expected: object) -> None:
    result = couple_risk(a, b)
    assert risks(result) == expected
    assert result.classification is CoupleClass.PRENATAL_DIAGNOSIS
    assert result.severe_probability == Q


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (typed("-α3.7/αα"), typed("-α4.2/αα")),  # α⁺ × α⁺: at worst -α/-α, a trait
        (typed("-α3.7/-α3.7"), typed("-α4.2/αα")),
        (typed("--SEA/αα"), typed(beta="βCD41-42/βN")),  # α × β: different chromosomes
        (typed(beta="βCD26(E)/βN"), typed(beta="βCD26(E)/βN")),  # HbE/HbE is mild
        (typed("--SEA/αα"), typed()),
    ],
)
def test_couples_without_severe_risk(a: Screening, b: Screening) -> None:
    result = couple_risk(a, b)
    assert result.risks == ()
    assert result.classification is CoupleClass.NONE
    assert result.severe_probability == 0


def test_hbh_parent_by_alpha0_carrier() -> None:
    # --SEA/-α3.7 passes --SEA or -α3.7; --SEA/αα passes --SEA or αα:
    # --SEA/--SEA ¼ Bart's, --SEA/αα ¼, --SEA/-α3.7 ¼ HbH, -α3.7/αα ¼.
    result = couple_risk(typed("--SEA/-α3.7"), typed("--SEA/αα"))
    assert risks(result) == {Outcome.HB_BARTS_HYDROPS: Q, Outcome.HBH_DISEASE: Q}
    assert result.severe_probability == Fraction(1, 2)


def test_two_hbh_parents() -> None:
    # (--, -α) × (--, -α): --/-- ¼, --/-α ½, -α/-α ¼.
    result = couple_risk(typed("--SEA/-α3.7"), typed("--SEA/-α4.2"))
    assert risks(result) == {Outcome.HB_BARTS_HYDROPS: Q, Outcome.HBH_DISEASE: Fraction(1, 2)}


def test_double_carriers_combine_independent_genes() -> None:
    # α: ¼ Bart's; β: ¼ major; P(any) = 1 - (3/4)(3/4) = 7/16.
    a = typed("--SEA/αα", "βCD41-42/βN")
    b = typed("--SEA/αα", "βCD17/βN")
    result = couple_risk(a, b)
    assert risks(result) == {Outcome.HB_BARTS_HYDROPS: Q, Outcome.BETA_MAJOR: Q}
    assert result.severe_probability == Fraction(7, 16)


def test_beta_major_parent_by_carrier_is_a_half() -> None:
    # β⁰/β⁰ always passes β⁰; the carrier passes β⁰ half the time.
    result = couple_risk(typed(beta="βCD41-42/βCD41-42"), typed(beta="βCD17/βN"))
    assert risks(result) == {Outcome.BETA_MAJOR: Fraction(1, 2)}


def test_one_carrier_one_unscreened_goes_to_partner_screening() -> None:
    assert couple_risk(typed("--SEA/αα"), None).classification is CoupleClass.PARTNER_SCREENING
    assert couple_risk(None, from_feed(None, None, "suspected")).classification is (
        CoupleClass.PARTNER_SCREENING
    )
    assert couple_risk(typed(), None).classification is CoupleClass.NONE
    assert couple_risk(None, None).classification is CoupleClass.NONE


def test_two_ungenotyped_alpha_carriers_need_genotyping() -> None:
    # Two α⁺ carriers are safe, two α⁰ carriers are not: the genotypes decide.
    a = from_feed(None, None, "alpha_carrier")
    result = couple_risk(a, a)
    assert result.classification is CoupleClass.GENOTYPING
    assert all(not r.exact for r in result.risks)
    assert {r.outcome for r in result.risks} == {Outcome.HB_BARTS_HYDROPS, Outcome.HBH_DISEASE}


def test_ungenotyped_beta_carriers_are_at_risk_whatever_their_alleles() -> None:
    # Any β⁰/β⁺/βE × β⁰ gives major or intermedia; βE × β⁰ too.
    result = couple_risk(from_feed(None, None, "beta_carrier"), typed(beta="βCD41-42/βN"))
    assert result.classification is CoupleClass.PRENATAL_DIAGNOSIS


def test_alpha0_carrier_by_ungenotyped_alpha_carrier_is_certainly_at_risk() -> None:
    # α⁰ × (α⁰ or α⁺ or α⁺/α⁺) always gives Bart's or HbH at some chance.
    result = couple_risk(typed("--SEA/αα"), from_feed(None, None, "alpha_carrier"))
    assert result.classification is CoupleClass.PRENATAL_DIAGNOSIS
    # α⁺/α⁺ partner always passes α⁺: HbH with the α⁰ parent's ½.
    assert risks(result)[Outcome.HBH_DISEASE] == Fraction(1, 2)
