"""Conflicting facts found in a derived graph: known answers from law and arithmetic."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl

from ingest.derive import conflicts, relations
from ingest.derive.conflicts import NO_RULINGS, Found, Rulings

BIRTH = "birth|birth_platform|b1"
BLOOD = "bloodline|self_collected|l1"


def _persons(*rows: tuple[str, str, date]) -> pl.DataFrame:
    return pl.DataFrame({"pid": [p for p, _, _ in rows], "props": [
        {"sex": s, "birth_date": b} for _, s, b in rows]})


def _statement(child: str, parent: str, statement: str, side: str | None = None,
               kind: str = "biological", inferred: bool = False) -> dict[str, Any]:
    return {"child": child, "parent": parent, "kind": kind, "inferred": inferred,
            "confidence": 1.0, "records": [statement.rsplit("|", 1)[0]], "side": side,
            "statement": statement}


def _married(*rows: tuple[str, str, date, str]) -> pl.DataFrame:
    return pl.DataFrame([
        {"husband": h, "wife": w, "seq": 1, "married_on": on, "ended_on": None,
         "end_reason": None, "records": [rec], "statements": [f"{rec}|event"]}
        for h, w, on, rec in rows], schema={
        "husband": pl.String, "wife": pl.String, "seq": pl.Int64, "married_on": pl.Date,
        "ended_on": pl.Date, "end_reason": pl.String, "records": pl.List(pl.String),
        "statements": pl.List(pl.String)})


def _detect(statements: list[dict[str, Any]], persons: pl.DataFrame,
            married: pl.DataFrame | None = None, rulings: Rulings = NO_RULINGS) -> Found:
    frame = pl.DataFrame(statements, schema=relations.STATEMENT_SCHEMA)
    mentions = pl.DataFrame(schema={"mention_id": pl.String, "birth_date": pl.Date,
                                    "id_birth_date": pl.Date})
    pids = pl.DataFrame(schema={"mention_id": pl.String, "pid": pl.String})
    return conflicts.detect(frame, relations.child_of(frame),
                            married if married is not None else _married(), persons,
                            mentions, pids, rulings)


def _sides(found: Found, kind: str) -> list[list[dict[str, Any]]]:
    rows = found.reviews.filter(pl.col("kind") == kind)
    return [json.loads(s) for s in rows["sides"]]


def _disputed(found: Found, name: str) -> set[tuple[Any, ...]]:
    return set(found.disputed[name].drop("disputed").iter_rows())


FAMILY = _persons(("C", "1", date(2010, 5, 20)), ("M1", "2", date(1985, 3, 1)),
                  ("M2", "2", date(1980, 7, 1)), ("F", "1", date(1983, 1, 1)))


def test_two_stated_mothers_are_one_conflict_with_each_mothers_records() -> None:
    found = _detect([_statement("C", "M1", f"{BIRTH}|mother", "mother"),
                     _statement("C", "F", f"{BIRTH}|father", "father"),
                     _statement("C", "M2", f"{BLOOD}|relative", "mother")], FAMILY)
    (sides,) = _sides(found, conflicts.TWO_MOTHERS)
    assert {(s["parent_pid"], tuple(s["records"])) for s in sides} == {
        ("M1", (BIRTH,)), ("M2", (BLOOD,))}
    assert found.counts == {conflicts.TWO_MOTHERS: 1}
    # Both mothers' edges are disputed; the father's is not.
    assert _disputed(found, "child_of") == {("C", "M1", "biological"),
                                            ("C", "M2", "biological")}


def test_a_child_code_takes_the_side_from_the_parents_sex() -> None:
    # "C is the son (20) of M2": the row does not say mother, M2's sex does.
    found = _detect([_statement("C", "M1", f"{BIRTH}|mother", "mother"),
                     _statement("C", "M2", f"{BLOOD}|person")], FAMILY)
    assert found.counts == {conflicts.TWO_MOTHERS: 1}


def test_an_inferred_or_adoptive_parent_is_not_a_second_mother() -> None:
    found = _detect([
        _statement("C", "M1", f"{BIRTH}|mother", "mother"),
        _statement("C", "M2", "household|public_security|h1|inferred_spouse", inferred=True),
        _statement("C", "F", "bloodline|self_collected|l2|relative", "mother",
                   kind="adoptive"),
    ], FAMILY)
    assert found.counts == {}


def test_underage_marriages_under_the_law_in_force_on_the_wedding_day() -> None:
    persons = _persons(
        ("G", "1", date(1994, 3, 1)), ("B", "2", date(1990, 1, 1)),   # 2015: groom 21
        ("G2", "1", date(1950, 1, 1)), ("B2", "2", date(1956, 1, 1)),  # 1975: bride 19
        ("G3", "1", date(1950, 1, 1)), ("B3", "2", date(1957, 6, 2)),  # 1975: bride 17
        ("G4", "1", date(1993, 6, 1)), ("B4", "2", date(1990, 1, 1)),  # on his 22nd birthday
    )
    married = _married(("G", "B", date(2015, 6, 1), "marriage|civil_affairs|m1"),
                       ("G2", "B2", date(1975, 6, 1), "marriage|self_collected|m2"),
                       ("G3", "B3", date(1975, 6, 1), "marriage|self_collected|m3"),
                       ("G4", "B4", date(2015, 6, 1), "marriage|civil_affairs|m4"))
    found = _detect([], persons, married)
    reasons = dict(found.reviews.select(pl.col("pids").list.first(), "reason").iter_rows())
    # A 21-year-old groom in 2015 is under the 1980 law's 22; a 19-year-old bride in 1975
    # was of age under the 1950 law's 18, a 17-year-old one was not.
    assert reasons == {"G": "husband_under_age", "G3": "wife_under_age"}
    groom = next(sides for sides in _sides(found, conflicts.UNDERAGE_MARRIAGE)
                 if sides[0]["records"] == ["marriage|civil_affairs|m1"])
    wedding, age = groom
    assert (wedding["claim"], wedding["value"]) == ("marriage", "2015-06-01")
    assert (age["claim"], age["pid"], age["minimum_age"]) == ("birth_date", "G", 22)
    assert age["value"] == "1994-03-01" and "art. 5" in age["law"]
    assert _disputed(found, "married") == {("G", "B", 1), ("G3", "B3", 1)}


def test_a_leap_day_birthday_is_reached_on_the_28th_of_february() -> None:
    persons = _persons(("G", "1", date(1992, 2, 29)), ("B", "2", date(1990, 1, 1)),
                       ("H", "1", date(1992, 2, 29)), ("W", "2", date(1990, 1, 1)))
    married = _married(("G", "B", date(2014, 2, 28), "marriage|civil_affairs|m1"),
                       ("H", "W", date(2014, 2, 27), "marriage|civil_affairs|m2"))
    found = _detect([], persons, married)
    assert found.reviews["pids"].to_list() == [["H", "W"]]


def test_a_cycle_is_one_conflict_and_its_edges_are_not_also_a_parent_age_conflict() -> None:
    persons = _persons(("A", "1", date(1950, 1, 1)), ("B", "1", date(1975, 1, 1)),
                       ("D", "2", date(1978, 1, 1)))
    found = _detect([_statement("B", "A", f"{BIRTH}|father", "father"),
                     _statement("A", "B", f"{BLOOD}|relative", "father"),
                     _statement("D", "A", "birth|birth_platform|b2|father", "father")],
                    persons)
    assert found.counts == {conflicts.ANCESTRY_CYCLE: 1}
    (sides,) = _sides(found, conflicts.ANCESTRY_CYCLE)
    assert {(s["pid"], s["parent_pid"], tuple(s["records"])) for s in sides} == {
        ("B", "A", (BIRTH,)), ("A", "B", (BLOOD,))}
    assert found.reviews["pids"].to_list() == [["A", "B"]]


def test_a_parent_born_after_or_too_close_to_the_child() -> None:
    persons = _persons(("Q", "2", date(1995, 6, 1)), ("P", "2", date(2000, 1, 1)),
                       ("R", "1", date(1985, 1, 1)), ("S", "2", date(1975, 1, 1)))
    found = _detect([_statement("Q", "P", f"{BLOOD}|relative", "mother"),   # born after
                     _statement("Q", "R", f"{BIRTH}|father", "father"),     # 10 at the birth
                     _statement("R", "S", "birth|birth_platform|b3|mother", "mother")],  # 10
                    persons)
    assert dict(found.reviews.select(pl.col("pids").list.last(), "reason").iter_rows()) == {
        "P": "parent_born_after_child", "R": "parent_too_young", "S": "parent_too_young"}
    # The items come in review-id order: P's is the one whose edge has P as the parent.
    ((edge, parent_born, child_born),) = [s for s in _sides(found, conflicts.PARENT_AGE)
                                          if s[0]["parent_pid"] == "P"]
    assert (edge["claim"], parent_born["value"], child_born["value"]) == (
        "child_of", "2000-01-01", "1995-06-01")


def test_ids_are_stable_and_rulings_are_kept() -> None:
    statements = [_statement("C", "M1", f"{BIRTH}|mother", "mother"),
                  _statement("C", "M2", f"{BLOOD}|relative", "mother")]
    first = _detect(statements, FAMILY)
    (rid,) = first.reviews["review_id"].to_list()
    assert _detect(statements, FAMILY).reviews["review_id"].to_list() == [rid]
    # Accepted: the same item, no longer disputed.
    accepted = _detect(statements, FAMILY, rulings=Rulings(decided={rid: "accept"}))
    assert accepted.reviews["review_id"].to_list() == [rid]
    assert accepted.disputed["child_of"].height == 0
    # Still found after a dismissal (another row still says it): a follow-up item.
    again = _detect(statements, FAMILY, rulings=Rulings(decided={rid: "dismiss"}))
    (follow,) = again.reviews["review_id"].to_list()
    assert follow != rid and again.disputed["child_of"].height == 2


def test_mark_sets_disputed_on_exactly_the_given_edges() -> None:
    edges = pl.DataFrame({"child": ["C", "C"], "parent": ["M1", "F"],
                          "kind": ["biological", "biological"]})
    disputed = pl.DataFrame({"child": ["C"], "parent": ["M1"], "kind": ["biological"],
                             "disputed": [True]})
    marked = conflicts.mark(edges, disputed)
    assert dict(marked.select("parent", "disputed").iter_rows()) == {"M1": True, "F": False}
