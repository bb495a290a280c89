"""Couples at risk of a child with severe thalassemia, on the list an officer acts on.

A couple is found from a partner whose screening shows anything but a normal result
(:data:`FLAGGED`: a conclusion other than ``normal`` or a genotype other than the normal
one), then classified by :func:`queries.thalassemia.pregnancy_risk.couple_risk` on both
partners' latest results.  Current marriages of living partners (row-stated or inferred
from the household register) and registered pregnancies are the couples.

Which list (:class:`Worklist`): a couple whose pregnancy is registered and ongoing, or
for whom a pregnancy is possible (the wife of reproductive age, :class:`Fertility`), goes
to the prenatal-diagnosis list (at risk, or needing genotyping) or to partner screening;
every other classified couple (a wife past reproductive age) goes to the counselling list
(genetic counselling for the family, no prenatal action).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any

import neo4j

from graphdb.connection import read
from graphdb.values import day
from kingraph import divisions
from queries.couples import CoupleRecord
from queries.thalassemia.person_facts import NO_FACTS, Facts, facts
from queries.thalassemia.pregnancy_risk import CoupleClass, CoupleRisk, couple_risk

# A screening that may show a carrier: its conclusion or a genotype is not the normal one.
FLAGGED = """(s.conclusion IS NULL OR s.conclusion <> 'normal'
  OR coalesce(s.alpha_genotype, 'αα/αα') <> 'αα/αα'
  OR coalesce(s.beta_genotype, 'βN/βN') <> 'βN/βN')"""

CANDIDATE_MARRIAGES = """
MATCH (s:Screening)-[:MENTIONS {role: 'person'}]->(x:Person)
WHERE """ + FLAGGED + """
WITH DISTINCT x
MATCH (x)-[m:MARRIED]-(:Person)
WHERE m.ended_on IS NULL AND m.end_reason IS NULL
WITH DISTINCT m
MATCH (h:Person)-[m]->(w:Person)
WHERE h.death_date IS NULL AND w.death_date IS NULL
RETURN h.pid AS husband, w.pid AS wife, m.married_on AS married_on,
       coalesce(m.inferred, false) AS inferred, w.birth_date AS wife_born
"""

CANDIDATE_PREGNANCIES = """
MATCH (s:Screening)-[:MENTIONS {role: 'person'}]->(x:Person)
WHERE """ + FLAGGED + """
WITH DISTINCT x
MATCH (g:Pregnancy)-[:MENTIONS]->(x)
WITH DISTINCT g
MATCH (g)-[:MENTIONS {role: 'woman'}]->(w:Person)
MATCH (g)-[:MENTIONS {role: 'husband'}]->(h:Person)
RETURN h.pid AS husband, w.pid AS wife, g.key AS key, g.status AS status,
       g.registered_on AS registered_on, g.expected_delivery_date AS expected,
       g.division_code AS division, w.birth_date AS wife_born
"""


@dataclass(frozen=True)
class Fertility:
    """The ages at which a woman's pregnancy is possible (WHO reproductive age, 15-49);
    operators may change them."""

    first_age: int = 15
    last_age: int = 49

    def possible(self, born: date | None, on: date) -> bool | None:
        """Whether a woman born ``born`` may become pregnant on ``on`` (None: unknown)."""
        if born is None:
            return None
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return self.first_age <= age <= self.last_age


class Worklist(StrEnum):
    """The list a classified couple is on."""

    PRENATAL_DIAGNOSIS = "prenatal_diagnosis"  # at risk (or to genotype), pregnancy possible
    PARTNER_SCREENING = "partner_screening"  # one carrier, the other unscreened
    COUNSELLING = "counselling"  # no pregnancy possible: genetic counselling only


AT_RISK = (CoupleClass.PRENATAL_DIAGNOSIS, CoupleClass.GENOTYPING)


@dataclass(frozen=True)
class Couple(CoupleRecord[CoupleRisk, Facts]):
    """A couple on one of the officers' lists, with its risk per pregnancy."""

    expected_delivery: date | None = None
    marriage_inferred: bool = False  # the marriage is inferred from the household register
    pregnancy_possible: bool | None = None  # the wife's age on the day

    @property
    def classification(self) -> CoupleClass:
        """The risk class: prenatal diagnosis, genotyping, partner screening."""
        return self.risk.classification

    @property
    def worklist(self) -> Worklist:
        """The list the couple is on: a prenatal list only where a pregnancy is registered
        and ongoing, or possible (an unknown age counts as possible: never drop a couple
        from the prenatal list for a missing birth date)."""
        if not (self.ongoing or self.pregnancy_possible is not False):
            return Worklist.COUNSELLING
        if self.classification in AT_RISK:
            return Worklist.PRENATAL_DIAGNOSIS
        return Worklist.PARTNER_SCREENING

    @property
    def severe_probability(self) -> Fraction:
        """Chance per pregnancy of a severely affected child."""
        return self.risk.severe_probability


