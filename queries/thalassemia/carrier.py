"""Carrier probabilities for cascade screening around an index case.

A thalassemia gene is a recessive condition of the general model
(:mod:`queries.conditions.carrier`): one autosomal locus with alleles {A = any
thalassemia allele of the gene, a}, founders in Hardy-Weinberg with their ethnic
group's allele frequency (:func:`gene_condition`, from the thalassemia table's carrier
rates), a screening result as the allele counts it leaves possible
(:meth:`~queries.thalassemia.screening.Screening.mutant_counts`).  Two models, one answer
shape. The *Bayesian* model computes each untested member's exact posterior with the
index case and every tested relative as evidence; it is used whenever the pedigree is
small and consistent enough. Otherwise the *prior* model of domain.md answers and the
result says why: a relative shares the index allele with probability r (coefficient of
relationship) and otherwise carries some allele of the same gene at the background rate
of their ethnic group, P = 1 - (1 - r)(1 - background); it reads only the results that
settle carrier status.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

from kingraph.conditions import Condition, Mode
from kingraph.errors import InvalidArgument
from queries.conditions import carrier as general
from queries.conditions.carrier import Method, ParentMap, members, relatedness
from queries.conditions.segregation import (
    DEFAULT_LIMITS,
    InconsistentEvidence,
    Limits,
    TooComplex,
)
from queries.thalassemia.genotypes import Gene, thalassemia_table
from queries.thalassemia.screening import Screening

__all__ = [
    "CarrierEstimate", "CascadeEstimate", "Method", "ParentMap", "allele_frequency",
    "background_rate", "bayes_estimates", "carrier_probabilities", "ethnic_group",
    "gene_condition", "members", "prior_estimates", "relationship_to",
]

_NAMES = {Gene.ALPHA: ("α地中海贫血", "alpha thalassemia", "D56.0"),
          Gene.BETA: ("β地中海贫血", "beta thalassemia", "D56.1")}


@dataclass(frozen=True)
class CarrierEstimate:
    """One member's chance of carrying at least one thalassemia allele of the gene."""

    pid: str
    probability: float
    method: Method
    r: float  # coefficient of relationship to the index case


@dataclass(frozen=True)
class CascadeEstimate:
    """Every member's estimate; ``fallback`` names why the Bayesian model was not used."""

    gene: Gene
    index: str
    estimates: dict[str, CarrierEstimate] = field(default_factory=dict)
    fallback: str | None = None

    def ranked(self) -> list[CarrierEstimate]:
        """Estimates from the most to the least likely carrier (index case excluded)."""
        rest = (e for e in self.estimates.values() if e.pid != self.index)
        return sorted(rest, key=lambda e: (-e.probability, e.pid))


def ethnic_group(ethnicity: str | None) -> str:
    """The rate group (``han``, ``li``, ``other``) of a GB/T 3304 code or name."""
    table = thalassemia_table()
    return table.ethnicity_codes.get((ethnicity or "").strip(), table.default_ethnicity)


def background_rate(ethnicity: str | None, gene: Gene) -> float:
    """Share of the ethnic group carrying at least one thalassemia allele of ``gene``."""
    return thalassemia_table().carrier_rates[ethnic_group(ethnicity)][gene]


def allele_frequency(carrier_rate: float) -> float:
    """Allele frequency q with 1 - (1 - q)² = carrier_rate (Hardy-Weinberg).

    Exact rather than q ≈ rate / 2, which is 12 % low for the Li α rate of 0.43.
    """
    return 1.0 - math.sqrt(1.0 - carrier_rate)


@cache
def gene_condition(gene: Gene) -> Condition:
    """The gene as an autosomal recessive condition of the general model.

    Its risk allele is any thalassemia allele of the gene, at the allele frequency
    (:func:`allele_frequency`) of each rate group's carrier rate; the groups are those
    of the thalassemia table, so members' ethnicities are passed as group names
    (:func:`ethnic_group`).
    """
    zh, en, icd10 = _NAMES[gene]
    rates = thalassemia_table().carrier_rates
    return Condition(f"thalassemia_{gene.value}", zh, en, icd10, Mode.AR,
                     {group: allele_frequency(rate[gene]) for group, rate in rates.items()},
                     "queries/thalassemia/data/thalassemia.json")


