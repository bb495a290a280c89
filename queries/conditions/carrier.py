"""Carrier and affected probabilities for cascade testing around an index case, for any
condition of the conditions table, by its mode of inheritance.

Two models, one answer shape; the thalassemias use them too, each globin gene as a
recessive condition (:func:`queries.thalassemia.carrier.gene_condition`).  The
*Bayesian* model: one locus with alleles {A, a}, founders in Hardy-Weinberg with their
ethnic group's allele frequency (a man's X: A with probability q), Mendel's transmission
for the mode (:mod:`queries.conditions.segregation`: on the X a son takes his mother's X
only, a daughter her father's one X), the index case and every tested relative as
evidence (:mod:`queries.conditions.results`); each member's exact posterior.
The *prior* model, when the pedigree is too large or the results contradict Mendel: a
relative shares the index allele with probability r and otherwise draws from the
background, P = 1 - (1 - r)(1 - background), where r is the coefficient of relationship
(autosomal) or its X-chromosome form r_X = φ_X · (1 for a man, 2 for a woman): an
affected boy's mother and daughters have r_X = 1 (obligate carriers), his sons 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from kingraph.conditions import Condition, Mode
from kingraph.errors import InvalidArgument
from queries.conditions.results import MALE, affected_genotypes, possible
from queries.conditions.segregation import (
    DEFAULT_LIMITS,
    InconsistentEvidence,
    Limits,
    Locus,
    TooComplex,
    posteriors,
)

ParentMap = Mapping[str, tuple[str | None, str | None]]


class Method(StrEnum):
    """How a member's probability was obtained."""

    OBSERVED = "observed"  # their own result settles it
    BAYES = "bayes"  # exact posterior over the pedigree
    PRIOR = "prior"  # 1 - (1 - r)(1 - background)


@dataclass(frozen=True)
class Estimate:
    """One member's chance of carrying the risk allele and of showing the condition."""

    pid: str
    carrier: float  # at least one copy
    affected: float  # the condition shows (a man's one X copy; two copies if recessive)
    method: Method
    r: float  # the share of the index allele expected (autosomal r, or r_X)


@dataclass(frozen=True)
class ConditionEstimate:
    """Every member's estimate; ``fallback`` names why the Bayesian model was not used."""

    condition: Condition
    index: str
    estimates: dict[str, Estimate] = field(default_factory=dict)
    fallback: str | None = None

    def ranked(self) -> list[Estimate]:
        """Estimates from the most to the least likely carrier (index case excluded)."""
        rest = (e for e in self.estimates.values() if e.pid != self.index)
        return sorted(rest, key=lambda e: (-e.carrier, -e.affected, e.pid))


def members(parents: ParentMap) -> list[str]:
    """Everyone in the parent map, parents before children.

    Raises:
        InvalidArgument: A member is their own ancestor.
    """
    everyone = set(parents) | {p for pair in parents.values() for p in pair if p}
    order: list[str] = []
    state: dict[str, int] = {}
    for start in sorted(everyone):
        stack: list[tuple[str, bool]] = [(start, False)]
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
                stack += [(p, False) for p in parents.get(node, (None, None)) if p]
    return order


def relatedness(parents: ParentMap, sexes: Mapping[str, str | None], index: str,
                x_linked: bool = False) -> dict[str, Fraction]:
    """The chance that each member carries a copy of a given allele of the index case.

    Autosomal: r = 2φ (domain.md).  X-linked: φ_X by the recursion for the X (a man has
    one X: φ_X(i, i) = 1, and shares his mother's; a woman as autosomal), and r_X =
    φ_X for a man, 2φ_X for a woman; members of unknown sex count as women.
    """
    order = {pid: n for n, pid in enumerate(members(parents))}
    memo: dict[tuple[str, str], Fraction] = {}

    def male(pid: str) -> bool:
        return x_linked and sexes.get(pid) == MALE

    def phi(i: str | None, j: str | None) -> Fraction:
        if i is None or j is None:
            return Fraction(0)
        if order.get(i, -1) < order.get(j, -1):
            i, j = j, i
        if (i, j) not in memo:
            father, mother = parents.get(i, (None, None))
            if male(i):
                memo[(i, j)] = Fraction(1) if i == j else phi(mother, j)
            elif i == j:
                memo[(i, j)] = (1 + phi(father, mother)) / 2
            else:
                memo[(i, j)] = (phi(father, j) + phi(mother, j)) / 2
        return memo[(i, j)]

    return {pid: phi(pid, index) * (1 if male(pid) else 2) for pid in order}


def _backgrounds(condition: Condition, q: float, man: bool) -> tuple[float, float]:
    """(carrier, affected) rates of an unrelated person."""
    if condition.mode.x_linked and man:
        return q, q
    carrier = 1 - (1 - q) ** 2
    return carrier, carrier if condition.mode is Mode.AD else q * q


def _settled(ok: frozenset[int] | None) -> bool:
    return ok is not None and (0 not in ok or ok == frozenset({0}))


