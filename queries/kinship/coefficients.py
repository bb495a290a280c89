"""A pedigree extracted from the graph, and the exact kinship mathematics on it.

The lead traversal pulls a family out of Neo4j as :class:`Member` records; this
module turns them into a ``networkx`` graph and a polars table and computes, with
exact ``Fraction`` arithmetic, the kinship coefficient φ, the inbreeding
coefficient F and Wright's coefficient of relationship r (``domain.md``,
"Relationship mathematics").  Only biological edges carry genes: adoptive, step and
``step_or_adoptive`` edges (GB/T 4761 codes 27/37/57/58, which do not say which) are
kept in the graph for the legal questions but never enter φ.

A parent named by a member but absent from the members is treated as unknown:
the member is then a founder on that side.  Wright's path rule (every pair of
ancestral paths meeting only at their common ancestor) lives in
:mod:`queries.kinship.ancestry`.
"""

from __future__ import annotations

import graphlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction
from functools import cached_property

import networkx as nx
import polars as pl

from kingraph.errors import InvalidArgument, PersonNotFound
from queries.kinship import ancestry
from queries.kinship.ancestry import AncestralPath, CommonAncestor

HALF = Fraction(1, 2)
MALE, FEMALE = "1", "2"  # GB/T 2261.1


class EdgeKind(StrEnum):
    """What a parent -> child edge in the pedigree graph stands for."""

    BIOLOGICAL = "biological"
    ADOPTIVE = "adoptive"
    STEP_OR_ADOPTIVE = "step_or_adoptive"  # a relation code that means adopted OR step
    STEP = "step"  # the spouse of a parent who is not a parent of the child


@dataclass(frozen=True)
class Member:
    """One person of a pedigree, as the traversal extracted them.

    ``father``/``mother`` are biological parents; ``spouses`` lets the pedigree
    derive step edges; ``attrs`` holds anything else (phenotype, screening
    conclusion...).  Sex follows GB/T 2261.1: "1" male, "2" female.
    """

    pid: str
    sex: str | None = None
    birth_date: date | None = None
    death_date: date | None = None
    father: str | None = None
    mother: str | None = None
    adoptive_father: str | None = None
    adoptive_mother: str | None = None
    spouses: tuple[str, ...] = ()
    attrs: Mapping[str, object] = field(default_factory=dict)
    step_or_adoptive: tuple[str, ...] = ()  # parents by a code that means adopted OR step


_TABLE_FIELDS = ("pid", "sex", "birth_date", "death_date", "father", "mother",
                 "adoptive_father", "adoptive_mother")


