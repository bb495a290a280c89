"""Exact genotype inference on a pedigree at one biallelic locus, autosomal or X-linked.

Every member has a genotype variable g ∈ {0, 1, 2}: how many copies of the risk
allele A it carries. Founders follow Hardy-Weinberg with their own allele
frequency q; a child's genotype depends on its parents' through Mendel's
transmission (a parent with g copies passes A with probability g/2); results of
tests restrict a member to the genotypes they allow. Posterior genotype
distributions are computed exactly by variable elimination on these factors,
which handles marriage loops and any pedigree of bounded width.

On the X chromosome (:class:`Locus` ``x_linked``) a man has one copy (g ∈ {0, 1}, a
founder man carries A with probability q): a son takes his X from his mother only,
a daughter her father's one X (passed always) and one of her mother's two.  A
transmitted allele may become A by new mutation with the locus's rate μ (Haldane):
a parent passes A with probability g/2 + (1 - g/2)·μ, a father his X with g + (1 - g)·μ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kingraph.errors import KingraphError

Array = npt.NDArray[np.float64]

PASS_A = np.array([0.0, 0.5, 1.0])  # chance a parent with g copies passes A
PASS_X = np.array([0.0, 1.0, 1.0])  # a man passes his one X to every daughter


class InconsistentEvidence(KingraphError):
    """The observed results cannot arise under Mendelian inheritance (e.g. a mix-up)."""


class TooComplex(KingraphError):
    """The pedigree is too large or too interlinked for exact enumeration."""


@dataclass(frozen=True)
class Factor:
    """A non-negative table over genotype variables, one axis of length 3 each."""

    variables: tuple[str, ...]
    table: Array


@dataclass(frozen=True)
class Limits:
    """Bounds that keep exact inference cheap; beyond them the caller falls back."""

    max_members: int = 400  # cost is linear in members: about 0.1 ms each
    max_scope: int = 9  # largest intermediate table: 3**9 = 19,683 cells


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Locus:
    """Where the risk allele lies and how often it arises anew."""

    x_linked: bool = False
    mutation: float = 0.0  # μ: chance a transmitted normal allele becomes A


AUTOSOMAL = Locus()


def founder_prior(q: float, male: bool = False, locus: Locus = AUTOSOMAL) -> Array:
    """Hardy-Weinberg genotype frequencies (p², 2pq, q²) for allele frequency q; for a
    man's X, (1 - q, q, 0)."""
    if locus.x_linked and male:
        return np.array([1 - q, q, 0.0])
    return np.array([(1 - q) ** 2, 2 * q * (1 - q), q**2])


def _passing(base: Array, mu: float) -> Array:
    return base + (1 - base) * mu


def transmission(locus: Locus = AUTOSOMAL, male_child: bool = False) -> Array:
    """P(child g | father g, mother g) as a 3×3×3 table (axes father, mother, child).

    On the X a son's genotype does not depend on the father (his axis is constant).
    """
    b = _passing(PASS_A, locus.mutation)[None, :]
    if locus.x_linked and male_child:
        son = np.stack([1 - b, b, np.zeros_like(b)], axis=-1)
        return np.broadcast_to(son, (3, 3, 3)).copy()
    father = PASS_X if locus.x_linked else PASS_A
    a = _passing(father, locus.mutation)[:, None]
    return np.stack([(1 - a) * (1 - b), a * (1 - b) + (1 - a) * b, a * b], axis=-1)


def evidence(allowed: Iterable[int]) -> Array:
    """Indicator of the genotypes a test result allows."""
    table = np.zeros(3)
    table[list(allowed)] = 1.0
    return table


def combine(factors: list[Factor], keep: tuple[str, ...]) -> Factor:
    """Multiply factors and sum out every variable not in ``keep``."""
    axes = {v: i for i, v in enumerate(dict.fromkeys(v for f in factors for v in f.variables))}
    operands: list[Any] = []
    for factor in factors:
        operands += [factor.table, [axes[v] for v in factor.variables]]
    table = np.einsum(*operands, [axes[v] for v in keep])
    return Factor(keep, np.asarray(table, dtype=np.float64))


def elimination_order(factors: list[Factor], limits: Limits) -> list[str]:
    """Greedy min-fill order over the variables; raises TooComplex past the scope bound."""
    links: dict[str, set[str]] = {}
    for factor in factors:
        for v in factor.variables:
            links.setdefault(v, set()).update(set(factor.variables) - {v})
    order: list[str] = []
    while links:
        v = min(links, key=lambda x: (_fill(links, x), len(links[x]), x))
        if len(links[v]) + 1 > limits.max_scope:
            raise TooComplex("pedigree_too_interlinked", reason="pedigree_too_interlinked")
        for u in links[v]:
            links[u] |= links[v] - {u}
            links[u].discard(v)
        order.append(v)
        del links[v]
    return order


