"""The families of issue 16 loaded through the real pipeline into the real graph
(tests/integration/ingest/families.py): marriages the household register shows, rows that
contradict them, 27/37/57/58 links, custody in the former spouse's household, department
permits.  Every expectation is read off the rows by hand, with the law."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graphdb.connection import read, write
from ingest import stewardship
from ingest.derive.conflicts import HOUSEHOLD_MARRIAGE
from ingest.pipeline import LoadReport, run
from queries.eligibility import Outcome, decide_couple, permits
from queries.kinship import relationship
from tests.integration.ingest import families
from tests.integration.ingest.conftest import Scratch
from tests.integration.ingest.families import HH, P

MARRIED = """
MATCH (h:Person {pid: $h})-[m:MARRIED]->(w:Person {pid: $w})
RETURN m.seq AS seq, m.married_on AS married_on, m.ended_on AS ended_on,
       m.end_reason AS end_reason, m.inferred AS inferred, m.records AS records,
       m.disputed AS disputed ORDER BY m.seq
"""


@pytest.fixture(scope="module")
def loaded(scratch: Scratch) -> LoadReport:
    """The drop in an empty graph, with no permit of Kingraph's yet."""
    scratch.reset()
    drop = families.write(scratch.root / "families")
    return run(drop, scratch.driver, scratch.database, scratch.store("families-store"))


def _pid(scratch: Scratch, label: str) -> str:
    return scratch.pid_of(P[label].id_number)


def _married(scratch: Scratch, h: str, w: str) -> list[dict[str, object]]:
    rows = read(scratch.driver, scratch.database, "married", MARRIED,
                h=_pid(scratch, h), w=_pid(scratch, w))
    return [r.data() for r in rows]


def test_a_household_only_couple_is_married_inferred_with_the_rows_behind_it(
        scratch: Scratch, loaded: LoadReport) -> None:
    (m,) = _married(scratch, "huang_h", "huang_w")
    assert m["inferred"] is True and m["disputed"] is False
    assert m["married_on"].to_native() == date(2010, 5, 1) and m["ended_on"] is None
    assert m["records"] == [f"{HH}|a1", f"{HH}|a2"]


def test_a_row_stated_marriage_keeps_its_dates_and_gains_the_household_rows(
        scratch: Scratch, loaded: LoadReport) -> None:
    (m,) = _married(scratch, "lin_h", "wang_w")
    assert m["inferred"] is False and m["married_on"].to_native() == date(2004, 1, 1)
    assert set(m["records"]) == {"marriage|self_collected|mc5", f"{HH}|c4", f"{HH}|c5"}


def test_the_register_against_a_divorce_and_a_marriage_row_reaches_the_queue(
        scratch: Scratch, loaded: LoadReport) -> None:
    assert loaded.conflicts.get(HOUSEHOLD_MARRIAGE) == 2
    items = stewardship.queue(scratch.driver, scratch.database,
                              stewardship.QueueFilter(status="open", kind=HOUSEHOLD_MARRIAGE),
                              limit=10).items
    by_reason = {i.review["reason"]: i for i in items}
    assert set(by_reason) == {"divorce_recorded", "married_to_another"}
    divorce = by_reason["divorce_recorded"]
    claims = {s["claim"]: s for s in divorce.sides()}
    assert claims["divorce"]["records"] == ["marriage|civil_affairs|mb2"]
    assert claims["divorce"]["value"] == "2005-06-01"
    assert claims["household_spouses"]["records"] == [f"{HH}|b1", f"{HH}|b2"]
    (chen,) = _married(scratch, "chen_h", "chen_w")
    assert chen["disputed"] is True and chen["end_reason"] == "divorce"
    other = by_reason["married_to_another"]
    assert set(other.review["pids"]) == {_pid(scratch, k) for k in ("zheng_h", "sun_w",
                                                                   "liu_w")}
    (inferred,) = _married(scratch, "zheng_h", "sun_w")
    (stated,) = _married(scratch, "zheng_h", "liu_w")
    assert inferred["inferred"] and inferred["disputed"] and stated["disputed"]


