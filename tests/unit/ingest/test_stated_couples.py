"""Couples rows other than marriage rows state: a bloodline row whose relative is the
person's spouse (GB/T 4761 10 spouse, 11 husband, 12 wife), a family-planning certificate
(issued to a husband and wife) and a pregnancy registration (a woman and her husband).
A couple known only so was married, from a day no row says, until a death or an end no
row says; a marriage row that has one of them married to someone else on such a row's
date is a conflict for review.  Expected results are read off the rows by hand."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl

from ingest.derive import conflicts, relations
from ingest.derive.relations import END_UNKNOWN, STATED_SPOUSES

MAN, WOMAN = "1", "2"


def _sexes(**sexes: str | None) -> pl.DataFrame:
    return pl.DataFrame({"pid": list(sexes), "sex": list(sexes.values())},
                        schema={"pid": pl.String, "sex": pl.String})


def _bloodline(*rows: tuple[str, str, str, str, date]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(record id, person pid, relative pid, code, collected on)."""
    frame = pl.DataFrame([{"feed": "bloodline", "source": "self_collected", "record_id": rid,
                           "relation": code, "collected_on": on}
                          for rid, _, _, code, on in rows])
    pids = pl.DataFrame([{"mention_id": f"bloodline|self_collected|{rid}|{role}", "pid": pid}
                         for rid, person, relative, _, _ in rows
                         for role, pid in (("person", person), ("relative", relative))])
    return frame, pids


def _couples(frame: pl.DataFrame, pids: pl.DataFrame, sexes: pl.DataFrame,
             dismissed: frozenset[str] = frozenset()) -> set[tuple[str, str]]:
    found = relations.couple_statements({"bloodline": frame}, pids, sexes, dismissed)
    return set(found.select("husband", "wife").iter_rows())


def test_spouse_codes_name_husband_and_wife() -> None:
    # l1: the relative is the person's wife (12); l2: her husband (11); l3: spouse (10),
    # sexes known.
    frame, pids = _bloodline(("l1", "h1", "w1", "12", date(2015, 1, 1)),
                             ("l2", "w2", "h2", "11", date(2015, 1, 1)),
                             ("l3", "w3", "h3", "10", date(2015, 1, 1)))
    sexes = _sexes(h1=MAN, w1=WOMAN, h2=MAN, w2=WOMAN, h3=MAN, w3=WOMAN)
    assert _couples(frame, pids, sexes) == {("h1", "w1"), ("h2", "w2"), ("h3", "w3")}


def test_spouse_codes_without_sexes_and_persons_of_one_sex() -> None:
    frame, pids = _bloodline(("l1", "a", "b", "12", date(2015, 1, 1)),  # b is a's wife
                             ("l2", "c", "d", "10", date(2015, 1, 1)),  # nothing settles it
                             ("l3", "e", "f", "12", date(2015, 1, 1)))  # two women
    sexes = _sexes(a=None, b=None, c=None, d=None, e=WOMAN, f=WOMAN)
    assert _couples(frame, pids, sexes) == {("a", "b")}


def test_other_codes_and_dismissed_rows_state_no_couple() -> None:
    frame, pids = _bloodline(("l1", "kid", "dad", "51", date(2015, 1, 1)),
                             ("l2", "h1", "w1", "12", date(2015, 1, 1)))
    sexes = _sexes(kid=MAN, dad=MAN, h1=MAN, w1=WOMAN)
    assert _couples(frame, pids, sexes) == {("h1", "w1")}
    dismissed = frozenset({f"bloodline|self_collected|l2|{STATED_SPOUSES}"})
    assert _couples(frame, pids, sexes, dismissed) == set()


def test_certificates_and_pregnancy_registrations_name_a_couple() -> None:
    certificate = pl.DataFrame({"feed": ["certificate"], "source": ["permit_system"],
                                "record_id": ["c1"], "issued_on": [date(2012, 3, 3)]})
    pregnancy = pl.DataFrame({"feed": ["pregnancy"], "source": ["pregnancy_platform"],
                              "record_id": ["p1"], "registered_on": [date(2018, 4, 4)]})
    pids = pl.DataFrame({"mention_id": ["certificate|permit_system|c1|husband",
                                        "certificate|permit_system|c1|wife",
                                        "pregnancy|pregnancy_platform|p1|woman",
                                        "pregnancy|pregnancy_platform|p1|husband"],
                         "pid": ["h1", "w1", "w2", "h2"]})
    found = relations.couple_statements({"certificate": certificate, "pregnancy": pregnancy},
                                        pids, _sexes(h1=MAN, w1=WOMAN, h2=MAN, w2=WOMAN))
    assert set(found.select("husband", "wife", "on").iter_rows()) == {
        ("h1", "w1", date(2012, 3, 3)), ("h2", "w2", date(2018, 4, 4))}