def _fill(links: dict[str, set[str]], v: str) -> int:
    near = list(links[v])
    return sum(b not in links[a] for i, a in enumerate(near) for b in near[i + 1 :])


@dataclass
class _Bucket:
    """One variable's bucket: its own factors, messages from below, the one it sends."""

    own: list[Factor]
    below: list[tuple[str, Factor]]  # (child bucket, upward message)
    up: Factor | None = None
    parent: str | None = None
    down: Factor | None = None  # message from the parent bucket


def marginals(factors: list[Factor], order: list[str]) -> dict[str, Array]:
    """Normalised posterior of every variable by two passes over the bucket tree.

    The upward pass is bucket elimination in ``order``; each bucket's message goes
    to the bucket of the earliest variable in its scope. The downward pass sends
    each bucket what the rest of the tree says about its message's scope, so every
    marginal costs one more product instead of a new elimination.
    """
    position = {v: n for n, v in enumerate(order)}
    buckets = {v: _Bucket([], []) for v in order}
    for factor in factors:
        buckets[min(factor.variables, key=position.__getitem__)].own.append(factor)
    for v in order:
        _send_up(v, buckets, position)
    for v in reversed(order):
        _send_down(v, buckets)
    return {v: _belief(b, v, None).table for v, b in buckets.items()}


def _incoming(bucket: _Bucket, skip: str | None) -> list[Factor]:
    found = bucket.own + [m for child, m in bucket.below if child != skip]
    return found if bucket.down is None else [*found, bucket.down]


def _belief(bucket: _Bucket, v: str, skip: str | None) -> Factor:
    return _normalised(combine(_incoming(bucket, skip), (v,)))


def _send_up(v: str, buckets: dict[str, _Bucket], position: dict[str, int]) -> None:
    bucket = buckets[v]
    touching = _incoming(bucket, None)
    scope = tuple(dict.fromkeys(u for f in touching for u in f.variables if u != v))
    bucket.up = _normalised(combine(touching, scope))
    if scope:
        bucket.parent = min(scope, key=position.__getitem__)
        buckets[bucket.parent].below.append((v, bucket.up))


def _send_down(v: str, buckets: dict[str, _Bucket]) -> None:
    bucket = buckets[v]
    for child, message in bucket.below:
        rest = _incoming(bucket, child)
        present = {u for f in rest for u in f.variables}
        rest += [Factor((u,), np.ones(3)) for u in message.variables if u not in present]
        buckets[child].down = _normalised(combine(rest, message.variables))


def _normalised(factor: Factor) -> Factor:
    total = float(factor.table.sum())
    if total <= 0.0:
        raise InconsistentEvidence("mendelian_inconsistency", reason="mendelian_inconsistency")
    return Factor(factor.variables, factor.table / total)


def pedigree_factors(
    parents: Mapping[str, tuple[str, str]],
    founders: Mapping[str, float],
    allowed: Mapping[str, frozenset[int]],
    locus: Locus = AUTOSOMAL,
    men: frozenset[str] = frozenset(),
) -> list[Factor]:
    """The factors of a pedigree in which every non-founder has both parents.

    Args:
        parents: child -> (father, mother), both present.
        founders: founder -> allele frequency q.
        allowed: member -> genotypes its test result allows.
        locus: autosomal (default) or X-linked, with its mutation rate.
        men: the male members (an X-linked locus only; a member of unknown sex
            counts as a woman).
    """
    x = locus.x_linked
    trans, son = transmission(locus), transmission(locus, True)[0]
    factors = [Factor((f,), founder_prior(q, f in men, locus)) for f, q in founders.items()]
    for child, (fa, mo) in parents.items():
        if x and child in men:
            factors.append(Factor((mo, child), son))
        else:
            factors.append(Factor((fa, mo, child), trans))
    factors += [Factor((pid,), evidence(ok)) for pid, ok in allowed.items()]
    return factors


def posteriors(
    parents: Mapping[str, tuple[str, str]],
    founders: Mapping[str, float],
    allowed: Mapping[str, frozenset[int]],
    limits: Limits = DEFAULT_LIMITS,
    locus: Locus = AUTOSOMAL,
    men: frozenset[str] = frozenset(),
) -> dict[str, Array]:
    """Exact posterior genotype distribution of every member (arguments as
    :func:`pedigree_factors`).

    Raises:
        TooComplex: More members than ``limits.max_members`` or too wide to eliminate.
        InconsistentEvidence: The results contradict Mendel.
    """
    members = set(parents) | set(founders)
    if len(members) > limits.max_members:
        raise TooComplex("pedigree_too_large", reason="pedigree_too_large")
    factors = pedigree_factors(parents, founders, allowed, locus, men)
    order = elimination_order(factors, limits)
    return marginals(factors, order)