def relationship_to(parents: ParentMap, index: str) -> dict[str, Fraction]:
    """Coefficient of relationship r = 2φ of every member with the index case.

    φ by the recursion of domain.md (:func:`queries.conditions.carrier.relatedness`,
    autosomal). r = 2φ is the probability that a non-inbred relative carries a copy of
    a given index allele.

    Raises:
        InvalidArgument: A member is their own ancestor.
    """
    return relatedness(parents, {}, index)


def _groups(parents: ParentMap, ethnicity: Mapping[str, str | None]) -> dict[str, str | None]:
    """Every member's rate group (the thalassemia table's, as :func:`gene_condition`)."""
    return {pid: ethnic_group(ethnicity.get(pid)) for pid in members(parents)}


def _estimates(found: Mapping[str, general.Estimate]) -> dict[str, CarrierEstimate]:
    return {pid: CarrierEstimate(pid, e.carrier, e.method, e.r) for pid, e in found.items()}


def prior_estimates(parents: ParentMap, ethnicity: Mapping[str, str | None],
                    observed: Mapping[str, Screening], index: str,
                    gene: Gene) -> dict[str, CarrierEstimate]:
    """The simple model: observed results, else 1 - (1 - r)(1 - background).

    Only the results that settle carrier status count (a result that leaves both
    carrying and not carrying possible leaves the prior as it is).

    Args:
        parents: member -> (father, mother), None where unknown.
        ethnicity: member -> GB/T 3304 code (``01`` Han, ``19`` Li) or group name.
        observed: member -> latest screening result.
        index: the index case (a carrier or patient of ``gene``).
        gene: the gene of the index allele.
    """
    settled = {pid: result.mutant_counts(gene) for pid, result in observed.items()
               if result.carries(gene) is not None}
    return _estimates(general.prior_estimates(
        gene_condition(gene), parents, {}, _groups(parents, ethnicity), settled, index))


def bayes_estimates(parents: ParentMap, ethnicity: Mapping[str, str | None],
                    observed: Mapping[str, Screening], index: str, gene: Gene,
                    limits: Limits = DEFAULT_LIMITS) -> dict[str, CarrierEstimate]:
    """Exact posteriors over the pedigree; same arguments as ``prior_estimates``.

    A member with one known parent gets an untested founder for the other, of the
    member's own ethnicity. The index case counts as carrying at least one allele
    unless its own result says more (a patient carries two).

    Raises:
        TooComplex: The pedigree exceeds ``limits``.
        InconsistentEvidence: The results contradict Mendel.
    """
    allowed = {pid: result.mutant_counts(gene) for pid, result in observed.items()}
    return _estimates(general.bayes_estimates(
        gene_condition(gene), parents, {}, _groups(parents, ethnicity), allowed, index,
        limits))


def carrier_probabilities(parents: ParentMap, ethnicity: Mapping[str, str | None],
                          observed: Mapping[str, Screening], index: str, gene: Gene,
                          limits: Limits = DEFAULT_LIMITS) -> CascadeEstimate:
    """Each member's chance of carrying an allele of the index case's gene.

    Exact Bayesian posteriors when the pedigree is within ``limits`` and the
    results are Mendelian; otherwise the prior model, with ``fallback`` naming
    the reason (``pedigree_too_large``, ``pedigree_too_interlinked``,
    ``mendelian_inconsistency``).

    Raises:
        InvalidArgument: The index case is not in the pedigree, or its own result
            says it carries no allele of ``gene``.
    """
    if index not in members(parents):
        raise InvalidArgument("cascade: index_not_in_pedigree", reason="index_not_in_pedigree")
    result = observed.get(index)
    if result is not None and result.carries(gene) is False:
        raise InvalidArgument(f"cascade: index_not_a_{gene.value}_carrier",
                              reason=f"index_not_a_{gene.value}_carrier")
    try:
        found = bayes_estimates(parents, ethnicity, observed, index, gene, limits)
        return CascadeEstimate(gene, index, found)
    except (TooComplex, InconsistentEvidence) as reason:
        found = prior_estimates(parents, ethnicity, observed, index, gene)
        return CascadeEstimate(gene, index, found, fallback=str(reason))
