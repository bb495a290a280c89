"""Inherited conditions beyond thalassemia: results, X-linked relatedness, carrier and
affected probabilities.  Every expected value is derived by hand in the comments from
Mendel's rules for the mode (and Hardy-Weinberg for the founders), never from the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest

from kingraph import conditions
from kingraph.conditions import Mode
from kingraph.errors import InvalidArgument
from queries.conditions.carrier import (
    Method,
    carrier_probabilities,
    prior_estimates,
    relatedness,
)
from queries.conditions.results import Finding, Result, allowed, combined
from queries.conditions.segregation import Limits

M, F = "1", "2"
G6PD = conditions.get("g6pd_deficiency")
HEMO = conditions.get("hemophilia_a")
PKU = conditions.get("pku")
HD = conditions.get("huntington")
Q = 0.065  # the Han G6PD allele frequency of the table (a man's deficiency rate)


def test_the_table_has_every_mode_and_g6pd_is_x_linked_with_its_sources() -> None:
    assert {c.mode for c in conditions.table().values()} == {Mode.AR, Mode.AD, Mode.XLR}
    assert G6PD.mode is Mode.XLR and G6PD.heterozygote_expression
    assert G6PD.frequency("01") == Q and G6PD.frequency("19") == 0.10
    assert G6PD.frequency("06") == Q  # a group without figures takes the default
    assert all(c.source for c in conditions.table().values())
    with pytest.raises(InvalidArgument):
        conditions.get("sickle_cell")


def found(result: str, method: str = "", day: int = 1) -> Finding:
    return Finding(Result(result), method, date(2020, 1, day))


GENOTYPING = "genotyping (PCR)"


@pytest.mark.parametrize(("condition", "result", "method", "sex", "genotypes"), [
    # X-linked, a man: one X, affected is one copy whatever the method
    (G6PD, "affected", "fluorescent spot test", M, {1}), (G6PD, "normal", "", M, {0}),
    # a woman: genotyping tells all; an enzyme test cannot tell a carrier, and a
    # heterozygous woman may test G6PD deficient (she is one or two copies)
    (G6PD, "affected", GENOTYPING, F, {2}), (G6PD, "carrier", GENOTYPING, F, {1}),
    (G6PD, "normal", GENOTYPING, F, {0}), (G6PD, "normal", "enzyme activity", F, {0, 1}),
    (G6PD, "affected", "enzyme activity", F, {1, 2}),
    # haemophilia carriers do not bleed: an affected woman is homozygous
    (HEMO, "affected", "FVIII:C activity", F, {2}),
    # autosomal recessive: a phenotype test passes carriers
    (PKU, "affected", "plasma phenylalanine", M, {2}), (PKU, "normal", "phenylalanine", F,
                                                        {0, 1}),
    (PKU, "normal", GENOTYPING, M, {0}), (PKU, "carrier", GENOTYPING, F, {1}),
    # dominant: affected is one or two copies, normal none
    (HD, "affected", "", M, {1, 2}), (HD, "normal", "", F, {0}),
    (G6PD, "suspected", "fluorescent spot test", M, {0, 1}),
])
def test_what_a_result_allows(condition: conditions.Condition, result: str, method: str,
                              sex: str, genotypes: set[int]) -> None:
    assert allowed(condition, found(result, method), sex) == genotypes


def test_results_combine_and_genotyping_settles_a_contradiction() -> None:
    # enzyme normal (0 or 1) then genotyped carrier (1): a carrier
    assert combined(G6PD, [found("normal", "enzyme"), found("carrier", GENOTYPING, 2)], F) == {1}
    # a false-negative screen (0), then confirmed affected (1): the rows contradict;
    # neither is genotyping, so the latest row stands
    assert combined(G6PD, [found("normal", "spot", 1), found("affected", "ratio", 9)], M) == {1}
    assert combined(G6PD, [found("suspected", "spot")], M) is None


# A family around a boy deficient in G6PD (index), Han throughout:
#   gf x gm -> mum, uncle (his mother's brother)    pgf x pgm -> dad
#   dad x mum -> boy (index), bro, sis              boy x wife -> son, dau
PARENTS = {"mum": ("gf", "gm"), "uncle": ("gf", "gm"), "dad": ("pgf", "pgm"),
           "boy": ("dad", "mum"), "bro": ("dad", "mum"), "sis": ("dad", "mum"),
           "son": ("boy", "wife"), "dau": ("boy", "wife")}
SEXES = {"gf": M, "gm": F, "pgf": M, "pgm": F, "mum": F, "uncle": M, "dad": M, "boy": M,
         "bro": M, "sis": F, "wife": F, "son": M, "dau": F}
HAN = dict.fromkeys(SEXES, "01")


def test_x_linked_relatedness() -> None:
    r = relatedness(PARENTS, SEXES, "boy", x_linked=True)
    # his X came from his mother: she and every daughter of his carry it (r_X = 1);
    # a father passes no X to a son: his sons, his father and the father's side 0;
    # a brother took one of the mother's two X (1/2); so did the sister (2 phi_X, 1/2);
    # the mother's father gave her his one X (1/2), her mother one of two (1/2); the
    # mother's brother shares it only if it was the grandmother's (1/2 x 1/2)
    assert {p: r[p] for p in ("mum", "dau", "son", "dad", "pgf", "bro", "sis", "gf", "gm",
                              "uncle")} == {
        "mum": 1, "dau": 1, "son": 0, "dad": 0, "pgf": 0, "bro": Fraction(1, 2),
        "sis": Fraction(1, 2), "gf": Fraction(1, 2), "gm": Fraction(1, 2),
        "uncle": Fraction(1, 4)}
    autosomal = relatedness(PARENTS, SEXES, "boy")
    assert autosomal["son"] == autosomal["dad"] == Fraction(1, 2)


def test_an_affected_boys_mother_and_daughters_are_obligate_carriers_his_sons_not_at_risk(
) -> None:
    boy = {"boy": frozenset({1})}
    est = carrier_probabilities(G6PD, PARENTS, SEXES, HAN, boy, "boy").estimates
    assert est["mum"].carrier == pytest.approx(1.0)
    assert est["dau"].carrier == pytest.approx(1.0)
    # his son's X is his mother's: the background, q, as for any Han man
    assert est["son"].carrier == pytest.approx(Q) and est["son"].affected == pytest.approx(Q)
    assert est["dad"].carrier == pytest.approx(Q)  # the father's X says nothing
    # the mother has two copies with P = q^2 / (2pq x 1/2 + q^2) = q, so she passes one
    # with (1 - q)/2 + q = (1 + q)/2: the brother's chance (he is then deficient)
    half = (1 + Q) / 2
    assert est["bro"].carrier == pytest.approx(half) and est["bro"].affected == pytest.approx(
        half)
    # the sister takes her father's X (q) and one of her mother's ((1 + q)/2)
    assert est["sis"].carrier == pytest.approx(1 - (1 - Q) * (1 - half))
    assert est["sis"].affected == pytest.approx(Q * half)
    assert est["boy"].method is Method.OBSERVED and est["son"].method is Method.BAYES


def test_a_relatives_result_updates_the_others() -> None:
    # the sister genotyped normal: her own chance is 0, nothing else changes for the boy's
    # mother (still obligate); and the mother's brother: the mother's copy came from her
    # father (who then is deficient) or her mother; a normal maternal grandfather (a man
    # tested normal) makes it the grandmother's, so the uncle's chance rises to about 1/2
    base = {"boy": frozenset({1})}
    before = carrier_probabilities(G6PD, PARENTS, SEXES, HAN, base, "boy").estimates
    after = carrier_probabilities(G6PD, PARENTS, SEXES, HAN,
                                  base | {"sis": frozenset({0}), "gf": frozenset({0})},
                                  "boy").estimates
    assert after["sis"].carrier == 0.0 and after["sis"].method is Method.OBSERVED
    assert after["mum"].carrier == pytest.approx(1.0)
    # gm carries for sure; P(gm has 2) = q (as for the mother); the uncle gets A with
    # (1 - q)/2 + q
    assert after["gm"].carrier == pytest.approx(1.0)
    assert after["uncle"].carrier == pytest.approx((1 + Q) / 2)
    assert after["uncle"].carrier > before["uncle"].carrier


def test_new_mutations_make_the_mother_less_than_obligate() -> None:
    # haemophilia A, mu > 0: P(mother carries | son affected, nothing else known)
    #   = sum_{g>=1} P(g) pass(g) / sum_g P(g) pass(g), pass(g) = g/2 + (1 - g/2) mu;
    # each of her two X (from her founder parents) is A with a = q + (1 - q) mu
    q, mu = HEMO.frequency("01"), HEMO.mutation_rate
    a = q + (1 - q) * mu
    prior = [(1 - a) ** 2, 2 * a * (1 - a), a * a]
    passing = [mu, 0.5 + 0.5 * mu, 1.0]
    total = sum(p * a for p, a in zip(prior, passing, strict=True))
    expected = (prior[1] * passing[1] + prior[2] * passing[2]) / total
    est = carrier_probabilities(HEMO, PARENTS, SEXES, HAN, {"boy": frozenset({1})}, "boy")
    assert est.estimates["mum"].carrier == pytest.approx(expected, rel=1e-9)
    assert 0.5 < expected < 0.9  # Haldane: well short of certain


def test_autosomal_recessive_parents_are_obligate_carriers() -> None:
    # PKU: an affected child has two copies; each parent passes one for sure; a parent
    # has two copies with P = q (as above), so passes A with (1 + q)/2 to the next child
    q = PKU.frequency("01")
    est = carrier_probabilities(PKU, PARENTS, SEXES, HAN, {"boy": frozenset({2})},
                                "boy").estimates
    assert est["mum"].carrier == pytest.approx(1.0) and est["dad"].carrier == pytest.approx(1.0)
    passes = (1 + q) / 2
    assert est["sis"].carrier == pytest.approx(1 - (1 - passes) ** 2)
    assert est["sis"].affected == pytest.approx(passes**2)
    # the affected man's children get one copy from him for sure
    assert est["son"].carrier == pytest.approx(1.0)
    assert est["son"].affected == pytest.approx(q)  # and the other from their mother with q


def test_autosomal_dominant_children_of_an_affected_parent() -> None:
    # an affected man has two copies with P2 = q^2 / (2pq + q^2); he passes the allele
    # with (1 - P2)/2 + P2; the mother passes it with q
    q = HD.frequency("01")
    p2 = q * q / (2 * q * (1 - q) + q * q)
    passes = (1 - p2) / 2 + p2
    est = carrier_probabilities(HD, PARENTS, SEXES, HAN, {"boy": frozenset({1, 2})},
                                "boy").estimates
    assert est["son"].carrier == pytest.approx(1 - (1 - passes) * (1 - q))
    assert est["son"].affected == pytest.approx(est["son"].carrier)  # dominant: a copy shows


def test_the_prior_model_uses_x_relatedness_when_exact_inference_is_refused() -> None:
    est = carrier_probabilities(G6PD, PARENTS, SEXES, HAN, {"boy": frozenset({1})}, "boy",
                                Limits(max_members=3))
    assert est.fallback == "pedigree_too_large"
    e = est.estimates
    assert e["son"].carrier == pytest.approx(Q)  # 1 - (1 - 0)(1 - q)
    assert e["dau"].carrier == pytest.approx(1.0)  # r_X = 1
    assert e["bro"].carrier == pytest.approx(1 - 0.5 * (1 - Q))
    # a woman's background is 1 - (1 - q)^2; the sister shares the allele with 1/2
    assert e["sis"].carrier == pytest.approx(1 - 0.5 * (1 - Q) ** 2)
    assert e["mum"].method is Method.PRIOR


def test_prior_model_conditions_on_an_unaffected_result() -> None:
    # PKU, the sister normal by phenylalanine: not affected, carrier still possible:
    # P(carrier | not affected) = (P(c) - P(a)) / (1 - P(a))
    q = PKU.frequency("01")
    est = prior_estimates(PKU, PARENTS, SEXES, HAN, {"boy": frozenset({2}),
                                                     "sis": frozenset({0, 1})}, "boy")
    r = 0.5
    carrier = 1 - (1 - r) * (1 - (1 - (1 - q) ** 2))
    shows = r * q + (1 - r) * q * q
    assert est["sis"].affected == 0.0
    assert est["sis"].carrier == pytest.approx((carrier - shows) / (1 - shows))


def test_index_case_must_carry() -> None:
    with pytest.raises(InvalidArgument, match="index_not_a_carrier"):
        carrier_probabilities(G6PD, PARENTS, SEXES, HAN, {"boy": frozenset({0})}, "boy")
    with pytest.raises(InvalidArgument, match="index_not_in_pedigree"):
        carrier_probabilities(G6PD, PARENTS, SEXES, HAN, {}, "nobody")


def test_inconsistent_results_fall_back_to_the_prior_model() -> None:
    # an affected boy whose mother is genotyped normal, with no new mutations: impossible
    est = carrier_probabilities(G6PD, PARENTS, SEXES, HAN,
                                {"boy": frozenset({1}), "mum": frozenset({0})}, "boy")
    assert est.fallback == "mendelian_inconsistency"
    assert replace(est.estimates["mum"]).carrier == 0.0


ONE, TWO, NONE_ = frozenset({1}), frozenset({2}), frozenset({0})


@pytest.mark.parametrize(("condition", "husband", "wife", "chance", "listed"), [
    # AR: each parent passes with g/2
    (PKU, ONE, ONE, Fraction(1, 4), "at_risk"), (PKU, ONE, TWO, Fraction(1, 2), "at_risk"),
    (PKU, TWO, TWO, Fraction(1), "at_risk"), (PKU, ONE, NONE_, Fraction(0), "none"),
    (PKU, ONE, None, Fraction(0), "partner_testing"),
    (PKU, ONE, frozenset({0, 1}), Fraction(0), "partner_testing"),  # phenotype-normal wife
    # XLR: half her sons; with an affected husband, half her daughters too
    (G6PD, NONE_, ONE, Fraction(1, 4), "at_risk"), (G6PD, ONE, ONE, Fraction(1, 2), "at_risk"),
    (G6PD, ONE, TWO, Fraction(1), "at_risk"), (G6PD, NONE_, TWO, Fraction(1, 2), "at_risk"),
    (G6PD, ONE, NONE_, Fraction(0), "none"),  # daughters carriers, no child affected
    (G6PD, ONE, None, Fraction(0), "partner_testing"), (G6PD, None, None, Fraction(0), "none"),
])
def test_couple_risk_per_pregnancy(condition: conditions.Condition,
                                   husband: frozenset[int] | None, wife: frozenset[int] | None,
                                   chance: Fraction, listed: str) -> None:
    from queries.conditions.couple_risk import couple_risk

    found = couple_risk(condition, husband, wife)
    assert (found.probability, found.classification.value) == (chance, listed)


def test_no_couple_lists_for_a_dominant_condition() -> None:
    from queries.conditions.couple_risk import couple_risk

    with pytest.raises(InvalidArgument, match="recessive_conditions_only"):
        couple_risk(HD, ONE, None)
