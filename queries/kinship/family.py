"""A family as the graph traversal returns it, turned into pedigrees (pure, no driver).

The kinship queries pull persons, their ``CHILD_OF`` edges (kind, inferred,
record keys) and their ``MARRIED`` edges out of Neo4j; :func:`from_rows` reads
those rows into a :class:`Family`. A family gives two pedigrees: the *blood*
one (biological parents only: genes) and the *legal* one (an adopted child's
adoptive parents replace the birth parents, Civil Code art. 1111), plus the
provenance (record keys) of every edge a walk uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import networkx as nx

from graphdb.values import day
from queries.kinship.coefficients import FEMALE, MALE, Member, Pedigree, ancestors_first
from queries.persons.lookup import PersonRecord

BIOLOGICAL, ADOPTIVE, STEP_OR_ADOPTIVE = "biological", "adoptive", "step_or_adoptive"


@dataclass(frozen=True)
class ParentEdge:
    """One ``CHILD_OF`` edge: child -> parent, its kind, whether inferred, its records,
    and whether an open conflict disputes it (two mothers, a cycle: ``ingest.derive.conflicts``)."""

    child: str
    parent: str
    kind: str
    inferred: bool = False
    records: tuple[str, ...] = ()
    disputed: bool = False


@dataclass(frozen=True)
class Marriage:
    """One ``MARRIED`` episode, husband -> wife, with its dates and records."""

    husband: str
    wife: str
    married_on: date | None = None
    ended_on: date | None = None
    end_reason: str | None = None
    records: tuple[str, ...] = ()
    disputed: bool = False  # an open conflict disputes it (a spouse under age)

    @property
    def current(self) -> bool:
        """True while the marriage has not ended."""
        return self.ended_on is None and not self.end_reason


@dataclass(frozen=True)
class Family:
    """Persons by pid, the parent edges and the marriages among (or from) them."""

    persons: Mapping[str, PersonRecord]
    edges: tuple[ParentEdge, ...] = ()
    marriages: tuple[Marriage, ...] = ()
    attrs: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    def parents_of(self, pid: str, kind: str) -> tuple[str | None, str | None]:
        """(father, mother) of ``kind`` among the persons, by the parents' sex.

        Where the rows state more than one of a sex (an open conflict), the undisputed,
        stated, best-supported edge wins, then the smaller pid: the same answer every time.
        """
        found = sorted((e for e in self._edges_by_child.get(pid, ())
                        if e.kind == kind and e.parent in self.persons),
                       key=lambda e: (e.disputed, e.inferred, -len(e.records), e.parent))
        return _by_sex([e.parent for e in found], self.persons)

    def spouses_of(self, pid: str) -> tuple[str, ...]:
        """Everyone the person married (any episode), among the persons."""
        found = [m.wife if m.husband == pid else m.husband for m in self.marriages
                 if pid in (m.husband, m.wife)]
        return tuple(dict.fromkeys(p for p in found if p in self.persons))

    def edge_records(self, child: str, parent: str) -> tuple[ParentEdge, ...]:
        """The edges from child to parent (one per kind)."""
        return tuple(e for e in self._edges_by_child.get(child, ()) if e.parent == parent)

    @cached_property
    def _edges_by_child(self) -> dict[str, list[ParentEdge]]:
        """The edges grouped by child (lookups per member stay linear in the family)."""
        grouped: dict[str, list[ParentEdge]] = {}
        for edge in self.edges:
            grouped.setdefault(edge.child, []).append(edge)
        return grouped

    def marriage_records(self, a: str, b: str) -> tuple[Marriage, ...]:
        """The marriage episodes of a and b, in either direction."""
        return tuple(m for m in self.marriages if {m.husband, m.wife} == {a, b})

    def member(self, pid: str, legal: bool = False) -> Member:
        """The pedigree member of a person (legal: adoptive parents replace birth parents)."""
        person = self.persons[pid]
        father, mother = self.parents_of(pid, BIOLOGICAL)
        adoptive_father, adoptive_mother = self.parents_of(pid, ADOPTIVE)
        if legal and (adoptive_father or adoptive_mother):
            father, mother = adoptive_father, adoptive_mother
        ambiguous = tuple(e.parent for e in self._edges_by_child.get(pid, ())
                          if e.kind == STEP_OR_ADOPTIVE and e.parent in self.persons)
        return Member(pid, person.sex, person.birth_date, person.death_date, father, mother,
                      None if legal else adoptive_father, None if legal else adoptive_mother,
                      self.spouses_of(pid), dict(self.attrs.get(pid, {})), ambiguous)

    def pedigree(self, legal: bool = False) -> Pedigree:
        """The blood pedigree, or the legal one (adoption as descent, art. 1111)."""
        return Pedigree(self.member(pid, legal) for pid in self.persons)


def _by_sex(parents: Sequence[str], persons: Mapping[str, PersonRecord]) -> tuple[
        str | None, str | None]:
    """Place parents as father and mother by sex; an unknown sex takes the free slot."""
    father = next((p for p in parents if persons[p].sex == MALE), None)
    mother = next((p for p in parents if persons[p].sex == FEMALE), None)
    for other in (p for p in parents if p not in (father, mother)):
        if father is None:
            father = other
        elif mother is None:
            mother = other
    return father, mother


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def person(row: Mapping[str, Any]) -> PersonRecord:
    """A person from a map with pid, id_number, name, sex, birth/death dates, ethnicity."""
    return PersonRecord(str(row["pid"]), _text(row.get("id_number")), _text(row.get("name")),
                        _text(row.get("sex")), day(row.get("birth_date")),
                        day(row.get("death_date")), _text(row.get("ethnicity")))


def parent_edge(row: Mapping[str, Any]) -> ParentEdge:
    """A parent edge from a map with child, parent, kind, inferred, records, disputed."""
    return ParentEdge(str(row["child"]), str(row["parent"]), str(row.get("kind") or BIOLOGICAL),
                      bool(row.get("inferred")), tuple(row.get("records") or ()),
                      bool(row.get("disputed")))


def marriage(row: Mapping[str, Any]) -> Marriage:
    """A marriage from a map with husband, wife, married_on, ended_on, end_reason, records,
    disputed."""
    return Marriage(str(row["husband"]), str(row["wife"]), day(row.get("married_on")),
                    day(row.get("ended_on")), _text(row.get("end_reason")),
                    tuple(row.get("records") or ()), bool(row.get("disputed")))


def from_rows(persons: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]] = (),
              marriages: Iterable[Mapping[str, Any]] = ()) -> Family:
    """A family from traversal rows; edges and marriages to absent persons are dropped."""
    found = {p.pid: p for p in map(person, persons)}
    parent_edges = {(e.child, e.parent, e.kind): e for e in map(parent_edge, edges)
                    if e.child in found and e.parent in found and e.child != e.parent}
    episodes = {(m.husband, m.wife, m.married_on, m.records): m for m in map(marriage, marriages)
                if m.husband in found and m.wife in found}
    return Family(found, acyclic(parent_edges.values()), tuple(episodes.values()))


def acyclic(edges: Iterable[ParentEdge]) -> tuple[ParentEdge, ...]:
    """The edges without those closing a cycle (a person their own ancestor: bad data).

    Each cycle loses one child -> parent link (every kind of it): an inferred one if
    any, else the last in pid order.
    """
    found = list(edges)
    if _is_dag(found):  # nearly every family: a tenth of the cost of find_cycle
        return tuple(found)
    inferred = {(e.child, e.parent): e.inferred for e in found}
    graph = nx.DiGraph(list(inferred))
    dropped: set[tuple[str, str]] = set()
    while True:
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            break
        links = [(str(c), str(p)) for c, p, *_ in cycle]
        worst = max(links, key=lambda link: (inferred[link], link))
        graph.remove_edge(*worst)
        dropped.add(worst)
    return tuple(e for e in found if (e.child, e.parent) not in dropped)


def _is_dag(edges: list[ParentEdge]) -> bool:
    parents: dict[str, set[str]] = {}
    for e in edges:
        parents.setdefault(e.child, set()).add(e.parent)
    return ancestors_first(parents) is not None
