"""A fingerprint of the persons and edges a graph holds, for tests and benchmarks.

Two graphs built from the same rows must be the same graph, however they were built
(rows in another order, drops in another order, an interrupted load run again, a
partitioned fusion).  :func:`fingerprint` reads the graph and hashes it in two ways:

* ``persons``: every person with its pid, its golden properties and the sorted keys of
  its mentions (``record key|role``); equal only if the pids are equal too;
* ``edges``: per relationship type, every edge with its properties and its two
  endpoints written as their mention sets (a household, dwelling or employer as its
  key), so the shape of the graph is compared independently of the pids.

``counts`` says what was hashed, and two things a sound graph never has: persons with
no mention (ghosts) and mentions linked to more than one person.  Nothing personal is
in a fingerprint: hashes and counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import neo4j

from graphdb.connection import read

PERSONS = """
MATCH (p:Person)
RETURN p.pid AS pid, properties(p) AS props,
       [(p)<-[m:MENTIONS]-(r:Record) | r.key + '|' + m.role] AS mentions
"""
KIN_EDGES = """
MATCH (a:Person)-[e:CHILD_OF|MARRIED]->(b:Person)
RETURN type(e) AS type, a.pid AS start, b.pid AS end, properties(e) AS props
"""
EPISODE_EDGES = """
MATCH (a:Person)-[e:MEMBER_OF|LIVED_AT|EMPLOYED_BY]->(t)
RETURN type(e) AS type, a.pid AS start, coalesce(t.household_id, t.dwelling_id, t.code)
       AS end, properties(e) AS props
"""


@dataclass(frozen=True)
class Fingerprint:
    """Hashes of a graph's persons and edges, with counts (see the module docstring)."""

    persons: str
    edges: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _text(value: Any) -> str:
    """A property value as stable text (dates, lists and maps included)."""
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}:{_text(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_text(v) for v in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


def _digest(lines: Iterable[str]) -> str:
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()


def fingerprint(driver: neo4j.Driver, database: str) -> Fingerprint:
    """The fingerprint of the graph in ``database`` (a read of every person and edge)."""
    persons = read(driver, database, "fingerprint_persons", PERSONS)
    shape: dict[str, str] = {}
    linked: Counter[str] = Counter()
    lines = []
    for row in persons:
        mentions = sorted(row["mentions"])
        linked.update(mentions)
        shape[row["pid"]] = "(" + ";".join(mentions) + ")"
        lines.append(f"{row['pid']}|{_text(row['props'])}|{shape[row['pid']]}")
    edges: dict[str, list[str]] = {}
    for query_name, cypher, person_end in (("fingerprint_kin", KIN_EDGES, True),
                                           ("fingerprint_episodes", EPISODE_EDGES, False)):
        for row in read(driver, database, query_name, cypher):
            end = shape.get(row["end"], "?") if person_end else str(row["end"])
            edges.setdefault(row["type"], []).append(
                f"{shape.get(row['start'], '?')}>{end}|{_text(row['props'])}")
    counts = {
        "persons": len(persons), "mentions": len(linked),
        "ghosts": sum(1 for s in shape.values() if s == "()"),
        "shared_mentions": sum(1 for n in linked.values() if n > 1),
        **{f"edges_{t}": len(rows) for t, rows in edges.items()},
    }
    return Fingerprint(_digest(lines), {t: _digest(rows) for t, rows in sorted(edges.items())},
                       counts)
