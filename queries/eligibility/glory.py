"""The one-child glory certificate (独生子女父母光荣证): who holds it, who should lose it.

While the state promoted one child per couple, couples with one child who pledged
to have no other received the certificate; it is not issued for pledges from
2016-01-01.  Holders who have or adopt another child return it, whatever the
birth policy then allows.  A deceased only child does not end the holding.  What
the text leaves open (a holder's only delivery was twins; a child of one spouse
only) goes to review.  Dates and rule texts are in ``data/birth_policy.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from queries.eligibility.couple_facts import ChildFacts, CoupleFacts, Parentage, born_by, evidence
from queries.eligibility.policy import Bilingual as Reason
from queries.eligibility.policy import GloryRules, Policy, load


class GloryOutcome(StrEnum):
    """What should happen to a couple's certificate."""

    MAY_APPLY = "may_apply"  # no certificate; one child, within the issuing period
    KEEP = "keep"  # holds it and still has one child
    REVOKE = "revoke"  # holds it and has had another child
    NOT_HELD = "not_held"  # no certificate and none due
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class GloryDecision:
    """The outcome, the rule, why, and on what evidence (the certificate record included)."""

    outcome: GloryOutcome
    rule_id: str | None
    legal_reference: str
    reasons: tuple[Reason, ...]
    evidence: tuple[str, ...]


MESSAGES: dict[str, Reason] = {
    "spouse_missing": Reason("未找到夫妻一方的人员记录，需人工审核",
                             "A spouse was not found in the graph; refer for review"),
    "one_side_child": Reason("夫妻一方有非共同子女，是否违反只生育一个子女的承诺需人工审核",
                             "A spouse has a child who is not the couple's; whether that breaks "
                             "the one-child pledge needs review"),
    "no_child": Reason("持证夫妻名下未找到子女记录，需人工审核",
                       "The certificate holders have no child on record; refer for review"),
    "multiple_only": Reason("持证夫妻唯一一次生育为多胞胎，光荣证是否有效需人工审核",
                            "The holders' only delivery was a multiple birth; whether the "
                            "certificate stands needs review"),
    "only_child_died": Reason("独生子女已死亡，夫妻继续持有光荣证",
                              "The only child has died; the couple keeps the certificate"),
    "another_child": Reason("第{i}个子女（按出生日期）为承诺后的另一个子女",
                            "Child {i} (by birth date) is another child after the pledge"),
    "child_died": Reason("唯一子女已死亡，是否领证需人工审核",
                         "The only child has died; whether to issue needs review"),
}


def _say(key: str, **values: object) -> Reason:
    text = MESSAGES[key]
    return Reason(text.zh.format(**values), text.en.format(**values))


def decide(facts: CoupleFacts, as_of: date, policy: Policy | None = None) -> GloryDecision:
    """Decide what should happen to a couple's one-child glory certificate on ``as_of``.

    Args:
        facts: The couple's facts; ``pledged_one_child`` is True when they hold one.
        as_of: The day of the decision; children born later are not looked at.
        policy: The policy table; the packaged one by default.

    Returns:
        The decision: may apply, keep, revoke, not held, or needs review.
    """
    rules = (policy or load()).glory
    refs = evidence(facts, as_of)
    if facts.husband is None or facts.wife is None:
        return GloryDecision(GloryOutcome.NEEDS_REVIEW, None, rules.legal_reference,
                             (_say("spouse_missing"),), refs)
    kids = born_by(facts, as_of)
    outcome, rule_id, lines = (_holder(kids) if facts.pledged_one_child
                               else _non_holder(kids, as_of, rules))
    if rule_id is not None:
        rule = rules.rule(rule_id)
        lines = (Reason(f"{rule.id}：{rule.text.zh}", f"{rule.id}: {rule.text.en}"), *lines)
    return GloryDecision(outcome, rule_id, rules.legal_reference, lines, refs)


Verdict = tuple[GloryOutcome, str | None, tuple[Reason, ...]]


def _holder(kids: tuple[ChildFacts, ...]) -> Verdict:
    shared = [k for k in kids if k.parents is Parentage.SHARED]
    deliveries = list(dict.fromkeys(k.plurality_group or k.pid for k in shared))
    if len(deliveries) > 1:
        first = {k.pid for k in shared if (k.plurality_group or k.pid) == deliveries[0]}
        later = [i for i, k in enumerate(kids, start=1) if k in shared and k.pid not in first]
        return (GloryOutcome.REVOKE, "GLORY-REVOKE-ANOTHER-CHILD",
                tuple(_say("another_child", i=i) for i in later))
    if len(shared) < len(kids):
        return GloryOutcome.NEEDS_REVIEW, None, (_say("one_side_child"),)
    if not shared:
        return GloryOutcome.NEEDS_REVIEW, None, (_say("no_child"),)
    if len(shared) > 1:
        return GloryOutcome.NEEDS_REVIEW, None, (_say("multiple_only"),)
    died = (_say("only_child_died"),) if shared[0].alive is False else ()
    return GloryOutcome.KEEP, "GLORY-KEEP-ONE-CHILD", died


def _non_holder(kids: tuple[ChildFacts, ...], as_of: date, rules: GloryRules) -> Verdict:
    if as_of > rules.issue_until:
        return GloryOutcome.NOT_HELD, "GLORY-NOT-ISSUED-AFTER-2015", ()
    if len(kids) != 1 or kids[0].parents is not Parentage.SHARED:
        return GloryOutcome.NOT_HELD, "GLORY-NONE", ()
    if kids[0].alive is not True:
        return GloryOutcome.NEEDS_REVIEW, None, (_say("child_died"),)
    return GloryOutcome.MAY_APPLY, "GLORY-MAY-APPLY-ONE-CHILD", ()
