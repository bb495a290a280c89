"""Thalassemia intervention on the graph: cascade worklists, at-risk couples, yields.

``cascade`` extracts the index case's family (:mod:`queries.kinship.traversal`, one
round trip), reads every member's latest ``:Screening`` result and current residence
(:func:`queries.thalassemia.person_facts.facts`, a second round trip) and ranks the
living blood relatives by their carrier probability
(:func:`queries.thalassemia.carrier.carrier_probabilities`: exact Bayesian over the
pedigree with observed results as evidence, else the prior model).

``at_risk_couples`` (:mod:`queries.thalassemia.couples`) classifies current marriages and
registered pregnancies; ``division_summaries`` counts per division
(:func:`queries.thalassemia.screening_yield.division_summary`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import neo4j
import polars as pl

from graphdb.connection import read
from kingraph.errors import InvalidArgument, PersonNotFound
from queries.kinship import traversal as kinship
from queries.kinship.relations import Kind, Relating, Relation
from queries.persons.lookup import PersonRecord
from queries.thalassemia.carrier import Method, carrier_probabilities
from queries.thalassemia.couples import AT_RISK, Couple, at_risk_couples
from queries.thalassemia.genotypes import Gene
from queries.thalassemia.person_facts import NO_FACTS, Facts, facts
from queries.thalassemia.screening import Screening, Status
from queries.thalassemia.screening_yield import division_summary

FIRST_DEGREE = """
UNWIND $pids AS pid
MATCH (i:Person {pid: pid})
CALL (i) {
  MATCH (i)-[:CHILD_OF {kind: 'biological'}]->(r:Person) RETURN r
  UNION
  MATCH (i)<-[:CHILD_OF {kind: 'biological'}]-(r:Person) RETURN r
  UNION
  MATCH (i)-[:CHILD_OF {kind: 'biological'}]->(:Person)<-[:CHILD_OF {kind: 'biological'}]-(r)
  WHERE r <> i RETURN r
}
WITH i, r WHERE r.death_date IS NULL
RETURN i.pid AS index_pid, r.pid AS relative_pid
"""

INDEX_CASES = """
MATCH (s:Screening)-[:MENTIONS {role: 'person'}]->(x:Person)
WHERE s.conclusion IN $positive
RETURN DISTINCT x.pid AS pid
"""
UNKNOWN_DIVISION = "unknown"
POSITIVE = tuple(s.value for s in Status if s not in (Status.NORMAL, Status.SUSPECTED))


@dataclass(frozen=True)
class CascadeEntry:
    """One living relative on the cascade-screening worklist."""

    person: PersonRecord
    relation: Relation
    facts: Facts
    probability: float  # of carrying at least one allele of the index genes
    by_gene: Mapping[Gene, float]
    method: Method


@dataclass(frozen=True)
class Cascade:
    """The worklist for one index case, most likely carriers first."""

    index: PersonRecord
    index_facts: Facts
    genes: tuple[Gene, ...]
    max_degree: int
    entries: tuple[CascadeEntry, ...]
    fallback: str | None  # why the Bayesian model was not used, if it was not

    def table(self) -> pl.DataFrame:
        """One row per relative: pid, term, degree, r, status, division, probability."""
        return pl.DataFrame([_entry_row(e) for e in self.entries], schema=CASCADE_COLUMNS)


CASCADE_COLUMNS: dict[str, Any] = {
    "pid": pl.String, "term": pl.String, "degree": pl.Int64, "r": pl.Float64,
    "status": pl.String, "tested_on": pl.Date, "division": pl.String,
    "division_name": pl.String, "probability": pl.Float64, "method": pl.String,
}


def _entry_row(e: CascadeEntry) -> dict[str, object]:
    return {"pid": e.person.pid, "term": e.relation.term.zh, "degree": e.relation.degree,
            "r": float(e.relation.r), "status": e.facts.status.value if e.facts.status else None,
            "tested_on": e.facts.tested_on, "division": e.facts.division,
            "division_name": e.facts.division_name, "probability": e.probability,
            "method": e.method.value}


def index_genes(result: Screening | None, gene: Gene | None = None) -> tuple[Gene, ...]:
    """The genes the cascade follows: ``gene`` if given, else those the result carries.

    Raises:
        InvalidArgument: the index case was never screened, or carries neither gene.
    """
    if gene is not None:
        if result is not None and result.carries(gene) is False:
            raise InvalidArgument(f"cascade: index_not_a_{gene.value}_carrier",
                                  reason=f"index_not_a_{gene.value}_carrier")
        return (gene,)
    if result is None:
        raise InvalidArgument("cascade: index_case_not_screened (name the gene)",
                              reason="index_case_not_screened")
    genes = tuple(g for g in Gene if result.carries(g))
    if not genes:
        raise InvalidArgument("cascade: index_case_carries_no_thalassemia_allele",
                              reason="index_case_carries_no_thalassemia_allele")
    return genes


def cascade(driver: neo4j.Driver, database: str, index_pid: str, max_degree: int = 4,
            gene: Gene | None = None) -> Cascade:
    """The cascade-screening worklist around an index case, most likely carriers first.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        index_pid: the index case (a carrier or patient).
        max_degree: 1..6.
        gene: the gene to follow; by default every gene the index result carries.

    Raises:
        InvalidArgument: degree out of range, or the index case has no usable result.
        PersonNotFound: no person has this pid.
    """
    family = kinship.extract(driver, database, [index_pid],
                             kinship.degree_bounds(max_degree))
    if index_pid not in family.persons:
        raise PersonNotFound("no person with this identifier")
    relating = Relating(family)
    found = facts(driver, database, family.persons)
    index_facts = found.get(index_pid, NO_FACTS)
    genes = index_genes(index_facts.result, gene)
    relatives = [r for r in relating.relatives(index_pid, max_degree)
                 if r.kind is Kind.BLOOD and family.persons[r.pid].death_date is None]
    parents = {pid: relating.blood.parents(pid) for pid in family.persons}
    ethnicity = {pid: p.ethnicity for pid, p in family.persons.items()}
    observed = {pid: f.result for pid, f in found.items() if f.result is not None}
    estimates = {g: carrier_probabilities(parents, ethnicity, observed, index_pid, g)
                 for g in genes}
    fallback = next((e.fallback for e in estimates.values() if e.fallback), None)
    entries = [_entry(r, family.persons[r.pid], found.get(r.pid, NO_FACTS),
                      {g: e.estimates[r.pid] for g, e in estimates.items()}) for r in relatives]
    entries.sort(key=lambda e: (-e.probability, e.relation.degree or 99, e.person.pid))
    return Cascade(family.persons[index_pid], index_facts, genes, max_degree, tuple(entries),
                   fallback)


def _entry(rel: Relation, person: PersonRecord, facts_: Facts,
           per_gene: Mapping[Gene, Any]) -> CascadeEntry:
    spared = 1.0
    for estimate in per_gene.values():
        spared *= 1.0 - estimate.probability
    methods = {e.method for e in per_gene.values()}
    method = Method.OBSERVED if methods == {Method.OBSERVED} else (
        Method.BAYES if Method.BAYES in methods else Method.PRIOR)
    return CascadeEntry(person, rel, facts_, 1.0 - spared,
                        {g: e.probability for g, e in per_gene.items()}, method)


def division_summaries(driver: neo4j.Driver, database: str,
                       couples: list[Couple] | None = None,
                       batch: int = 2000) -> pl.DataFrame:
    """Per division: index cases, first-degree relatives, screened, carriers, couples.

    Index cases are persons with a positive (carrier or disease) screening; their
    living first-degree relatives (parents, children, full and half siblings) are
    the cascade. A relative counts as *reached* when a current residence is known,
    *screened* when a result exists, a *carrier found* when it says so. Rows go to
    the relative's current division.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        couples: the couple lists (from :func:`at_risk_couples`); fetched when None.
        batch: index cases per query.
    """
    index = [str(r["pid"]) for r in read(driver, database, "thalassemia_index_cases",
                                         INDEX_CASES, positive=list(POSITIVE))]
    pairs: list[tuple[str, str]] = []
    for start in range(0, len(index), batch):
        rows = read(driver, database, "thalassemia_first_degree", FIRST_DEGREE,
                    pids=index[start:start + batch])
        pairs += [(str(r["index_pid"]), str(r["relative_pid"])) for r in rows]
    known = facts(driver, database, {p for _, p in pairs}) if pairs else {}
    rows_out = [_yield_row(i, known.get(r, NO_FACTS), r) for i, r in pairs]
    cascade_frame = pl.DataFrame(rows_out, schema={
        "index_pid": pl.String, "relative_pid": pl.String, "division": pl.String,
        "reached": pl.Boolean, "screened": pl.Boolean, "carrier_found": pl.Boolean})
    found = couples if couples is not None else at_risk_couples(driver, database)
    couple_frame = pl.DataFrame(
        [{"division": c.division or UNKNOWN_DIVISION, "classification": c.classification.value}
         for c in found],
        schema={"division": pl.String, "classification": pl.String})
    return division_summary(cascade_frame, couple_frame)


def _yield_row(index_pid: str, f: Facts, relative: str) -> dict[str, object]:
    carrier = f.result is not None and any(f.result.carries(g) for g in Gene)
    return {"index_pid": index_pid, "relative_pid": relative,
            "division": f.division or UNKNOWN_DIVISION,
            "reached": f.division is not None, "screened": f.result is not None,
            "carrier_found": carrier}


__all__ = ["AT_RISK", "Cascade", "CascadeEntry", "Couple", "Facts", "at_risk_couples",
           "cascade", "division_summaries", "facts", "index_genes"]