def prior_estimates(condition: Condition, parents: ParentMap,
                    sexes: Mapping[str, str | None], ethnicity: Mapping[str, str | None],
                    allowed: Mapping[str, frozenset[int]], index: str) -> dict[str, Estimate]:
    """The simple model: results where they settle it, else 1 - (1 - r)(1 - background)."""
    related = relatedness(parents, sexes, index, condition.mode.x_linked)
    out: dict[str, Estimate] = {}
    for pid, r in related.items():
        sex = sexes.get(pid)
        man = sex == MALE
        q = condition.frequency(ethnicity.get(pid))
        bg_carrier, bg_affected = _backgrounds(condition, q, man)
        share = float(r)
        carrier = 1 - (1 - share) * (1 - bg_carrier)
        shows = carrier if bg_affected == bg_carrier else share * q + (1 - share) * bg_affected
        ok = allowed.get(pid) if pid != index else _index_allowed(condition, allowed, index, sex)
        if ok is not None and not (ok & affected_genotypes(condition, sex)):
            carrier, shows = (carrier - shows) / (1 - shows) if shows < 1 else 0.0, 0.0
        if _settled(ok):
            assert ok is not None
            carrier = 0.0 if ok == frozenset({0}) else 1.0
            shows = 1.0 if ok <= affected_genotypes(condition, sex) else (
                0.0 if not ok & affected_genotypes(condition, sex) else shows)
        method = Method.OBSERVED if _settled(ok) else Method.PRIOR
        out[pid] = Estimate(pid, carrier, shows, method, share)
    return out


def _index_allowed(condition: Condition, allowed: Mapping[str, frozenset[int]], index: str,
                   sex: str | None) -> frozenset[int]:
    return (allowed.get(index) or possible(condition, sex)) - {0}


def bayes_estimates(condition: Condition, parents: ParentMap,
                    sexes: Mapping[str, str | None], ethnicity: Mapping[str, str | None],
                    allowed: Mapping[str, frozenset[int]], index: str,
                    limits: Limits = DEFAULT_LIMITS) -> dict[str, Estimate]:
    """Exact posteriors over the pedigree; arguments as :func:`prior_estimates`.

    Raises:
        TooComplex: The pedigree exceeds ``limits``.
        InconsistentEvidence: The results contradict Mendel.
    """
    complete, founders, men = _completed(condition, parents, sexes, ethnicity)
    evidence = {pid: ok for pid, ok in allowed.items() if pid in complete or pid in founders}
    evidence[index] = _index_allowed(condition, allowed, index, sexes.get(index))
    locus = Locus(condition.mode.x_linked, condition.mutation_rate)
    dist = posteriors(complete, founders, evidence, limits, locus, men)
    related = relatedness(parents, sexes, index, condition.mode.x_linked)
    out: dict[str, Estimate] = {}
    for pid, r in related.items():
        shows = sum(float(dist[pid][g]) for g in affected_genotypes(condition, sexes.get(pid)))
        ok = evidence.get(pid)
        method = Method.OBSERVED if pid == index or _settled(ok) else Method.BAYES
        out[pid] = Estimate(pid, 1.0 - float(dist[pid][0]), shows, method, float(r))
    return out


def _completed(condition: Condition, parents: ParentMap, sexes: Mapping[str, str | None],
               ethnicity: Mapping[str, str | None]
               ) -> tuple[dict[str, tuple[str, str]], dict[str, float], frozenset[str]]:
    """Both parents for every non-founder (adding unknown ones), founders' q, the men."""
    complete: dict[str, tuple[str, str]] = {}
    founders: dict[str, float] = {}
    men = {pid for pid, sex in sexes.items() if sex == MALE}
    for pid in members(parents):
        father, mother = parents.get(pid, (None, None))
        q = condition.frequency(ethnicity.get(pid))
        if father is None and mother is None:
            founders[pid] = q
            continue
        pair = (father or f"?father of {pid}", mother or f"?mother of {pid}")
        if father is None:
            founders[pair[0]] = q
            men.add(pair[0])
        if mother is None:
            founders[pair[1]] = q
        complete[pid] = pair
    return complete, founders, frozenset(men)


def carrier_probabilities(condition: Condition, parents: ParentMap,
                          sexes: Mapping[str, str | None],
                          ethnicity: Mapping[str, str | None],
                          allowed: Mapping[str, frozenset[int]], index: str,
                          limits: Limits = DEFAULT_LIMITS) -> ConditionEstimate:
    """Each member's chance of carrying the index case's allele and of being affected.

    Exact Bayesian posteriors when the pedigree is within ``limits`` and the results
    are Mendelian; otherwise the prior model, with ``fallback`` naming the reason
    (``pedigree_too_large``, ``pedigree_too_interlinked``, ``mendelian_inconsistency``).

    Args:
        condition: the condition (its mode, allele frequencies, mutation rate).
        parents: member -> (father, mother), None where unknown.
        sexes: member -> GB/T 2261.1 sex code.
        ethnicity: member -> GB/T 3304 code or group name.
        allowed: member -> the genotypes their results allow
            (:func:`queries.conditions.results.combined`).
        index: the index case (affected or a carrier).
        limits: the bounds of exact inference.

    Raises:
        InvalidArgument: The index case is not in the pedigree, or its results say it
            carries no copy.
    """
    if index not in members(parents) and index not in parents:
        raise InvalidArgument("cascade: index_not_in_pedigree", reason="index_not_in_pedigree")
    if allowed.get(index) == frozenset({0}):
        raise InvalidArgument("cascade: index_not_a_carrier", reason="index_not_a_carrier")
    try:
        found = bayes_estimates(condition, parents, sexes, ethnicity, allowed, index, limits)
        return ConditionEstimate(condition, index, found)
    except (TooComplex, InconsistentEvidence) as reason:
        found = prior_estimates(condition, parents, sexes, ethnicity, allowed, index)
        return ConditionEstimate(condition, index, found, fallback=str(reason))
