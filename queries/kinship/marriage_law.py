"""May these two people marry?  Civil Code art. 1048, with arts. 1072 and 1111.

Art. 1048 forbids marriage between direct-line blood relatives and between
collateral blood relatives within three generations.  Generations are counted
from the common ancestor, who is generation 1: siblings are (2, 2), uncle and
nephew (2, 3), first cousins (3, 3), second cousins (4, 4).  Adoption creates
legal kinship (拟制血亲, art. 1111): adoptive parent and child may not marry;
adoptive siblings are unsettled and go to review.  A step-parent who raised the
stepchild stands as a parent (art. 1072); otherwise a step-relation is by
marriage only.  A link stated by GB/T 4761 codes 27/37/57/58 means adopted OR step:
where a forbidden line exists only through such a link, the answer depends on which it
is (and, for a step-parent, on whether they raised the child), so it goes to review
with that reason.

The rules are data (:data:`TIE_RULES`, :func:`blood_rule`); :func:`check` is the
one evaluator and :func:`from_pedigree` gathers its inputs from a pedigree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx

from kingraph.errors import InvalidArgument
from queries.kinship.coefficients import EdgeKind, Pedigree

ART_1048 = "民法典第一千零四十八条 (Civil Code art. 1048)"
ART_1072 = "民法典第一千零七十二条 (Civil Code art. 1072)"
ART_1111 = "民法典第一千一百一十一条 (Civil Code art. 1111)"


class Verdict(StrEnum):
    """The outcome of the check, most severe first."""

    FORBIDDEN = "forbidden"
    NEEDS_REVIEW = "needs_review"
    ALLOWED = "allowed"


_SEVERITY = {Verdict.FORBIDDEN: 2, Verdict.NEEDS_REVIEW: 1, Verdict.ALLOWED: 0}


@dataclass(frozen=True)
class MarriageVerdict:
    """The verdict, why (in Chinese and English) and the articles it rests on."""

    verdict: Verdict
    reason_zh: str
    reason_en: str
    basis: tuple[str, ...]


class LegalTie(StrEnum):
    """Kinship created by law or marriage rather than by blood."""

    ADOPTIVE_PARENT_CHILD = "adoptive_parent_child"
    ADOPTIVE_SIBLINGS = "adoptive_siblings"
    ADOPTIVE_OTHER = "adoptive_other"  # adoptive grandparent, uncle, cousin...
    STEP_PARENT_RAISED = "step_parent_raised"
    STEP_PARENT_NOT_RAISED = "step_parent_not_raised"
    STEP_PARENT_UNKNOWN = "step_parent_unknown"  # not known whether the step-parent raised them
    STEP_SIBLINGS = "step_siblings"
    STEP_OR_ADOPTIVE_PARENT_CHILD = "step_or_adoptive_parent_child"  # codes 27/37/57/58
    STEP_OR_ADOPTIVE_OTHER = "step_or_adoptive_other"


def _v(verdict: Verdict, zh: str, en: str, *basis: str) -> MarriageVerdict:
    return MarriageVerdict(verdict, zh, en, basis)


TIE_RULES: dict[LegalTie, MarriageVerdict] = {
    LegalTie.ADOPTIVE_PARENT_CHILD: _v(
        Verdict.FORBIDDEN, "养父母与养子女为拟制直系血亲，禁止结婚",
        "adoptive parent and child are legal direct-line kin; marriage forbidden",
        ART_1111, ART_1048),
    LegalTie.ADOPTIVE_SIBLINGS: _v(
        Verdict.NEEDS_REVIEW, "养兄弟姐妹之间能否结婚法律未明确规定，需人工审核",
        "whether adoptive siblings may marry is unsettled; refer for review",
        ART_1111, ART_1048),
    LegalTie.ADOPTIVE_OTHER: _v(
        Verdict.NEEDS_REVIEW, "收养形成的其他近亲属关系（三代以内），需人工审核",
        "kinship within three generations created by adoption (not parent-child); "
        "refer for review", ART_1111, ART_1048),
    LegalTie.STEP_PARENT_RAISED: _v(
        Verdict.FORBIDDEN, "继父母与受其抚养教育的继子女形成父母子女关系，禁止结婚",
        "a step-parent who raised the stepchild has parent-child status; marriage forbidden",
        ART_1072, ART_1048),
    LegalTie.STEP_PARENT_NOT_RAISED: _v(
        Verdict.ALLOWED, "继父母与未受其抚养教育的继子女仅为姻亲，法律不禁止结婚（注意伦理）",
        "step-parent and a stepchild they did not raise are kin by marriage only; not "
        "forbidden (note)", ART_1072, ART_1048),
    LegalTie.STEP_PARENT_UNKNOWN: _v(
        Verdict.NEEDS_REVIEW, "继父母子女关系，是否形成抚养教育关系不明，需人工审核",
        "step-parent and stepchild; whether the step-parent raised the child is unknown; "
        "refer for review", ART_1072, ART_1048),
    LegalTie.STEP_SIBLINGS: _v(
        Verdict.ALLOWED, "继兄弟姐妹之间无血缘关系，法律不禁止结婚（注意伦理）",
        "step-siblings share no blood; not forbidden (note)", ART_1048),
    LegalTie.STEP_OR_ADOPTIVE_PARENT_CHILD: _v(
        Verdict.NEEDS_REVIEW,
        "关系代码（27/37/57/58）只说明“收养或继亲”：若为养父母子女，禁止结婚；若为继父母子女，"
        "取决于继父母是否抚养教育了继子女，需人工审核",
        "the relation code (27/37/57/58) says adopted OR step: adoptive parent and child may "
        "not marry; for a step-parent it depends on whether they raised the child; refer for "
        "review", ART_1111, ART_1072, ART_1048),
    LegalTie.STEP_OR_ADOPTIVE_OTHER: _v(
        Verdict.NEEDS_REVIEW,
        "经关系代码（27/37/57/58，收养或继亲）形成的三代以内亲属关系，是否构成拟制血亲不明，"
        "需人工审核",
        "kinship within three generations through a relation code that means adopted OR step "
        "(27/37/57/58); whether it is legal kinship is unknown; refer for review",
        ART_1111, ART_1072, ART_1048),
}

_DIRECT = {2: ("父母子女", "parent and child"), 3: ("祖孙", "grandparent and grandchild"),
           4: ("曾祖孙", "great-grandparent and great-grandchild")}
_COLLATERAL = {(2, 2): ("兄弟姐妹（全血缘或半血缘）", "siblings (full or half)"),
               (2, 3): ("伯叔姑舅姨与侄甥", "uncle or aunt and nephew or niece"),
               (3, 3): ("堂或表兄弟姐妹", "first cousins (堂 or 表)")}


def blood_rule(generation_a: int, generation_b: int) -> MarriageVerdict:
    """The art. 1048 verdict for one line of descent from a common ancestor.

    Args:
        generation_a: a's generation counted from the ancestor, the ancestor being 1.
        generation_b: the same for b.

    Raises:
        InvalidArgument: a generation below 1.
    """
    low, high = sorted((generation_a, generation_b))
    if low < 1:
        raise InvalidArgument("marriage check: generations count from 1", reason="out_of_range")
    if low == 1:
        zh, en = _DIRECT.get(high, (f"相隔{high - 1}代", f"{high - 1} generations apart"))
        return _v(Verdict.FORBIDDEN, f"直系血亲（{zh}），禁止结婚",
                  f"direct-line blood relatives ({en}); marriage forbidden", ART_1048)
    if high <= 3:
        zh, en = _COLLATERAL[(low, high)]
        return _v(Verdict.FORBIDDEN, f"三代以内旁系血亲（{zh}），禁止结婚",
                  f"collateral blood relatives within three generations ({en}); "
                  "marriage forbidden", ART_1048)
    return _v(Verdict.ALLOWED, f"旁系血亲超出三代（第{low}代与第{high}代），法律不禁止结婚",
              f"collateral blood relatives beyond three generations ({low}, {high}); "
              "not forbidden", ART_1048)


def check(
    blood: Iterable[tuple[int, int]] = (), ties: Iterable[LegalTie] = ()
) -> MarriageVerdict:
    """The verdict for a couple: the most severe of every blood line and legal tie.

    Args:
        blood: for each common ancestor, the (generation of a, generation of b), the
            ancestor being generation 1 (a direct ancestor is its own line: (1, n)).
        ties: legal kinship between the two.

    Returns:
        Forbidden beats needs-review beats allowed; among equals the first found.
    """
    findings = [blood_rule(ga, gb) for ga, gb in blood] + [TIE_RULES[t] for t in ties]
    if not findings:
        return _v(Verdict.ALLOWED, "未发现血亲或拟制血亲关系", "no blood or legal kinship found",
                  ART_1048)
    return max(findings, key=lambda f: _SEVERITY[f.verdict])


def from_pedigree(
    pedigree: Pedigree, a: str, b: str, *, step_raised: bool | None = None
) -> MarriageVerdict:
    """Check a couple on an extracted pedigree.

    Every common biological ancestor is a blood line (the nearest ones decide,
    the others never give a stricter answer than the facts warrant); adoptive and
    step edges of the pedigree graph give the legal ties.

    Args:
        pedigree: the family.
        a: one partner.
        b: the other.
        step_raised: whether a step-parent in the couple raised the other; None = unknown.

    Raises:
        InvalidArgument: a and b are the same person.
        PersonNotFound: a or b is not in the pedigree.
    """
    if pedigree.member(a).pid == pedigree.member(b).pid:
        raise InvalidArgument("marriage check: a person and themselves", reason="same_person")
    blood = [(c.generations_a + 1, c.generations_b + 1) for c in pedigree.common_ancestors(a, b)]
    return check(blood, legal_ties(pedigree, a, b, step_raised=step_raised))


def legal_ties(
    pedigree: Pedigree, a: str, b: str, *, step_raised: bool | None = None
) -> list[LegalTie]:
    """The adoptive and step ties between a and b, read from the pedigree graph."""
    ties = (_adoptive_ties(pedigree, a, b) + _ambiguous_ties(pedigree, a, b)
            + _step_ties(pedigree.graph, a, b))
    step = {True: LegalTie.STEP_PARENT_RAISED, False: LegalTie.STEP_PARENT_NOT_RAISED,
            None: LegalTie.STEP_PARENT_UNKNOWN}[step_raised]
    return [step if t is LegalTie.STEP_PARENT_UNKNOWN else t for t in ties]


def _adoptive_ties(pedigree: Pedigree, a: str, b: str) -> list[LegalTie]:
    """Lines within three generations that exist only once adoption counts as descent."""
    if any(blood_rule(c.generations_a + 1, c.generations_b + 1).verdict is Verdict.FORBIDDEN
           for c in pedigree.common_ancestors(a, b)):
        return []
    da, db = _legal_distances(pedigree.graph, a), _legal_distances(pedigree.graph, b)
    lines = sorted(((da[p] + 1, db[p] + 1) for p in da if p in db), key=sum)
    close = [(min(line), max(line)) for line in lines
             if blood_rule(*line).verdict is Verdict.FORBIDDEN]
    if not close:
        return []
    named = {(1, 2): LegalTie.ADOPTIVE_PARENT_CHILD, (2, 2): LegalTie.ADOPTIVE_SIBLINGS}
    return [named.get(close[0], LegalTie.ADOPTIVE_OTHER)]


def _close_lines(pedigree: Pedigree, a: str, b: str, kinds: frozenset[str]
                 ) -> list[tuple[int, int]]:
    """The forbidden-distance lines between a and b over edges of ``kinds``, nearest first."""
    da = _legal_distances(pedigree.graph, a, kinds)
    db = _legal_distances(pedigree.graph, b, kinds)
    lines = sorted(((da[p] + 1, db[p] + 1) for p in da if p in db), key=sum)
    return [(min(line), max(line)) for line in lines
            if blood_rule(*line).verdict is Verdict.FORBIDDEN]


LEGAL = frozenset({EdgeKind.BIOLOGICAL.value, EdgeKind.ADOPTIVE.value})


def _ambiguous_ties(pedigree: Pedigree, a: str, b: str) -> list[LegalTie]:
    """Lines within three generations that exist only through a 27/37/57/58 link."""
    if _close_lines(pedigree, a, b, LEGAL):
        return []  # blood or adoption already answers
    close = _close_lines(pedigree, a, b, LEGAL | {EdgeKind.STEP_OR_ADOPTIVE.value})
    if not close:
        return []
    return [LegalTie.STEP_OR_ADOPTIVE_PARENT_CHILD if close[0] == (1, 2)
            else LegalTie.STEP_OR_ADOPTIVE_OTHER]


def _legal_distances(graph: nx.DiGraph, pid: str,
                     legal: frozenset[str] = LEGAL) -> dict[str, int]:
    """Ancestors over edges of the ``legal`` kinds, with their shortest distance."""
    distance, frontier = {pid: 0}, [pid]
    while frontier:
        reached = [(p, distance[c] + 1) for c in frontier for p in graph.predecessors(c)
                   if graph.edges[p, c]["kind"] in legal]
        frontier = []
        for parent, steps in reached:
            if parent not in distance:
                distance[parent] = steps
                frontier.append(parent)
    return distance


def _step_ties(graph: nx.DiGraph, a: str, b: str) -> list[LegalTie]:
    step = EdgeKind.STEP.value
    if graph.has_edge(a, b) and graph.edges[a, b]["kind"] == step or (
            graph.has_edge(b, a) and graph.edges[b, a]["kind"] == step):
        return [LegalTie.STEP_PARENT_UNKNOWN]
    shared = set(graph.predecessors(a)) & set(graph.predecessors(b))
    if any(step in (graph.edges[p, a]["kind"], graph.edges[p, b]["kind"]) for p in shared):
        return [LegalTie.STEP_SIBLINGS]
    return []
