"""The synthetic drop's true pedigree, mapped onto graph pids, for the kinship tests.

Truth φ is computed here by the recursion of domain.md (parents before children;
founders φ(i, i) = ½, different founders 0; a child i of f and m: φ(i, i) = ½(1 + φ(f, m))
and φ(i, j) = ½(φ(f, j) + φ(m, j)) for j not a descendant of i), independently of the
engine's code, on the true parent edges the graph also holds ("whose connecting edges
exist"). r = 2φ.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import neo4j
import networkx as nx
import polars as pl

from ingest.fusion.evaluation import pid_to_truth
from ingest.pipeline import mention_table
from queries.kinship.family import Family
from tests.integration.synthetic import LoadedDrop, main_pids

BIO_EDGES = """MATCH (c:Person)-[e:CHILD_OF {kind: 'biological'}]->(p:Person)
RETURN c.pid AS child, p.pid AS parent"""

Parents = dict[str, tuple[str | None, str | None]]
HALF = Fraction(1, 2)


@dataclass(frozen=True)
class KinTruth:
    """Pids mapped to truth keys (one to one only) and the true pedigree in pid space."""

    key_of: dict[str, int]
    pid_of: dict[int, str]
    persons: pl.DataFrame
    true_parents: dict[int, tuple[int | None, int | None]]
    present: Parents  # true biological edges the graph holds, in pid space
    graph_edges: set[tuple[str, str]]
    order: dict[str, int]  # present pedigree, parents before children

    def true_edge(self, child: str, parent: str) -> bool:
        """The graph edge child -> parent is a true biological edge."""
        ck, pk = self.key_of.get(child), self.key_of.get(parent)
        return ck is not None and pk is not None and pk in self.true_parents.get(ck, ())

    def phi_with(self, index: str) -> dict[str, Fraction]:
        """Truth φ of every person of the present pedigree with ``index``."""
        memo: dict[tuple[str, str], Fraction] = {}

        def phi(i: str | None, j: str | None) -> Fraction:
            if i is None or j is None:
                return Fraction(0)
            if self.order.get(i, -1) < self.order.get(j, -1):
                i, j = j, i  # i is the later: j is not its descendant
            if (i, j) not in memo:
                father, mother = self.present.get(i, (None, None))
                memo[(i, j)] = (HALF * (1 + phi(father, mother)) if i == j
                                else HALF * (phi(father, j) + phi(mother, j)))
            return memo[(i, j)]

        return {pid: phi(pid, index) for pid in self.order}

    def phi(self, a: str, b: str) -> Fraction:
        """Truth φ of two pids over the true edges present in the graph."""
        return self.phi_with(b).get(a, Fraction(0))

    def agrees(self, family: Family) -> bool:
        """The engine's blood pedigree of this family is the truth's.

        Every parent link it uses is a true edge between mapped persons, except the
        links of a fragment leaf (a pid fusion kept apart from its truth person, with
        no child in the family): such a leaf adds a person, never a path between two
        others, so the φ of every mapped pair is the truth's.
        """
        pedigree = family.pedigree()
        links = {(c, p) for c in family.persons for p in pedigree.parents(c) if p}
        parents = {p for _, p in links}
        return all(self.true_edge(c, p) or (c not in self.key_of and c not in parents)
                   for c, p in links)


def load(synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> KinTruth:
    """Map pids to truth persons and build the present true pedigree."""
    links = pl.read_parquet(synthetic.truth / "record_links.parquet")
    # A pid stands for a truth person when it holds most of that person's mentions and
    # most of its own mentions are that person's; the other pids of a person fusion
    # split (fragments) and pids merging two persons stay unmapped.
    majority = pid_to_truth(mention_table(synthetic.store), links)
    mapping = main_pids(synthetic).join(majority, on=["pid", "person_key"])
    unique = mapping.filter(pl.col("pid").is_unique() & pl.col("person_key").is_unique())
    key_of = dict(zip(unique["pid"].to_list(), unique["person_key"].to_list(), strict=True))
    pid_of = {k: p for p, k in key_of.items()}
    persons = pl.read_parquet(synthetic.truth / "persons.parquet")
    true_parents = {row["person_key"]: (row["father_key"], row["mother_key"])
                    for row in persons.select("person_key", "father_key", "mother_key").to_dicts()}
    rows = driver.execute_query(BIO_EDGES, database_=database).records
    edges = {(str(r["child"]), str(r["parent"])) for r in rows}
    truth = KinTruth(key_of, pid_of, persons, true_parents, {}, edges, {})
    present: dict[str, list[str | None]] = {}
    for child, parent in sorted(edges):
        if truth.true_edge(child, parent):
            slot = 0 if true_parents[key_of[child]][0] == key_of[parent] else 1
            present.setdefault(child, [None, None])[slot] = parent
    graph = nx.DiGraph((p, c) for c, pair in present.items() for p in pair if p)
    graph.add_nodes_from(key_of)
    order = {pid: n for n, pid in enumerate(nx.lexicographical_topological_sort(graph))}
    return KinTruth(key_of, pid_of, persons, true_parents,
                    {c: (p[0], p[1]) for c, p in present.items()}, edges, order)
