"""A couple's facts gathered from the graph, and the birth-permit decision on them.

One read (:data:`SPOUSE_FACTS`) returns, per spouse: the person, every marriage
episode (``MARRIED``, either direction), every child (``CHILD_OF``) with the
child's other parents, current households, disability certificates and death,
the spouse's own parents and their other children (only-child status), current
households (custody) and one-child glory certificates.  :mod:`queries.eligibility.couple_facts`
is built from those rows in Python; whatever is missing or conflicting is passed
as unknown (None) or flagged, so that :func:`queries.eligibility.evaluator.decide` refers
the case to review rather than guessing.  Evidence refs are record keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import neo4j

from graphdb.connection import read, read_async
from graphdb.values import day
from kingraph.errors import InvalidArgument, KingraphError, PersonNotFound
from queries.eligibility import glory
from queries.eligibility.couple_facts import (
    ChildFacts,
    CoupleFacts,
    HukouType,
    MarriageFacts,
    SpouseFacts,
)
from queries.eligibility.evaluator import Decision, decide
from queries.eligibility.spouse_rows import (
    Row,
    children,
    marriage_facts,
    only_child,
    pledge,
)
from queries.persons import references as people

# The facts of one person ``p``, as the columns of a RETURN (shared by the two reads below).
_FACTS = """
  p.pid AS pid, p.sex AS sex, p.birth_date AS birth_date, p.death_date AS death_date,
  p.ethnicity AS ethnicity, p.hukou_type AS hukou_type,
  [(p)-[m:MARRIED]-(x) | {partner: x.pid, seq: m.seq, married_on: m.married_on,
     ended_on: m.ended_on, end_reason: m.end_reason, records: m.records}] AS marriages,
  [(c)-[k:CHILD_OF]->(p) WHERE k.kind IN ['biological', 'adoptive'] |
     {pid: c.pid, kind: k.kind, records: k.records, birth_date: c.birth_date, sex: c.sex,
      death_date: c.death_date,
      homes: [(c)-[h:MEMBER_OF]->(hh) WHERE h.from_date <= $as_of
              AND (h.to_date IS NULL OR h.to_date > $as_of) | hh.household_id],
      others: [(c)-[k2:CHILD_OF]->(o) WHERE o <> p AND k2.kind IN ['biological', 'adoptive'] |
               {pid: o.pid, homes: [(o)-[h:MEMBER_OF]->(hh) WHERE h.from_date <= $as_of
                AND (h.to_date IS NULL OR h.to_date > $as_of) | hh.household_id]}],
      disability: [(d:Disability)-[:MENTIONS]->(c) |
                   {key: d.key, certified_on: d.certified_on, revoked_on: d.revoked_on}]}
  ] AS children,
  [(p)-[k:CHILD_OF]->(par) WHERE k.kind IN ['biological', 'adoptive'] |
     {pid: par.pid, records: k.records,
      others: [(s)-[k3:CHILD_OF]->(par) WHERE s <> p AND k3.kind IN ['biological', 'adoptive']
               | s.pid]}] AS parents,
  [(p)-[h:MEMBER_OF]->(hh) WHERE h.from_date <= $as_of
     AND (h.to_date IS NULL OR h.to_date > $as_of) | hh.household_id] AS homes,
  [(r:Certificate)-[:MENTIONS]->(p) WHERE r.type = 'one_child_glory' |
     {key: r.key, issued_on: r.issued_on, revoked_on: r.revoked_on}] AS glory,
  [(r:Record)-[:MENTIONS {role: 'person'}]->(p) WHERE r.feed = 'household' | r.key][..3]
    AS records
