"""Latency of relatives (degree 3), relationship (random pairs) and cascade (degree 4).

Usage: ``.venv/bin/python bench/kinship.py [samples] [seed]`` against the configured
Neo4j (``KINGRAPH_NEO4J_*``). For each call: p50/p99 over ``samples`` random persons
(cascade: random screened-positive index cases), measured end to end through the
driver; then the same work on an in-memory networkx copy of the parent graph
(extraction by breadth-first search, the same Python maths) as the reference.
Prints a Markdown table; no personal data is printed.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable

import networkx as nx

from graphdb.connection import open_driver, read
from kingraph.errors import InvalidArgument
from kingraph.settings import Settings
from queries import kinship, thalassemia
from queries.kinship import DEFAULT_BOUND, Family, Relating, from_rows
from queries.thalassemia import Gene, carrier_probabilities
from queries.thalassemia.worklists import INDEX_CASES, POSITIVE

PIDS = "MATCH (p:Person) RETURN p.pid AS pid"
PERSONS = """MATCH (p:Person) RETURN p.pid AS pid, p.sex AS sex, p.birth_date AS birth_date,
p.death_date AS death_date, p.ethnicity AS ethnicity"""
EDGES = """MATCH (c:Person)-[e:CHILD_OF]->(p:Person)
RETURN c.pid AS child, p.pid AS parent, e.kind AS kind, e.inferred AS inferred,
       e.records AS records"""


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1e3, p99 * 1e3, ordered[-1] * 1e3


def timed(fn: Callable[[str], object], items: Iterable[str]) -> list[float]:
    """Wall time of fn per item (errors of the domain count as answered calls)."""
    out = []
    for item in items:
        start = time.perf_counter()
        try:
            fn(item)
        except InvalidArgument:
            pass
        out.append(time.perf_counter() - start)
    return out


class Memory:
    """The whole parent graph in networkx, and the same family extraction in Python."""

    def __init__(self, persons: list[dict[str, object]], edges: list[dict[str, object]]):
        self.persons = {str(p["pid"]): p for p in persons}
        self.edges = edges
        self.graph = nx.DiGraph()  # child -> parent
        self.graph.add_nodes_from(self.persons)
        for e in edges:
            self.graph.add_edge(e["child"], e["parent"], row=e)

    def family(self, starts: list[str], up: int, reach: int, own: int,
               elders: int = DEFAULT_BOUND) -> Family:
        """Ancestors up to ``up``; descendants of each within reach - depth (own for starts);
        the lineage up to ``elders`` and the lines from members' outside parents to it."""
        depth: dict[str, int] = {}
        for start in starts:
            for node, d in self._up(start, max(up, elders)).items():
                depth[node] = min(d, depth.get(node, d))
        members: set[str] = set(depth)
        reverse = self.graph.reverse(copy=False)
        for node, d in depth.items():
            limit = own if d == 0 else reach - d if d <= up else 0
            members |= set(nx.single_source_shortest_path_length(reverse, node, max(limit, 0)))
        outside = {p for c in members for p in self.graph.successors(c) if p not in members}
        for q in outside if elders else ():
            for y, d in self._up(q, elders - 1).items():
                if not self._up(y, elders - 1 - d).keys().isdisjoint(depth):
                    members.add(y)
        rows = [self.graph.edges[c, p]["row"] for c in members
                for p in self.graph.successors(c) if p in members]
        return from_rows([self.persons[m] for m in members], rows)

    def _up(self, pid: str, generations: int) -> dict[str, int]:
        return nx.single_source_shortest_path_length(self.graph, pid, generations)


def main(samples: int = 1000, seed: int = 1) -> None:
    """Run the benchmark and print the table."""
    settings = Settings()
    driver = open_driver(settings)
    db = settings.neo4j_database
    rng = random.Random(seed)
    pids = sorted(str(r["pid"]) for r in read(driver, db, "bench_pids", PIDS))
    index = sorted(str(r["pid"]) for r in read(driver, db, "bench_index",
                                                INDEX_CASES,
                                                positive=list(POSITIVE)))
    people = rng.sample(pids, samples)
    pairs = [(rng.choice(pids), rng.choice(pids)) for _ in range(samples)]
    cases = rng.sample(index, min(samples, len(index)))
    for pid in people[:20]:  # warm the page cache and the plan cache
        kinship.relatives(driver, db, pid, 3)
    sizes: list[int] = []

    def rel3(pid: str) -> None:
        sizes.append(len(kinship.relatives(driver, db, pid, 3).relatives))

    results = {
        "relatives (degree 3)": timed(rel3, people),
        "relationship (random pairs)": timed(
            lambda i: kinship.relationship(driver, db, *pairs[int(i)]) if pairs[int(i)][0] !=
            pairs[int(i)][1] else None, (str(i) for i in range(samples))),
        "cascade (degree 4)": timed(lambda p: thalassemia.cascade(driver, db, p, 4), cases),
    }
    memory = Memory([dict(r) for r in read(driver, db, "bench_persons", PERSONS)],
                    [dict(r) for r in read(driver, db, "bench_edges", EDGES)])
    reference = {
        "relatives (degree 3)": timed(lambda p: Relating(memory.family([p], 3, 5, 3)).relatives(
            p, 3), people),
        "relationship (random pairs)": timed(
            lambda i: _pair(memory, *pairs[int(i)]), (str(i) for i in range(samples))),
        "cascade (degree 4)": timed(lambda p: _cascade(memory, p), cases),
    }
    print(f"persons in graph: {len(pids):,}; samples: {samples}; index cases available: "
          f"{len(index):,}; mean relatives at degree 3: {statistics.mean(sizes):.1f}\n")
    print("| call | Neo4j p50 ms | Neo4j p99 ms | max ms | networkx p50 ms | networkx p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, times in results.items():
        p50, p99, top = percentiles(times)
        r50, r99, _ = percentiles(reference[name])
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {top:.1f} | {r50:.1f} | {r99:.1f} |")
    driver.close()


def _cascade(memory: Memory, pid: str) -> None:
    """Extraction, relatives and the Bayesian estimate (no screening evidence in memory)."""
    relating = Relating(memory.family([pid], 4, 6, 4))
    relating.relatives(pid, 4)
    parents = {p: relating.blood.parents(p) for p in relating.family.persons}
    ethnicity = {p: x.ethnicity for p, x in relating.family.persons.items()}
    carrier_probabilities(parents, ethnicity, {}, pid, Gene.ALPHA)


def _pair(memory: Memory, a: str, b: str) -> None:
    if a != b:
        Relating(memory.family([a, b], 6, 0, 0, elders=0)).relationship(a, b)


if __name__ == "__main__":
    main(*(int(x) for x in sys.argv[1:3]))
