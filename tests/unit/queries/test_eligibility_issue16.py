"""Eligibility on the facts issue 16 adds, decided from the policy text (domain.md):
a child linked by a code that means adopted OR step (27/37/57/58), the two child orders
of a remarried couple, a marriage inferred from the household register, a marriage that
had ended by the application date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from queries.eligibility.couple_facts import Parentage, Reading
from queries.eligibility.evaluator import Outcome, decide
from tests.unit.queries.eligibility_cases import (
    GIRL,
    REMARRIED_H,
    REMARRIED_W,
    child,
    couple,
    husband,
)

ERA2003, ERA2017 = date(2008, 6, 1), date(2017, 6, 1)
# The wife's child of an earlier marriage; the husband is linked to her by code 57:
# an adoptive father (she is the couple's child) or a step-father (she is the wife's alone).
AMBIGUOUS = replace(child("1999-05-01", GIRL, parents="shared", adopted=True),
                    readings=(Reading(Parentage.WIFE_ONLY, False), Reading(Parentage.SHARED, True)))


def test_a_step_or_adoptive_child_who_decides_the_outcome_is_referred() -> None:
    # 2003 rules, first marriage for him, a remarriage for her, no child together.
    # As a stepchild: her one child and his none -> the remarriage rule allows child 2.
    # As his adopted child: the couple's one child -> the urban one-child rule refuses.
    facts = couple(AMBIGUOUS, w=REMARRIED_W, remarried="wife", married="2005-01-01")
    decision = decide(facts, ERA2003)
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert decision.child_order == 2  # the same in both readings
    assert any("27/37/57/58" in r.zh and "且影响结论" in r.zh for r in decision.reasons)


def test_both_readings_alone_decide_as_the_law_says() -> None:
    as_step = replace(AMBIGUOUS, parents=Parentage.WIFE_ONLY, adopted=False, readings=(),
                      with_former_spouse=False)
    as_adopted = replace(AMBIGUOUS, readings=())
    step = decide(couple(as_step, w=REMARRIED_W, remarried="wife", married="2005-01-01"),
                  ERA2003)
    adopted = decide(couple(as_adopted, w=REMARRIED_W, remarried="wife",
                            married="2005-01-01"), ERA2003)
    assert (step.outcome, step.rule_id) == (Outcome.ELIGIBLE, "HN2003-REMARRIED-ONE-AND-NONE")
    assert adopted.outcome is Outcome.INELIGIBLE


def test_a_step_or_adoptive_child_who_does_not_decide_is_noted_only() -> None:
    # 2017: one child counted either way -> the second child by registration.
    facts = couple(AMBIGUOUS, w=REMARRIED_W, remarried="wife", married="2005-01-01")
    decision = decide(facts, ERA2017)
    assert (decision.outcome, decision.child_order) == (Outcome.ELIGIBLE, 2)
    assert decision.rule_id == "HN2016-TWO-CHILDREN"
    assert any("27/37/57/58" in r.zh and "不影响结论" in r.zh for r in decision.reasons)
    # Within the couple she is their first child or none of theirs: the order is open.
    assert decision.child_order_couple is None


def test_a_remarried_couple_gets_both_child_orders() -> None:
    # 2017: his child from the earlier marriage and one together -> child 3 in all, the
    # couple's second (HN2016: one and none before, one together).
    his = child("1998-05-01", parents="husband_only", with_former=True)
    facts = couple(his, child("2014-01-01"), h=REMARRIED_H, remarried="husband",
                   married="2012-01-01")
    decision = decide(facts, ERA2017)
    assert (decision.outcome, decision.rule_id) == (
        Outcome.ELIGIBLE, "HN2016-REMARRIED-ONE-AND-NONE-ONE-TOGETHER")
    assert (decision.child_order, decision.child_order_couple) == (3, 2)


def test_first_marriage_orders_agree() -> None:
    decision = decide(couple(child("2012-01-01")), ERA2017)
    assert (decision.child_order, decision.child_order_couple) == (2, 2)


def test_an_inferred_marriage_says_so_in_the_reasons() -> None:
    facts = couple(child("2012-01-01"))
    assert facts.marriage is not None
    inferred = replace(facts, marriage=replace(facts.marriage, inferred=True))
    decision = decide(inferred, ERA2017)
    assert decision.outcome is Outcome.ELIGIBLE  # as good as a row for the rules
    assert any("户籍登记推定" in r.zh for r in decision.reasons)
    assert not any("户籍登记推定" in r.zh for r in decide(facts, ERA2017).reasons)


def test_a_marriage_ended_by_the_application_date_is_referred() -> None:
    facts = couple(h=husband())
    assert facts.marriage is not None
    ended = replace(facts, marriage=replace(facts.marriage, ended_on=date(2015, 3, 3),
                                            end_reason="divorce"))
    decision = decide(ended, ERA2017)
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert any("婚姻已终止" in r.zh for r in decision.reasons)
    assert decide(ended, date(2014, 6, 1)).outcome is Outcome.ELIGIBLE  # still married then


def test_a_marriage_known_from_rows_that_name_the_couple_says_so() -> None:
    # No marriage row and no household: a bloodline row names her as his wife.
    facts = couple(child("2012-01-01"))
    assert facts.marriage is not None
    named = replace(facts, marriage=replace(
        facts.marriage, inferred=True, evidence=("bloodline|self_collected|L1",)))
    reasons = decide(named, ERA2017).reasons
    assert any("血缘、计生证件或孕情登记所载夫妻推定" in r.zh for r in reasons)
    assert not any("户籍登记推定" in r.zh for r in reasons)
