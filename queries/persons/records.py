"""A person's source records: the department rows that mention them, with provenance.

Each ``(:Record)-[:MENTIONS {role}]->(:Person)`` edge is one *mention*; its id,
``feed|source|record_id|role``, is what an unmerge names.  A record also lists every
person it mentions (a marriage row names both spouses), so that callers can account
for all the persons the row's data speaks of.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import neo4j

from graphdb.connection import read
from kingraph.errors import PersonNotFound

MAX_RECORDS = 1000  # a person with more rows than this is a fusion problem in itself

PERSON_RECORDS = """
MATCH (p:Person {pid: $pid})
OPTIONAL MATCH (p)<-[m:MENTIONS]-(r:Record)
WITH p, m, r ORDER BY r.feed, r.key, m.role LIMIT $limit
RETURN p.pid AS pid,
  collect(CASE WHEN r IS NOT NULL THEN {
     role: m.role, key: r.key, feed: r.feed, source: r.source, record_id: r.record_id,
     file: r.file, line: r.line, data: r.data,
     kind: [l IN labels(r) WHERE l <> 'Record'],
     persons: [(r)-[:MENTIONS]->(o:Person) | o.pid]} END) AS records
"""


@dataclass(frozen=True)
class SourceRecord:
    """One department row that mentions the person, in one role."""

    mention: str  # feed|source|record_id|role: what an unmerge names
    key: str  # feed|source|record_id
    role: str  # person, husband, wife, child, mother, father, relative, woman
    feed: str
    source: str
    record_id: str
    file: str | None
    line: int | None
    kind: str | None  # Screening, Pregnancy, Certificate, Disability, or None
    data: dict[str, Any]  # the row as loaded (unmasked: callers mask per role)
    persons: tuple[str, ...]  # every pid the row mentions, this person included


def mention_id(key: str, role: str) -> str:
    """The id of a mention: the record key and the role, ``|``-joined."""
    return f"{key}|{role}"


def _data(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    parsed = json.loads(raw) if isinstance(raw, str) else raw
    return dict(parsed) if isinstance(parsed, dict) else {}


def _record(row: dict[str, Any]) -> SourceRecord:
    key, role = str(row["key"]), str(row["role"])
    return SourceRecord(
        mention=mention_id(key, role), key=key, role=role, feed=str(row["feed"]),
        source=str(row["source"]), record_id=str(row["record_id"]), file=row["file"],
        line=row["line"], kind=(row["kind"] or [None])[0], data=_data(row["data"]),
        persons=tuple(sorted(set(row["persons"]))))


def of_person(driver: neo4j.Driver, database: str, pid: str) -> tuple[SourceRecord, ...]:
    """The rows that mention a person, by feed and key.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        pid: The person.

    Returns:
        One entry per mention (a row naming the person twice gives two), at most
        :data:`MAX_RECORDS`.

    Raises:
        PersonNotFound: No person has this pid.
    """
    rows = read(driver, database, "person_records", PERSON_RECORDS, pid=pid, limit=MAX_RECORDS)
    if not rows:
        raise PersonNotFound("no person with this identifier")
    return tuple(_record(r) for r in rows[0]["records"])
