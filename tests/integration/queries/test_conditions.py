"""Cascade worklists and at-risk couples for the conditions table, on a hand-made graph.

The known answers are Mendel's rules for the mode, worked by hand below from the
table's allele frequencies (docs: ``kingraph/data/conditions.json``: G6PD deficiency
q = 0.065 for the Han, 0.10 for the Li; PKU q = 0.00446), never taken from the code.

The G6PD family (all living but the maternal grandfather; X-linked recessive, no
new mutations in the table):

    grandfather (Han, died 2010) x grandmother (Han)
        ├── mother (Han) x father (Han)
        │       ├── INDEX (man, deficient by spot test) x wife (Li)
        │       │       ├── son (Li)
        │       │       └── daughter (Li)
        │       ├── brother
        │       └── sister (genotyped carrier in the couples test) x her husband
        └── uncle (the mother's brother)

With q the Han frequency and an affected man as index (his one X carries the allele):
- his mother must carry it (she gave him his X): carrier 1; two copies with posterior
  q²/(q(1-q) + q²) = q;
- his daughters take his X: carrier 1; affected when their mother also passes one:
  q_Li;
- his sons take their mother's X only: not at risk from him, carrier = q_Li;
- his father gave him a Y: nothing is learnt, carrier = q;
- his brother takes the mother's X: (1-q)·½ + q = (1+q)/2;
- his sister: the mother's X as the brother, the father's X with q:
  carrier 1 - (1 - (1+q)/2)(1 - q) = 1 - (1-q)²/2, affected q(1+q)/2;
- his grandmother (g copies; the mother's X from her is a ~ g/2, from the grandfather
  b ~ q; the mother passes one with (a + b)/2, so P(E | g) = (g/2 + q)/2 and
  P(E) = q): carrier [2q(1-q)(½+q)/2 + q²(1+q)/2]/q = ½ + q - q²/2, two copies
  q²(1+q)/2/q = q(1+q)/2;
- his uncle (the grandmother's X): E[c(a+b)/2]/q with a, c the grandmother's two
  gametes and b the grandfather's X: (q(1+q)/2 + q²)/2 / q = (1+3q)/4.
The brother tested normal (enzyme test: a man's one X, so no copy) rules out a mother
with two copies: she has exactly one; then the sister carries with (1+q)/2 and is
affected with q/2, the grandmother carries with P(gm ≥ 1 | mother = 1) = (1+q)/2 and
the uncle with (1+2q)/4.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import Any

import neo4j
import pytest

from graphdb.connection import write
from kingraph import conditions as table
from kingraph.errors import InvalidArgument, PersonNotFound
from queries import conditions
from queries.conditions import CoupleClass, Method

P = "cd-"
Q_HAN, Q_LI, Q_PKU = 0.065, 0.10, 0.00446
HAN, LI = "01", "19"
MAN, WOMAN = "1", "2"

PERSONS = """
UNWIND $rows AS row
CREATE (p:Person {pid: row.pid, sex: row.sex, birth_date: row.born, death_date: row.died,
                  ethnicity: row.ethnicity})
"""
PARENTS = """
UNWIND $rows AS row
MATCH (c:Person {pid: row.child}), (p:Person {pid: row.parent})
CREATE (c)-[:CHILD_OF {kind: 'biological', inferred: false, confidence: 1.0,
                       records: [row.record]}]->(p)
"""
MARRIAGES = """
UNWIND $rows AS row
MATCH (h:Person {pid: row.husband}), (w:Person {pid: row.wife})
CREATE (h)-[:MARRIED {seq: 1, married_on: row.on, ended_on: row.ended,
                      end_reason: row.reason, records: [row.record]}]->(w)
"""
HOMES = """
UNWIND $rows AS row
MATCH (p:Person {pid: row.pid})
MERGE (h:Household {household_id: row.household})
CREATE (p)-[:MEMBER_OF {record: row.record, from_date: date('2000-01-01'),
                        division_code: row.division}]->(h)
"""
DIAGNOSES = """
UNWIND $rows AS row
MATCH (p:Person {pid: row.pid})
CREATE (d:Record:Diagnosis {key: row.key, feed: 'diagnosis', condition: row.condition,
                            result: row.result, method: row.method, test_date: row.on})
CREATE (d)-[:MENTIONS {role: 'person'}]->(p)
"""
PREGNANCIES = """
UNWIND $rows AS row
MATCH (w:Person {pid: row.wife}), (h:Person {pid: row.husband})
CREATE (g:Record:Pregnancy {key: row.key, feed: 'pregnancy', status: row.status,
                            registered_on: row.on, division_code: row.division})
