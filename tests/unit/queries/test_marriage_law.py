"""Civil Code art. 1048 (with 1072, 1111): each case with the law's reason."""

from __future__ import annotations

import pytest

from kingraph.errors import InvalidArgument
from queries.kinship.coefficients import Member, Pedigree
from queries.kinship.marriage_law import (
    ART_1048,
    ART_1072,
    ART_1111,
    LegalTie,
    Verdict,
    blood_rule,
    check,
    from_pedigree,
)

M, F = "1", "2"

# G1 x G2: sons A, B, daughter C.  A x Aw: a1 (m), a2 (f); A x Z: h1 (half brother).
# B x Bw: b1 (f, 堂 cousin of a1).  Ch x C: c1 (f, 表 cousin of a1).
# a1 x X: a1k (m); b1 x Y: b1k (f): second cousins.  T adopts w (born to strangers
# U x V) and also has a child t; R married A after Aw (stepmother of a1, a2).
# G1's adopted grandchild: w2 adopted by A.
PED = Pedigree([
    Member("G1", M, spouses=("G2",)), Member("G2", F, spouses=("G1",)),
    Member("A", M, father="G1", mother="G2", spouses=("Aw", "R")),
    Member("B", M, father="G1", mother="G2"), Member("C", F, father="G1", mother="G2"),
    Member("Aw", F, spouses=("A",)), Member("Z", F), Member("Bw", F), Member("Ch", M),
    Member("R", F, spouses=("A",)), Member("Rk", M, mother="R"),
    Member("a1", M, father="A", mother="Aw"), Member("a2", F, father="A", mother="Aw"),
    Member("h1", M, father="A", mother="Z"), Member("b1", F, father="B", mother="Bw"),
    Member("c1", F, father="Ch", mother="C"), Member("X", F), Member("Y", M),
    Member("a1k", M, father="a1", mother="X"), Member("b1k", F, father="Y", mother="b1"),
    Member("T", M), Member("U", M), Member("V", F), Member("t", F, father="T"),
    Member("w", M, father="U", mother="V", adoptive_father="T"),
    Member("wsib", F, father="U", mother="V"),
    Member("w2", F, adoptive_father="A"),
])


def verdict(a: str, b: str, step_raised: bool | None = None) -> Verdict:
    return from_pedigree(PED, a, b, step_raised=step_raised).verdict


@pytest.mark.parametrize(("a", "b", "why"), [
    ("A", "a1", "parent and child"),
    ("a2", "G1", "grandparent"),
    ("b1k", "G2", "great-grandparent"),
    ("a1", "a2", "full siblings"),
    ("a2", "h1", "half siblings"),
    ("B", "a2", "uncle and niece"),
    ("C", "a1", "aunt and nephew"),
    ("a1", "b1", "堂 first cousins"),
    ("a1", "c1", "表 first cousins"),
    ("w", "wsib", "natural siblings still barred after adoption"),
])
def test_blood_within_the_law_is_forbidden(a: str, b: str, why: str) -> None:
    result = from_pedigree(PED, a, b)
    assert result.verdict is Verdict.FORBIDDEN, why
    assert ART_1048 in result.basis


@pytest.mark.parametrize(("a", "b"), [
    ("a1k", "b1k"),  # second cousins: (4, 4) from G1
    ("a1k", "b1"),   # first cousins once removed: (4, 3)
    ("a1", "X"),     # unrelated
])
def test_beyond_three_generations_or_unrelated_is_allowed(a: str, b: str) -> None:
    assert verdict(a, b) is Verdict.ALLOWED


def test_direct_line_reason_names_it() -> None:
    assert "直系血亲" in from_pedigree(PED, "b1k", "G2").reason_zh
    assert "direct-line" in blood_rule(1, 6).reason_en  # any number of generations


def test_collateral_reasons() -> None:
    assert "兄弟姐妹" in from_pedigree(PED, "a2", "h1").reason_zh
    assert "first cousins" in from_pedigree(PED, "a1", "c1").reason_en
    assert "uncle or aunt" in from_pedigree(PED, "B", "a2").reason_en


def test_adoptive_parent_and_child_forbidden() -> None:
    result = from_pedigree(PED, "T", "w")
    assert result.verdict is Verdict.FORBIDDEN
    assert ART_1111 in result.basis and "拟制" in result.reason_zh


