"""Carrier probabilities: r, the prior model, and exact Bayesian updates.

Expected values are derived in the tests from Mendel (a parent with g copies of
allele A passes it with probability g/2) and Hardy-Weinberg founders
(P(g) = p², 2pq, q²), or by brute-force enumeration of every genotype assignment,
independently of the variable elimination under test.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from itertools import product

import pytest

from kingraph.conditions import Mode
from kingraph.errors import InvalidArgument
from queries.conditions.segregation import Limits, posteriors
from queries.thalassemia.carrier import (
    Method,
    ParentMap,
    allele_frequency,
    background_rate,
    carrier_probabilities,
    gene_condition,
    prior_estimates,
    relationship_to,
)
from queries.thalassemia.genotypes import Gene
from queries.thalassemia.screening import Screening, Status

HAN_BETA = 0.0185  # domain.md: β carriers 1.3-2.4 % (data table midpoint)
Q = 1 - math.sqrt(1 - HAN_BETA)  # Hardy-Weinberg: 1 - (1 - q)² = carrier rate

CARRIER = Screening(conclusion=Status.BETA_CARRIER)  # β: exactly one allele
NORMAL = Screening(conclusion=Status.NORMAL)
MAJOR = Screening(conclusion=Status.BETA_MAJOR)

NUCLEAR: ParentMap = {"f": (None, None), "m": (None, None), "i": ("f", "m"), "s": ("f", "m")}


def han(parents: ParentMap) -> dict[str, str | None]:
    everyone = set(parents) | {p for pair in parents.values() for p in pair if p}
    return dict.fromkeys(everyone, "01")


def hw(q: float) -> list[float]:
    return [(1 - q) ** 2, 2 * q * (1 - q), q * q]


def passes(g: int) -> float:
    return g / 2


def child_chance(x: int, y: int, c: int) -> float:
    a, b = passes(x), passes(y)
    return [(1 - a) * (1 - b), a * (1 - b) + (1 - a) * b, a * b][c]


def brute_force(
    parents: dict[str, tuple[str, str]], q: float, allowed: dict[str, set[int]]
) -> dict[str, float]:
    """P(carrier) of everyone by summing over all 3**n genotype assignments."""
    people = sorted(set(parents) | {p for pair in parents.values() for p in pair})
    total, carrying = 0.0, dict.fromkeys(people, 0.0)
    for genotypes in product(range(3), repeat=len(people)):
        g = dict(zip(people, genotypes, strict=True))
        if any(g[pid] not in ok for pid, ok in allowed.items()):
            continue
        weight = 1.0
        for pid in people:
            if pid in parents:
                weight *= child_chance(g[parents[pid][0]], g[parents[pid][1]], g[pid])
            else:
                weight *= hw(q)[g[pid]]
        total += weight
        for pid in people:
            carrying[pid] += weight if g[pid] > 0 else 0.0
    return {pid: w / total for pid, w in carrying.items()}


# ---- coefficient of relationship -------------------------------------------------

FAMILY: ParentMap = {
    "gf": (None, None),
    "gm": (None, None),
    "f": ("gf", "gm"),
    "uncle": ("gf", "gm"),
    "m": (None, None),
    "aunt_in_law": (None, None),
    "i": ("f", "m"),
    "sib": ("f", "m"),
    "half": ("f", "m2"),
    "m2": (None, None),
    "cousin": ("uncle", "aunt_in_law"),
    "cousin_child": ("cousin", None),
    "niece": ("sib", None),
    "child": ("i", None),
    "cousin_grandchild": ("cousin_child", None),
    "grandchild": ("child", None),
}


@pytest.mark.parametrize(
    ("pid", "r"),
    [
        ("i", Fraction(1)),
        ("f", Fraction(1, 2)),
        ("child", Fraction(1, 2)),
        ("sib", Fraction(1, 2)),
        ("half", Fraction(1, 4)),
        ("gf", Fraction(1, 4)),
        ("grandchild", Fraction(1, 4)),
        ("uncle", Fraction(1, 4)),
        ("niece", Fraction(1, 4)),
        ("cousin", Fraction(1, 8)),
        ("cousin_child", Fraction(1, 16)),  # first cousin once removed
        ("m", Fraction(1, 2)),
        ("m2", Fraction(0)),  # the half-sibling's mother
        ("aunt_in_law", Fraction(0)),
    ],
)
def test_relationship_coefficients(pid: str, r: Fraction) -> None:
    assert relationship_to(FAMILY, "i")[pid] == r


def test_second_cousins_and_double_first_cousins() -> None:
    second = {"a": ("gf", "gm"), "b": ("gf", "gm"), "c": ("a", None), "d": ("b", None)}
    second |= {"x": ("c", None), "y": ("d", None)}
    assert relationship_to(second, "x")["y"] == Fraction(1, 32)
    # Two brothers marry two sisters: their children are double first cousins.
    double = {"b1": ("p", "q"), "b2": ("p", "q"), "s1": ("u", "v"), "s2": ("u", "v")}
    double |= {"x": ("b1", "s1"), "y": ("b2", "s2")}
    assert relationship_to(double, "x")["y"] == Fraction(1, 4)


def test_a_member_who_is_their_own_ancestor_is_rejected() -> None:
    with pytest.raises(InvalidArgument, match="member_is_own_ancestor"):
        relationship_to({"a": ("b", None), "b": ("a", None)}, "a")


# ---- the prior model ---------------------------------------------------------------


def test_prior_is_r_plus_background() -> None:
    found = prior_estimates(FAMILY, han(FAMILY), {"i": CARRIER}, "i", Gene.BETA)
    assert found["sib"].probability == pytest.approx(1 - (1 - 0.5) * (1 - HAN_BETA))
    assert found["uncle"].probability == pytest.approx(1 - (1 - 0.25) * (1 - HAN_BETA))
    assert found["cousin"].probability == pytest.approx(1 - (1 - 0.125) * (1 - HAN_BETA))
    assert found["m2"].probability == pytest.approx(HAN_BETA)
    assert found["cousin"].method is Method.PRIOR
    assert found["cousin"].r == 0.125


def test_prior_uses_the_relatives_ethnicity() -> None:
    ethnicity = han(FAMILY) | {"uncle": "19"}  # 黎: α carriers 40-46 %
    found = prior_estimates(FAMILY, ethnicity, {}, "i", Gene.ALPHA)
    assert found["uncle"].probability == pytest.approx(1 - 0.75 * (1 - 0.43))
    assert found["gf"].probability == pytest.approx(1 - 0.75 * (1 - 0.085))


def test_a_tested_result_overrides_the_prior() -> None:
    observed = {"i": CARRIER, "sib": NORMAL, "cousin": CARRIER}
    found = prior_estimates(FAMILY, han(FAMILY), observed, "i", Gene.BETA)
    assert (found["sib"].probability, found["sib"].method) == (0.0, Method.OBSERVED)
    assert (found["cousin"].probability, found["cousin"].method) == (1.0, Method.OBSERVED)


def test_background_and_allele_frequency() -> None:
    assert background_rate("19", Gene.ALPHA) == 0.43
    assert background_rate(None, Gene.BETA) == HAN_BETA  # unknown: "other" uses Han
    q = allele_frequency(0.43)
    assert 1 - (1 - q) ** 2 == pytest.approx(0.43)


def test_each_gene_is_a_recessive_condition_at_its_groups_allele_frequencies() -> None:
    # The general model reads a rate group's name as that group (data table: Li α 0.43,
    # Han and "other" α 0.085, β 0.0185 in every group).
    alpha, beta = gene_condition(Gene.ALPHA), gene_condition(Gene.BETA)
    assert alpha.mode is beta.mode is Mode.AR
    expected = {"li": 0.43, "han": 0.085, "other": 0.085}
    for group, rate in expected.items():
        assert alpha.frequency(group) == pytest.approx(1 - math.sqrt(1 - rate))
        assert beta.frequency(group) == pytest.approx(1 - math.sqrt(1 - HAN_BETA))


def test_the_prior_reads_only_results_that_settle_carrier_status() -> None:
    # "suspected" leaves a β carrier possible (0 or 1 allele): the prior stays r + background.
    suspected = Screening(conclusion=Status.SUSPECTED)
    found = prior_estimates(FAMILY, han(FAMILY), {"i": CARRIER, "sib": suspected}, "i",
                            Gene.BETA)
    assert found["sib"].probability == pytest.approx(1 - (1 - 0.5) * (1 - HAN_BETA))
    assert found["sib"].method is Method.PRIOR


# ---- the Bayesian model ------------------------------------------------------------


def bayes(parents: ParentMap, observed: dict[str, Screening], index: str = "i") -> dict[str, float]:
    result = carrier_probabilities(parents, han(parents), observed, index, Gene.BETA)
    assert result.fallback is None
    return {pid: e.probability for pid, e in result.estimates.items()}


def sibling_of_carrier_by_hand() -> float:
    # Sum over the parents' genotypes x, y: P(x)P(y) P(index = 1 | x, y) P(sib >= 1 | x, y).
    joint = evidence = 0.0
    for x, y in product(range(3), repeat=2):
        a, b = passes(x), passes(y)
        weight = hw(Q)[x] * hw(Q)[y] * (a * (1 - b) + (1 - a) * b)
        evidence += weight
        joint += weight * (1 - (1 - a) * (1 - b))
    return joint / evidence


def test_sibling_of_carrier_with_untested_parents() -> None:
    expected = sibling_of_carrier_by_hand()
    got = bayes(NUCLEAR, {"i": CARRIER})
    assert got["s"] == pytest.approx(expected, abs=1e-12)
    assert 0.5 < got["s"] < 0.5 + Q  # ½ plus a background correction of order q
    # Each parent: the index's allele came from one of them (½), else background.
    assert got["f"] == pytest.approx(got["m"])


def test_child_of_carrier_and_tested_normal_parent_is_exactly_half() -> None:
    family: ParentMap = {"i": (None, None), "w": (None, None), "c": ("i", "w")}
    got = bayes(family, {"i": CARRIER, "w": NORMAL})
    assert got["c"] == pytest.approx(0.5, abs=1e-12)


def test_parent_testing_normal_moves_the_siblings_chance_as_mendel_says() -> None:
    # Father g = 0, index g = 1, so the allele came from the mother: P(m = 1) ∝ 2pq·½,
    # P(m = 2) ∝ q²·1, i.e. p and q. The sibling gets A from her with p·½ + q·1.
    before = bayes(NUCLEAR, {"i": CARRIER})["s"]
    after = bayes(NUCLEAR, {"i": CARRIER, "f": NORMAL})
    assert after["s"] == pytest.approx(0.5 + Q / 2, abs=1e-12)
    assert after["m"] == pytest.approx(1.0, abs=1e-12)  # obligate carrier
    assert after["s"] < before  # the father's background route is closed


def test_parent_testing_carrier_raises_nothing_beyond_mendel() -> None:
    # Father g = 1 and mother untested: the sibling's chance becomes
    # P(father passes A) + P(not) P(mother passes A | evidence), computed by brute force.
    after = bayes(NUCLEAR, {"i": CARRIER, "f": CARRIER})
    expected = brute_force({"i": ("f", "m"), "s": ("f", "m")}, Q, {"i": {1}, "f": {1}})
    assert after["s"] == pytest.approx(expected["s"], abs=1e-12)
    assert after["s"] > 0.5


def test_sibling_of_a_patient() -> None:
    # Index β⁰/β⁰: each parent carries (posterior g = 1 w.p. p, g = 2 w.p. q) and passes
    # A with s = p/2 + q; the sibling carries unless both parents pass a: 1 - (1 - s)².
    got = bayes(NUCLEAR, {"i": MAJOR})
    s = (1 - Q) / 2 + Q
    assert got["s"] == pytest.approx(1 - (1 - s) ** 2, abs=1e-12)
    assert got["f"] == pytest.approx(1.0) and got["m"] == pytest.approx(1.0)


def test_first_cousin_marriage_loop_matches_brute_force() -> None:
    family = {
        "a": ("gf", "gm"),
        "b": ("gf", "gm"),
        "c": ("a", "sa"),
        "d": ("b", "sb"),
        "i": ("c", "d"),
        "s": ("c", "d"),
    }
    observed = {"i": CARRIER, "sa": NORMAL}
    got = bayes(family, observed)
    expected = brute_force(family, Q, {"i": {1}, "sa": {0}})
    for pid, chance in expected.items():
        assert got[pid] == pytest.approx(chance, abs=1e-12), pid


def test_three_generations_with_mixed_evidence_match_brute_force() -> None:
    family = {"f": ("gf", "gm"), "u": ("gf", "gm"), "i": ("f", "m"), "k": ("u", "w")}
    observed = {"i": CARRIER, "m": NORMAL, "gm": NORMAL}
    got = bayes(family, observed)
    expected = brute_force(family, Q, {"i": {1}, "m": {0}, "gm": {0}})
    for pid, chance in expected.items():
        assert got[pid] == pytest.approx(chance, abs=1e-12), pid
    assert got["gf"] == pytest.approx(1.0)  # the allele can only have come from him


def test_one_unknown_parent_is_an_untested_founder_not_listed() -> None:
    family: ParentMap = {"i": ("f", None), "s": ("f", None), "f": (None, None)}
    result = carrier_probabilities(family, han(family), {"i": CARRIER}, "i", Gene.BETA)
    assert set(result.estimates) == {"i", "s", "f"}
    assert [e.pid for e in result.ranked()] == ["f", "s"]


def test_observed_members_are_marked_observed() -> None:
    result = carrier_probabilities(NUCLEAR, han(NUCLEAR), {"f": NORMAL}, "i", Gene.BETA)
    assert result.estimates["f"].method is Method.OBSERVED
    assert result.estimates["i"].method is Method.OBSERVED
    assert result.estimates["s"].method is Method.BAYES


# ---- fallbacks and errors ------------------------------------------------------------


def test_too_large_a_pedigree_falls_back_to_the_prior_with_a_flag() -> None:
    result = carrier_probabilities(
        NUCLEAR, han(NUCLEAR), {"i": CARRIER}, "i", Gene.BETA, Limits(max_members=3)
    )
    assert result.fallback == "pedigree_too_large"
    assert result.estimates["s"].method is Method.PRIOR
    assert result.estimates["s"].probability == pytest.approx(1 - 0.5 * (1 - HAN_BETA))


def test_too_wide_a_pedigree_falls_back() -> None:
    result = carrier_probabilities(
        NUCLEAR, han(NUCLEAR), {"i": CARRIER}, "i", Gene.BETA, Limits(max_scope=2)
    )
    assert result.fallback == "pedigree_too_interlinked"


def test_non_mendelian_results_fall_back() -> None:
    # Both parents tested normal yet the child carries: a mix-up or a new mutation.
    observed = {"i": CARRIER, "f": NORMAL, "m": NORMAL}
    result = carrier_probabilities(NUCLEAR, han(NUCLEAR), observed, "i", Gene.BETA)
    assert result.fallback == "mendelian_inconsistency"
    assert result.estimates["s"].method is Method.PRIOR


def test_index_must_be_in_the_pedigree_and_a_carrier() -> None:
    with pytest.raises(InvalidArgument, match="index_not_in_pedigree"):
        carrier_probabilities(NUCLEAR, {}, {}, "nobody", Gene.BETA)
    with pytest.raises(InvalidArgument, match="index_not_a_beta_carrier"):
        carrier_probabilities(NUCLEAR, {}, {"i": NORMAL}, "i", Gene.BETA)


def test_alpha_carrier_conclusion_allows_an_alpha_plus_homozygote() -> None:
    # "alpha_carrier" without a genotype may be -α/-α: the child of such a parent and a
    # tested-normal partner carries with more than ½ (exactly ½ + ½·P(parent is -α/-α)).
    family: ParentMap = {"i": (None, None), "w": (None, None), "c": ("i", "w")}
    observed = {"i": Screening(conclusion=Status.ALPHA_CARRIER), "w": NORMAL}
    result = carrier_probabilities(family, han(family), observed, "i", Gene.ALPHA)
    q = allele_frequency(0.085)
    homozygous = q * q / (2 * q * (1 - q) + q * q)
    assert result.estimates["c"].probability == pytest.approx(0.5 + homozygous / 2)


def random_family(seed: int) -> tuple[dict[str, tuple[str, str]], dict[str, set[int]]]:
    """Eight members in three generations, cousin marriages allowed, some results."""
    rng = random.Random(seed)
    parents: dict[str, tuple[str, str]] = {}
    pool = ["a", "b", "c"]
    for n in range(5):
        father, mother = rng.sample(pool, 2)
        child = f"k{n}"
        parents[child] = (father, mother)
        pool.append(child)
    people = sorted(set(parents) | {p for pair in parents.values() for p in pair})
    genotypes: dict[str, int] = {}
    for pid in people:  # founders a, b, c sort before k0..k4, parents before children
        if pid in parents:
            x, y = (genotypes[p] for p in parents[pid])
            genotypes[pid] = int(rng.random() < x / 2) + int(rng.random() < y / 2)
        else:
            genotypes[pid] = rng.choice([0, 1, 1, 2])
    shown = rng.sample(people, 3)
    return parents, {pid: {genotypes[pid]} for pid in shown}


@pytest.mark.parametrize("seed", range(12))
def test_random_small_pedigrees_match_brute_force(seed: int) -> None:
    parents, allowed = random_family(seed)
    people = set(parents) | {p for pair in parents.values() for p in pair}
    founders = dict.fromkeys(people - set(parents), 0.2)
    got = posteriors(parents, founders, {k: frozenset(v) for k, v in allowed.items()})
    expected = brute_force(parents, 0.2, allowed)
    for pid, chance in expected.items():
        assert 1 - got[pid][0] == pytest.approx(chance, abs=1e-12), pid


def test_two_unconnected_families_are_both_answered() -> None:
    family = {"i": ("f", "m"), "x": ("u", "v")}
    got = posteriors(
        family,
        dict.fromkeys(["f", "m", "u", "v"], Q),
        {"i": frozenset({1})},
    )
    expected = brute_force(family, Q, {"i": {1}})
    assert 1 - got["x"][0] == pytest.approx(expected["x"], abs=1e-12)
    assert 1 - got["x"][0] == pytest.approx(HAN_BETA, abs=1e-12)  # untouched by i
