"""GB/T 4761 codes 27/37 (adopted or step son/daughter) and 57/58 (step or adoptive
father/mother) say "adopted OR step": the link they state is ``step_or_adoptive``, never
read as an adoption; the biological codes stay biological."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.derive import relations


def _bloodline(*rows: tuple[str, str, str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = pl.DataFrame([{"feed": "bloodline", "source": "self_collected", "record_id": rid,
                           "relation": code} for rid, code, _, _ in rows])
    pids = pl.DataFrame(
        [{"mention_id": f"bloodline|self_collected|{rid}|{role}", "pid": pid}
         for rid, _, person, relative in rows
         for role, pid in (("person", person), ("relative", relative))])
    return frame, pids


def test_bloodline_step_or_adoptive_codes_both_ways() -> None:
    frame, pids = _bloodline(("l1", "57", "kid", "man"), ("l2", "58", "kid", "woman"),
                             ("l3", "27", "man", "son"), ("l4", "37", "woman", "girl"),
                             ("l5", "51", "kid", "dad"), ("l6", "20", "dad", "kid2"))
    found = relations.child_of_from_bloodline(frame, pids)
    edges = set(found.select("child", "parent", "kind").iter_rows())
    assert edges == {("kid", "man", "step_or_adoptive"), ("kid", "woman", "step_or_adoptive"),
                     ("son", "man", "step_or_adoptive"), ("girl", "woman", "step_or_adoptive"),
                     ("kid", "dad", "biological"), ("kid2", "dad", "biological")}
    assert not found["inferred"].any()


def test_a_heads_adopted_or_step_child_is_the_heads_alone() -> None:
    rows = pl.DataFrame([
        {"feed": "household", "source": "public_security", "record_id": rid,
         "household_id": "HH1", "relation_to_head": code}
        for rid, code in (("a", "02"), ("b", "12"), ("c", "27"), ("d", "20"))])
    pids = pl.DataFrame({"mention_id": [f"household|public_security|{r}|person" for r in "abcd"],
                         "pid": ["head", "wife", "stepson", "son"]})
    # The son was born while head and wife were married: he is hers too.
    married = pl.DataFrame({"husband": ["head"], "wife": ["wife"],
                            "married_on": [date(2000, 1, 1)], "ended_on": [None]},
                           schema={"husband": pl.String, "wife": pl.String,
                                   "married_on": pl.Date, "ended_on": pl.Date})
    born = pl.DataFrame({"pid": ["stepson", "son"],
                         "birth_date": [date(1995, 1, 1), date(2003, 1, 1)]})
    found = relations.child_of_from_households(rows, pids, married, born)
    edges = set(found.select("child", "parent", "kind").iter_rows())
    assert edges == {("stepson", "head", "step_or_adoptive"), ("son", "head", "biological"),
                     ("son", "wife", "biological")}
    assert found["inferred"].all()
