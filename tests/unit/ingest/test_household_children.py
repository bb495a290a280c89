"""A household code says what a member is to the head (GB/T 4761: 20 son, 30 daughter of
the head), never what they are to the head's spouse.  The head's son is the spouse's son
too only if he was born while head and spouse were married; a son of the head's earlier
marriage is the spouse's stepson, and reading a step-parent as a parent is worse than a
link missing.  Expected edges are read off the dates by hand."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.derive import relations

HEAD_CHILD_ROWS = (("a", "02", "head"), ("b", "12", "wife"), ("c", "20", "son"),
                   ("d", "30", "daughter"))


def _rows(members: tuple[tuple[str, str, str], ...] = HEAD_CHILD_ROWS
          ) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = pl.DataFrame([{"feed": "household", "source": "public_security", "record_id": rid,
                          "household_id": "HH1", "relation_to_head": code}
                         for rid, code, _ in members])
    pids = pl.DataFrame({"mention_id": [f"household|public_security|{rid}|person"
                                        for rid, _, _ in members],
                         "pid": [pid for _, _, pid in members]})
    return rows, pids


def _married(*episodes: tuple[str, str, date | None, date | None]) -> pl.DataFrame:
    return pl.DataFrame([{"husband": h, "wife": w, "married_on": start, "ended_on": end}
                         for h, w, start, end in episodes],
                        schema={"husband": pl.String, "wife": pl.String,
                                "married_on": pl.Date, "ended_on": pl.Date})


def _born(**days: date | None) -> pl.DataFrame:
    return pl.DataFrame({"pid": list(days), "birth_date": list(days.values())},
                        schema={"pid": pl.String, "birth_date": pl.Date})


def _edges(married: pl.DataFrame | None, born: pl.DataFrame | None,
           members: tuple[tuple[str, str, str], ...] = HEAD_CHILD_ROWS
           ) -> set[tuple[str, str]]:
    rows, pids = _rows(members)
    found = relations.child_of_from_households(rows, pids, married, born)
    return set(found.select("child", "parent").iter_rows())


def test_children_born_in_the_marriage_are_both_spouses() -> None:
    # Married 2000-05-01; the son born 2003, the daughter 2006: both within it.
    edges = _edges(_married(("head", "wife", date(2000, 5, 1), None)),
                   _born(son=date(2003, 2, 2), daughter=date(2006, 6, 6)))
    assert edges == {("son", "head"), ("daughter", "head"), ("son", "wife"),
                     ("daughter", "wife")}


def test_a_child_of_the_heads_earlier_marriage_is_not_the_new_wifes() -> None:
    # The son was born in 1995, the head married this wife in 2000: she is his
    # stepmother (the code 20 says only that he is the head's son).  The daughter, born
    # in 2002, is hers.
    edges = _edges(_married(("head", "wife", date(2000, 5, 1), None)),
                   _born(son=date(1995, 3, 3), daughter=date(2002, 1, 1)))
    assert edges == {("son", "head"), ("daughter", "head"), ("daughter", "wife")}


def test_the_wedding_day_counts_from_the_first_day_either_source_shows_them_married() -> None:
    # A household-inferred episode (the register shows them as spouses from 1990) before
    # the row-stated one of 2010: a son born in 1992 was born while they were married.
    edges = _edges(_married(("head", "wife", date(1990, 1, 1), date(2005, 1, 1)),
                            ("head", "wife", date(2010, 1, 1), None)),
                   _born(son=date(1992, 4, 4), daughter=date(2008, 8, 8)))
    # The daughter was born in 2008, between the two episodes (more than 300 days after
    # the first ended): nothing shows the couple married then.
    assert edges == {("son", "head"), ("daughter", "head"), ("son", "wife")}


def test_a_child_born_within_300_days_of_the_marriage_s_end_is_of_it() -> None:
    # The marriage ended on 2010-01-01 (his death); born 200 days later: of the marriage;
    # 400 days later: not.
    edges = _edges(_married(("head", "wife", date(2000, 1, 1), date(2010, 1, 1))),
                   _born(son=date(2010, 7, 20), daughter=date(2011, 2, 5)))
    assert edges == {("son", "head"), ("daughter", "head"), ("son", "wife")}


def test_an_unknown_birth_date_or_wedding_day_links_no_child_to_the_spouse() -> None:
    unknown_birth = _edges(_married(("head", "wife", date(2000, 1, 1), None)),
                           _born(son=None, daughter=date(2005, 5, 5)))
    assert unknown_birth == {("son", "head"), ("daughter", "head"), ("daughter", "wife")}
    unknown_wedding = _edges(_married(("head", "wife", None, None)),
                             _born(son=date(2003, 3, 3), daughter=date(2005, 5, 5)))
    assert unknown_wedding == {("son", "head"), ("daughter", "head")}
    without_dates = _edges(None, None)
    assert without_dates == {("son", "head"), ("daughter", "head")}


def test_a_wife_heading_the_household_and_her_husband_code_11() -> None:
    members = (("a", "02", "mum"), ("b", "11", "dad"), ("c", "30", "girl"))
    edges = _edges(_married(("dad", "mum", date(1998, 1, 1), None)),
                   _born(girl=date(1999, 9, 9)), members)
    assert edges == {("girl", "mum"), ("girl", "dad")}


def test_another_couples_marriage_says_nothing_about_this_one() -> None:
    # The head's marriage to someone else (an earlier wife) covers the son's birth; the
    # wife registered with them now married the head only in 2000.
    edges = _edges(_married(("head", "former", date(1990, 1, 1), date(1997, 1, 1)),
                            ("head", "wife", date(2000, 1, 1), None)),
                   _born(son=date(1993, 3, 3), daughter=date(2001, 1, 1)))
    assert edges == {("son", "head"), ("daughter", "head"), ("daughter", "wife")}