def _episode(h: str, w: str, start: date | None, end: date | None, reason: str | None,
             rid: str, inferred: bool = False) -> dict[str, Any]:
    return {"husband": h, "wife": w, "seq": 1, "married_on": start, "ended_on": end,
            "end_reason": reason, "records": [f"marriage|civil_affairs|{rid}"],
            "statements": [f"marriage|civil_affairs|{rid}|event"], "ended_by": None,
            "inferred": inferred}


def _married(*episodes: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(episodes), schema=relations.MARRIED_SCHEMA)


def _stated_couples(*rows: tuple[str, str, str, date]) -> pl.DataFrame:
    return pl.DataFrame([{"husband": h, "wife": w, "on": on,
                          "record": f"bloodline|self_collected|{rid}",
                          "statement": f"bloodline|self_collected|{rid}|{STATED_SPOUSES}"}
                         for rid, h, w, on in rows], schema=relations.COUPLE_SCHEMA)


def test_a_couple_known_only_from_such_rows_is_an_inferred_marriage_of_unknown_dates() -> None:
    couples = _stated_couples(("l1", "h1", "w1", date(2015, 1, 1)),
                              ("l2", "h1", "w1", date(2016, 1, 1)),
                              ("l3", "h2", "w2", date(2015, 1, 1)))
    married = relations.with_stated_couples(_married(), couples, {"w2": date(2019, 9, 9)})
    got = {(m["husband"], m["wife"]): m for m in married.to_dicts()}
    # No row says when h1 and w1 married nor whether it ended: not a current marriage,
    # not a divorce.  w2's death ends the other.
    assert [(m["married_on"], m["ended_on"], m["end_reason"], m["inferred"], m["seq"])
            for m in (got["h1", "w1"], got["h2", "w2"])] == [
        (None, None, END_UNKNOWN, True, 1), (None, date(2019, 9, 9), "death", True, 1)]
    assert got["h1", "w1"]["records"] == ["bloodline|self_collected|l1",
                                          "bloodline|self_collected|l2"]


def test_a_couple_that_already_has_a_marriage_gains_no_episode() -> None:
    stated = _married(_episode("h1", "w1", date(2001, 1, 1), None, None, "m1"))
    married = relations.with_stated_couples(
        stated, _stated_couples(("l1", "h1", "w1", date(2015, 1, 1))), {})
    assert married.equals(stated)


def test_named_as_a_couple_while_a_marriage_row_has_him_married_to_another() -> None:
    # h1 married w9 in 2005 (a marriage row, never ended); a bloodline row of 2015 names
    # w1 as his wife: one of the two is wrong.  A row of 2003, before that marriage,
    # contradicts nothing.
    stated = _married(_episode("h1", "w9", date(2005, 1, 1), None, None, "m9"))
    couples = _stated_couples(("l1", "h1", "w1", date(2015, 1, 1)),
                              ("l2", "h1", "w1", date(2003, 1, 1)))
    married = relations.with_stated_couples(stated, couples, {})
    (item,) = conflicts.stated_couples(married, couples, stated, 90)
    assert (item.kind, item.reason) == (conflicts.STATED_MARRIAGE,
                                        "stated_while_married_to_another")
    mine, other = item.sides
    assert (mine["claim"], mine["value"], mine["records"]) == (
        "stated_spouses", "2015-01-01", ["bloodline|self_collected|l1"])
    assert (other["claim"], other["pid"], other["parent_pid"], other["value"]) == (
        "marriage", "h1", "w9", "2005-01-01")
    assert set(item.married) == {("h1", "w1", 1), ("h1", "w9", 1)}
    json.dumps(item.sides)  # the sides are stored as JSON


def test_a_row_within_the_lag_of_the_other_marriage_or_after_its_end_contradicts_nothing(
        ) -> None:
    # w9's marriage began 2005-01-01 and ended 2010-01-01: rows of 2005-02-01 (within 90
    # days of its start) and of 2010-02-01 (after its end) contradict nothing.
    stated = _married(_episode("h1", "w9", date(2005, 1, 1), date(2010, 1, 1), "divorce",
                               "m9"))
    couples = _stated_couples(("l1", "h1", "w1", date(2005, 2, 1)),
                              ("l2", "h1", "w1", date(2010, 2, 1)))
    married = relations.with_stated_couples(stated, couples, {})
    assert conflicts.stated_couples(married, couples, stated, 90) == []


def test_a_code_that_a_known_sex_contradicts_states_no_couple() -> None:
    # l1: 12 says the relative is the person's wife, but the relative is a man (a sex
    # read off a mistyped number, or a miskeyed code: which is wrong is not known).
    # l2: 11 says the relative is her husband and her own sex agrees.
    frame, pids = _bloodline(("l1", "p1", "r1", "12", date(2015, 1, 1)),
                             ("l2", "p2", "r2", "11", date(2015, 1, 1)))
    sexes = _sexes(p1=None, r1=MAN, p2=WOMAN, r2=None)
    assert _couples(frame, pids, sexes) == {("r2", "p2")}
