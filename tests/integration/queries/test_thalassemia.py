"""cascade and at_risk_couples against the synthetic truth genotypes."""

from __future__ import annotations

import neo4j
import polars as pl
import pytest

from kingraph.errors import InvalidArgument
from queries import thalassemia
from queries.carrier import Method
from queries.couples import CoupleClass, couple_risk
from queries.screening import from_feed
from tests.integration.queries import kin_truth
from tests.integration.queries.kin_truth import KinTruth
from tests.integration.synthetic import LoadedDrop


@pytest.fixture(scope="module")
def truth(synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> KinTruth:
    return kin_truth.load(synthetic, driver, database)


@pytest.fixture(scope="module")
def couples(driver: neo4j.Driver, database: str,
            synthetic: LoadedDrop) -> list[thalassemia.Couple]:
    return thalassemia.at_risk_couples(driver, database)


def _true_result(truth: KinTruth, pid: str):  # type: ignore[no-untyped-def]
    key = truth.key_of.get(pid)
    if key is None:
        return None
    row = truth.persons.filter(pl.col("person_key") == key).row(0, named=True)
    return from_feed(row["alpha_genotype"], row["beta_genotype"], None)


def test_prenatal_list_agrees_with_true_genotypes(truth: KinTruth,
                                                  couples: list[thalassemia.Couple]) -> None:
    certain = [c for c in couples if c.classification is CoupleClass.PRENATAL_DIAGNOSIS]
    judged = [(_true_result(truth, c.husband), _true_result(truth, c.wife)) for c in certain]
    judged = [(h, w) for h, w in judged if h is not None and w is not None]
    agree = sum(couple_risk(h, w).classification is CoupleClass.PRENATAL_DIAGNOSIS
                for h, w in judged)
    assert agree >= 0.9 * len(judged)


def test_truly_at_risk_screened_couples_are_listed(
        truth: KinTruth, driver: neo4j.Driver, database: str,
        couples: list[thalassemia.Couple]) -> None:
    rows = driver.execute_query(thalassemia.CURRENT_MARRIAGES, database_=database).records
    pairs = [(str(r["husband"]), str(r["wife"])) for r in rows]
    screened = thalassemia.facts(driver, database, {p for pair in pairs for p in pair})
    listed = {(c.husband, c.wife) for c in couples if c.classification in thalassemia.AT_RISK}
    due = []
    for h, w in pairs:
        th, tw = _true_result(truth, h), _true_result(truth, w)
        both = screened.get(h) and screened.get(w)
        if th and tw and both and both.result and screened[h].result and (
                couple_risk(th, tw).classification is CoupleClass.PRENATAL_DIAGNOSIS):
            due.append((h, w))
    assert due, "the synthetic province has truly at-risk screened couples"
    hits = sum(pair in listed for pair in due)
    assert hits >= 0.9 * len(due), f"{hits} of {len(due)} truly at-risk couples listed"


def test_lists_are_ordered(couples: list[thalassemia.Couple]) -> None:
    order = {CoupleClass.PRENATAL_DIAGNOSIS: 0, CoupleClass.GENOTYPING: 1,
             CoupleClass.PARTNER_SCREENING: 2}
    ranks = [order[c.classification] for c in couples]
    assert ranks == sorted(ranks)
    prenatal = [c for c in couples if c.classification is CoupleClass.PRENATAL_DIAGNOSIS]
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