CREATE (g)-[:MENTIONS {role: 'woman'}]->(w), (g)-[:MENTIONS {role: 'husband'}]->(h)
"""
CLEAN = """
MATCH (n) WHERE n.pid STARTS WITH $p OR n.household_id STARTS WITH $p
   OR n.key STARTS WITH $p
DETACH DELETE n
"""

# pid suffix: sex, birth year, ethnicity, death year
FAMILY = {
    "grandfather": (MAN, 1938, HAN, 2010), "grandmother": (WOMAN, 1940, HAN, None),
    "mother": (WOMAN, 1965, HAN, None), "father": (MAN, 1963, HAN, None),
    "uncle": (MAN, 1968, HAN, None), "index": (MAN, 1990, HAN, None),
    "brother": (MAN, 1992, HAN, None), "sister": (WOMAN, 1994, HAN, None),
    "wife": (WOMAN, 1991, LI, None), "son": (MAN, 2015, LI, None),
    "daughter": (WOMAN, 2017, LI, None), "sister_husband": (MAN, 1992, HAN, None),
    # unrelated couples for the couples lists
    "a_man": (MAN, 1985, HAN, None), "a_woman": (WOMAN, 1987, HAN, None),
    "b_man": (MAN, 1980, HAN, None), "b_woman": (WOMAN, 1982, HAN, None),
    "c_man": (MAN, 1980, HAN, 2023), "c_woman": (WOMAN, 1981, HAN, None),
    "d_man": (MAN, 1975, HAN, None), "d_woman": (WOMAN, 1976, HAN, None),
    # PKU couples
    "k1_man": (MAN, 1990, HAN, None), "k1_woman": (WOMAN, 1992, HAN, None),
    "k2_man": (MAN, 1990, HAN, None), "k2_woman": (WOMAN, 1992, HAN, None),
    "k3_man": (MAN, 1990, HAN, None), "k3_woman": (WOMAN, 1992, HAN, None),
}
CHILDREN = {"mother": ("grandfather", "grandmother"), "uncle": ("grandfather", "grandmother"),
            "index": ("father", "mother"), "brother": ("father", "mother"),
            "sister": ("father", "mother"), "son": ("index", "wife"),
            "daughter": ("index", "wife")}
# husband, wife, married, ended (reason)
MARRIED: list[tuple[str, str, date, date | None, str | None]] = [
    ("grandfather", "grandmother", date(1962, 5, 1), date(2010, 3, 1), "death"),
    ("father", "mother", date(1988, 5, 1), None, None),
    ("index", "wife", date(2014, 5, 1), None, None),
    ("sister_husband", "sister", date(2018, 5, 1), None, None),
    ("a_man", "a_woman", date(2012, 5, 1), None, None),
    ("b_man", "b_woman", date(2005, 5, 1), date(2015, 1, 1), "divorce"),
    ("c_man", "c_woman", date(2004, 5, 1), None, None),  # he has died since
    ("d_man", "d_woman", date(2000, 5, 1), None, None),
    ("k1_man", "k1_woman", date(2016, 5, 1), None, None),
    ("k2_man", "k2_woman", date(2016, 5, 1), None, None),
    ("k3_man", "k3_woman", date(2016, 5, 1), None, None),
]
HOMES_AT = {"mother": "460106", "index": "460105", "sister": "460106",
            "a_woman": "460202", "d_woman": "460106"}
G6PD, PKU = "g6pd_deficiency", "pku"
SPOT, ENZYME, PCR, SEQ = "荧光斑点法", "酶活性测定", "PCR", "基因测序"
# who, condition, result, method, day
BASE_RESULTS = [
    ("index", G6PD, "affected", SPOT, date(2019, 6, 1)),
    ("b_woman", G6PD, "carrier", PCR, date(2016, 1, 1)),  # divorced: no couple now
    ("c_woman", G6PD, "carrier", PCR, date(2016, 1, 1)),  # widowed: no couple now
    ("d_man", G6PD, "normal", PCR, date(2016, 1, 1)),
    ("d_woman", G6PD, "normal", PCR, date(2016, 1, 1)),  # both normal: no list
]


def _pid(name: str) -> str:
    return P + name


def _results(rows: list[tuple[str, str, str, str, date]]) -> list[dict[str, Any]]:
    return [{"pid": _pid(who), "key": f"{P}diag-{who}-{code}-{n}", "condition": code,
             "result": result, "method": method, "on": on}
            for n, (who, code, result, method, on) in enumerate(rows)]


def add_results(driver: neo4j.Driver, database: str,
                rows: list[tuple[str, str, str, str, date]]) -> None:
    """Diagnosis records as the ingest writes them (typed fields, a person mention)."""
    write(driver, database, "cd_diagnoses", DIAGNOSES, rows=_results(rows))


@pytest.fixture()
def family(driver: neo4j.Driver, database: str) -> Iterator[None]:
    write(driver, database, "cd_clean", CLEAN, p=P)
    persons = [{"pid": _pid(n), "sex": s, "born": date(y, 3, 1), "ethnicity": e,
                "died": date(d, 1, 1) if d else None} for n, (s, y, e, d) in FAMILY.items()]
    parents = [{"child": _pid(c), "parent": _pid(p), "record": f"{P}birth-{c}"}
               for c, pair in CHILDREN.items() for p in pair]
    married = [{"husband": _pid(h), "wife": _pid(w), "on": on, "ended": ended,
                "reason": reason, "record": f"{P}marriage-{h}"}
               for h, w, on, ended, reason in MARRIED]
    homes = [{"pid": _pid(n), "household": f"{P}hh-{n}", "record": f"{P}hh-{n}",
              "division": code} for n, code in HOMES_AT.items()]
    write(driver, database, "cd_persons", PERSONS, rows=persons)
    write(driver, database, "cd_parents", PARENTS, rows=parents)
    write(driver, database, "cd_marriages", MARRIAGES, rows=married)
    write(driver, database, "cd_homes", HOMES, rows=homes)
    add_results(driver, database, BASE_RESULTS)
    yield
    write(driver, database, "cd_clean", CLEAN, p=P)


def _by_name(found: conditions.Cascade) -> dict[str, conditions.Entry]:
    return {e.person.pid.removeprefix(P): e for e in found.entries}


def test_table_frequencies_are_the_ones_worked_by_hand() -> None:
    g6pd, pku = table.get(G6PD), table.get(PKU)
    assert (g6pd.frequency(HAN), g6pd.frequency(LI), pku.frequency(HAN)) == (Q_HAN, Q_LI, Q_PKU)
    assert g6pd.mutation_rate == 0.0


def test_g6pd_cascade_by_the_x_linked_rules(driver: neo4j.Driver, database: str,
                                            family: None) -> None:
    q = Q_HAN
    found = conditions.cascade(driver, database, _pid("index"), G6PD)
    by = _by_name(found)
    # living blood relatives only: no wife, no dead grandfather, no in-laws, no strangers
    assert set(by) == {"mother", "father", "brother", "sister", "son", "daughter",
                       "grandmother", "uncle"}
    assert found.fallback is None
    assert found.index_facts.latest is not None
    assert found.index_facts.genotypes == frozenset({1})  # a man's spot test: his one X
    expected = {  # (carrier, affected)
        "mother": (1.0, q), "daughter": (1.0, Q_LI), "son": (Q_LI, Q_LI),
        "father": (q, q), "brother": ((1 + q) / 2, (1 + q) / 2),
        "sister": (1 - (1 - q) ** 2 / 2, q * (1 + q) / 2),
        "grandmother": (0.5 + q - q * q / 2, q * (1 + q) / 2),
        "uncle": ((1 + 3 * q) / 4, (1 + 3 * q) / 4),
    }
    for name, (carrier, affected) in expected.items():
        assert by[name].carrier == pytest.approx(carrier, abs=1e-9), name
        assert by[name].affected == pytest.approx(affected, abs=1e-9), name
        assert by[name].method is Method.BAYES, name
    # r_X: the index's X in each relative (a man has one X, a woman two)
    assert {n: by[n].r for n in ("daughter", "son", "mother", "father", "brother",
                                 "sister", "uncle", "grandmother")} == {
        "daughter": 1.0, "son": 0.0, "mother": 1.0, "father": 0.0, "brother": 0.5,
        "sister": 0.5, "uncle": 0.25, "grandmother": 0.5}
    order = [e.person.pid.removeprefix(P) for e in found.entries]
    assert set(order[:2]) == {"mother", "daughter"}
    # the sister and the grandmother tie (1 - (1-q)²/2 = ½ + q - q²/2, both affected
    # with q(1+q)/2): the nearer degree first; then the brother, (1+q)/2
    assert order[2:6] == ["sister", "grandmother", "brother", "uncle"]
    assert set(order[6:]) == {"son", "father"}
    assert by["mother"].facts.division_name == "龙华区"
    assert by["uncle"].relation.term.zh == "舅舅"


def test_a_relatives_result_updates_the_pedigree(driver: neo4j.Driver, database: str,
                                                 family: None) -> None:
    q = Q_HAN
    add_results(driver, database, [("brother", G6PD, "normal", ENZYME, date(2020, 1, 1))])
    by = _by_name(conditions.cascade(driver, database, _pid("index"), G6PD))
    assert (by["brother"].carrier, by["brother"].method) == (0.0, Method.OBSERVED)
    assert by["mother"].carrier == pytest.approx(1.0)
    assert by["mother"].affected == pytest.approx(0.0, abs=1e-12)  # exactly one copy
    assert by["sister"].carrier == pytest.approx((1 + q) / 2, abs=1e-9)
    assert by["sister"].affected == pytest.approx(q / 2, abs=1e-9)
    assert by["grandmother"].carrier == pytest.approx((1 + q) / 2, abs=1e-9)
    assert by["uncle"].carrier == pytest.approx((1 + 2 * q) / 4, abs=1e-9)
    # the index's own line is unchanged: his daughters still take his X
    assert by["daughter"].carrier == pytest.approx(1.0)
    assert by["son"].carrier == pytest.approx(Q_LI, abs=1e-9)


def test_a_spouses_result_counts_for_the_children(driver: neo4j.Driver, database: str,
                                                  family: None) -> None:
    # the wife is no blood relative (not on the list) but her genotyped carrier result
    # is evidence for her children: her one copy passes with 1/2
    add_results(driver, database, [("wife", G6PD, "carrier", PCR, date(2021, 1, 1))])
    by = _by_name(conditions.cascade(driver, database, _pid("index"), G6PD))
    assert "wife" not in by
    assert by["son"].carrier == pytest.approx(0.5, abs=1e-9)  # his X is hers
    assert by["daughter"].carrier == pytest.approx(1.0)
    assert by["daughter"].affected == pytest.approx(0.5, abs=1e-9)  # his X and hers
    # the brother's wife is in no family record here: the sister's husband's result
    # (normal by genotyping) leaves the sister's own chances as they were
    add_results(driver, database, [("sister_husband", G6PD, "normal", PCR, date(2021, 1, 1))])
    again = _by_name(conditions.cascade(driver, database, _pid("index"), G6PD))
    assert again["sister"].carrier == pytest.approx(1 - (1 - Q_HAN) ** 2 / 2, abs=1e-9)


def test_degree_bound_and_refusals(driver: neo4j.Driver, database: str,
                                   family: None) -> None:
    near = _by_name(conditions.cascade(driver, database, _pid("index"), G6PD, max_degree=1))
    assert set(near) == {"mother", "father", "brother", "sister", "son", "daughter"}
    with pytest.raises(InvalidArgument):
        conditions.cascade(driver, database, _pid("index"), "no_such_condition")
    with pytest.raises(PersonNotFound):
        conditions.cascade(driver, database, _pid("nobody"), G6PD)
    # a man genotyped normal carries no copy: no cascade starts from him
    with pytest.raises(InvalidArgument):
        conditions.cascade(driver, database, _pid("d_man"), G6PD)


def _ours(found: list[conditions.Couple]) -> list[conditions.Couple]:
    """The couples of this module's hand-made graph, in the list's order.

    The lists run over the whole graph, and the session's synthetic province shares it:
    its diagnosis feed (newborn screening, hospital genotyping) puts real couples of its
    own on the G6PD list, right by its truth but no answer worked here."""
    return [c for c in found if c.husband.startswith(P) and c.wife.startswith(P)]


def _couples(found: list[conditions.Couple]) -> dict[tuple[str, str], conditions.Couple]:
    return {(c.husband.removeprefix(P), c.wife.removeprefix(P)): c for c in _ours(found)}


def test_g6pd_couples_by_the_x_linked_rules(driver: neo4j.Driver, database: str,
                                            family: None) -> None:
    add_results(driver, database, [
        ("sister", G6PD, "carrier", SEQ, date(2022, 3, 1)),
        # a deficient woman by genotyping (two copies) married to a deficient man
        ("a_woman", G6PD, "affected", PCR, date(2021, 1, 1)),
        ("a_man", G6PD, "affected", SPOT, date(2021, 1, 1)),
    ])
    write(driver, database, "cd_pregnancies", PREGNANCIES, rows=[
        {"key": f"{P}preg-a", "wife": _pid("a_woman"), "husband": _pid("a_man"),
         "status": "ongoing", "on": date(2024, 5, 1), "division": "460202"}])
    found = conditions.at_risk_couples(driver, database, G6PD)
    by = _couples(found)
    # per pregnancy (g_w/2)(1 + g_h)/2: two copies x an affected man: every child;
    # a carrier x an untested man: half the sons, 1/4; an affected man x an untested
    # wife: partner testing (his daughters carry; his sons are at risk only through her)
    assert set(by) == {("a_man", "a_woman"), ("sister_husband", "sister"), ("index", "wife")}
    assert by[("a_man", "a_woman")].probability == Fraction(1)
    assert by[("sister_husband", "sister")].probability == Fraction(1, 4)
    assert by[("index", "wife")].classification is CoupleClass.PARTNER_TESTING
    assert by[("index", "wife")].probability == 0
    assert [(c.husband.removeprefix(P)) for c in _ours(found)] == [
        "a_man", "sister_husband", "index"]
    pregnant = by[("a_man", "a_woman")]
    assert (pregnant.pregnancy_status, pregnant.registered_on) == ("ongoing", date(2024, 5, 1))
    assert pregnant.division == "460202"
    # divisions: the pregnancy's, else the wife's home, else the husband's; a city
    # takes in its districts
    sanya = _ours(conditions.at_risk_couples(driver, database, G6PD, division="460200"))
    assert [c.wife for c in sanya] == [_pid("a_woman")]
    haikou = _ours(conditions.at_risk_couples(driver, database, G6PD, division="460100"))
    assert {c.wife for c in haikou} == {_pid("sister"), _pid("wife")}
    longhua = _ours(conditions.at_risk_couples(driver, database, G6PD, division="460106"))
    assert [c.wife for c in longhua] == [_pid("sister")]
    # since: an event (marriage, registration, latest result) on or after the day
    recent = _ours(conditions.at_risk_couples(driver, database, G6PD, since=date(2023, 1, 1)))
    assert [c.wife for c in recent] == [_pid("a_woman")]


def test_pku_couples_by_the_autosomal_recessive_rules(driver: neo4j.Driver, database: str,
                                                      family: None) -> None:
    add_results(driver, database, [
        ("k1_man", PKU, "carrier", SEQ, date(2020, 1, 1)),
        ("k1_woman", PKU, "carrier", SEQ, date(2020, 1, 1)),
        ("k2_man", PKU, "carrier", SEQ, date(2020, 1, 1)),  # his wife never tested
        ("k3_man", PKU, "carrier", SEQ, date(2020, 1, 1)),
        # phenotype normal (blood phenylalanine): a carrier passes it, still unknown
        ("k3_woman", PKU, "normal", "血苯丙氨酸", date(2020, 1, 1)),
    ])
    by = _couples(conditions.at_risk_couples(driver, database, PKU))
    assert set(by) == {("k1_man", "k1_woman"), ("k2_man", "k2_woman"), ("k3_man", "k3_woman")}
    assert by[("k1_man", "k1_woman")].probability == Fraction(1, 4)  # ½ x ½
    assert by[("k1_man", "k1_woman")].classification is CoupleClass.AT_RISK
    for couple in (("k2_man", "k2_woman"), ("k3_man", "k3_woman")):
        assert by[couple].classification is CoupleClass.PARTNER_TESTING, couple
    # the index's G6PD result puts him on no PKU list
    assert _ours(conditions.at_risk_couples(driver, database, "hemophilia_a")) == []


def test_pku_cascade_parents_are_obligate_carriers(driver: neo4j.Driver, database: str,
                                                   family: None) -> None:
    # the daughter (two copies by sequencing) of the index and his Li wife
    add_results(driver, database, [("daughter", PKU, "affected", SEQ, date(2018, 1, 1))])
    q = Q_PKU  # the same for the Han and the Li
    by = _by_name(conditions.cascade(driver, database, _pid("daughter"), PKU))
    passes = (1 + q) / 2  # a parent of an affected child: one copy (1-q) or two (q)
    assert by["index"].carrier == pytest.approx(1.0)
    assert by["son"].carrier == pytest.approx(1 - (1 - passes) ** 2, abs=1e-9)
    assert by["son"].affected == pytest.approx(passes ** 2, abs=1e-9)
    assert by["son"].r == 0.5


def test_a_dominant_condition_has_no_couples_list(driver: neo4j.Driver, database: str,
                                                  family: None) -> None:
    with pytest.raises(InvalidArgument):
        conditions.at_risk_couples(driver, database, "huntington")
