"""Cascade testing and at-risk couples on the graph, for any condition of the table.

``cascade`` extracts the index case's family (:mod:`queries.kinship.traversal`, one
round trip), adds the other parent of a relative's child where the extraction left them
out (a relative's spouse: their results are evidence for the children), reads every
member's results for the condition and current residence
(:func:`queries.conditions.person_facts.facts`, a second round trip) and ranks the living
blood relatives by their chance of carrying the allele
(:func:`queries.conditions.carrier.carrier_probabilities`: by the mode's Mendelian rules,
exact over the pedigree with relatives' results as evidence, else the prior model).

``at_risk_couples`` lists current marriages and registered pregnancies in which a
partner has a result for a recessive condition, classified by
:func:`queries.conditions.couple_risk.couple_risk`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import neo4j
import polars as pl

from graphdb.connection import read
from graphdb.values import day
from kingraph import conditions as table
from kingraph import divisions
from kingraph.conditions import Condition
from kingraph.errors import PersonNotFound
from queries.conditions.carrier import Method, carrier_probabilities
from queries.conditions.couple_risk import ConditionRisk, CoupleClass, couple_risk
from queries.conditions.person_facts import NO_FACTS, Facts, facts
from queries.conditions.results import MALE
from queries.couples import CoupleRecord
from queries.kinship import traversal as kinship
from queries.kinship.relations import Kind, Relating, Relation
from queries.persons.lookup import PersonRecord

FEMALE = "2"

# Couples with a partner who has a result for the condition: current marriages of living
# partners and registered pregnancies (woman and husband).
COUPLES = """
MATCH (d:Diagnosis {condition: $condition})-[:MENTIONS {role: 'person'}]->(x:Person)
WHERE d.result IN ['affected', 'carrier', 'normal']
WITH DISTINCT x
CALL (x) {
  MATCH (x)-[m:MARRIED]-(y:Person)
  WHERE m.ended_on IS NULL AND m.end_reason IS NULL
    AND x.death_date IS NULL AND y.death_date IS NULL
  RETURN startNode(m).pid AS husband, endNode(m).pid AS wife, m.married_on AS married_on,
         null AS pregnancy, null AS status, null AS registered_on, null AS division
  UNION
  MATCH (g:Pregnancy)-[r:MENTIONS]->(x)
  WHERE r.role IN ['woman', 'husband']
  MATCH (g)-[:MENTIONS {role: 'woman'}]->(w:Person)
  MATCH (g)-[:MENTIONS {role: 'husband'}]->(h:Person)
  RETURN h.pid AS husband, w.pid AS wife, null AS married_on, g.key AS pregnancy,
         g.status AS status, g.registered_on AS registered_on, g.division_code AS division
}
RETURN DISTINCT husband, wife, married_on, pregnancy, status, registered_on, division
"""

# The biological parents of family members: the extraction leaves out a relative's
# spouse (no blood relative), whose results are evidence for the children they share.
PARENTS_OF = """
UNWIND $pids AS pid
MATCH (c:Person {pid: pid})-[:CHILD_OF {kind: 'biological'}]->(p:Person)
RETURN c.pid AS child, p.pid AS parent, p.sex AS sex, p.ethnicity AS ethnicity
"""


@dataclass(frozen=True)
class Entry:
    """One living relative on the cascade worklist."""

    person: PersonRecord
    relation: Relation
    facts: Facts
    carrier: float  # chance of at least one copy
    affected: float  # chance the condition shows
    method: Method
    r: float  # the share of the index allele expected (r, or r_X on the X)


@dataclass(frozen=True)
class Cascade:
    """The worklist for one index case and condition, most likely carriers first."""

    condition: Condition
    index: PersonRecord
    index_facts: Facts
    max_degree: int
    entries: tuple[Entry, ...]
    fallback: str | None

    def table(self) -> pl.DataFrame:
        """One row per relative: pid, term, degree, r, result, division, probabilities."""
        return pl.DataFrame([_entry_row(e) for e in self.entries], schema=CASCADE_COLUMNS)


CASCADE_COLUMNS: dict[str, Any] = {
    "pid": pl.String, "sex": pl.String, "term": pl.String, "degree": pl.Int64,
    "r": pl.Float64, "result": pl.String, "tested_on": pl.Date, "division": pl.String,
    "division_name": pl.String, "carrier": pl.Float64, "affected": pl.Float64,
    "method": pl.String,
}


def _entry_row(e: Entry) -> dict[str, object]:
    latest = e.facts.latest
    return {"pid": e.person.pid, "sex": e.person.sex, "term": e.relation.term.zh,
            "degree": e.relation.degree, "r": e.r,
            "result": latest.result.value if latest else None, "tested_on": e.facts.tested_on,
            "division": e.facts.division, "division_name": e.facts.division_name,
            "carrier": e.carrier, "affected": e.affected, "method": e.method.value}


def cascade(driver: neo4j.Driver, database: str, index_pid: str, condition: str,
            max_degree: int = 4) -> Cascade:
    """The cascade worklist around an index case for a condition of the table.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        index_pid: the index case (affected, or a carrier).
        condition: a code of the conditions table (``g6pd_deficiency``).
        max_degree: 1..6.

    Raises:
        InvalidArgument: an unknown condition, a degree out of range, or an index case
            whose results say it carries no copy.
        PersonNotFound: no person has this pid.
    """
    found_condition = table.get(condition)
    family = kinship.extract(driver, database, [index_pid], kinship.degree_bounds(max_degree))
    if index_pid not in family.persons:
        raise PersonNotFound("no person with this identifier")
    relating = Relating(family)
    relatives = [r for r in relating.relatives(index_pid, max_degree)
                 if r.kind is Kind.BLOOD and family.persons[r.pid].death_date is None]
    parents = {pid: relating.blood.parents(pid) for pid in family.persons}
    sexes = {pid: p.sex for pid, p in family.persons.items()}
    ethnicity = {pid: p.ethnicity for pid, p in family.persons.items()}
    _add_co_parents(driver, database, parents, sexes, ethnicity)
    known = facts(driver, database, found_condition, sexes)
    allowed = {pid: f.genotypes for pid, f in known.items() if f.genotypes is not None}
    estimate = carrier_probabilities(found_condition, parents, sexes, ethnicity, allowed,
                                     index_pid)
    entries = []
    for rel in relatives:
        e = estimate.estimates[rel.pid]
        entries.append(Entry(family.persons[rel.pid], rel, known.get(rel.pid, NO_FACTS),
                             e.carrier, e.affected, e.method, e.r))
    entries.sort(key=lambda e: (-e.carrier, -e.affected, e.relation.degree or 99,
                                e.person.pid))
    return Cascade(found_condition, family.persons[index_pid],
                   known.get(index_pid, NO_FACTS), max_degree, tuple(entries),
                   estimate.fallback)


def _add_co_parents(driver: neo4j.Driver, database: str,
                    parents: dict[str, tuple[str | None, str | None]],
                    sexes: dict[str, str | None], ethnicity: dict[str, str | None]) -> None:
    """Fill the missing parent of members with one parent known (the other parent of a
    relative's child) from the graph, with their sex and ethnicity."""
    half = [pid for pid, pair in parents.items() if (pair[0] is None) != (pair[1] is None)]
    if not half:
        return
    for row in read(driver, database, "condition_co_parents", PARENTS_OF, pids=half):
        child, parent, sex = str(row["child"]), str(row["parent"]), row["sex"]
        father, mother = parents[child]
        if parent in (father, mother):
            continue
        if father is None and sex == MALE:
            parents[child] = (parent, mother)
        elif mother is None and sex == FEMALE:
            parents[child] = (father, parent)
        else:
            continue
        sexes.setdefault(parent, sex)
        ethnicity.setdefault(parent, row["ethnicity"])


@dataclass(frozen=True)
class Couple(CoupleRecord[ConditionRisk, Facts]):
    """A couple on a condition's list, with its risk per pregnancy."""

    @property
    def classification(self) -> CoupleClass:
        """Which list: at risk, partner testing."""
        return self.risk.classification

    @property
    def probability(self) -> Fraction:
        """Chance per pregnancy of an affected child."""
        return self.risk.probability


def at_risk_couples(driver: neo4j.Driver, database: str, condition: str,
                    division: str | None = None, since: date | None = None) -> list[Couple]:
    """Couples to act on for a recessive condition: at risk first (ongoing pregnancies,
    then the higher risk), then partner testing.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        condition: a recessive condition of the table.
        division: a county or prefecture code (any period): the pregnancy's division,
            else the wife's current residence.
        since: keep couples with an event (marriage, pregnancy registered, a partner's
            latest result) on or after this day.

    Raises:
        InvalidArgument: an unknown or a dominant condition.
    """
    found_condition = table.get(condition)
    couple_risk(found_condition, None, None)  # refuses a dominant condition early
    rows = read(driver, database, "condition_couples", COUPLES, condition=found_condition.code)
    known = facts(driver, database, found_condition,
                  {str(r[k]) for r in rows for k in ("husband", "wife")})
    couples: dict[tuple[str, str], Couple] = {}
    for row in sorted(rows, key=lambda r: (r["pregnancy"] is not None,
                                           day(r["registered_on"]) or date.min)):
        couple = _couple(found_condition, row, known)
        couples[(couple.husband, couple.wife)] = couple  # the latest pregnancy wins
    kept = [c for c in couples.values()
            if c.classification is not CoupleClass.NONE and c.listed(division, since)]
    return sorted(kept, key=_rank)


def _couple(condition: Condition, row: Mapping[str, Any],
            known: Mapping[str, Facts]) -> Couple:
    h, w = str(row["husband"]), str(row["wife"])
    hf, wf = known.get(h, NO_FACTS), known.get(w, NO_FACTS)
    risk = couple_risk(condition, hf.genotypes, wf.genotypes)
    code = row["division"]
    where = divisions.current(code) if code else (wf.division or hf.division)
    return Couple(h, w, risk, hf, wf, where, day(row["married_on"]), row["pregnancy"],
                  row["status"], day(row["registered_on"]))




def _rank(c: Couple) -> tuple[int, int, Fraction, str, str]:
    lists = {CoupleClass.AT_RISK: 0, CoupleClass.PARTNER_TESTING: 1}
    return (lists.get(c.classification, 2), 0 if c.ongoing else 1,
            -c.probability, c.husband, c.wife)
