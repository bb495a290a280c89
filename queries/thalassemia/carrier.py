"""Carrier probabilities for cascade screening around an index case.

Two models, one answer shape. The *prior* model of domain.md: a relative shares
the index allele with probability r (coefficient of relationship) and otherwise
carries some allele of the same gene at the background rate of their ethnic
group: P = 1 - (1 - r)(1 - background). The *Bayesian* model treats the gene as
one locus with alleles {A = any thalassemia allele of the gene, a}, founders in
Hardy-Weinberg with their group's allele frequency, the index case and every
tested relative as evidence, and computes each untested member's exact posterior
(see ``segregation``). It is used whenever the pedigree is small and consistent
enough; otherwise the prior model answers and the result says why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from kingraph.errors import InvalidArgument
from queries.conditions.segregation import (
    DEFAULT_LIMITS,
    InconsistentEvidence,
    Limits,
    TooComplex,
    posteriors,
)
from queries.thalassemia.genotypes import Gene, thalassemia_table
from queries.thalassemia.screening import Screening

ParentMap = Mapping[str, tuple[str | None, str | None]]


class Method(StrEnum):
    """How a member's probability was obtained."""

    OBSERVED = "observed"  # their own result settles it
    BAYES = "bayes"  # exact posterior over the pedigree
    PRIOR = "prior"  # 1 - (1 - r)(1 - background)


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


def members(parents: ParentMap) -> list[str]:
    """Everyone in the parent map, parents before children.

    Raises:
        InvalidArgument: A member is their own ancestor.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for pid in sorted(_everyone(parents)):
        _visit(pid, parents, state, order)
    return order


def _everyone(parents: ParentMap) -> set[str]:
    found = set(parents)
    for pair in parents.values():
        found.update(p for p in pair if p is not None)
    return found


def _visit(pid: str, parents: ParentMap, state: dict[str, int], order: list[str]) -> None:
    stack: list[tuple[str, bool]] = [(pid, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            state[node] = 2
            order.append(node)
        elif state.get(node) == 1:
            raise InvalidArgument("pedigree: member_is_own_ancestor", reason="own_ancestor")
        elif node not in state:
            state[node] = 1
            stack.append((node, True))
            stack += [(p, False) for p in parents.get(node, (None, None)) if p is not None]


def relationship_to(parents: ParentMap, index: str) -> dict[str, Fraction]:
    """Coefficient of relationship r = 2φ of every member with the index case.

    φ by the recursion of domain.md: a founder with itself ½, different founders
    0, φ(i, i) = ½(1 + φ(f, m)), φ(i, j) = ½(φ(f, j) + φ(m, j)) for i not an
    ancestor of j (here: i later in the parents-first order). r = 2φ is the
    probability that a non-inbred relative carries a copy of a given index allele.
    """
    order = {pid: n for n, pid in enumerate(members(parents))}
    memo: dict[tuple[str, str], Fraction] = {}

    def phi(i: str | None, j: str | None) -> Fraction:
        if i is None or j is None:
            return Fraction(0)
        if order.get(i, -1) < order.get(j, -1):
            i, j = j, i
        if (i, j) not in memo:
            father, mother = parents.get(i, (None, None))
            if i == j:
                memo[(i, j)] = (1 + phi(father, mother)) / 2
            else:
                memo[(i, j)] = (phi(father, j) + phi(mother, j)) / 2
        return memo[(i, j)]

    return {pid: 2 * phi(pid, index) for pid in order}


def _settled(result: Screening | None, gene: Gene) -> bool | None:
    return None if result is None else result.carries(gene)


def prior_estimates(
    parents: ParentMap,
    ethnicity: Mapping[str, str | None],
    observed: Mapping[str, Screening],
    index: str,
    gene: Gene,
) -> dict[str, CarrierEstimate]:
    """The simple model: observed results, else 1 - (1 - r)(1 - background).

    Args:
        parents: member -> (father, mother), None where unknown.
        ethnicity: member -> GB/T 3304 code (``01`` Han, ``19`` Li) or group name.
        observed: member -> latest screening result.
        index: the index case (a carrier or patient of ``gene``).
        gene: the gene of the index allele.
    """
    estimates: dict[str, CarrierEstimate] = {}
    for pid, r in relationship_to(parents, index).items():
        settled = True if pid == index else _settled(observed.get(pid), gene)
        if settled is not None:
            estimates[pid] = CarrierEstimate(pid, float(settled), Method.OBSERVED, float(r))
            continue
        background = background_rate(ethnicity.get(pid), gene)
        chance = 1 - (1 - float(r)) * (1 - background)
        estimates[pid] = CarrierEstimate(pid, chance, Method.PRIOR, float(r))
    return estimates


def bayes_estimates(
    parents: ParentMap,
    ethnicity: Mapping[str, str | None],
    observed: Mapping[str, Screening],
    index: str,
    gene: Gene,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, CarrierEstimate]:
    """Exact posteriors over the pedigree; same arguments as ``prior_estimates``.

    A member with one known parent gets an untested founder for the other, of the
    member's own ethnicity. The index case counts as carrying at least one allele
    unless its own result says more (a patient carries two).

    Raises:
        TooComplex: The pedigree exceeds ``limits``.
        InconsistentEvidence: The results contradict Mendel.
    """
    complete, founders = _completed(parents, ethnicity, gene)
    allowed = {pid: result.mutant_counts(gene) for pid, result in observed.items()}
    allowed[index] = allowed.get(index, frozenset({1, 2})) - {0}
    allowed = {pid: ok for pid, ok in allowed.items() if pid in complete or pid in founders}
    dist = posteriors(complete, founders, allowed, limits)
    relation = relationship_to(parents, index)
    estimates: dict[str, CarrierEstimate] = {}
    for pid, r in relation.items():
        chance = 1.0 - float(dist[pid][0])
        settled = pid == index or _settled(observed.get(pid), gene) is not None
        method = Method.OBSERVED if settled else Method.BAYES
        estimates[pid] = CarrierEstimate(pid, chance, method, float(r))
    return estimates


def _completed(
    parents: ParentMap, ethnicity: Mapping[str, str | None], gene: Gene
) -> tuple[dict[str, tuple[str, str]], dict[str, float]]:
    """Both parents for every non-founder (adding unknown ones), founders' q."""
    complete: dict[str, tuple[str, str]] = {}
    founders: dict[str, float] = {}
    for pid in members(parents):
        father, mother = parents.get(pid, (None, None))
        if father is None and mother is None:
            founders[pid] = allele_frequency(background_rate(ethnicity.get(pid), gene))
            continue
        pair = (father or f"?father of {pid}", mother or f"?mother of {pid}")
        for added in {pair[0], pair[1]} - {father, mother}:
            founders[added] = allele_frequency(background_rate(ethnicity.get(pid), gene))
        complete[pid] = pair
    return complete, founders


