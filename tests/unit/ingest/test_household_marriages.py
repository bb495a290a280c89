"""Marriages the household register shows (a head, 02, and a spouse, 10/11/12, in one
household over the same time), merged with the marriage rows of the same couple, and the
rows that contradict them.  Expected episodes are read off the rows by hand: a couple is
married at least while both rows are in force; a marriage row is never overridden."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl

from ingest.derive import conflicts, relations
from ingest.derive.relations import LEFT_HOUSEHOLD

MAN, WOMAN = "1", "2"
SEXES = {"h1": MAN, "w1": WOMAN, "h2": MAN, "w2": WOMAN, "w3": WOMAN, "m9": MAN}


def _row(rid: str, pid: str, household: str, relation: str, start: date | None,
         end: date | None = None, reason: str | None = None) -> dict[str, Any]:
    return {"feed": "household", "source": "public_security", "record_id": rid,
            "household_id": household, "relation_to_head": relation, "registered_on": start,
            "deregistered_on": end, "deregistered_reason": reason, "pid": pid}


def _frames(rows: list[dict[str, Any]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = pl.DataFrame(rows, schema={
        "feed": pl.String, "source": pl.String, "record_id": pl.String,
        "household_id": pl.String, "relation_to_head": pl.String, "registered_on": pl.Date,
        "deregistered_on": pl.Date, "deregistered_reason": pl.String, "pid": pl.String})
    pids = frame.select(pl.format("household|public_security|{}|person", "record_id")
                        .alias("mention_id"), "pid")
    return frame.drop("pid"), pids


def _sexes(sexes: dict[str, str | None] = SEXES) -> pl.DataFrame:
    return pl.DataFrame({"pid": list(sexes), "sex": list(sexes.values())},
                        schema={"pid": pl.String, "sex": pl.String})


def _spans(rows: list[dict[str, Any]], deaths: dict[str, date] | None = None,
           sexes: dict[str, str | None] = SEXES,
           dismissed: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    frame, pids = _frames(rows)
    return relations.household_marriages(frame, pids, _sexes(sexes), deaths or {},
                                         dismissed).to_dicts()


def _key(rid: str) -> str:
    return f"household|public_security|{rid}"


def test_a_head_and_his_wife_registered_together_are_married_while_both_rows_hold() -> None:
    spans = _spans([_row("a", "h1", "HH1", "02", date(2003, 1, 1)),
                    _row("b", "w1", "HH1", "12", date(2005, 3, 1))])
    assert [(s["husband"], s["wife"], s["from_date"], s["to_date"], s["end_reason"])
            for s in spans] == [("h1", "w1", date(2005, 3, 1), None, None)]
    assert spans[0]["records"] == [_key("a"), _key("b")]
    assert spans[0]["statements"] == [f"{_key('b')}|inferred_marriage"]


def test_a_woman_head_and_her_husband_code_11() -> None:
    spans = _spans([_row("a", "w1", "HH1", "02", date(2003, 1, 1)),
                    _row("b", "h1", "HH1", "11", date(2003, 1, 1))])
    assert [(s["husband"], s["wife"]) for s in spans] == [("h1", "w1")]


def test_unknown_sexes_are_read_from_the_code_and_code_10_alone_settles_nothing() -> None:
    unknown: dict[str, str | None] = {"h1": None, "w1": None}
    by_code = _spans([_row("a", "h1", "HH1", "02", date(2003, 1, 1)),
                      _row("b", "w1", "HH1", "12", date(2003, 1, 1))], sexes=unknown)
    assert [(s["husband"], s["wife"]) for s in by_code] == [("h1", "w1")]
    spouse = _spans([_row("a", "h1", "HH1", "02", date(2003, 1, 1)),
                     _row("b", "w1", "HH1", "10", date(2003, 1, 1))], sexes=unknown)
    assert spouse == []


def test_two_persons_of_one_sex_are_not_made_husband_and_wife() -> None:
    assert _spans([_row("a", "w1", "HH1", "02", date(2003, 1, 1)),
                   _row("b", "w2", "HH1", "10", date(2003, 1, 1))]) == []


def test_a_code_a_known_sex_contradicts_makes_no_marriage() -> None:
    # 12 says the spouse is the head's wife; the head is a woman (h1 is unknown): which of
    # code and sex is wrong is not known.
    assert _spans([_row("a", "w1", "HH1", "02", date(2003, 1, 1)),
                   _row("b", "h1", "HH1", "12", date(2003, 1, 1))],
                  sexes={"w1": WOMAN, "h1": None}) == []


def test_rows_that_never_overlap_state_no_marriage() -> None:
    assert _spans([_row("a", "h1", "HH1", "02", date(2000, 1, 1), date(2004, 1, 1),
                        "moved_out"),
                   _row("b", "w1", "HH1", "12", date(2004, 1, 1))]) == []


def test_a_couple_moving_together_stays_one_marriage() -> None:
    spans = _spans([
        _row("a", "h1", "HH1", "02", date(2000, 1, 1), date(2010, 1, 1), "moved_out"),
        _row("b", "w1", "HH1", "12", date(2000, 1, 1), date(2010, 1, 1), "moved_out"),
        _row("c", "w1", "HH2", "02", date(2010, 2, 1)),  # she heads the new household
        _row("d", "h1", "HH2", "11", date(2010, 2, 1))])
    assert [(s["from_date"], s["to_date"]) for s in spans] == [(date(2000, 1, 1), None)]
    assert spans[0]["records"] == sorted(_key(r) for r in "abcd")


def test_a_spouse_leaving_ends_the_inferred_marriage_without_calling_it_a_divorce() -> None:
    spans = _spans([_row("a", "h1", "HH1", "02", date(2000, 1, 1)),
                    _row("b", "w1", "HH1", "12", date(2000, 1, 1), date(2012, 5, 5),
                         "moved_out")])
    assert [(s["to_date"], s["end_reason"]) for s in spans] == [(date(2012, 5, 5),
                                                                 LEFT_HOUSEHOLD)]


def test_a_death_ends_it_as_a_death() -> None:
    by_row = _spans([_row("a", "h1", "HH1", "02", date(2000, 1, 1), date(2015, 2, 2), "death"),
                     _row("b", "w1", "HH1", "12", date(2000, 1, 1))])
    assert [(s["to_date"], s["end_reason"]) for s in by_row] == [(date(2015, 2, 2), "death")]
    open_row = _spans([_row("a", "h1", "HH1", "02", date(2000, 1, 1)),
                       _row("b", "w1", "HH1", "12", date(2000, 1, 1))],
                      deaths={"w1": date(2019, 9, 9)})
    assert [(s["to_date"], s["end_reason"]) for s in open_row] == [(date(2019, 9, 9), "death")]


def test_a_dismissed_row_states_nothing() -> None:
    rows = [_row("a", "h1", "HH1", "02", date(2003, 1, 1)),
            _row("b", "w1", "HH1", "12", date(2003, 1, 1))]
    assert _spans(rows, dismissed=frozenset({f"{_key('b')}|inferred_marriage"})) == []


# --- merged with marriage rows -------------------------------------------------------------

def _stated(*episodes: tuple[str, str, date | None, date | None, str | None, str]
            ) -> pl.DataFrame:
    rows = []
    for seq, (h, w, start, end, reason, rid) in enumerate(episodes, 1):
        divorce = f"marriage|civil_affairs|{rid}-d" if reason == "divorce" else None
        rows.append({"husband": h, "wife": w, "seq": seq, "married_on": start,
                     "ended_on": end, "end_reason": reason,
                     "records": [f"marriage|civil_affairs|{rid}"] + ([divorce] if divorce else []),
                     "statements": [f"marriage|civil_affairs|{rid}|event"], "ended_by": divorce})
    return pl.DataFrame(rows, schema=relations.STATED_SCHEMA)


def _merge(stated: pl.DataFrame, rows: list[dict[str, Any]]
           ) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame, pids = _frames(rows)
    spans = relations.household_marriages(frame, pids, _sexes(), {})
    return relations.with_household_marriages(stated, spans)


def test_the_row_stated_marriage_keeps_its_date_and_gains_the_household_rows() -> None:
    married, spans = _merge(_stated(("h1", "w1", date(2004, 6, 1), None, None, "m1")),
                            [_row("a", "h1", "HH1", "02", date(2003, 1, 1)),
                             _row("b", "w1", "HH1", "12", date(2005, 3, 1))])
    (only,) = married.to_dicts()
    assert (only["married_on"], only["inferred"], only["seq"]) == (date(2004, 6, 1), False, 1)
    assert set(only["records"]) == {"marriage|civil_affairs|m1", _key("a"), _key("b")}
    assert spans["merged"].to_list() == [True]


def test_an_earlier_household_span_is_an_inferred_episode_before_the_row() -> None:
    married, spans = _merge(_stated(("h1", "w1", date(2010, 1, 1), None, None, "m1")),
                            [_row("a", "h1", "HH1", "02", date(2001, 1, 1), date(2005, 1, 1),
                                  "moved_out"),
                             _row("b", "w1", "HH1", "12", date(2001, 1, 1))])
    assert [(m["seq"], m["married_on"], m["ended_on"], m["inferred"])
            for m in married.to_dicts()] == [(1, date(2001, 1, 1), date(2005, 1, 1), True),
                                             (2, date(2010, 1, 1), None, False)]
    assert spans.select("seq", "merged").rows() == [(1, False)]


def test_couples_without_household_rows_are_untouched() -> None:
    stated = _stated(("h2", "w2", date(1999, 9, 9), None, None, "m2"))
    married, spans = _merge(stated, [])
    assert married.drop("inferred").equals(stated) and spans.height == 0
    assert married["inferred"].to_list() == [False]


# --- contradicted by rows --------------------------------------------------------------

def _found(stated: pl.DataFrame, rows: list[dict[str, Any]]) -> list[conflicts.Conflict]:
    married, spans = _merge(stated, rows)
    return conflicts.household_marriages(spans, married.filter(~pl.col("inferred")), 90)


def test_still_registered_as_spouses_a_year_after_their_divorce() -> None:
    stated = _stated(("h1", "w1", date(2000, 1, 1), date(2010, 1, 1), "divorce", "m1"))
    found = _found(stated, [_row("a", "h1", "HH1", "02", date(2001, 1, 1)),
                            _row("b", "w1", "HH1", "12", date(2001, 1, 1))])
    (item,) = found
    assert (item.kind, item.reason) == ("conflict_household_marriage", "divorce_recorded")
    household, divorce = item.sides
    assert (household["claim"], household["value"]) == ("household_spouses", "2001-01-01")
    assert household["statements"] == [f"{_key('b')}|inferred_marriage"]
    assert (divorce["claim"], divorce["value"], divorce["records"]) == (
        "divorce", "2010-01-01", ["marriage|civil_affairs|m1-d"])
    assert item.married == (("h1", "w1", 1),)


def test_a_register_updated_within_the_lag_or_a_remarriage_contradicts_nothing() -> None:
    lagging = _found(_stated(("h1", "w1", date(2000, 1, 1), date(2010, 1, 1), "divorce", "m1")),
                     [_row("a", "h1", "HH1", "02", date(2001, 1, 1)),
                      _row("b", "w1", "HH1", "12", date(2001, 1, 1), date(2010, 3, 1),
                           "moved_out")])
    assert lagging == []
    fuhun = _found(_stated(("h1", "w1", date(2000, 1, 1), date(2010, 1, 1), "divorce", "m1"),
                           ("h1", "w1", date(2010, 2, 1), None, None, "m2")),
                   [_row("a", "h1", "HH1", "02", date(2001, 1, 1)),
                    _row("b", "w1", "HH1", "12", date(2001, 1, 1))])
    assert fuhun == []


def test_registered_as_spouses_while_a_marriage_row_has_him_married_to_another() -> None:
    stated = _stated(("h1", "w3", date(1995, 1, 1), None, None, "m3"))
    found = _found(stated, [_row("a", "h1", "HH1", "02", date(2008, 1, 1)),
                            _row("b", "w1", "HH1", "12", date(2008, 1, 1))])
    (item,) = found
    assert item.reason == "married_to_another"
    household, other = item.sides
    assert (other["claim"], other["pid"], other["parent_pid"], other["records"]) == (
        "marriage", "h1", "w3", ["marriage|civil_affairs|m3"])
    assert set(item.married) == {("h1", "w1", 1), ("h1", "w3", 1)}
    assert set(item.pids) == {"h1", "w1", "w3"}


def test_an_earlier_marriage_that_ended_before_is_no_contradiction() -> None:
    stated = _stated(("h1", "w3", date(1995, 1, 1), date(2007, 1, 1), "divorce", "m3"))
    assert _found(stated, [_row("a", "h1", "HH1", "02", date(2008, 1, 1)),
                           _row("b", "w1", "HH1", "12", date(2008, 1, 1))]) == []


# --- one item, whatever the order of the rows ---------------------------------------------

def _marriage_rows(*rows: tuple[str, str, str, date]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Marriage rows ``(source, record_id, event, date)`` of h1 and w1, and their pids."""
    frame = pl.DataFrame([{"feed": "marriage", "source": s, "record_id": r, "event": e,
                           "event_date": d} for s, r, e, d in rows],
                         schema={"feed": pl.String, "source": pl.String,
                                 "record_id": pl.String, "event": pl.String,
                                 "event_date": pl.Date})
    pids = pl.DataFrame([(f"marriage|{s}|{r}|{role}", pid) for s, r, _, _ in rows
                         for role, pid in (("husband", "h1"), ("wife", "w1"))],
                        schema={"mention_id": pl.String, "pid": pl.String}, orient="row")
    return frame, pids


