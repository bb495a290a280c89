"""Conflicting facts in a small hand-written drop, loaded into the real graph: each kind
reaches the review queue with the records on both sides, reloading adds nothing, a
correction closes it, and an officer's decision survives later loads."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphdb.connection import read
from ingest import review
from ingest.derive.conflicts import (
    ANCESTRY_CYCLE,
    PARENT_AGE,
    TWO_FATHERS,
    TWO_MOTHERS,
    UNDERAGE_MARRIAGE,
)
from ingest.pipeline import LoadReport, fuse_again, run
from ingest.stewardship import QueueFilter, QueueItem, queue
from ingest.store import Store
from kingraph.errors import InvalidArgument
from tests.factories import someone, write_feed
from tests.integration.ingest.conftest import Scratch

# Odd sequences are men, even ones women (GB 11643).
P = {
    "child": someone("陈明", "1", date(2010, 5, 20), 11),
    "mother": someone("林芳", "2", date(1985, 3, 1), 22),
    "other_woman": someone("王丽", "2", date(1980, 7, 1), 24),
    # Married 2015-06-01: he is 21, under the 22 of the 1980 law and the Civil Code.
    "groom": someone("张伟", "1", date(1994, 3, 1), 13),
    "bride": someone("吴静", "2", date(1990, 1, 1), 26),
    # Married 1975-06-01: she is 19, of age under the 1950 law's 18.
    "old_groom": someone("符海", "1", date(1950, 1, 1), 15),
    "old_bride": someone("符燕", "2", date(1956, 1, 1), 28),
    # A is stated as B's father (a birth row) and B as A's father (a bloodline row).
    "a": someone("陈强", "1", date(1950, 1, 1), 17),
    "b": someone("陈磊", "1", date(1975, 1, 1), 19),
    "b_mother": someone("符芳", "2", date(1952, 1, 1), 34),
    # P, born 2000, is stated as the mother of Q, born 1995.
    "p": someone("林静", "2", date(2000, 1, 1), 30),
    "q": someone("王红", "2", date(1995, 6, 1), 32),
    # A second child of the mother, whose father a bloodline row names without a number:
    # fusion links him to the father the birth row names (same child, side and name).
    "child2": someone("吴磊", "1", date(2012, 8, 8), 21),
    "father2": someone("吴海", "1", date(1982, 2, 2), 23),
    # A third, whose father the bloodline row names without a number and by another
    # name: two fathers, for an officer to link.
    "child3": someone("符磊", "1", date(2014, 1, 1), 25),
    "father3": someone("符明", "1", date(1984, 4, 4), 27),
}
BIRTH, BLOOD, CIVIL, SELF = "birth|birth_platform", "bloodline|self_collected", \
    "marriage|civil_affairs", "marriage|self_collected"


def _household(label: str, n: int) -> dict[str, str]:
    s = P[label]
    return {"record_id": f"h{n}", "source": "public_security", "household_id": f"HH{n:03d}",
            "id_number": s.id_number, "name": s.name, "sex": s.sex,
            "birth_date": s.born.isoformat(), "ethnicity": "01",
            "hukou_type": "non_agricultural", "relation_to_head": "02",
            "division_code": "460106", "registered_on": s.born.isoformat()}


def _birth(record_id: str, child: str, mother: str, father: str | None) -> dict[str, str]:
    c, m = P[child], P[mother]
    row = {"record_id": record_id, "source": "birth_platform",
           "certificate_no": f"O46{record_id}", "child_id_number": c.id_number,
           "child_name": c.name, "child_sex": c.sex, "birth_date": c.born.isoformat(),
           "birth_order": "1", "plurality": "1", "mother_id_number": m.id_number,
           "mother_name": m.name, "division_code": "460106"}
    if father:
        row |= {"father_id_number": P[father].id_number, "father_name": P[father].name}
    return row


def _bloodline(record_id: str, person: str, relative: str, relation: str,
               relative_has_number: bool = True, relative_name: str | None = None
               ) -> dict[str, str]:
    who, rel = P[person], P[relative]
    return {"record_id": record_id, "source": "self_collected",
            "person_id_number": who.id_number, "person_name": who.name,
            "relative_id_number": rel.id_number if relative_has_number else "",
            "relative_name": relative_name or rel.name, "relation": relation,
            "collected_on": "2020-01-01"}


def _marriage(record_id: str, source: str, on: date, husband: str,
              wife: str) -> dict[str, str]:
    h, w = P[husband], P[wife]
    return {"record_id": record_id, "source": source, "event": "marriage",
            "event_date": on.isoformat(), "husband_id_number": h.id_number,
            "husband_name": h.name, "husband_birth_date": h.born.isoformat(),
            "wife_id_number": w.id_number, "wife_name": w.name,
            "wife_birth_date": w.born.isoformat(), "division_code": "460106"}


def write_family(folder: Path) -> Path:
    """The drop: every person in a household of their own, and the rows in conflict."""
    write_feed(folder, "household", [_household(label, n) for n, label in enumerate(P, 1)])
    write_feed(folder, "birth", [_birth("b1", "child", "mother", None),
                                 _birth("b2", "b", "b_mother", "a"),
                                 _birth("b3", "child2", "mother", "father2"),
                                 _birth("b4", "child3", "bride", "father3")])
    write_feed(folder, "bloodline", [
        _bloodline("l1", "child", "other_woman", "52"),  # a second mother
        _bloodline("l2", "a", "b", "51"),  # B is A's father: a cycle
        _bloodline("l3", "q", "p", "52"),  # a mother five years younger
        _bloodline("l4", "child2", "father2", "51", relative_has_number=False),
        _bloodline("l5", "child3", "father3", "51", relative_has_number=False,
                   relative_name="符小明"),
    ])
    write_feed(folder, "marriage", [
        _marriage("m1", "civil_affairs", date(2015, 6, 1), "groom", "bride"),
        _marriage("m2", "self_collected", date(1975, 6, 1), "old_groom", "old_bride"),
    ])
    return folder


def _pid(scratch: Scratch, label: str) -> str:
    return scratch.pid_of(P[label].id_number)


def _conflicts(scratch: Scratch, status: str = "open") -> dict[str, list[QueueItem]]:
    _, items = _queue(scratch, status, "conflict", 200)
    out: dict[str, list[QueueItem]] = {}
    for item in items:
        out.setdefault(item.review["kind"], []).append(item)
    return out


def _sides(item: QueueItem) -> set[tuple[Any, ...]]:
    return {(s["claim"], s["pid"], s.get("parent_pid"), tuple(s["records"]))
            for s in item.sides() if s["claim"] != "birth_date"}


def _disputed(scratch: Scratch) -> set[tuple[str, str]]:
    rows = read(scratch.driver, scratch.database, "disputed",
                "MATCH (a:Person)-[e:CHILD_OF|MARRIED]->(b:Person) WHERE e.disputed "
                "RETURN a.pid AS a, b.pid AS b")
    return {(r["a"], r["b"]) for r in rows}


@pytest.fixture()
def family(scratch: Scratch) -> tuple[Path, Store, LoadReport]:
    """The family drop loaded into an empty graph with a fresh store."""
    scratch.reset()
    drop = write_family(scratch.root / "family")
    store = scratch.store("family-store")
    return drop, store, run(drop, scratch.driver, scratch.database, store)


def test_each_conflict_reaches_the_queue_with_the_records_on_both_sides(
        scratch: Scratch, family: tuple[Path, Store, LoadReport]) -> None:
    _, _, report = family
    pid = {label: _pid(scratch, label) for label in P}
    found = _conflicts(scratch)
    assert {k: len(v) for k, v in found.items()} == {
        TWO_MOTHERS: 1, TWO_FATHERS: 1, UNDERAGE_MARRIAGE: 1, ANCESTRY_CYCLE: 1,
        PARENT_AGE: 1}
    assert report.conflicts == {k: len(v) for k, v in found.items()}

    (mothers,) = found[TWO_MOTHERS]
    assert _sides(mothers) == {("mother", pid["child"], pid["mother"], (f"{BIRTH}|b1",)),
                               ("mother", pid["child"], pid["other_woman"], (f"{BLOOD}|l1",))}
    assert set(mothers.review["pids"]) == {pid["child"], pid["mother"], pid["other_woman"]}
    assert {f"{BIRTH}|b1", f"{BLOOD}|l1"} <= set(mothers.records)  # the rows themselves

    (marriage,) = found[UNDERAGE_MARRIAGE]
    assert marriage.review["reason"] == "husband_under_age"
    wedding, age = marriage.sides()
    assert (wedding["value"], wedding["records"]) == ("2015-06-01", [f"{CIVIL}|m1"])
    assert (age["pid"], age["value"], age["minimum_age"]) == (pid["groom"], "1994-03-01", 22)
    assert "household|public_security|h4" in age["records"]  # the register states his birth

    (cycle,) = found[ANCESTRY_CYCLE]
    assert _sides(cycle) == {("child_of", pid["b"], pid["a"], (f"{BIRTH}|b2",)),
                             ("child_of", pid["a"], pid["b"], (f"{BLOOD}|l2",))}

    (age_gap,) = found[PARENT_AGE]
    assert age_gap.review["reason"] == "parent_born_after_child"
    assert ("child_of", pid["q"], pid["p"], (f"{BLOOD}|l3",)) in _sides(age_gap)

    # Meanwhile the graph keeps both mothers, the cycle and the marriage, marked disputed.
    assert _disputed(scratch) == {
        (pid["child"], pid["mother"]), (pid["child"], pid["other_woman"]),
        (pid["groom"], pid["bride"]), (pid["a"], pid["b"]), (pid["b"], pid["a"]),
        (pid["q"], pid["p"]), *[(pid["child3"], f) for f in _fathers(scratch, pid["child3"])]}
    # The father named without a number but by his name is the father of the birth row.
    assert _fathers(scratch, pid["child2"]) == [pid["father2"]]


def _fathers(scratch: Scratch, child: str) -> list[str]:
    rows = read(scratch.driver, scratch.database, "fathers",
                "MATCH (:Person {pid: $c})-[:CHILD_OF]->(f:Person) WHERE f.sex = '1' "
                "OR f.sex IS NULL RETURN f.pid AS pid", c=child)
    return [r["pid"] for r in rows]


def test_conflicting_rows_are_applied_with_provenance_not_quarantined(
        scratch: Scratch, family: tuple[Path, Store, LoadReport]) -> None:
    _, _, report = family
    for f in report.files:
        assert f.error is None and f.read == f.applied + f.quarantined
    assert sum(f.quarantined for f in report.files) == 0
    keys = [f"{BIRTH}|b1", f"{BLOOD}|l1", f"{BLOOD}|l2", f"{BLOOD}|l3", f"{CIVIL}|m1"]
    found = read(scratch.driver, scratch.database, "records",
                 "MATCH (r:Record) WHERE r.key IN $keys AND r.file IS NOT NULL "
                 "AND r.line IS NOT NULL AND r.load_id IS NOT NULL RETURN count(r) AS n",
                 keys=keys)
    assert found[0]["n"] == len(keys)


def test_a_marriage_of_age_under_the_1950_law_is_no_conflict(
        scratch: Scratch, family: tuple[Path, Store, LoadReport]) -> None:
    old = {_pid(scratch, "old_groom"), _pid(scratch, "old_bride")}
    for items in _conflicts(scratch).values():
        assert all(not old & set(i.review["pids"]) for i in items)


def test_reloading_the_same_drop_adds_no_review(
        scratch: Scratch, family: tuple[Path, Store, LoadReport]) -> None:
    drop, store, _ = family
    count = "MATCH (r:Review) RETURN count(r) AS n, collect(r.review_id) AS ids"
    before = read(scratch.driver, scratch.database, "reviews", count)[0]
    again = run(drop, scratch.driver, scratch.database, store, full=True)  # not skipped
    after = read(scratch.driver, scratch.database, "reviews", count)[0]
    assert after["n"] == before["n"] and sorted(after["ids"]) == sorted(before["ids"])
    assert again.written["child_of"] == 0 and again.written["reviews_closed"] == 0


def test_a_correction_closes_the_conflict(
        scratch: Scratch, family: tuple[Path, Store, LoadReport]) -> None:
    _, store, _ = family
    (mothers,) = _conflicts(scratch)[TWO_MOTHERS]
    (marriage,) = _conflicts(scratch)[UNDERAGE_MARRIAGE]
    fix = scratch.root / "fix"
    # The bloodline row meant the same mother; the wedding was a year later (groom 22).
    write_feed(fix, "bloodline", [_bloodline("l1", "child", "mother", "52")])
    write_feed(fix, "marriage", [_marriage("m1", "civil_affairs", date(2016, 6, 1),
                                           "groom", "bride")])
    run(fix, scratch.driver, scratch.database, store)
    closed = {i.review["review_id"] for items in _conflicts(scratch, "closed").values()
              for i in items}
    assert {mothers.review["review_id"], marriage.review["review_id"]} <= closed
    assert set(_conflicts(scratch)) == {TWO_FATHERS, ANCESTRY_CYCLE, PARENT_AGE}
    child, groom = _pid(scratch, "child"), _pid(scratch, "groom")
    assert not {e for e in _disputed(scratch) if child in e or groom in e}


def test_officers_decisions_survive_a_reload(
        scratch: Scratch, family: tuple[Path, Store, LoadReport]) -> None:
    drop, store, _ = family
    found = _conflicts(scratch)
    (cycle,), (age_gap,) = found[ANCESTRY_CYCLE], found[PARENT_AGE]
    with pytest.raises(InvalidArgument):  # a record that is not on the conflict's sides
        review.decide(scratch.driver, scratch.database, cycle.review["review_id"], "dismiss",
                      "officer-1", [f"{BLOOD}|l3"])
    with pytest.raises(InvalidArgument):  # fusion's outcomes are not a conflict's
        review.decide(scratch.driver, scratch.database, cycle.review["review_id"], "no_link",
                      "officer-1")
    # The bloodline row is wrong: it stops counting as evidence that B is A's father.
    review.decide(scratch.driver, scratch.database, cycle.review["review_id"], "dismiss",
                  "officer-1", [f"{BLOOD}|l2"])
    review.decide(scratch.driver, scratch.database, age_gap.review["review_id"], "accept",
                  "officer-1")
    fuse_again(scratch.driver, scratch.database, store)
    for _ in range(2):  # after the re-derive, and again after reloading the drop
        a, b, q, p = (_pid(scratch, x) for x in ("a", "b", "q", "p"))
        assert _parents(scratch, a) == set() and a in _parents(scratch, b)
        assert (q, p) not in _disputed(scratch) and p in _parents(scratch, q)
        decided = {i.review["review_id"]: i.review["decision"]
                   for items in _conflicts(scratch, "decided").values() for i in items}
        assert decided == {cycle.review["review_id"]: "dismiss",
                           age_gap.review["review_id"]: "accept"}
        assert set(_conflicts(scratch)) == {TWO_MOTHERS, TWO_FATHERS, UNDERAGE_MARRIAGE}
        run(drop, scratch.driver, scratch.database, store)


def _parents(scratch: Scratch, child: str) -> set[str]:
    rows = read(scratch.driver, scratch.database, "parents",
                "MATCH (:Person {pid: $c})-[:CHILD_OF]->(p:Person) RETURN p.pid AS pid",
                c=child)
    return {r["pid"] for r in rows}


def test_linking_two_fathers_that_fusion_kept_apart(
        scratch: Scratch, family: tuple[Path, Store, LoadReport]) -> None:
    _, store, _ = family
    child = _pid(scratch, "child3")
    (fathers,) = _conflicts(scratch)[TWO_FATHERS]
    assert {s["records"][0] for s in fathers.sides()} == {f"{BIRTH}|b4", f"{BLOOD}|l5"}
    assert len(_fathers(scratch, child)) == 2
    review.decide(scratch.driver, scratch.database, fathers.review["review_id"], "link",
                  "officer-1")
    fuse_again(scratch.driver, scratch.database, store)
    assert _fathers(scratch, child) == [_pid(scratch, "father3")]
    assert TWO_FATHERS not in _conflicts(scratch)


def _queue(scratch: Scratch, status: str, kind: str,
           limit: int) -> tuple[int, list[QueueItem]]:
    page = queue(scratch.driver, scratch.database, QueueFilter(status, kind), limit)
    return page.total, page.items
