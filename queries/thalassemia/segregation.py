"""Exact genotype inference on a pedigree at one biallelic locus.

Every member has a genotype variable g ∈ {0, 1, 2}: how many copies of the risk
allele A it carries. Founders follow Hardy-Weinberg with their own allele
frequency q; a child's genotype depends on its parents' through Mendel's
transmission (a parent with g copies passes A with probability g/2); results of
tests restrict a member to the genotypes they allow. Posterior genotype
distributions are computed exactly by variable elimination on these factors,
which handles marriage loops and any pedigree of bounded width.
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


def founder_prior(q: float) -> Array:
    """Hardy-Weinberg genotype frequencies (p², 2pq, q²) for allele frequency q."""
    return np.array([(1 - q) ** 2, 2 * q * (1 - q), q**2])


def transmission() -> Array:
    """P(child g | father g, mother g) as a 3×3×3 table."""
    a = PASS_A[:, None]
    b = PASS_A[None, :]
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
) -> list[Factor]:
    """The factors of a pedigree in which every non-founder has both parents.

    Args:
        parents: child -> (father, mother), both present.
        founders: founder -> allele frequency q.
        allowed: member -> genotypes its test result allows.
    """
    trans = transmission()
    factors = [Factor((f,), founder_prior(q)) for f, q in founders.items()]
    factors += [Factor((fa, mo, c), trans) for c, (fa, mo) in parents.items()]
    factors += [Factor((pid,), evidence(ok)) for pid, ok in allowed.items()]
    return factors


def posteriors(
    parents: Mapping[str, tuple[str, str]],
    founders: Mapping[str, float],
    allowed: Mapping[str, frozenset[int]],
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Array]:
    """Exact posterior genotype distribution of every member.

    Raises:
        TooComplex: More members than ``limits.max_members`` or too wide to eliminate.
        InconsistentEvidence: The results contradict Mendel.
    """
    members = set(parents) | set(founders)
    if len(members) > limits.max_members:
        raise TooComplex("pedigree_too_large", reason="pedigree_too_large")
    factors = pedigree_factors(parents, founders, allowed)
    order = elimination_order(factors, limits)
    return marginals(factors, order)