class Pedigree:
    """A family: members, a parent -> child graph and memoised exact kinship."""

    def __init__(self, members: Iterable[Member]) -> None:
        """Build the pedigree.

        Args:
            members: the people; pids must be unique.

        Raises:
            InvalidArgument: duplicate pids, or a person who is their own ancestor.
        """
        self.members: dict[str, Member] = {}
        for member in members:
            if member.pid in self.members:
                raise InvalidArgument("pedigree: duplicate member id", reason="duplicate_member")
            self.members[member.pid] = member
        order = _fast_order(self.members)
        if order is None:  # a cycle: the networkx path drops step links that close it
            graph = _build_graph(self.members)
            order = _birth_order(graph)
            self.__dict__["graph"] = graph  # the cached_property's value, cycles dropped
        self._order = order
        self._phi: dict[tuple[str, str], Fraction] = {}
        self._parents = {pid: (_known(self.members, m.father), _known(self.members, m.mother))
                         for pid, m in self.members.items()}

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The parent -> child graph, edges with their ``kind`` (biological, adoptive,
        step); built when first asked for (kinship maths do not need it)."""
        return _build_graph(self.members)

    def __contains__(self, pid: object) -> bool:
        return pid in self.members

    def __len__(self) -> int:
        return len(self.members)

    def member(self, pid: str) -> Member:
        """The member with this pid.

        Raises:
            PersonNotFound: the pid is not in the pedigree.
        """
        try:
            return self.members[pid]
        except KeyError:
            raise PersonNotFound("person not in pedigree", reason="not_in_pedigree") from None

    def parents(self, pid: str) -> tuple[str | None, str | None]:
        """The biological (father, mother) present in the pedigree, None where unknown."""
        try:
            return self._parents[pid]
        except KeyError:
            raise PersonNotFound("person not in pedigree", reason="not_in_pedigree") from None

    def table(self) -> pl.DataFrame:
        """The members as a polars frame: the person fields, F, then the ``attrs`` keys.

        An ``attrs`` key that repeats a person field is left out (the field wins).
        """
        rows = [self._row(m) for m in self.members.values()]
        return pl.DataFrame(rows, infer_schema_length=None)

    def _row(self, member: Member) -> dict[str, object]:
        row: dict[str, object] = {name: getattr(member, name) for name in _TABLE_FIELDS}
        row["inbreeding"] = float(self.inbreeding(member.pid))
        return row | {k: v for k, v in member.attrs.items() if k not in row}

    def kinship(self, a: str, b: str) -> Fraction:
        """The kinship coefficient φ(a, b), exact, by the recursive definition.

        Founders have φ(i, i) = ½; a child i of f and m has φ(i, i) = ½(1 + φ(f, m))
        and φ(i, j) = ½(φ(f, j) + φ(m, j)) when j is not a descendant of i.  The
        recursion is run with an explicit stack, so deep pedigrees do not overflow.

        Raises:
            PersonNotFound: a or b is not in the pedigree.
        """
        key = self._key(self.member(a).pid, self.member(b).pid)
        if key[0] != key[1] and key not in self._phi and self._unrelated(*key):
            return Fraction(0)
        stack = [key]
        while stack:
            top = stack[-1]
            if top in self._phi:
                stack.pop()
                continue
            missing = [d for d in self._needs(top) if d not in self._phi]
            if missing:
                stack.extend(missing)
            else:
                self._phi[top] = self._combine(top)
                stack.pop()
        return self._phi[key]

    def _unrelated(self, a: str, b: str) -> bool:
        """No common ancestor: φ is 0 without walking every pair of ancestors."""
        return ancestry.distances(self, a).keys().isdisjoint(ancestry.distances(self, b))

    def _key(self, a: str, b: str) -> tuple[str, str]:
        """Order a pair so the first is not an ancestor of the second."""
        return (a, b) if self._order[a] >= self._order[b] else (b, a)

    def _needs(self, key: tuple[str, str]) -> list[tuple[str, str]]:
        i, j = key
        f, m = self.parents(i)
        if i == j:
            return [self._key(f, m)] if f and m else []
        return [self._key(p, j) for p in (f, m) if p]

    def _combine(self, key: tuple[str, str]) -> Fraction:
        i, j = key
        f, m = self.parents(i)
        if i == j:
            return HALF * (1 + (self._phi[self._key(f, m)] if f and m else 0))
        return HALF * sum((self._phi[self._key(p, j)] for p in (f, m) if p), Fraction(0))

    def inbreeding(self, pid: str) -> Fraction:
        """The inbreeding coefficient F = φ(father, mother); 0 when a parent is unknown."""
        f, m = self.parents(pid)
        return self.kinship(f, m) if f and m else Fraction(0)

    def relatedness(self, a: str, b: str) -> Fraction | float:
        """Wright's coefficient of relationship r = 2φ / sqrt((1 + Fa)(1 + Fb)).

        Exact (a Fraction) when the square root is rational, which includes every
        non-inbred pair (r = 2φ); a float otherwise.
        """
        fa, fb = self.inbreeding(a), self.inbreeding(b)
        phi2 = 2 * self.kinship(a, b)
        if not fa and not fb:  # nearly every pair: the scale is 1
            return phi2
        scale = (1 + fa) * (1 + fb)
        root = _rational_sqrt(scale)
        return phi2 / root if root is not None else float(phi2) / math.sqrt(scale)

    def sex_of(self, pid: str) -> str | None:
        """The member's GB/T 2261.1 sex code, or None."""
        return self.member(pid).sex

    def ancestors(self, pid: str) -> dict[str, int]:
        """Biological ancestors with their generation distance; the person is 0."""
        return ancestry.distances(self, self.member(pid).pid)

    def common_ancestors(self, a: str, b: str) -> list[CommonAncestor]:
        """Common biological ancestors (the two included), nearest first; see ``ancestry``."""
        return ancestry.common_ancestors(self, self.member(a).pid, self.member(b).pid)

    def nearest_common_ancestors(self, a: str, b: str) -> list[CommonAncestor]:
        """Common ancestors that are no ancestor of another common ancestor."""
        return ancestry.nearest_common_ancestors(self, self.member(a).pid, self.member(b).pid)

    def paths(self, a: str, b: str, limit: int | None = None) -> list[AncestralPath]:
        """Wright's paths between a and b; their contributions sum to φ(a, b)."""
        return ancestry.paths(self, self.member(a).pid, self.member(b).pid, limit)


