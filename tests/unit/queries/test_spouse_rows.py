"""queries.eligibility.spouse_rows: a couple's facts from the graph's rows, written from the rules.

Custody: a child of one spouse only lives with the couple (a shared current
household: not with the former spouse), with the former spouse (a household of the
child's other parent), or nobody knows (no current household, or one that is
neither's). Only child: a sibling on record says no; both parents known with no
other child says yes; anything less is unknown. A 复婚 (the same couple again) is
no remarriage. Twins (a shared delivery day) share a plurality group.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from queries.eligibility.couple_facts import Parentage
from queries.eligibility.spouse_rows import children, day, marriage_facts, only_child, pledge

AS_OF = date(2020, 6, 1)


def spouse(pid: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"pid": pid, "marriages": [], "children": [], "parents": [],
                            "homes": [], "glory": []}
    return {**base, **fields}


def marriage(partner: str, on: str, ended: str | None = None, reason: str | None = None,
             seq: int = 1, records: tuple[str, ...] = ("m",)) -> dict[str, Any]:
    return {"partner": partner, "seq": seq, "married_on": on, "ended_on": ended,
            "end_reason": reason, "records": list(records)}


def child(pid: str, born: str, homes: list[str], others: list[dict[str, Any]] | None = None,
          kind: str = "biological") -> dict[str, Any]:
    return {"pid": pid, "kind": kind, "records": [f"b-{pid}"], "birth_date": born, "sex": "1",
            "death_date": None, "homes": homes, "others": others or [], "disability": []}


def test_day_reads_iso_text_and_dates() -> None:
    assert day("2001-02-03") == date(2001, 2, 3) and day(date(2001, 2, 3)) == date(2001, 2, 3)
    assert day("not a date") is None and day(None) is None


def _custody(kid_homes: list[str], former_homes: list[str]) -> bool | None:
    kid = child("K", "2010-01-01", kid_homes, others=[{"pid": "EX", "homes": former_homes}])
    h = spouse("H", homes=["HH-couple"], children=[kid])
    w = spouse("W", homes=["HH-couple"])
    (found,) = children(h, w, AS_OF)
    assert found.parents is Parentage.HUSBAND_ONLY
    return found.with_former_spouse


def test_custody_with_the_couple() -> None:
    assert _custody(["HH-couple"], ["HH-ex"]) is False


def test_custody_with_the_former_spouse() -> None:
    assert _custody(["HH-ex"], ["HH-ex"]) is True


def test_custody_unknown_without_a_current_household() -> None:
    assert _custody([], ["HH-ex"]) is None


def test_custody_unknown_in_a_third_household() -> None:
    assert _custody(["HH-grandparents"], ["HH-ex"]) is None


def test_custody_is_not_asked_of_shared_children() -> None:
    h = spouse("H", children=[child("K", "2012-01-01", ["HH-ex"])])
    w = spouse("W", children=[child("K", "2012-01-01", ["HH-ex"])])
    (found,) = children(h, w, AS_OF)
    assert found.parents is Parentage.SHARED and found.with_former_spouse is None


def test_twins_share_a_delivery_and_a_single_birth_does_not() -> None:
    kids = [child("A", "2015-03-03", []), child("B", "2015-03-03", []),
            child("C", "2018-01-01", [])]
    found = children(spouse("H", children=kids), spouse("W", children=kids), AS_OF)
    groups = {c.pid: c.plurality_group for c in found}
    assert groups == {"A": "delivery-2015-03-03", "B": "delivery-2015-03-03", "C": None}


def test_only_child_needs_both_parents_and_no_sibling() -> None:
    parents = [{"pid": "F", "records": ["rf"], "others": []},
               {"pid": "M", "records": ["rm"], "others": []}]
    assert only_child(spouse("H", parents=parents)) == (True, ("rf", "rm"))


def test_a_sibling_through_either_parent_means_not_an_only_child() -> None:
    parents = [{"pid": "F", "records": [], "others": ["half-sib"]},
               {"pid": "M", "records": [], "others": []}]
    assert only_child(spouse("H", parents=parents))[0] is False


def test_one_known_parent_leaves_only_child_status_unknown() -> None:
    parents = [{"pid": "M", "records": [], "others": []}]
    assert only_child(spouse("H", parents=parents))[0] is None
    assert only_child(spouse("H"))[0] is None


def test_first_marriage_of_both() -> None:
    h = spouse("H", marriages=[marriage("W", "2010-05-01")])
    w = spouse("W", marriages=[marriage("H", "2010-05-01")])
    facts, h_prior, w_prior = marriage_facts(h, w, AS_OF)
    assert facts is not None and facts.registered_on == date(2010, 5, 1)
    assert (facts.husband_remarriage, facts.wife_remarriage, facts.fuhun) == (False, False, False)
    assert not facts.conflicting_records and (h_prior, w_prior) == ((0, False), (0, False))


def test_fuhun_is_flagged_with_the_earlier_episode_counted() -> None:
    # The flag is what keeps a 复婚 from being judged a remarriage (conditions: remarried
    # and not fuhun); the counts stay honest: each spouse has one earlier marriage.
    episodes = [marriage("W", "2005-01-01", "2008-01-01", "divorce", 1, ("m1",)),
                marriage("W", "2012-01-01", None, None, 2, ("m2",))]
    h = spouse("H", marriages=episodes)
    w = spouse("W", marriages=[{**m, "partner": "H"} for m in episodes])
    facts, h_prior, w_prior = marriage_facts(h, w, AS_OF)
    assert facts is not None and facts.fuhun and facts.registered_on == date(2012, 1, 1)
    assert (h_prior, w_prior) == ((1, False), (1, False))
    assert facts.evidence == ("m1", "m2")


def test_a_widower_remarrying() -> None:
    h = spouse("H", marriages=[marriage("X", "2000-01-01", "2009-01-01", "death"),
                               marriage("W", "2011-01-01")])
    w = spouse("W", marriages=[marriage("H", "2011-01-01")])
    facts, h_prior, w_prior = marriage_facts(h, w, AS_OF)
    assert facts is not None and facts.husband_remarriage and not facts.wife_remarriage
    assert (h_prior, w_prior) == ((1, True), (0, False))


def test_a_spouse_still_married_to_someone_else_is_a_conflict() -> None:
    h = spouse("H", marriages=[marriage("X", "2000-01-01"), marriage("W", "2011-01-01")])
    w = spouse("W", marriages=[marriage("H", "2011-01-01")])
    facts, _, _ = marriage_facts(h, w, AS_OF)
    assert facts is not None and facts.conflicting_records


def test_no_marriage_edge_means_no_marriage_facts() -> None:
    assert marriage_facts(spouse("H"), spouse("W"), AS_OF)[0] is None


def test_a_glory_certificate_counts_when_both_are_named_and_in_force() -> None:
    cert = {"key": "g1", "issued_on": "2001-01-01", "revoked_on": None}
    assert pledge(spouse("H", glory=[cert]), spouse("W", glory=[cert]), AS_OF) == (True, ("g1",))
    revoked = {**cert, "revoked_on": "2019-01-01"}
    assert pledge(spouse("H", glory=[revoked]), spouse("W", glory=[revoked]), AS_OF)[0] is False
    assert pledge(spouse("H"), spouse("W", glory=[cert]), AS_OF)[0] is False


def test_custody_with_the_former_spouse_by_the_spouses_marriage() -> None:
    # The child's other parent is not on record, but the child is registered in the
    # household of the husband's former wife: it lives with the former spouse.
    kid = child("K", "2008-01-01", ["HH-ex"])
    h = spouse("H", homes=["HH-couple"], children=[kid],
               marriages=[{**marriage("EX", "2005-01-01", "2009-01-01", "divorce"),
                           "homes": ["HH-ex"]}, marriage("W", "2012-01-01")])
    w = spouse("W", homes=["HH-couple"], marriages=[marriage("H", "2012-01-01")])
    (found,) = children(h, w, AS_OF)
    assert found.with_former_spouse is True


def test_a_code_that_means_adopted_or_step_leaves_both_readings() -> None:
    # The wife's own child, the husband linked by code 57: his adopted child (theirs) or
    # his stepchild (hers alone).
    kid = child("K", "2005-01-01", ["HH-couple"])
    h = spouse("H", homes=["HH-couple"], children=[{**kid, "kind": "step_or_adoptive"}])
    w = spouse("W", homes=["HH-couple"], children=[kid])
    (found,) = children(h, w, AS_OF)
    assert found.parents is Parentage.SHARED and found.adopted  # the adoptive reading
    assert {(r.parents, r.adopted) for r in found.readings} == {
        (Parentage.SHARED, True), (Parentage.WIFE_ONLY, False)}
    assert found.with_former_spouse is False  # as hers alone she lives with the couple


def test_a_step_or_adoptive_link_beside_a_birth_link_is_settled() -> None:
    kid = child("K", "2005-01-01", [])
    h = spouse("H", children=[kid, {**kid, "kind": "step_or_adoptive"}])
    w = spouse("W", children=[kid])
    (found,) = children(h, w, AS_OF)
    assert found.parents is Parentage.SHARED and found.readings == () and not found.adopted


def test_a_step_or_adoptive_child_of_one_spouse_may_be_nobodys() -> None:
    kid = {**child("K", "2005-01-01", []), "kind": "step_or_adoptive"}
    (found,) = children(spouse("H", children=[kid]), spouse("W"), AS_OF)
    assert {r.parents for r in found.readings} == {Parentage.HUSBAND_ONLY, None}


def test_an_inferred_marriage_and_its_end_are_carried() -> None:
    inferred = {**marriage("W", "2010-05-01", "2016-02-02", "left_household"), "inferred": True}
    h = spouse("H", marriages=[inferred])
    w = spouse("W", marriages=[{**inferred, "partner": "H"}])
    facts, _, _ = marriage_facts(h, w, AS_OF)
    assert facts is not None and facts.inferred
    assert (facts.ended_on, facts.end_reason) == (date(2016, 2, 2), "left_household")


def test_a_marriage_to_someone_else_of_unknown_dates_refers_the_couple() -> None:
    # His marriage to X is known only from a row that names them as a couple (no dates):
    # it may be before or after this one, so the order of his marriages is not known.
    unknown = {**marriage("X", None, None, "unknown"), "inferred": True}  # type: ignore[arg-type]
    h = spouse("H", marriages=[marriage("W", "2010-05-01"), unknown])
    w = spouse("W", marriages=[marriage("H", "2010-05-01")])
    facts, _, _ = marriage_facts(h, w, AS_OF)
    assert facts is not None and facts.conflicting_records
    # One that ended (a divorce row without a wedding row) before this one is earlier.
    ended = marriage("X", None, "2005-01-01", "divorce")  # type: ignore[arg-type]
    h = spouse("H", marriages=[marriage("W", "2010-05-01"), ended])
    facts, (count, _), _ = marriage_facts(h, w, AS_OF)
    assert facts is not None and not facts.conflicting_records and count == 1