"""

SPOUSE_FACTS = """
UNWIND $pids AS pid
MATCH (p:Person {pid: pid})
RETURN""" + _FACTS

# Both spouses named by reference (pid, current or retired, or ID number, see
# queries.persons.references) and
# their facts, in one round trip: per reference, the persons with that pid and (up to two of) those
# with that number; ``p`` is the one the reference names, or null.
COUPLE_BY_REFS = """
UNWIND $refs AS ref""" + people.PERSON_OF_REF + """
WITH ref, p AS a
OPTIONAL MATCH (b:Person {id_number: ref.number})
WITH ref, collect(DISTINCT a) AS pid_matches, collect(DISTINCT b)[..2] AS number_matches
WITH ref, pid_matches, number_matches,
  head(CASE size(number_matches) WHEN 0 THEN pid_matches WHEN 1 THEN number_matches
       ELSE [] END) AS p
RETURN ref.i AS i, [x IN pid_matches | x.pid] AS by_pid,
  [x IN number_matches | x.pid] AS by_number,""" + _FACTS


def spouse_rows(driver: neo4j.Driver, database: str, pids: Iterable[str],
                as_of: date) -> dict[str, Row]:
    """The raw facts of each person in ``pids`` found in the graph, by pid (one query).

    Args:
        driver: A Neo4j driver.
        database: The database name.
        pids: The persons (spouses) to read.
        as_of: The day households are read on (custody).

    Returns:
        A row per person found; missing pids are absent.
    """
    rows = read(driver, database, "spouse_facts", SPOUSE_FACTS, pids=sorted(set(pids)),
                as_of=as_of)
    return {str(r["pid"]): dict(r) for r in rows}  # plain values: no data() walk


def couple_facts(husband: Row | None, wife: Row | None, as_of: date) -> CoupleFacts:
    """Build a couple's facts from the two spouses' rows (None: not found).

    Args:
        husband: The husband's row from :func:`spouse_rows`, or None.
        wife: The wife's row, or None.
        as_of: The application date.

    Returns:
        The facts; unknowns are None, conflicts flagged on the marriage.
    """
    if husband is None or wife is None:
        return CoupleFacts(_spouse(husband, 0, False) if husband else None,
                           _spouse(wife, 0, False) if wife else None, None)
    marriage, (h_prior, h_widowed), (w_prior, w_widowed) = marriage_facts(husband, wife, as_of)
    kids = children(husband, wife, as_of)
    pledged, refs = pledge(husband, wife, as_of)
    return CoupleFacts(_spouse(husband, h_prior, h_widowed), _spouse(wife, w_prior, w_widowed),
                       marriage, kids, pledged_one_child=pledged, pledge_evidence=refs)


def _spouse(row: Row, prior: int, widowed: bool) -> SpouseFacts:
    alone, refs = only_child(row)
    return SpouseFacts(pid=str(row["pid"]), sex=str(row["sex"] or ""),
                       birth_date=day(row["birth_date"]), ethnicity=row["ethnicity"],
                       hukou_type=_hukou(row["hukou_type"]), only_child=alone,
                       prior_marriages=prior, widowed=widowed,
                       evidence=tuple(dict.fromkeys([*row["records"], *refs])))


def _hukou(value: Any) -> HukouType | None:
    try:
        return HukouType(value) if value else None
    except ValueError:
        return None


def gather(driver: neo4j.Driver, database: str, husband: str, wife: str,
           as_of: date) -> CoupleFacts:
    """A couple's facts from the graph, as of the application date.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        husband: The husband's pid.
        wife: The wife's pid.
        as_of: The application date.

    Returns:
        The couple's facts; a spouse not found is None.
    """
    rows = spouse_rows(driver, database, (husband, wife), as_of)
    return couple_facts(rows.get(husband), rows.get(wife), as_of)


def decide_couple(driver: neo4j.Driver, database: str, husband: str, wife: str,
                  as_of: date) -> Decision:
    """Decide a couple's birth-permit eligibility from the graph.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        husband: The husband's pid.
        wife: The wife's pid.
        as_of: The application date; the rules in force that day apply.

    Returns:
        The decision, its reasons and the record keys it rests on.
    """
    return decide(gather(driver, database, husband, wife, as_of), as_of)


def decide_refs(driver: neo4j.Driver, database: str, husband: str, wife: str,
                as_of: date) -> tuple[str, str, Decision]:
    """Resolve a couple's references and decide their eligibility, in one query.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        husband: The husband's pid or ID number.
        wife: The wife's pid or ID number.
        as_of: The application date; the rules in force that day apply.

    Returns:
        The husband's and the wife's pids and the decision (as :func:`decide_couple`).

    Raises:
        PersonNotFound: A reference names nobody.
        InvalidArgument: An ID number belongs to more than one person.
    """
    rows = read(driver, database, "couple_by_refs", COUPLE_BY_REFS,
                **_refs_params(husband, wife, as_of))
    return _decided(rows, as_of)


async def decide_refs_async(driver: neo4j.AsyncDriver, database: str, husband: str,
                            wife: str, as_of: date) -> tuple[str, str, Decision]:
    """:func:`decide_refs` on the async driver (the API's eligibility route)."""
    rows = await read_async(driver, database, "couple_by_refs", COUPLE_BY_REFS,
                            **_refs_params(husband, wife, as_of))
    return _decided(rows, as_of)


# Many couples in one round trip (the API coalesces concurrent requests): each reference
# carries its own couple's application date, the day its households are read on.
COUPLES_BY_REFS = COUPLE_BY_REFS.replace("$as_of", "ref.as_of")
Couple = tuple[str, str, date]  # husband reference, wife reference, application date


async def decide_many_async(driver: neo4j.AsyncDriver, database: str,
                            couples: Sequence[Couple]
                            ) -> list[tuple[str, str, Decision] | KingraphError]:
    """Decide several couples in one read, each as :func:`decide_refs` would.

    Returns:
        Per couple, in order: the pids and the decision, or the error that couple alone
        raises (PersonNotFound, InvalidArgument); one couple's error does not fail the rest.
    """
    refs: list[dict[str, object]] = []
    for n, (husband, wife, as_of) in enumerate(couples):
        for j, ref in enumerate(people.ref_params([husband, wife])):
            refs.append(ref | {"i": 2 * n + j, "as_of": as_of})
    rows = {int(r["i"]): dict(r) for r in await read_async(
        driver, database, "couples_by_refs", COUPLES_BY_REFS, refs=refs)}
    out: list[tuple[str, str, Decision] | KingraphError] = []
    for n, (_, _, as_of) in enumerate(couples):
        try:
            out.append(_pair(rows[2 * n], rows[2 * n + 1], as_of))
        except (PersonNotFound, InvalidArgument) as exc:
            out.append(exc)
    return out


def _refs_params(husband: str, wife: str, as_of: date) -> dict[str, Any]:
    return {"refs": people.ref_params([husband, wife]), "as_of": as_of}


def _decided(records: list[neo4j.Record], as_of: date) -> tuple[str, str, Decision]:
    # dict(record), not record.data(): the columns are plain values, lists and maps, and
    # data()'s recursive walk was a tenth of the eligibility route's CPU.
    rows = {int(r["i"]): dict(r) for r in records}
    return _pair(rows[0], rows[1], as_of)  # the UNWIND yields a row per reference


def _pair(h_row: Row, w_row: Row, as_of: date) -> tuple[str, str, Decision]:
    h = people.chosen(h_row["by_pid"], h_row["by_number"])
    w = people.chosen(w_row["by_pid"], w_row["by_number"])
    return h, w, decide(couple_facts(h_row, w_row, as_of), as_of)


def decide_glory(driver: neo4j.Driver, database: str, husband: str, wife: str,
                 as_of: date) -> glory.GloryDecision:
    """What should happen to the couple's one-child glory certificate on ``as_of``."""
    return glory.decide(gather(driver, database, husband, wife, as_of), as_of)


__all__ = ["ChildFacts", "MarriageFacts", "couple_facts", "decide_couple", "decide_glory",
           "decide_many_async", "decide_refs", "decide_refs_async", "gather", "spouse_rows"]
