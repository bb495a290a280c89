"""Common ancestors and Wright's path rule over biological descent.

Wright's rule: φ(a, b) = Σ (½)^(n1 + n2 + 1) (1 + F_A) over every pair of
ancestral chains a -> ... -> A and b -> ... -> A that share no individual but
the common ancestor A (n1, n2 parent steps).  The sum equals the recursive φ of
:class:`queries.kinship.coefficients.Pedigree`, which is how the tests check both.

The functions work on anything that answers :class:`Lineage`, so this module
does not depend on the pedigree class.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

Chain = tuple[str, ...]


class Lineage(Protocol):
    """What the path rule needs to know about people."""

    def parents(self, pid: str) -> tuple[str | None, str | None]:
        """Biological (father, mother), None where unknown."""
        ...

    def sex_of(self, pid: str) -> str | None:
        """GB/T 2261.1 sex code, or None."""
        ...

    def inbreeding(self, pid: str) -> Fraction:
        """The inbreeding coefficient F."""
        ...


@dataclass(frozen=True)
class CommonAncestor:
    """A common ancestor with its shortest distance (parent steps) from each person.

    A person counts as their own ancestor at distance 0, so in a direct line the
    elder person is the common ancestor.  Art. 1048 counts the ancestor as
    generation 1: add one to these distances.
    """

    pid: str
    generations_a: int
    generations_b: int


@dataclass(frozen=True)
class AncestralPath:
    """One term of Wright's sum: a -> ... -> ancestor -> ... -> b.

    ``up`` runs from a to the ancestor, ``down`` from the ancestor to b (both
    include the ancestor); ``steps`` spells the whole walk from a in the kinship
    alphabet: f/m going up, s/d going down (c when the child's sex is unknown).
    """

    ancestor: str
    up: Chain
    down: Chain
    steps: tuple[str, ...]
    contribution: Fraction

    @property
    def n1(self) -> int:
        """Parent steps from a up to the ancestor."""
        return len(self.up) - 1

    @property
    def n2(self) -> int:
        """Parent steps from b up to the ancestor."""
        return len(self.down) - 1


def distances(lineage: Lineage, pid: str) -> dict[str, int]:
    """Every biological ancestor of pid with its shortest distance; pid itself is 0."""
    distance = {pid: 0}
    frontier = [pid]
    while frontier:
        next_frontier = []
        for child in frontier:
            for parent in lineage.parents(child):
                if parent and parent not in distance:
                    distance[parent] = distance[child] + 1
                    next_frontier.append(parent)
        frontier = next_frontier
    return distance


def common_ancestors(lineage: Lineage, a: str, b: str) -> list[CommonAncestor]:
    """The common biological ancestors of a and b (themselves included), nearest first."""
    da, db = distances(lineage, a), distances(lineage, b)
    shared = [CommonAncestor(p, da[p], db[p]) for p in da if p in db]
    return sorted(shared, key=lambda c: (c.generations_a + c.generations_b, c.pid))


def nearest_common_ancestors(lineage: Lineage, a: str, b: str) -> list[CommonAncestor]:
    """The common ancestors that are not an ancestor of another common ancestor."""
    shared = common_ancestors(lineage, a, b)
    above: set[str] = set()
    for ancestor in shared:
        above |= set(distances(lineage, ancestor.pid)) - {ancestor.pid}
    return [c for c in shared if c.pid not in above]


def chains(lineage: Lineage, pid: str) -> Iterator[Chain]:
    """Every upward chain from pid (pid, parent, grandparent, ...), pid alone first."""
    stack: list[Chain] = [(pid,)]
    while stack:
        chain = stack.pop()
        yield chain
        stack.extend(chain + (p,) for p in reversed(lineage.parents(chain[-1])) if p)


def paths(lineage: Lineage, a: str, b: str, limit: int | None = None) -> list[AncestralPath]:
    """Every Wright path between a and b, shortest first.

    Args:
        lineage: the pedigree.
        a: one person.
        b: the other (a == b gives the single trivial path, φ = ½(1 + F)).
        limit: stop after this many paths (large inbred pedigrees explode).
    """
    by_end: dict[str, list[Chain]] = {}
    for chain in chains(lineage, b):
        by_end.setdefault(chain[-1], []).append(chain)
    found = [_path(lineage, up, down) for up in chains(lineage, a)
             for down in by_end.get(up[-1], []) if set(up) & set(down) == {up[-1]}]
    found.sort(key=lambda p: (p.n1 + p.n2, p.steps, p.up, p.down))
    return found if limit is None else found[:limit]


def _path(lineage: Lineage, up: Chain, down_reversed: Chain) -> AncestralPath:
    ancestor = up[-1]
    down = tuple(reversed(down_reversed))
    n = len(up) + len(down) - 1  # n1 + n2 + 1
    weight = Fraction(1, 2**n) * (1 + lineage.inbreeding(ancestor))
    return AncestralPath(ancestor, up, down, _steps(lineage, up, down), weight)


def _steps(lineage: Lineage, up: Chain, down: Chain) -> tuple[str, ...]:
    ups = ["f" if lineage.parents(c)[0] == p else "m" for c, p in zip(up, up[1:], strict=False)]
    downs = [{"1": "s", "2": "d"}.get(lineage.sex_of(c) or "", "c") for c in down[1:]]
    return tuple(ups + downs)