def test_adoptive_siblings_need_review() -> None:
    assert verdict("t", "w") is Verdict.NEEDS_REVIEW  # T's natural daughter and adopted son
    assert check(ties=[LegalTie.ADOPTIVE_SIBLINGS]).verdict is Verdict.NEEDS_REVIEW


def test_adoptive_grandparent_needs_review() -> None:
    assert verdict("G1", "w2") is Verdict.NEEDS_REVIEW  # w2 adopted by G1's son A


def test_step_parent_depends_on_raising() -> None:
    assert verdict("R", "a1", step_raised=True) is Verdict.FORBIDDEN
    allowed = from_pedigree(PED, "R", "a1", step_raised=False)
    assert allowed.verdict is Verdict.ALLOWED and ART_1072 in allowed.basis
    assert verdict("R", "a1") is Verdict.NEEDS_REVIEW  # unknown whether raised


def test_step_siblings_allowed() -> None:
    assert verdict("Rk", "a2") is Verdict.ALLOWED
    assert "继兄弟姐妹" in from_pedigree(PED, "Rk", "a2").reason_zh


def test_most_severe_finding_wins() -> None:
    assert check([(4, 4)], [LegalTie.ADOPTIVE_SIBLINGS]).verdict is Verdict.NEEDS_REVIEW
    assert check([(4, 4), (2, 2)], [LegalTie.ADOPTIVE_SIBLINGS]).verdict is Verdict.FORBIDDEN
    assert check().verdict is Verdict.ALLOWED


@pytest.mark.parametrize(("ga", "gb", "expected"), [
    (1, 2, Verdict.FORBIDDEN), (1, 9, Verdict.FORBIDDEN), (2, 2, Verdict.FORBIDDEN),
    (3, 2, Verdict.FORBIDDEN), (3, 3, Verdict.FORBIDDEN), (2, 4, Verdict.ALLOWED),
    (3, 4, Verdict.ALLOWED), (4, 4, Verdict.ALLOWED),
])
def test_generation_counting(ga: int, gb: int, expected: Verdict) -> None:
    assert blood_rule(ga, gb).verdict is expected


def test_bad_input() -> None:
    with pytest.raises(InvalidArgument):
        blood_rule(0, 2)
    with pytest.raises(InvalidArgument):
        from_pedigree(PED, "a1", "a1")


# K is linked to P by a code 57 (step or adoptive father): no blood, and whether it is an
# adoption (art. 1111: forbidden) or a step relation (art. 1072: forbidden only if P raised
# K) the code does not say.  Q is P's biological daughter: K's adoptive sister or stepsister.
AMBIGUOUS = Pedigree([
    Member("P", M), Member("Pw", F, spouses=()), Member("L", M), Member("Lw", F),
    Member("K", F, father="L", mother="Lw", step_or_adoptive=("P",)),
    Member("Q", F, father="P", mother="Pw"), Member("Kk", M, mother="K"),
])


def test_a_step_or_adoptive_parent_and_child_go_to_review_with_the_reason() -> None:
    found = from_pedigree(AMBIGUOUS, "P", "K")
    assert found.verdict is Verdict.NEEDS_REVIEW
    assert "27/37/57/58" in found.reason_zh and "抚养教育" in found.reason_zh
    assert set(found.basis) == {ART_1111, ART_1072, ART_1048}


def test_kin_through_a_step_or_adoptive_link_go_to_review() -> None:
    assert from_pedigree(AMBIGUOUS, "Q", "K").verdict is Verdict.NEEDS_REVIEW  # (2, 2)
    assert from_pedigree(AMBIGUOUS, "P", "Kk").verdict is Verdict.NEEDS_REVIEW  # (1, 3)


def test_blood_still_decides_beside_a_step_or_adoptive_link() -> None:
    # K's biological father L: direct-line blood, forbidden whatever the other link is.
    assert from_pedigree(AMBIGUOUS, "L", "K").verdict is Verdict.FORBIDDEN


def test_a_step_or_adoptive_link_carries_no_genes() -> None:
    assert AMBIGUOUS.kinship("P", "K") == 0 and AMBIGUOUS.kinship("Q", "K") == 0
