"""The synthetic drop's true pedigree, mapped onto graph pids, for the kinship tests.

Truth φ is computed with :func:`queries.carrier.relationship_to` (an independent
implementation of the recursion of domain.md), on the true parent edges that the
graph also holds ("whose connecting edges exist").
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import neo4j
import polars as pl

from ingest.evaluation import pid_to_truth
from ingest.pipeline import mention_table
from queries.carrier import relationship_to
from tests.integration.synthetic import LoadedDrop

BIO_EDGES = """MATCH (c:Person)-[e:CHILD_OF {kind: 'biological'}]->(p:Person)
RETURN c.pid AS child, p.pid AS parent"""

Parents = dict[str, tuple[str | None, str | None]]


@dataclass(frozen=True)
class KinTruth:
    """Pids mapped to truth keys (one to one only) and the true pedigree in pid space."""

    key_of: dict[str, int]
    pid_of: dict[int, str]
    persons: pl.DataFrame
    true_parents: dict[int, tuple[int | None, int | None]]
    present: Parents  # true biological edges the graph holds, in pid space
    graph_edges: set[tuple[str, str]]

    def true_edge(self, child: str, parent: str) -> bool:
        """The graph edge child -> parent is a true biological edge."""
        ck, pk = self.key_of.get(child), self.key_of.get(parent)
        return ck is not None and pk is not None and pk in self.true_parents.get(ck, ())

    def r(self, a: str, b: str) -> Fraction:
        """Truth r between two pids over the true edges present in the graph."""
        return relationship_to(self.present, b).get(a, Fraction(0))


def load(synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> KinTruth:
    """Map pids to truth persons and build the present true pedigree."""
    links = pl.read_parquet(synthetic.truth / "record_links.parquet")
    mapping = pid_to_truth(mention_table(synthetic.store), links)
    unique = mapping.filter(pl.col("person_key").is_unique())
    key_of = dict(zip(unique["pid"].to_list(), unique["person_key"].to_list(), strict=True))
    pid_of = {k: p for p, k in key_of.items()}
    persons = pl.read_parquet(synthetic.truth / "persons.parquet")
    true_parents = {row["person_key"]: (row["father_key"], row["mother_key"])
                    for row in persons.select("person_key", "father_key", "mother_key").to_dicts()}
    rows = driver.execute_query(BIO_EDGES, database_=database).records
    edges = {(str(r["child"]), str(r["parent"])) for r in rows}
    truth = KinTruth(key_of, pid_of, persons, true_parents, {}, edges)
    present: dict[str, list[str | None]] = {}
    for child, parent in edges:
        if truth.true_edge(child, parent):
            slot = 0 if true_parents[key_of[child]][0] == key_of[parent] else 1
            present.setdefault(child, [None, None])[slot] = parent
    return KinTruth(key_of, pid_of, persons, true_parents,
                    {c: (p[0], p[1]) for c, p in present.items()}, edges)
