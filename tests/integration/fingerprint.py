"""A fingerprint of the graph: every node and relationship with its properties, per label
and type, so that two graphs (a bulk load and a transactional load of one drop; the
graph after concurrent decisions and after one more serial re-fusion) can be compared
without printing a single value (they are personal data).

Properties that name a load or a moment (load ids, timestamps, a load's summary) are
left out: they differ between two runs that write the same graph.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import neo4j

# The key of a node, whatever its label (each label has one of these).
NODE_KEY = ("coalesce(n.pid, n.key, n.household_id, n.dwelling_id, n.code, n.review_id, "
            "n.permit_no, n.event_id, n.load_id)")
NODES = f"""
MATCH (n) WHERE NOT n:Load
RETURN labels(n) AS labels, {NODE_KEY} AS key, properties(n) AS props
"""
RELATIONSHIPS = f"""
MATCH (n)-[r]->(m) WHERE NOT n:Load AND NOT m:Load
WITH r, {NODE_KEY} AS start, m
WITH r, start, {NODE_KEY.replace("n.", "m.")} AS end
RETURN type(r) AS type, start, end, properties(r) AS props
"""
VOLATILE = frozenset({"load_id", "created_load", "closed_load", "decided_at", "started",
                      "finished", "summary", "recorded", "run"})


def _clean(props: dict[str, Any]) -> str:
    kept = {k: _plain(v) for k, v in props.items() if k not in VOLATILE and v is not None}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(_plain(v) for v in value) if all(isinstance(v, str) for v in value) \
            else [_plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def fingerprint(driver: neo4j.Driver, database: str) -> dict[str, tuple[int, str]]:
    """Per node label set and relationship type: how many, and a digest of them all."""
    groups: dict[str, list[str]] = {}
    for row in driver.execute_query(NODES, database_=database).records:
        name = ":".join(sorted(row["labels"]))
        groups.setdefault(name, []).append(f"{row['key']}\t{_clean(row['props'])}")
    for row in driver.execute_query(RELATIONSHIPS, database_=database).records:
        groups.setdefault(f"-[{row['type']}]->", []).append(
            f"{row['start']}\t{row['end']}\t{_clean(row['props'])}")
    return {name: (len(lines), hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest())
            for name, lines in sorted(groups.items())}


def differences(a: dict[str, tuple[int, str]], b: dict[str, tuple[int, str]]) -> list[str]:
    """The labels and types on which two fingerprints differ (names and counts only)."""
    return [f"{name}: {a.get(name, (0, ''))[0]} vs {b.get(name, (0, ''))[0]}"
            for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
