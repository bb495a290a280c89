"""One-child glory certificate decisions, from the certificate's rules (domain.md)."""

from __future__ import annotations

from datetime import date

from queries.eligibility.glory import GloryOutcome, decide
from tests.unit.queries.eligibility_cases import child, couple, twins

BEFORE_2016, AFTER_2016 = date(2010, 6, 1), date(2018, 6, 1)


def test_holder_with_one_child_keeps_the_certificate() -> None:
    decision = decide(couple(child("2002-03-01"), pledged=True), BEFORE_2016)
    assert (decision.outcome, decision.rule_id) == (GloryOutcome.KEEP, "GLORY-KEEP-ONE-CHILD")
    assert "certificate:glory" in decision.evidence


def test_holder_with_a_second_birth_loses_it_naming_the_second_child() -> None:
    facts = couple(child("2002-03-01"), child("2009-03-01"), pledged=True)
    decision = decide(facts, BEFORE_2016)
    assert decision.outcome is GloryOutcome.REVOKE
    assert decision.rule_id == "GLORY-REVOKE-ANOTHER-CHILD"
    assert any("Child 2" in r.en for r in decision.reasons)
    assert "birth:child-2" in decision.evidence


def test_holder_who_adopts_another_child_loses_it() -> None:
    facts = couple(child("2002-03-01"), child("2008-03-01", adopted=True), pledged=True)
    assert decide(facts, BEFORE_2016).outcome is GloryOutcome.REVOKE


def test_a_second_child_under_the_two_child_policy_still_ends_the_holding() -> None:
    facts = couple(child("2005-03-01"), child("2017-03-01"), pledged=True)
    assert decide(facts, AFTER_2016).outcome is GloryOutcome.REVOKE


def test_second_child_born_after_the_decision_date_is_not_yet_seen() -> None:
    facts = couple(child("2005-03-01"), child("2017-03-01"), pledged=True)
    assert decide(facts, date(2016, 12, 31)).outcome is GloryOutcome.KEEP


def test_holder_whose_only_child_died_keeps_it() -> None:
    decision = decide(couple(child("2002-03-01", alive=False), pledged=True), BEFORE_2016)
    assert decision.outcome is GloryOutcome.KEEP
    assert any("has died" in r.en for r in decision.reasons)


def test_holder_whose_only_child_died_and_who_had_another_loses_it() -> None:
    facts = couple(child("2002-03-01", alive=False), child("2012-03-01"), pledged=True)
    assert decide(facts, AFTER_2016).outcome is GloryOutcome.REVOKE


def test_holder_whose_only_delivery_was_twins_is_referred() -> None:
    facts = couple(*twins("2002-03-01", "1", "2"), pledged=True)
    assert decide(facts, BEFORE_2016).outcome is GloryOutcome.NEEDS_REVIEW


def test_holder_with_one_child_then_twins_loses_it() -> None:
    facts = couple(child("2002-03-01"), *twins("2009-03-01", "1", "1"), pledged=True)
    assert decide(facts, BEFORE_2016).outcome is GloryOutcome.REVOKE


def test_holder_with_a_child_of_one_spouse_only_is_referred() -> None:
    facts = couple(child("2002-03-01"), child("1998-03-01", parents="wife_only"), pledged=True)
    assert decide(facts, BEFORE_2016).outcome is GloryOutcome.NEEDS_REVIEW


def test_holder_without_a_child_on_record_is_referred() -> None:
    assert decide(couple(pledged=True), BEFORE_2016).outcome is GloryOutcome.NEEDS_REVIEW


def test_couple_with_one_child_may_apply_before_2016() -> None:
    decision = decide(couple(child("2002-03-01")), BEFORE_2016)
    assert (decision.outcome, decision.rule_id) == (GloryOutcome.MAY_APPLY,
                                                    "GLORY-MAY-APPLY-ONE-CHILD")


def test_issuing_ends_on_2015_12_31() -> None:
    facts = couple(child("2012-03-01"))
    assert decide(facts, date(2015, 12, 31)).outcome is GloryOutcome.MAY_APPLY
    decision = decide(facts, date(2016, 1, 1))
    assert (decision.outcome, decision.rule_id) == (GloryOutcome.NOT_HELD,
                                                    "GLORY-NOT-ISSUED-AFTER-2015")


def test_couple_with_twins_is_not_a_one_child_couple() -> None:
    assert decide(couple(*twins("2002-03-01", "1", "2")), BEFORE_2016).outcome \
        is GloryOutcome.NOT_HELD


def test_missing_spouse_is_referred() -> None:
    facts = couple(child("2002-03-01"), pledged=True, no_husband=True)
    assert decide(facts, BEFORE_2016).outcome is GloryOutcome.NEEDS_REVIEW


def test_reasons_are_bilingual() -> None:
    decision = decide(couple(child("2002-03-01"), child("2009-03-01"), pledged=True),
                      BEFORE_2016)
    assert decision.reasons and all(r.zh and r.en for r in decision.reasons)
