"""Resolving a person reference (pid or ID number) to a pid, synchronously.

The CLI and the sync query modules address persons by pid; an officer types an ID
number.  :func:`resolve` accepts either: a text that parses as a GB 11643 number
is looked up by ``id_number``, anything else is taken as a pid.

A retired pid (two persons merged, a person split: ``ingest.derive.aliases``) is
accepted too: it names the person that holds most of its mentions now, and the pid
returned is that person's current one.
"""

from __future__ import annotations

import neo4j

from graphdb.connection import read, read_async
from kingraph import ids
from kingraph.errors import InvalidArgument, PersonNotFound

# The person ``p`` whose pid, current or retired, is ``ref.text`` (null when none): an
# alias names the person holding most of its mentions now.
PERSON_OF_REF = """
CALL (ref) {
  OPTIONAL MATCH (:PidAlias {pid: ref.text})-[n:NOW]->(moved:Person)
  WITH moved ORDER BY n.mentions DESC, moved.pid
  RETURN head(collect(moved)) AS moved
}
OPTIONAL MATCH (direct:Person {pid: ref.text})
WITH ref, coalesce(direct, moved) AS p
"""
PID_EXISTS = """
WITH {text: $pid} AS ref""" + PERSON_OF_REF + """
RETURN p.pid AS pid
"""
RESOLVE_MANY = """
UNWIND $refs AS ref""" + PERSON_OF_REF + """
OPTIONAL MATCH (q:Person {id_number: ref.number})
WITH ref, collect(DISTINCT p.pid) AS by_pid, collect(DISTINCT q.pid) AS by_number
RETURN ref.i AS i, by_pid, by_number[..2] AS by_number
"""
PIDS_BY_ID_NUMBER = """
MATCH (p:Person {id_number: $id_number}) RETURN p.pid AS pid ORDER BY pid LIMIT 2
"""


def resolve(driver: neo4j.Driver, database: str, ref: str) -> str:
    """The pid a reference names.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        ref: A pid or an ID number (15 or 18 characters).

    Returns:
        The pid.

    Raises:
        PersonNotFound: No person has this pid or ID number.
        InvalidArgument: The ID number belongs to more than one person (a duplicate
            for review).
    """
    parsed = ids.parse(ref)
    if parsed.usable and parsed.number is not None:
        rows = read(driver, database, "pids_by_id_number", PIDS_BY_ID_NUMBER,
                    id_number=parsed.number)
        if len(rows) > 1:
            raise InvalidArgument("this ID number is carried by more than one person")
        if rows:
            return str(rows[0]["pid"])
    rows = read(driver, database, "pid_exists", PID_EXISTS, pid=ref)
    if not rows or rows[0]["pid"] is None:
        raise PersonNotFound("no person with this identifier")
    return str(rows[0]["pid"])


def resolve_many(driver: neo4j.Driver, database: str, refs: list[str]) -> list[str]:
    """The pids several references name, in one round trip (same rules as :func:`resolve`).

    Raises:
        PersonNotFound: One of the references names nobody.
        InvalidArgument: One of the ID numbers belongs to more than one person.
    """
    found = {r["i"]: r for r in read(driver, database, "resolve_many", RESOLVE_MANY,
                                     refs=ref_params(refs))}
    out = []
    for i in range(len(refs)):
        row = found.get(i)
        out.append(chosen(row["by_pid"] if row else [], row["by_number"] if row else []))
    return out


async def resolve_async(driver: neo4j.AsyncDriver, database: str, ref: str) -> str:
    """:func:`resolve` on the async driver, in one round trip (for API routes).

    Raises:
        PersonNotFound: No person has this pid or ID number.
        InvalidArgument: The ID number belongs to more than one person.
    """
    rows = await read_async(driver, database, "resolve_many", RESOLVE_MANY,
                            refs=ref_params([ref]))
    row = rows[0] if rows else None
    return chosen(row["by_pid"] if row else [], row["by_number"] if row else [])


def ref_params(refs: list[str]) -> list[dict[str, object]]:
    """References as query parameters: their position, the text (a pid, perhaps) and the
    normalised ID number when the text is a usable one (see :data:`RESOLVE_MANY`)."""
    params: list[dict[str, object]] = []
    for i, ref in enumerate(refs):
        parsed = ids.parse(ref)
        params.append({"i": i, "text": ref,
                       "number": parsed.number if parsed.usable else None})
    return params


def chosen(by_pid: list[str], by_number: list[str]) -> str:
    """The pid a reference names, given the persons with that pid and (up to two of)
    those with that ID number: the number wins, a pid is the fallback.

    Raises:
        PersonNotFound: Nobody has that pid or number.
        InvalidArgument: The ID number belongs to more than one person.
    """
    if len(by_number) > 1:
        raise InvalidArgument("this ID number is carried by more than one person")
    if not by_number and not by_pid:
        raise PersonNotFound("no person with this identifier")
    return str((by_number or by_pid)[0])