def test_codes_57_and_27_are_step_or_adoptive_and_the_marriage_check_asks(
        scratch: Scratch, loaded: LoadReport) -> None:
    kinds = read(scratch.driver, scratch.database, "kinds",
                 "MATCH (:Person {pid: $c})-[e:CHILD_OF]->(:Person {pid: $p}) "
                 "RETURN e.kind AS kind", c=_pid(scratch, "wu_girl"), p=_pid(scratch, "wu_h"))
    assert [r["kind"] for r in kinds] == ["step_or_adoptive"]
    found = relationship(scratch.driver, scratch.database, _pid(scratch, "wu_h"),
                         _pid(scratch, "wu_girl"))
    assert found.marriage.verdict.value == "needs_review"
    assert "27/37/57/58" in found.marriage.reason_zh
    assert found.phi == 0


def test_an_inferred_marriage_is_decided_and_says_so(scratch: Scratch,
                                                      loaded: LoadReport) -> None:
    decision = decide_couple(scratch.driver, scratch.database, _pid(scratch, "huang_h"),
                             _pid(scratch, "huang_w"), date(2017, 6, 1))
    assert (decision.outcome, decision.child_order) == (Outcome.ELIGIBLE, 2)
    assert any("户籍登记推定" in r.zh for r in decision.reasons)
    assert {f"{HH}|a1", f"{HH}|a2"} <= set(decision.evidence)


def test_custody_in_the_former_spouses_household_decides_a_remarriage(
        scratch: Scratch, loaded: LoadReport) -> None:
    # 2003 rules: each had one child who stayed with the former spouse, none together.
    decision = decide_couple(scratch.driver, scratch.database, _pid(scratch, "lin_h"),
                             _pid(scratch, "wang_w"), date(2008, 6, 1))
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.rule_id == "HN2003-REMARRIED-EACH-ONE-WITH-FORMER-SPOUSE"
    assert (decision.child_order, decision.child_order_couple) == (3, 1)


def test_a_step_or_adoptive_child_who_does_not_decide_is_noted(
        scratch: Scratch, loaded: LoadReport) -> None:
    decision = decide_couple(scratch.driver, scratch.database, _pid(scratch, "wu_h"),
                             _pid(scratch, "wu_w"), date(2017, 6, 1))
    assert (decision.outcome, decision.child_order) == (Outcome.ELIGIBLE, 2)
    assert any("27/37/57/58" in r.zh for r in decision.reasons)


def test_department_permits_are_held_never_duplicated_and_checked(
        scratch: Scratch, loaded: LoadReport) -> None:
    write(scratch.driver, scratch.database, "clear", "MATCH (n) WHERE n:Permit OR "
          "n:PermitEvent DETACH DELETE n")
    report = permits.issue(scratch.driver, scratch.database, date(2017, 6, 1))
    huang = {_pid(scratch, "huang_h"), _pid(scratch, "huang_w")}
    own = read(scratch.driver, scratch.database, "own",
               "MATCH (p:Permit)-[:FOR]->(x:Person) WHERE x.pid IN $pids "
               "RETURN DISTINCT p.permit_no AS no", pids=sorted(huang))
    assert own == []  # the department's permit of 2017-03-01 covers their second child
    events = read(scratch.driver, scratch.database, "events",
                  "MATCH (e:PermitEvent) WHERE e.kind STARTS WITH 'department' "
                  "RETURN e.kind AS kind, e.permit_no AS key, e.decision AS decision")
    found = {(r["kind"], r["key"]) for r in events}
    assert found == {("department_contradicts", "certificate|permit_system|pa0"),
                     ("department_duplicate", "certificate|permit_system|pa2")}
    wrong = json.loads(next(r["decision"] for r in events
                            if r["kind"] == "department_contradicts"))
    assert (wrong["outcome"], wrong["child_order"]) == ("eligible", 1)  # 2011: their first
    assert report.events["department_contradicts"] == 1
    again = permits.issue(scratch.driver, scratch.database, date(2017, 6, 1))
    assert "department_contradicts" not in again.events and "issued" not in again.events