def _known(members: Mapping[str, Member], pid: str | None) -> str | None:
    return pid if pid is not None and pid in members else None


def _present(members: Mapping[str, Member], pids: Iterable[str | None]) -> list[str]:
    return [p for p in pids if p is not None and p in members]


def _build_graph(members: Mapping[str, Member]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for m in members.values():
        person = {"sex": m.sex, "birth_date": m.birth_date, "death_date": m.death_date,
                  "spouses": m.spouses}
        graph.add_node(m.pid, **(dict(m.attrs) | person))
    for m in members.values():
        for kind, parents in _parent_edges(members, m):
            for parent in parents:
                if not graph.has_edge(parent, m.pid):
                    graph.add_edge(parent, m.pid, kind=kind.value)
    return graph


def _parent_edges(
    members: Mapping[str, Member], child: Member
) -> list[tuple[EdgeKind, list[str]]]:
    """The child's parents by kind, biological first so it wins a duplicate edge."""
    bio = _present(members, (child.father, child.mother))
    adoptive = _present(members, (child.adoptive_father, child.adoptive_mother))
    ambiguous = [p for p in _present(members, child.step_or_adoptive) if p not in bio + adoptive]
    stated = bio + adoptive + ambiguous
    step = [s for p in bio + adoptive for s in members[p].spouses
            if _known(members, s) and s not in stated and s != child.pid]
    return [(EdgeKind.BIOLOGICAL, bio), (EdgeKind.ADOPTIVE, adoptive),
            (EdgeKind.STEP_OR_ADOPTIVE, ambiguous), (EdgeKind.STEP, step)]


def ancestors_first(parents: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Every person (keys and the parents they name) with each ancestor before its
    descendants, or None when someone is their own ancestor (graphlib, no networkx)."""
    try:
        return list(graphlib.TopologicalSorter(parents).static_order())
    except graphlib.CycleError:
        return None


def _fast_order(members: Mapping[str, Member]) -> dict[str, int] | None:
    """:func:`_birth_order` without networkx, or None when a cycle needs its handling."""
    parents: dict[str, set[str]] = {pid: set() for pid in members}
    for m in members.values():
        for _, found in _parent_edges(members, m):
            parents[m.pid].update(found)
    order = ancestors_first(parents)
    return None if order is None else {pid: i for i, pid in enumerate(order)}


def _birth_order(graph: nx.DiGraph) -> dict[str, int]:
    """A topological index: every ancestor gets a smaller number than its descendants.

    A step link that closes a cycle is dropped from ``graph`` first (see
    :func:`_drop_step_cycles`); a cycle of birth or adoption links is an error.
    """
    try:
        return {pid: i for i, pid in enumerate(nx.topological_sort(graph))}
    except nx.NetworkXUnfeasible:
        _drop_step_cycles(graph)
    try:
        return {pid: i for i, pid in enumerate(nx.topological_sort(graph))}
    except nx.NetworkXUnfeasible:
        raise InvalidArgument("pedigree: a person is their own ancestor (cycle)",
                              reason="own_ancestor") from None


def _drop_step_cycles(graph: nx.DiGraph) -> None:
    """Remove the step links that make a person their own ancestor.

    A step link (a parent's spouse) is derived from a marriage, not recorded as descent,
    so where contradictory records close a cycle through one (a child recorded as older
    than its parent, that parent married to the child's own parent), the step link is
    what gives way: the larger (parent, child) pair of the cycle's step links, so the
    result does not depend on the order members were given in.
    """
    while True:
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            return
        steps = [(str(u), str(v)) for u, v, *_ in cycle
                 if graph.edges[u, v]["kind"] == EdgeKind.STEP.value]
        if not steps:
            return  # a cycle of birth or adoption links: the caller raises
        graph.remove_edge(*max(steps))


def _rational_sqrt(value: Fraction) -> Fraction | None:
    num, den = math.isqrt(value.numerator), math.isqrt(value.denominator)
    if num * num == value.numerator and den * den == value.denominator:
        return Fraction(num, den)
    return None