def carrier_probabilities(
    parents: ParentMap,
    ethnicity: Mapping[str, str | None],
    observed: Mapping[str, Screening],
    index: str,
    gene: Gene,
    limits: Limits = DEFAULT_LIMITS,
) -> CascadeEstimate:
    """Each member's chance of carrying an allele of the index case's gene.

    Exact Bayesian posteriors when the pedigree is within ``limits`` and the
    results are Mendelian; otherwise the prior model, with ``fallback`` naming
    the reason (``pedigree_too_large``, ``pedigree_too_interlinked``,
    ``mendelian_inconsistency``).

    Raises:
        InvalidArgument: The index case is not in the pedigree, or its own result
            says it carries no allele of ``gene``.
    """
    if index not in _everyone(parents) and index not in parents:
        raise InvalidArgument("cascade: index_not_in_pedigree", reason="index_not_in_pedigree")
    if _settled(observed.get(index), gene) is False:
        raise InvalidArgument(f"cascade: index_not_a_{gene.value}_carrier",
                              reason=f"index_not_a_{gene.value}_carrier")
    try:
        found = bayes_estimates(parents, ethnicity, observed, index, gene, limits)
        return CascadeEstimate(gene, index, found)
    except (TooComplex, InconsistentEvidence) as reason:
        found = prior_estimates(parents, ethnicity, observed, index, gene)
        return CascadeEstimate(gene, index, found, fallback=str(reason))
