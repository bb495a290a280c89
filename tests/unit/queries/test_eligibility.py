"""Eligibility decisions against cases written from the policy text (eligibility_cases.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from queries.eligibility import policy as policy_mod
from queries.eligibility.evaluator import Outcome, PermitKind, decide
from tests.unit.queries.eligibility_cases import (
    CASES,
    GIRL,
    LI,
    Case,
    child,
    couple,
    husband,
    wife,
)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case) -> None:
    decision = decide(case.facts, case.as_of)
    assert (decision.outcome, decision.child_order) == (case.outcome, case.child_order), case.basis
    if case.rule_id is not None:
        assert decision.rule_id == case.rule_id
    assert decision.permit_kind == case.permit_kind
    assert decision.policy_version == policy_mod.in_force(case.as_of).id


def test_at_least_thirty_cases_with_unique_names() -> None:
    names = [c.name for c in CASES]
    assert len(names) >= 30
    assert len(set(names)) == len(names)


def test_every_decision_has_bilingual_reasons_and_a_legal_reference() -> None:
    for case in CASES:
        decision = decide(case.facts, case.as_of)
        assert decision.reasons, case.name
        assert all(r.zh and r.en for r in decision.reasons), case.name
        assert decision.legal_reference, case.name


def test_evidence_names_marriage_spouses_and_each_child_born_by_the_date() -> None:
    facts = couple(child("2001-03-01", alive=False), child("2004-03-01", disabled=True),
                   child("2019-03-01"))
    decision = decide(facts, date(2017, 6, 1))
    assert decision.evidence == ("marriage:couple", "household:husband", "household:wife",
                                 "birth:child-1", "birth:child-2", "disability:child-2")


def test_unconfirmed_2021_date_decides_once_the_operator_confirms_it() -> None:
    table = policy_mod.load()
    confirmed = replace(table, versions=tuple(
        replace(v, effective_from_confirmed=True) if v.id == "HN2021" else v
        for v in table.versions))
    two = couple(child("2010-03-01"), child("2013-03-01"))
    decision = decide(two, date(2021, 8, 20), confirmed)
    assert (decision.outcome, decision.child_order) == (Outcome.ELIGIBLE, 3)
    assert decision.rule_id == "HN2021-THREE-CHILDREN"
    assert decision.permit_kind is PermitKind.REGISTRATION


def test_unconfirmed_date_review_says_why() -> None:
    two = couple(child("2010-03-01"), child("2013-03-01"))
    decision = decide(two, date(2021, 8, 20))
    assert "unconfirmed" in decision.reasons[0].en
    assert "待确认" in decision.reasons[0].zh


def test_fourth_child_under_three_child_policy_is_ineligible_once_confirmed() -> None:
    table = policy_mod.load()
    confirmed = replace(table, versions=tuple(
        replace(v, effective_from_confirmed=True) for v in table.versions))
    three = couple(child("2010-03-01"), child("2013-03-01"), child("2022-03-01"))
    decision = decide(three, date(2023, 6, 1), confirmed)
    assert (decision.outcome, decision.child_order) == (Outcome.INELIGIBLE, 4)


def test_unknown_only_child_status_is_named_in_the_review() -> None:
    facts = couple(child("2010-03-01"), h=husband(only_child=None))
    decision = decide(facts, date(2015, 1, 1))
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert any("only child" in r.en and "decides" in r.en for r in decision.reasons)
    assert any("独生子女" in r.zh for r in decision.reasons)


def test_unknown_that_does_not_matter_is_reported_as_such() -> None:
    decision = decide(couple(h=husband(only_child=None)), date(2015, 1, 1))
    assert decision.outcome is Outcome.ELIGIBLE
    assert any("does not change the outcome" in r.en for r in decision.reasons)


def test_glory_certificate_holders_are_told_to_return_it_on_a_second_child() -> None:
    facts = couple(child("2002-03-01", disabled=True), pledged=True)
    decision = decide(facts, date(2008, 6, 1))
    assert decision.outcome is Outcome.ELIGIBLE
    assert any("glory certificate" in r.en for r in decision.reasons)
    assert "certificate:glory" in decision.evidence


def test_hui_spouse_is_referred_because_the_census_decides() -> None:
    facts = couple(child("2002-03-01"), w=wife(ethnicity="03"))
    decision = decide(facts, date(2008, 6, 1))
    assert decision.outcome is Outcome.NEEDS_REVIEW


def test_unknown_ethnicity_with_one_child_is_referred() -> None:
    facts = couple(child("2002-03-01"), w=wife(ethnicity=None))
    assert decide(facts, date(2008, 6, 1)).outcome is Outcome.NEEDS_REVIEW


def test_unknown_sex_of_a_child_decides_the_li_third_child() -> None:
    facts = couple(child("2001-03-01", GIRL), child("2004-03-01", "0"),
                   h=husband(ethnicity=LI), w=wife(ethnicity=LI))
    decision = decide(facts, date(2008, 6, 1))
    assert (decision.outcome, decision.child_order) == (Outcome.NEEDS_REVIEW, 3)


def test_a_child_of_one_spouse_born_during_the_marriage_is_referred() -> None:
    facts = couple(child("2006-03-01", parents="husband_only"), married="2005-01-01")
    assert decide(facts, date(2008, 6, 1)).outcome is Outcome.NEEDS_REVIEW


def test_remarriage_without_an_earlier_marriage_on_record_is_referred() -> None:
    facts = couple(remarried="wife")
    assert decide(facts, date(2008, 6, 1)).outcome is Outcome.NEEDS_REVIEW


def test_marriage_after_the_application_date_is_referred() -> None:
    facts = couple(married="2009-01-01")
    assert decide(facts, date(2008, 6, 1)).outcome is Outcome.NEEDS_REVIEW


def test_per_delivery_counting_is_an_operator_choice() -> None:
    table = policy_mod.load()
    hn2003 = table.version("HN2003")
    assert hn2003.counting is not None
    per_delivery = replace(hn2003, counting=replace(
        hn2003.counting, multiple_birth=policy_mod.MultipleBirth.PER_DELIVERY))
    table = replace(table, versions=tuple(per_delivery if v.id == "HN2003" else v
                                          for v in table.versions))
    facts = couple(*[child("2002-03-01", delivery="d1"), child("2002-03-01", delivery="d1")],
                   h=husband(only_child=True), w=wife(only_child=True))
    decision = decide(facts, date(2008, 6, 1), table)
    assert (decision.outcome, decision.child_order) == (Outcome.ELIGIBLE, 2)


@pytest.mark.parametrize(("as_of", "limit"), [
    (date(2008, 6, 1), "HN2003-URBAN-ONE-CHILD"), (date(2017, 6, 1), "HN2016-TWO-CHILDREN")])
def test_ineligible_decisions_name_the_rule_that_sets_the_limit(as_of: date, limit: str) -> None:
    facts = couple(child("2002-03-01"), child("2005-03-01"))
    decision = decide(facts, as_of)
    assert (decision.outcome, decision.rule_id) == (Outcome.INELIGIBLE, limit)


def test_decisions_record_the_table_revision() -> None:
    assert decide(couple(), date(2017, 6, 1)).table_version == policy_mod.load().table_version