def at_risk_couples(driver: neo4j.Driver, database: str, division: str | None = None,
                    since: date | None = None, as_of: date | None = None,
                    fertility: Fertility = Fertility()) -> list[Couple]:
    """Couples to act on, in the officers' order (:func:`rank`).

    Current marriages of living partners and registered pregnancies, at least one partner
    with a screening that may show a carrier; a couple whose pregnancy is registered is
    listed once, with its latest pregnancy.  Four round trips (marriages, pregnancies,
    both partners' facts), whatever the page.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        division: a county or prefecture code (any period); the pregnancy's division,
            else the wife's current residence.
        since: keep couples with an event (pregnancy registered, marriage, a
            partner's latest screening) on or after this day.
        as_of: the day ages are reckoned on (today by default).
        fertility: the reproductive ages.
    """
    on = as_of or date.today()
    marriages = read(driver, database, "thalassemia_candidate_marriages", CANDIDATE_MARRIAGES)
    pregnancies = read(driver, database, "thalassemia_candidate_pregnancies",
                       CANDIDATE_PREGNANCIES)
    pids = {str(r[k]) for r in (*marriages, *pregnancies) for k in ("husband", "wife")}
    known = facts(driver, database, pids)
    couples: dict[tuple[str, str], Couple] = {}
    for row in marriages:
        couple = _couple(row, known, on, fertility)
        couples[(couple.husband, couple.wife)] = couple
    for row in sorted(pregnancies, key=lambda r: day(r["registered_on"]) or date.min):
        couple = _couple(row, known, on, fertility, pregnancy=True)
        couples[(couple.husband, couple.wife)] = _merged(couples.get(
            (couple.husband, couple.wife)), couple)
    kept = [c for c in couples.values()
            if c.classification is not CoupleClass.NONE and c.listed(division, since)]
    return sorted(kept, key=rank)


def select(couples: Iterable[Couple], division: str | None = None, since: date | None = None,
           worklist: Worklist | None = None) -> list[Couple]:
    """The couples of one division, since a day, on one list (order kept)."""
    return [c for c in couples
            if c.listed(division, since) and (worklist is None or c.worklist is worklist)]


def _couple(row: Mapping[str, Any], known: Mapping[str, Facts], on: date,
            fertility: Fertility, pregnancy: bool = False) -> Couple:
    h, w = str(row["husband"]), str(row["wife"])
    hf, wf = known.get(h, NO_FACTS), known.get(w, NO_FACTS)
    risk = couple_risk(hf.result, wf.result)
    possible = fertility.possible(day(row["wife_born"]), on)
    if not pregnancy:
        return Couple(h, w, risk, hf, wf, wf.division or hf.division, day(row["married_on"]),
                      marriage_inferred=bool(row["inferred"]), pregnancy_possible=possible)
    code = row["division"]
    return Couple(h, w, risk, hf, wf, divisions.current(code) if code else wf.division,
                  pregnancy=str(row["key"]), pregnancy_status=row["status"],
                  registered_on=day(row["registered_on"]), expected_delivery=day(row["expected"]),
                  pregnancy_possible=possible)


def _merged(marriage: Couple | None, pregnancy: Couple) -> Couple:
    if marriage is None:
        return pregnancy
    return Couple(pregnancy.husband, pregnancy.wife, pregnancy.risk, pregnancy.husband_facts,
                  pregnancy.wife_facts, pregnancy.division, marriage.married_on,
                  pregnancy.pregnancy, pregnancy.pregnancy_status, pregnancy.registered_on,
                  pregnancy.expected_delivery, marriage.marriage_inferred,
                  pregnancy.pregnancy_possible)


LISTS = {Worklist.PRENATAL_DIAGNOSIS: 0, Worklist.PARTNER_SCREENING: 1, Worklist.COUNSELLING: 2}
CLASSES = {CoupleClass.PRENATAL_DIAGNOSIS: 0, CoupleClass.GENOTYPING: 1,
           CoupleClass.PARTNER_SCREENING: 2}


def rank(c: Couple) -> tuple[int, int, int, Fraction, str, str]:
    """The officers' order: list, then certain risk before genotyping, ongoing pregnancies
    first, higher risk first, then by pids (the same every time)."""
    return (LISTS[c.worklist], CLASSES.get(c.classification, 3), 0 if c.ongoing else 1,
            -c.severe_probability, c.husband, c.wife)
