"""cascade and at_risk_couples against the synthetic truth genotypes.

This module runs on a province of its own, five times the shared one: the couples
tests judge every screened couple there (about 840), of which about a dozen are truly
at risk (the shared 4,000-person province holds about four).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import neo4j
import polars as pl
import pytest

from kingraph.errors import InvalidArgument
from kingraph.settings import Settings
from queries.thalassemia import worklists as thalassemia
from queries.thalassemia.carrier import Method
from queries.thalassemia.couples import Worklist
from queries.thalassemia.genotypes import Gene
from queries.thalassemia.pregnancy_risk import CoupleClass, couple_risk
from queries.thalassemia.screening import Screening, from_feed
from tests.integration.queries import kin_truth
from tests.integration.queries.kin_truth import KinTruth
from tests.integration.synthetic import SHARED, LoadedDrop, load_synthetic

PERSONS = 20_000


@pytest.fixture(scope="module")
def province(driver: neo4j.Driver, settings: Settings, synthetic: LoadedDrop,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedDrop]:
    """A 20,000-person province for this module; the shared one is loaded again before
    the next test that reads it (tests/conftest.py)."""
    yield load_synthetic(driver, settings, tmp_path_factory.mktemp("couples"), PERSONS)
    SHARED.replaced = True


@pytest.fixture(scope="module")
def truth(province: LoadedDrop, driver: neo4j.Driver, database: str) -> KinTruth:
    return kin_truth.load(province, driver, database)


@pytest.fixture(scope="module")
def couples(driver: neo4j.Driver, database: str,
            province: LoadedDrop) -> list[thalassemia.Couple]:
    return thalassemia.at_risk_couples(driver, database)


def _true_result(truth: KinTruth, pid: str) -> Screening | None:
    key = truth.key_of.get(pid)
    if key is None:
        return None
    row = truth.persons.filter(pl.col("person_key") == key).row(0, named=True)
    return from_feed(row["alpha_genotype"], row["beta_genotype"], None)


def _missed(true: Screening, seen: Screening) -> bool:
    """The screen rules out the person's true genotype of a gene (a silent α⁺ carrier
    screened normal): no list drawn from screens can know what it missed."""
    return any((typed := true.genotype(g)) is None or typed.classes not in seen.candidates(g)
               for g in Gene)


def _screens(driver: neo4j.Driver, database: str,
             pids: set[str]) -> dict[str, Screening]:
    return {p: f.result for p, f in thalassemia.facts(driver, database, pids).items()
            if f.result is not None}


def _judged(truth: KinTruth, screens: dict[str, Screening], husband: str,
            wife: str) -> tuple[Screening, Screening] | None:
    """The couple's true genotypes, when both were screened and neither screen rules
    out a true allele; else None."""
    found = []
    for pid in (husband, wife):
        true, seen = _true_result(truth, pid), screens.get(pid)
        if true is None or seen is None or _missed(true, seen):
            return None
        found.append(true)
    return found[0], found[1]


def test_every_couple_on_the_prenatal_list_is_truly_at_risk(
        truth: KinTruth, driver: neo4j.Driver, database: str,
        couples: list[thalassemia.Couple]) -> None:
    # Married or with a registered pregnancy: where neither partner's screen rules out a
    # true allele, a couple certain to be at risk by its screens is at risk by its genes.
    certain = [c for c in couples if c.classification is CoupleClass.PRENATAL_DIAGNOSIS]
    screens = _screens(driver, database, {p for c in certain for p in (c.husband, c.wife)})
    judged = 0
    for c in certain:
        genes = _judged(truth, screens, c.husband, c.wife)
        if genes is None:
            continue
        judged += 1
        assert couple_risk(*genes).classification is CoupleClass.PRENATAL_DIAGNOSIS
    assert judged >= 5


# Current marriages of living partners, at least one of them screened.
SCREENED_COUPLES = """
MATCH (h:Person)-[m:MARRIED]->(w:Person)
WHERE m.ended_on IS NULL AND m.end_reason IS NULL
  AND h.death_date IS NULL AND w.death_date IS NULL
  AND (EXISTS { (:Screening)-[:MENTIONS {role: 'person'}]->(h) }
       OR EXISTS { (:Screening)-[:MENTIONS {role: 'person'}]->(w) })
