"""Relatives, terms and provenance on a constructed three-generation family.

Known answers come from the rules: r from domain.md ("Relationship mathematics"),
terms from domain.md ("Kinship terms"), verdicts from Civil Code art. 1048/1111.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from kingraph.errors import InvalidArgument
from queries.kinship.family import Family, from_rows
from queries.kinship.marriage_law import Verdict
from queries.kinship.relations import Kind, Relating, Relation, check_degree, genetic_degree

M, F = "1", "2"
# pid: (sex, birth year)
PEOPLE = {
    "gf": (M, 1940), "gm": (F, 1942), "mgf": (M, 1938), "mgm": (F, 1941),
    "dad": (M, 1965), "mum": (F, 1966), "uncle": (M, 1968), "aunt": (F, 1970),
    "uncle_wife": (F, 1969), "aunt_husband": (M, 1967), "other": (F, 1970),
    "me": (M, 1990), "sis": (F, 1992), "cousin": (M, 1988), "cousin2": (F, 1995),
    "half": (M, 1998), "adopted": (M, 2000), "wife": (F, 1991), "wife_dad": (M, 1960),
    "son": (M, 2015), "niece": (F, 2018),
}
BIRTH = [("dad", "gf"), ("dad", "gm"), ("uncle", "gf"), ("uncle", "gm"), ("aunt", "gf"),
         ("aunt", "gm"), ("mum", "mgf"), ("mum", "mgm"), ("me", "dad"), ("me", "mum"),
         ("sis", "dad"), ("sis", "mum"), ("cousin", "uncle"), ("cousin", "uncle_wife"),
         ("cousin2", "aunt"), ("cousin2", "aunt_husband"), ("half", "dad"), ("half", "other"),
         ("son", "me"), ("son", "wife"), ("niece", "sis"), ("wife", "wife_dad")]
MARRIED = [("dad", "mum"), ("uncle", "uncle_wife"), ("aunt_husband", "aunt"), ("me", "wife")]


def _family() -> Family:
    persons = [{"pid": p, "sex": s, "birth_date": date(y, 6, 1)} for p, (s, y) in PEOPLE.items()]
    edges: list[dict[str, object]] = [
        {"child": c, "parent": p, "kind": "biological", "records": [f"birth|x|{c}"]}
        for c, p in BIRTH]
    edges.append({"child": "adopted", "parent": "uncle", "kind": "adoptive",
                  "records": ["household|x|adopted"], "inferred": True})
    marriages = [{"husband": h, "wife": w, "records": [f"marriage|x|{h}"]} for h, w in MARRIED]
    return from_rows(persons, edges, marriages)


@pytest.fixture(scope="module")
def relating() -> Relating:
    return Relating(_family())


def _by_pid(relating: Relating, degree: int, in_laws: bool = False) -> dict[str, Relation]:
    return {r.pid: r for r in relating.relatives("me", degree, in_laws)}


@pytest.mark.parametrize(("pid", "r", "degree"), [
    ("dad", Fraction(1, 2), 1), ("mum", Fraction(1, 2), 1), ("sis", Fraction(1, 2), 1),
    ("son", Fraction(1, 2), 1), ("gf", Fraction(1, 4), 2), ("mgm", Fraction(1, 4), 2),
    ("uncle", Fraction(1, 4), 2), ("aunt", Fraction(1, 4), 2), ("half", Fraction(1, 4), 2),
    ("niece", Fraction(1, 4), 2), ("cousin", Fraction(1, 8), 3), ("cousin2", Fraction(1, 8), 3),
])
def test_blood_relatives_have_wrights_r_and_degree(relating: Relating, pid: str, r: Fraction,
                                                   degree: int) -> None:
    rel = _by_pid(relating, 3)[pid]
    assert (rel.kind, rel.r, rel.degree, rel.phi) == (Kind.BLOOD, r, degree, r / 2)


@pytest.mark.parametrize(("pid", "zh", "back"), [
    ("dad", "父亲", "儿子"), ("gf", "爷爷", "孙子"), ("mgf", "外公", "外孙"),
    ("mgm", "外婆", "外孙"), ("uncle", "叔叔", "侄子"), ("aunt", "姑姑", "侄子"),
    ("cousin", "堂哥", "堂弟"), ("cousin2", "表妹", "表哥"), ("sis", "妹妹", "哥哥"),
    ("son", "儿子", "父亲"), ("niece", "外甥女", "舅舅"), ("half", "同父异母的弟弟", None),
])
def test_terms_both_ways(relating: Relating, pid: str, zh: str, back: str | None) -> None:
    rel = _by_pid(relating, 3)[pid]
    assert rel.term.zh == zh
    if back is not None:
        assert rel.inverse is not None and rel.inverse.zh == back


def test_half_sibling_flagged(relating: Relating) -> None:
    rels = _by_pid(relating, 2)
    assert rels["half"].half and not rels["sis"].half


def test_degree_bound_filters(relating: Relating) -> None:
    assert set(_by_pid(relating, 1)) == {"dad", "mum", "sis", "son"}
    assert "cousin" not in _by_pid(relating, 2)


def test_in_laws_only_when_asked(relating: Relating) -> None:
    assert "wife" not in _by_pid(relating, 3)
    rels = _by_pid(relating, 3, in_laws=True)
    assert {p: rels[p].term.zh for p in ("wife", "wife_dad", "uncle_wife", "aunt_husband")} == {
        "wife": "妻子", "wife_dad": "岳父", "uncle_wife": "婶婶", "aunt_husband": "姑父"}
    assert rels["wife_dad"].kind is Kind.IN_LAW and rels["wife_dad"].r == 0
    assert "marriage|x|me" in rels["wife_dad"].records


def test_adopted_cousin_is_an_adoptive_relative(relating: Relating) -> None:
    rel = _by_pid(relating, 3)["adopted"]
    assert (rel.kind, rel.r, rel.degree, rel.inferred) == (Kind.ADOPTIVE, 0, 3, True)
    assert "household|x|adopted" in rel.records


def test_provenance_lists_the_edges_walked(relating: Relating) -> None:
    rel = _by_pid(relating, 3)["cousin"]
    assert set(rel.records) == {"birth|x|me", "birth|x|dad", "birth|x|uncle", "birth|x|cousin"}
    assert rel.walk in (("f", "f", "s", "s"), ("f", "m", "s", "s"))


def test_first_cousins_relationship(relating: Relating) -> None:
    rel = relating.relationship("me", "cousin")
    assert (rel.phi, rel.r, rel.degree) == (Fraction(1, 16), Fraction(1, 8), 3)
    assert sorted(p.ancestor for p in rel.paths) == ["gf", "gm"]
    assert all(p.contribution == Fraction(1, 32) for p in rel.paths)
    assert rel.marriage.verdict is Verdict.FORBIDDEN
    assert rel.term_ab is not None and rel.term_ab.zh == "堂哥"
    assert rel.term_ba is not None and rel.term_ba.zh == "堂弟"


def test_unrelated_and_adoptive_marriage_checks(relating: Relating) -> None:
    assert relating.relationship("cousin2", "wife_dad").marriage.verdict is Verdict.ALLOWED
    adoptive = relating.relationship("me", "adopted")
    assert adoptive.phi == 0 and adoptive.marriage.verdict is Verdict.NEEDS_REVIEW
    assert relating.relationship("me", "niece").marriage.verdict is Verdict.FORBIDDEN


def test_spouse_relationship_has_a_term_and_no_blood(relating: Relating) -> None:
    rel = relating.relationship("me", "wife")
    assert rel.phi == 0 and rel.term_ab is not None and rel.term_ab.zh == "妻子"


def test_person_without_parents_has_only_descendants() -> None:
    alone = from_rows([{"pid": "x", "sex": M}])
    assert Relating(alone).relatives("x", 3) == []


@pytest.mark.parametrize(("r", "degree"), [(Fraction(1, 2), 1), (Fraction(1, 4), 2),
                                           (Fraction(1, 8), 3), (Fraction(1, 32), 5),
                                           (Fraction(0), None)])
def test_genetic_degree(r: Fraction, degree: int | None) -> None:
    assert genetic_degree(r) == degree


@pytest.mark.parametrize("bad", [0, 7, -1])
def test_degree_out_of_range(bad: int) -> None:
    with pytest.raises(InvalidArgument):
        check_degree(bad)


def test_a_cycle_in_the_data_loses_one_edge_not_the_query() -> None:
    persons = [{"pid": p, "sex": M} for p in ("a", "b", "c")]
    edges: list[dict[str, object]] = [
        {"child": "a", "parent": "b"}, {"child": "b", "parent": "c"},
        {"child": "c", "parent": "a", "inferred": True}]
    family = from_rows(persons, edges)
    assert {(e.child, e.parent) for e in family.edges} == {("a", "b"), ("b", "c")}
    assert [r.pid for r in Relating(family).relatives("a", 2)] == ["b", "c"]


def test_of_two_stated_mothers_one_is_taken_and_walks_through_her_are_flagged() -> None:
    # The rows state two mothers of "kid" and an open conflict disputes both edges: the
    # pedigree takes one mother, the same every time (undisputed first, then the better
    # supported), and a relative reached over a disputed edge says so.
    persons = [{"pid": p, "sex": s} for p, s in
               (("kid", M), ("m1", F), ("m2", F), ("dad", M), ("sib", F))]
    edges: list[dict[str, object]] = [
        {"child": "kid", "parent": "m2", "records": ["bloodline|x|1"], "disputed": True},
        {"child": "kid", "parent": "m1", "records": ["birth|x|1", "bloodline|x|2"],
         "disputed": True},
        {"child": "kid", "parent": "dad", "records": ["birth|x|1"]},
        {"child": "sib", "parent": "dad", "records": ["birth|x|2"]},
        {"child": "sib", "parent": "m1", "records": ["birth|x|2"]},
    ]
    family = from_rows(persons, edges)
    assert family.parents_of("kid", "biological") == ("dad", "m1")
    rels = {r.pid: r for r in Relating(family).relatives("kid", 1)}
    # A full sibling (r = 1/2) through the better-supported mother; the walk shown goes
    # through the father and is not disputed, the mother herself is.
    assert rels["sib"].r == Fraction(1, 2) and rels["sib"].walk == ("f", "d")
    assert not rels["sib"].disputed and not rels["dad"].disputed and rels["m1"].disputed
    undisputed = from_rows(persons, [{**e, "disputed": e["parent"] == "m1"} for e in edges])
    assert undisputed.parents_of("kid", "biological") == ("dad", "m2")


@pytest.mark.parametrize(("a", "b", "ab", "ba"), [
    # the uncle's wife (婶婶: the father's younger brother's) and the aunt's husband (姑父)
    ("me", "uncle_wife", "婶婶", "侄子"), ("uncle_wife", "me", "侄子", "婶婶"),
    ("sis", "aunt_husband", "姑父", "内侄女"), ("aunt_husband", "sis", "内侄女", "姑父"),
    # the wife's father, and the wife of a son
    ("me", "wife_dad", "岳父", "女婿"), ("dad", "wife", "儿媳", "公公"),
    ("mum", "wife", "儿媳", "婆婆"), ("wife", "sis", "小姑子", "嫂子"),
    ("wife", "uncle", "叔公", "侄媳"),
])
def test_relationship_names_relatives_by_marriage_both_ways(relating: Relating, a: str, b: str,
                                                            ab: str, ba: str) -> None:
    found = relating.relationship(a, b)
    assert found.relation is not None and found.relation.kind in (Kind.IN_LAW, Kind.BLOOD)
    assert (found.term_ab and found.term_ab.zh, found.term_ba and found.term_ba.zh) == (ab, ba)
    if found.relation.kind is Kind.IN_LAW:
        assert found.phi == 0 and any(k.startswith("marriage|") for k in found.relation.records)
