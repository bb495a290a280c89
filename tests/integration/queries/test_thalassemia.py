"""cascade and at_risk_couples against the synthetic truth genotypes.

This module runs on a province of its own, large enough to hold a few dozen truly
at-risk screened couples (the shared 4,000-person one holds about four).
"""

from __future__ import annotations

from collections.abc import Iterator

import neo4j
import polars as pl
import pytest

from kingraph.errors import InvalidArgument
from kingraph.settings import Settings
from queries import thalassemia
from queries.carrier import Method
from queries.couples import CoupleClass, couple_risk
from queries.genotypes import Gene
from queries.screening import Screening, from_feed
from tests.integration.queries import kin_truth
from tests.integration.queries.kin_truth import KinTruth
from tests.integration.synthetic import LoadedDrop, load_synthetic

PERSONS = 20_000


@pytest.fixture(scope="module")
def province(driver: neo4j.Driver, settings: Settings, synthetic: LoadedDrop,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedDrop]:
    """A 20,000-person province for this module; the shared one is reloaded after."""
    yield load_synthetic(driver, settings, tmp_path_factory.mktemp("couples"), PERSONS)
    load_synthetic(driver, settings, synthetic.drop.parent)


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


def test_prenatal_list_agrees_with_true_genotypes(truth: KinTruth,
                                                  couples: list[thalassemia.Couple]) -> None:
    certain = [c for c in couples if c.classification is CoupleClass.PRENATAL_DIAGNOSIS]
    judged = [(_true_result(truth, c.husband), _true_result(truth, c.wife)) for c in certain]
    judged = [(h, w) for h, w in judged if h is not None and w is not None]
    agree = sum(couple_risk(h, w).classification is CoupleClass.PRENATAL_DIAGNOSIS
                for h, w in judged)
    assert len(judged) >= 10 and agree >= 0.9 * len(judged)


def test_screened_couples_are_listed_as_their_true_genotypes_say(
        truth: KinTruth, driver: neo4j.Driver, database: str,
        couples: list[thalassemia.Couple]) -> None:
    # Every current couple whose partners were both screened, neither screen ruling out
    # a true allele: if the true genotypes can give a severely affected child, the couple
    # is on a list to act on (prenatal diagnosis, or genotyping first); if it is on the
    # prenatal list, the true genotypes can. A normal screen is no carrier, so a
    # suspected partner's couple with a normal-screened one is not at risk (domain.md:
    # both partners must carry a risk combination).
    rows = driver.execute_query(thalassemia.CURRENT_MARRIAGES, database_=database).records
    pairs = [(str(r["husband"]), str(r["wife"])) for r in rows]
    screened = thalassemia.facts(driver, database, {p for pair in pairs for p in pair})
    listed = {(c.husband, c.wife): c.classification for c in couples}
    judged = at_risk = 0
    for h, w in pairs:
        th, tw = _true_result(truth, h), _true_result(truth, w)
        sh, sw = (screened[p].result if p in screened else None for p in (h, w))
        if th is None or tw is None or sh is None or sw is None or _missed(th, sh) or _missed(
                tw, sw):
            continue
        judged += 1
        truly = couple_risk(th, tw).classification is CoupleClass.PRENATAL_DIAGNOSIS
        got = listed.get((h, w), CoupleClass.NONE)
        at_risk += truly
        assert got in thalassemia.AT_RISK if truly else got is not CoupleClass.PRENATAL_DIAGNOSIS
    assert judged >= 500 and at_risk >= 10


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