RETURN DISTINCT h.pid AS husband, w.pid AS wife
"""


def test_every_truly_at_risk_screened_couple_is_listed(
        truth: KinTruth, driver: neo4j.Driver, database: str,
        couples: list[thalassemia.Couple]) -> None:
    # Every current couple whose partners were both screened, neither screen ruling out
    # a true allele: if the true genotypes can give a severely affected child, the couple
    # is on a list to act on (prenatal diagnosis, or genotyping first); if not, it is not
    # on the prenatal list. A normal screen is no carrier, so a suspected partner's
    # couple with a normal-screened one is not at risk (domain.md: both partners must
    # carry a risk combination); a silent carrier screened normal is on no list.
    rows = driver.execute_query(SCREENED_COUPLES, database_=database).records
    pairs = [(str(r["husband"]), str(r["wife"])) for r in rows]
    screens = _screens(driver, database, {p for pair in pairs for p in pair})
    listed = {(c.husband, c.wife): c.classification for c in couples}
    judged = at_risk = 0
    for h, w in pairs:
        genes = _judged(truth, screens, h, w)
        if genes is None:
            continue
        judged += 1
        truly = couple_risk(*genes).classification is CoupleClass.PRENATAL_DIAGNOSIS
        got = listed.get((h, w), CoupleClass.NONE)
        at_risk += truly
        assert got in thalassemia.AT_RISK if truly else got is not CoupleClass.PRENATAL_DIAGNOSIS
    # At 20,000 persons: 841 couples judged, 11 truly at risk (4,000 persons: about 4).
    assert judged >= 500 and at_risk >= 8


def test_lists_are_ordered(couples: list[thalassemia.Couple]) -> None:
    lists = {Worklist.PRENATAL_DIAGNOSIS: 0,
             Worklist.PARTNER_SCREENING: 1, Worklist.COUNSELLING: 2}
    order = {CoupleClass.PRENATAL_DIAGNOSIS: 0, CoupleClass.GENOTYPING: 1,
             CoupleClass.PARTNER_SCREENING: 2}
    ranks = [(lists[c.worklist], order[c.classification]) for c in couples]
    assert ranks == sorted(ranks)
    prenatal = [c for c in couples if c.classification is CoupleClass.PRENATAL_DIAGNOSIS
                and c.worklist is Worklist.PRENATAL_DIAGNOSIS]
    ongoing = [c.ongoing for c in prenatal]
    assert ongoing == sorted(ongoing, reverse=True)
    partner = [c for c in couples if c.classification is CoupleClass.PARTNER_SCREENING]
    assert all((c.husband_facts.result is None) != (c.wife_facts.result is None)
               for c in partner)


def test_division_filter_keeps_only_that_place(driver: neo4j.Driver, database: str,
                                               couples: list[thalassemia.Couple]) -> None:
    code = next(c.division for c in couples if c.division)
    assert code is not None
    kept = thalassemia.at_risk_couples(driver, database, division=code)
    assert kept and all(c.division == code for c in kept)


def _index_cases(driver: neo4j.Driver, database: str) -> list[str]:
    rows = driver.execute_query(thalassemia.INDEX_CASES, positive=list(thalassemia.POSITIVE),
                                database_=database).records
    return sorted(str(r["pid"]) for r in rows)


PARENTS = """
MATCH (:Person {pid: $pid})-[:CHILD_OF {kind: 'biological'}]->(p:Person)
RETURN p.pid AS pid
"""


def _parents(driver: neo4j.Driver, database: str, pid: str) -> set[str]:
    rows = driver.execute_query(PARENTS, pid=pid, database_=database).records
    return {str(r["pid"]) for r in rows}


def test_cascade_ranks_living_relatives(truth: KinTruth, driver: neo4j.Driver,
                                        database: str) -> None:
    worked = 0
    for pid in _index_cases(driver, database)[:40]:
        try:
            found = thalassemia.cascade(driver, database, pid, 4)
        except InvalidArgument:
            continue  # a later normal result: not an index case any more
        probs = [e.probability for e in found.entries]
        assert probs == sorted(probs, reverse=True)
        for e in found.entries:
            assert e.person.death_date is None and e.relation.r > 0
            assert e.relation.degree is not None and e.relation.degree <= 4
            if e.facts.result is not None and e.method is Method.OBSERVED:
                carries = any(e.facts.result.carries(g) for g in found.genes)
                assert e.probability == (1.0 if carries else 0.0)
            elif e.probability == 0.0:
                # 0.0 is right for the child of two parents screened clear of every
                # gene followed (a screen's conclusion rules a trait in or out:
                # queries/thalassemia/screening.py; no new mutations): Mendel leaves the
                # child nothing to carry.
                parents = _parents(driver, database, e.person.pid)
                facts = thalassemia.facts(driver, database, parents)
                assert len(parents) == 2 and all(
                    (seen := facts[p].result) is not None
                    and not any(seen.carries(g) for g in found.genes) for p in parents)
            else:
                # 1.0 is right for an obligate carrier: the child of a screened parent
                # whose two α haplotypes both carry a deletion.
                assert 0.0 < e.probability <= 1.0
        worked += bool(found.entries)
    assert worked >= 10


def test_cascade_of_an_unscreened_person_is_refused(truth: KinTruth, driver: neo4j.Driver,
                                                    database: str) -> None:
    screened = set(_index_cases(driver, database))
    rows = driver.execute_query(
        "MATCH (p:Person) WHERE NOT EXISTS { (:Screening)-[:MENTIONS]->(p) } "
        "RETURN p.pid AS pid ORDER BY pid LIMIT 1", database_=database).records
    pid = str(rows[0]["pid"])
    assert pid not in screened
    with pytest.raises(InvalidArgument):
        thalassemia.cascade(driver, database, pid, 2)


def test_division_summaries_count_what_they_list(driver: neo4j.Driver, database: str,
                                                 couples: list[thalassemia.Couple]) -> None:
    summary = thalassemia.division_summaries(driver, database, couples=couples)
    assert summary["screened"].sum() <= summary["relatives"].sum()
    assert summary["carriers_found"].sum() <= summary["screened"].sum()
    at_risk = sum(c.classification is CoupleClass.PRENATAL_DIAGNOSIS for c in couples)
    assert summary["at_risk_couples"].sum() == at_risk


WIVES_BORN = ("UNWIND $pids AS pid MATCH (w:Person {pid: pid}) "
              "RETURN w.pid AS pid, w.birth_date AS born")


def test_only_couples_who_may_have_a_pregnancy_are_on_the_prenatal_list(
        couples: list[thalassemia.Couple], driver: neo4j.Driver, database: str) -> None:
    # A pregnancy is possible for a wife of 15 to 49 on the day (WHO reproductive age), or
    # registered and ongoing; every other couple is for counselling.
    today = date.today()
    born = {r["pid"]: r["born"].to_native() for r in driver.execute_query(
        WIVES_BORN, pids=[c.wife for c in couples], database_=database).records
        if r["born"] is not None}

    def age(pid: str) -> int:
        b = born[pid]
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    counselling = [c for c in couples if c.worklist is Worklist.COUNSELLING]
    assert counselling and all(not c.ongoing and age(c.wife) >= 50 for c in counselling)
    acting = [c for c in couples if c.worklist is not Worklist.COUNSELLING]
    assert all(c.ongoing or c.wife not in born or 15 <= age(c.wife) <= 49 for c in acting)
