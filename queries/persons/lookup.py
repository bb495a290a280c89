"""Finding persons: by pid, by ID number, by name and birth date with fuzzy candidates.

Async functions over a ``neo4j.AsyncDriver`` (the API's driver); they know
nothing of HTTP or roles. The graph model: ``(:Person {pid, id_number, name,
name_key, sex, birth_date, death_date, ethnicity})`` with indexes on pid,
id_number and (name, birth_date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from graphdb.values import day as _day
from kingraph.errors import GraphError, ServerNotRunning
from queries.persons.references import PERSON_OF_REF

_FIELDS = """p.pid AS pid, p.id_number AS id_number, p.name AS name, p.sex AS sex,
       p.birth_date AS birth_date, p.death_date AS death_date, p.ethnicity AS ethnicity"""

# A retired pid (``ingest.derive.aliases``) names the person holding most of its
# mentions now; the record returned carries that person's current pid.
PERSON_BY_PID = f"""
WITH {{text: $pid}} AS ref{PERSON_OF_REF}
WITH p WHERE p IS NOT NULL
RETURN {_FIELDS}"""
PERSONS_BY_ID_NUMBER = f"""MATCH (p:Person {{id_number: $id_number}})
RETURN {_FIELDS} ORDER BY p.pid LIMIT $cap"""
# The birth date may be stored as a Neo4j DATE or as ISO text: both are index seeks.
PERSONS_BORN_ON = f"""MATCH (p:Person) WHERE p.birth_date IN [$born, $born_text]
RETURN {_FIELDS} ORDER BY p.pid LIMIT $cap"""

SCAN_CAP = 5000


@dataclass(frozen=True)
class PersonRecord:
    """A person node's identifying and coded attributes."""

    pid: str
    id_number: str | None
    name: str | None
    sex: str | None
    birth_date: date | None
    death_date: date | None
    ethnicity: str | None


@dataclass(frozen=True)
class NameMatch:
    """A person found by name, with the similarity of the names (0..100)."""

    person: PersonRecord
    score: float
    exact: bool


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _record(row: neo4j.Record) -> PersonRecord:
    return PersonRecord(str(row["pid"]), _text(row["id_number"]), _text(row["name"]),
                        _text(row["sex"]), _day(row["birth_date"]), _day(row["death_date"]),
                        _text(row["ethnicity"]))


async def read(driver: neo4j.AsyncDriver, database: str, name: str, cypher: str,
               **params: Any) -> list[neo4j.Record]:
    """Run a named read query; driver errors name the query, never its parameters."""
    try:
        records, _, _ = await driver.execute_query(
            cypher, params, database_=database, routing_=neo4j.RoutingControl.READ)
    except Neo4jError as exc:
        raise GraphError(f"query {name} failed: {exc.code}") from None
    except (DriverError, OSError):
        raise ServerNotRunning(f"query {name}: Neo4j is unavailable") from None
    return records


async def by_pid(driver: neo4j.AsyncDriver, database: str, pid: str) -> PersonRecord | None:
    """The person with this pid, or None."""
    rows = await read(driver, database, "person_by_pid", PERSON_BY_PID, pid=pid)
    return _record(rows[0]) if rows else None


async def by_id_number(driver: neo4j.AsyncDriver, database: str,
                       id_number: str) -> list[PersonRecord]:
    """Persons carrying this (normalised) ID number; more than one means a duplicate."""
    rows = await read(driver, database, "persons_by_id_number", PERSONS_BY_ID_NUMBER,
                      id_number=id_number, cap=SCAN_CAP)
    return [_record(r) for r in rows]


async def born_on(driver: neo4j.AsyncDriver, database: str, born: date) -> list[PersonRecord]:
    """Persons born on a day (at most SCAN_CAP)."""
    rows = await read(driver, database, "persons_born_on", PERSONS_BORN_ON, born=born,
                      born_text=born.isoformat(), cap=SCAN_CAP)
    return [_record(r) for r in rows]


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def name_form(name: str) -> str:
    """A name folded for comparison: simplified script, no spaces or middle dots."""
    folded = _t2s().convert(name)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "·・.")


def similarity(a: str, b: str) -> float:
    """Name similarity 0..100: by characters, or by syllables (pinyin) slightly discounted.

    Both are indel ratios over sequences (characters; whole syllables), so a
    homophone character (晓/小) counts as a match by sound, a different one not at all.
    """
    fa, fb = name_form(a), name_form(b)
    by_chars = fuzz.ratio(fa, fb)
    by_sound = fuzz.ratio(lazy_pinyin(fa), lazy_pinyin(fb))
    return round(max(by_chars, 0.9 * by_sound), 1)


def rank_by_name(name: str, persons: list[PersonRecord], min_score: float) -> list[NameMatch]:
    """Persons whose names resemble ``name``, exact matches first, then by score."""
    target = name_form(name)
    matches = []
    for person in persons:
        if not person.name:
            continue
        exact = name_form(person.name) == target
        score = 100.0 if exact else similarity(name, person.name)
        if exact or score >= min_score:
            matches.append(NameMatch(person, score, exact))
    return sorted(matches, key=lambda m: (not m.exact, -m.score, m.person.pid))
