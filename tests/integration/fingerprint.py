"""A fingerprint of a whole graph that does not depend on pids or load ids.

Wider than :mod:`graphdb.fingerprint` (persons and their edges, pids included): every
node and relationship kind with its properties, for tests that compare two ways of
building one graph (the bulk and the transactional paths, concurrent decisions).

Two loads of the same rows must leave the same graph, whatever happened on the way
(a kill, a wait for the lock, another order).  Pids are not compared: a person is
named by the sorted keys of its mentions (``record key|role``), an edge by its type,
its properties and its two ends so named, any other node by its labels and
properties.  What names a load, a time or a pid (``load_id``, ``review_id``, ...) is
left out; :Load nodes are left out.

The result is one digest per kind (``Person``, ``Record``, ``CHILD_OF``, ...) with its
count, so a difference says where it is without printing a row (rows are personal data).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

import neo4j

from graphdb.connection import read

# Properties that name a load, a time or a pid: they differ between equal graphs.
VOLATILE = frozenset({
    "pid", "load_id", "created_load", "closed_load", "review_id", "left_pid", "right_pid",
    "sides", "started", "finished", "summary", "decided_at", "retired_load",
})

NODES = """
MATCH (n) WHERE NOT n:Load
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
"""
PERSON_MENTIONS = """
MATCH (p:Person)<-[m:MENTIONS]-(r:Record)
RETURN elementId(p) AS id, collect(r.key + '|' + m.role) AS mentions
"""
RELATIONSHIPS = """
MATCH (a)-[r]->(b) WHERE NOT a:Load AND NOT b:Load
RETURN elementId(a) AS a, type(r) AS type, properties(r) AS props, elementId(b) AS b
"""


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _stable(props: dict[str, Any]) -> str:
    return _text({k: v for k, v in props.items() if k not in VOLATILE})


def fingerprint(driver: neo4j.Driver, database: str) -> dict[str, tuple[int, str]]:
    """Per kind of node (first label) and relationship (type): (count, digest)."""
    mentions = {r["id"]: sorted(r["mentions"])
                for r in read(driver, database, "fp_person_mentions", PERSON_MENTIONS)}
    names: dict[str, str] = {}
    kinds: dict[str, list[str]] = defaultdict(list)
    for r in read(driver, database, "fp_nodes", NODES):
        labels = sorted(r["labels"])
        if "Person" in labels:
            name = "Person" + _text(mentions.get(r["id"], [])) + _stable(r["props"])
        else:
            name = _text(labels) + _stable(r["props"])
        names[r["id"]] = name
        kinds[labels[0] if len(labels) == 1 else "+".join(labels)].append(name)
    for r in read(driver, database, "fp_relationships", RELATIONSHIPS):
        kinds[r["type"]].append(f"{names[r['a']]}-{_stable(r['props'])}->{names[r['b']]}")
    return {kind: (len(items), hashlib.sha1("\n".join(sorted(items)).encode()).hexdigest())
            for kind, items in sorted(kinds.items())}


def differences(left: dict[str, tuple[int, str]],
                right: dict[str, tuple[int, str]]) -> dict[str, tuple[Any, Any]]:
    """The kinds whose count or digest differ, with both sides' (count, digest)."""
    return {k: (left.get(k), right.get(k)) for k in sorted(left.keys() | right.keys())
            if left.get(k) != right.get(k)}