def _detect(married: pl.DataFrame, spans: pl.DataFrame) -> conflicts.Found:
    empty = pl.DataFrame(schema=relations.STATEMENT_SCHEMA)
    persons = pl.DataFrame({"pid": ["h1", "w1"], "props": [
        {"sex": MAN, "birth_date": date(1980, 1, 1)},
        {"sex": WOMAN, "birth_date": date(1982, 1, 1)}]})
    return conflicts.detect(empty, relations.child_of(empty), married, persons,
                            pl.DataFrame(schema={"mention_id": pl.String, "birth_date": pl.Date,
                                                 "id_birth_date": pl.Date}),
                            pl.DataFrame(schema={"mention_id": pl.String, "pid": pl.String}),
                            spans=spans)


def test_a_divorce_recorded_twice_is_one_item_whatever_the_order_of_the_rows() -> None:
    # Married in 2009; the divorce of 2012-03-01 is registered by civil affairs and reported
    # again by a self-collected row; the register shows them as head and spouse from
    # 2009-07-01 on, years after.  One register, one divorce day: one contradiction, though
    # the second divorce row makes a second episode (its wedding unknown) with the same
    # subject, so the two conflicts share one review id.
    rows, pids = _marriage_rows(("civil_affairs", "m1", "marriage", date(2009, 6, 1)),
                                ("civil_affairs", "d1", "divorce", date(2012, 3, 1)),
                                ("self_collected", "d2", "divorce", date(2012, 3, 1)))
    stated = relations.marriages(rows, pids, {})
    assert stated.height == 2
    household, household_pids = _frames([_row("a", "h1", "HH1", "02", date(2009, 7, 1)),
                                         _row("b", "w1", "HH1", "12", date(2009, 7, 1))])
    spans = relations.household_marriages(household, household_pids, _sexes(), {})
    married, spans = relations.with_household_marriages(stated, spans)
    found = [_detect(order, spans) for order in (married, married.reverse())]
    for one in found:
        assert one.counts == {conflicts.HOUSEHOLD_MARRIAGE: 1}
        (reason,) = one.reviews["reason"].to_list()
        assert reason == "divorce_recorded"
    assert found[0].reviews.equals(found[1].reviews)
    # The one kept is the least by its sides: the civil-affairs divorce row.
    divorce = json.loads(found[0].reviews["sides"][0])[1]
    assert divorce["records"] == ["marriage|civil_affairs|d1"]


def test_pairs_of_one_couple_on_the_same_days_give_one_answer_in_any_row_order() -> None:
    # The couple is registered together in two households over the same days; one
    # household's rows end by a death, the other's by a move. The span, its end and its
    # reason cannot depend on which household's rows come first.
    rows = [_row("a", "h1", "HH1", "02", date(2000, 1, 1), date(2010, 1, 1), "moved_out"),
            _row("b", "w1", "HH1", "12", date(2000, 1, 1), date(2010, 1, 1), "moved_out"),
            _row("c", "h1", "HH2", "02", date(2000, 1, 1), date(2010, 1, 1), "death"),
            _row("d", "w1", "HH2", "12", date(2000, 1, 1), date(2010, 1, 1), "death")]
    forward, backward = _spans(rows), _spans(rows[::-1])
    assert forward == backward
    assert [(s["from_date"], s["to_date"]) for s in forward] == [
        (date(2000, 1, 1), date(2010, 1, 1))]
    assert forward[0]["records"] == [_key(r) for r in "abcd"]
