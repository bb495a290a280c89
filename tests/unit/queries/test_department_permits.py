"""Department permits (the certificate feed's birth_service rows) as permits the couple
holds: a permit in force covers its child, so none is issued again; a permit the rules of
its day refuse, and a second one for a child already covered, are flagged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from queries.eligibility import department
from queries.eligibility.department import DepartmentPermit
from queries.eligibility.evaluator import Decision, Outcome, PermitKind
from queries.eligibility.permits import plan

DAY = date(2017, 6, 1)
ELIGIBLE_2 = Decision(Outcome.ELIGIBLE, 2, PermitKind.REGISTRATION, "HN2016-TWO-CHILDREN",
                      "HN2016", "ref", (), (), child_order_couple=2)


def permit(order: int, issued: date, revoked: date | None = None, key: str = "k1"
           ) -> DepartmentPermit:
    return DepartmentPermit(f"certificate|permit_system|{key}", "H", "W", order, issued,
                            revoked)


def test_a_department_permit_in_force_covers_its_child_and_nothing_is_issued() -> None:
    held = [permit(2, date(2017, 1, 5))]
    assert department.covers(held, ELIGIBLE_2, DAY)
    assert [e.kind for e in plan("H", "W", ELIGIBLE_2, [], DAY, held)] == []
    assert [e.kind for e in plan("H", "W", ELIGIBLE_2, [], DAY, [])] == ["issued"]


def test_a_revoked_a_later_or_another_childs_permit_covers_nothing() -> None:
    assert not department.covers([permit(2, date(2016, 1, 1), date(2017, 1, 1))], ELIGIBLE_2,
                                 DAY)
    assert not department.covers([permit(2, date(2017, 7, 1))], ELIGIBLE_2, DAY)
    assert not department.covers([permit(1, date(2015, 1, 1))], ELIGIBLE_2, DAY)


def test_the_order_within_the_couple_or_in_all_is_the_same_child() -> None:
    # A remarried husband's child counts in all: the couple's first child is the third.
    third = replace(ELIGIBLE_2, child_order=3, child_order_couple=2)
    assert department.covers([permit(2, date(2017, 1, 5))], third, DAY)
    assert department.covers([permit(3, date(2017, 1, 5))], third, DAY)


def test_a_second_permit_for_a_child_already_covered_is_a_duplicate() -> None:
    first, second = permit(2, date(2016, 5, 1), key="a"), permit(2, date(2016, 9, 1), key="b")
    found = department.duplicates([first, second])
    assert [(f.kind, f.permit.key) for f in found] == [("department_duplicate", second.key)]
    revoked_first = permit(2, date(2016, 5, 1), date(2016, 8, 1), key="a")
    assert department.duplicates([revoked_first, second]) == []


def test_a_permit_the_rules_of_its_day_refuse_contradicts_them() -> None:
    ineligible = replace(ELIGIBLE_2, outcome=Outcome.INELIGIBLE, permit_kind=None)
    review = replace(ELIGIBLE_2, outcome=Outcome.NEEDS_REVIEW, permit_kind=None)
    assert department.contradicts(permit(2, DAY), ineligible)
    assert department.contradicts(permit(3, DAY), ELIGIBLE_2)  # another child
    assert not department.contradicts(permit(2, DAY), ELIGIBLE_2)
    assert not department.contradicts(permit(2, DAY), review)  # the rules do not say it is wrong
