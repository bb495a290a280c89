"""Fusion's age veto: merges that would make a person who could not have lived are refused.

Known answers are ages worked out by hand from the dates in each test."""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.fusion.lifetimes import (
    BORN_AFTER_DEATH,
    EVENT_AFTER_DEATH,
    MOTHER_TOO_OLD,
    OWN_PARENT,
    PARENT_BORN_AFTER_CHILD,
    PARENT_TOO_YOUNG,
    SPOUSE_TOO_YOUNG,
    Life,
    LifeBounds,
    Lives,
    parent_refusal,
    parenthood,
)
from ingest.fusion.resolution import Decisions, Thresholds
from tests.factories import assigned_pids, background, fuse, mention, mentions_frame, person_id

BOUNDS = LifeBounds()
# A small frame has too few people for a name alone to reach the link threshold of a
# province; with the bar at 8 bits, a name, sex and county agreeing make a link.
LOW_BAR = Thresholds(link=8.0, review=4.0)


def ymd(d: date) -> int:
    return d.year * 10_000 + d.month * 100 + d.day


def test_a_mother_aged_nine_cannot_be_the_mother() -> None:
    # Born 2001-03-01, the child on 2010-05-20: she was 9.
    assert parent_refusal(ymd(date(2010, 5, 20)), ymd(date(2001, 3, 1)), True,
                          BOUNDS) == PARENT_TOO_YOUNG


def test_a_parent_born_after_the_child_cannot_be_the_parent() -> None:
    assert parent_refusal(ymd(date(2010, 5, 20)), ymd(date(2012, 1, 1)), False,
                          BOUNDS) == PARENT_BORN_AFTER_CHILD


def test_ages_at_the_bounds() -> None:
    child = ymd(date(2010, 5, 20))
    # Twelve on the day of the birth: possible; a day short of twelve: not.
    assert parent_refusal(child, ymd(date(1998, 5, 20)), True, BOUNDS) is None
    assert parent_refusal(child, ymd(date(1998, 5, 21)), True, BOUNDS) == PARENT_TOO_YOUNG
    # Sixty on the day: possible for a mother; sixty and a day: not.  A father may be.
    assert parent_refusal(child, ymd(date(1950, 5, 20)), True, BOUNDS) is None
    assert parent_refusal(child, ymd(date(1950, 5, 19)), True, BOUNDS) == MOTHER_TOO_OLD
    assert parent_refusal(child, ymd(date(1950, 5, 19)), False, BOUNDS) is None


def _lives(*lives: Life) -> Lives:
    return Lives(dict(enumerate(lives)), {}, BOUNDS)


def _find(x: int) -> int:
    return x


def test_a_marriage_at_thirteen_or_after_death_is_refused() -> None:
    # Born 2000-07-01 and married 2014-06-01: 13, under the floor of 14.
    born = Life(born={ymd(date(2000, 7, 1)): 2}, birth=ymd(date(2000, 7, 1)))
    wed = Life(wed=ymd(date(2014, 6, 1)), alive=ymd(date(2014, 6, 1)))
    assert _lives(born, wed).refusal(0, 1, _find) == SPOUSE_TOO_YOUNG
    # Died 2010-01-01; a marriage row of 2015-06-01 is someone else's.
    died = Life(born={ymd(date(1980, 5, 5)): 2}, birth=ymd(date(1980, 5, 5)),
                died=ymd(date(2010, 1, 1)))
    later = Life(wed=ymd(date(2015, 6, 1)), alive=ymd(date(2015, 6, 1)))
    assert _lives(died, later).refusal(0, 1, _find) == EVENT_AFTER_DEATH
    # Three rows saying 2012-01-01 outvote the dead man's two: born after the death.
    young = Life(born={ymd(date(2012, 1, 1)): 3}, birth=ymd(date(2012, 1, 1)))
    assert _lives(died, young).refusal(0, 1, _find) == BORN_AFTER_DEATH


def test_a_cluster_birth_date_is_the_one_most_of_its_rows_state() -> None:
    # A woman whose rows say 1980-03-01 three times and, mistyped, 2000-03-01 once is
    # born in 1980: she can be the mother of a child born 2010-05-20 (aged 30), and a
    # birth row naming her as that mother joins her.
    mother = Life(born={ymd(date(1980, 3, 1)): 3, ymd(date(2000, 3, 1)): 1},
                  birth=ymd(date(1980, 3, 1)), children=[(1, True)])
    child = Life(born={ymd(date(2010, 5, 20)): 2}, birth=ymd(date(2010, 5, 20)),
                 parents=[(0, True)])
    named = Life(children=[(1, True)])  # a birth row's mother, without number or date
    assert _lives(mother, child, named).refusal(0, 2, _find) is None
    # Three more rows saying 2000-03-01 outvote 1980: she would be 10 at the birth.
    typos = Life(born={ymd(date(2000, 3, 1)): 3}, birth=ymd(date(2000, 3, 1)))
    assert _lives(mother, child, typos).refusal(0, 2, _find) == PARENT_TOO_YOUNG


def test_an_age_problem_the_rows_already_had_does_not_refuse_other_links() -> None:
    # A mother's own rows already put her at 9 at the birth (a noisy row): merging another
    # mention with the same date is no new impossibility.
    mother = Life(born={ymd(date(2001, 3, 1)): 2}, birth=ymd(date(2001, 3, 1)),
                  children=[(1, True)])
    child = Life(born={ymd(date(2010, 5, 20)): 1}, birth=ymd(date(2010, 5, 20)))
    other = Life(born={ymd(date(2001, 3, 1)): 1}, birth=ymd(date(2001, 3, 1)))
    assert _lives(mother, child, other).refusal(0, 2, _find) is None


def test_a_person_cannot_be_their_own_parent() -> None:
    child = Life(born={ymd(date(1990, 1, 1)): 1}, birth=ymd(date(1990, 1, 1)),
                 parents=[(1, False)])
    father = Life(children=[(0, False)])
    assert _lives(child, father).refusal(0, 1, _find) == OWN_PARENT


GIRL_BORN, CHILD_BORN = date(2001, 3, 1), date(2010, 5, 20)
GIRL, MOTHER = "household|public_security|g1|person", "birth|self_collected|b1|mother"


def _mother_aged_nine() -> pl.DataFrame:
    """A girl born 2001-03-01 (two household rows) and a birth row of 2010-05-20 whose
    mother has her name but no number."""
    girl = person_id(GIRL_BORN, 30)
    child = person_id(CHILD_BORN, 11)
    return mentions_frame(background() + [
        mention("household", "g1", id_number=girl, name="林静", sex="2", birth_date=GIRL_BORN),
        mention("household", "g2", id_number=girl, name="林静", sex="2", birth_date=GIRL_BORN),
        mention("birth", "b1", "child", source="self_collected", id_number=child, name="陈明",
                sex="1", birth_date=CHILD_BORN, event_date=CHILD_BORN,
                mother_mention=MOTHER),
        mention("birth", "b1", "mother", source="self_collected", name="林静", sex="2",
                event_date=CHILD_BORN),
    ])


def test_a_mother_aged_nine_is_not_fused_with_the_girl() -> None:
    frame = _mother_aged_nine()
    # Without the age bound the two are one person: the link is there.
    unbounded = fuse(frame, thresholds=LOW_BAR, bounds=LifeBounds(min_parent_age_years=0))
    assert len(set(assigned_pids(unbounded.assignments, GIRL, MOTHER))) == 1
    result = fuse(frame, thresholds=LOW_BAR)
    assert len(set(assigned_pids(result.assignments, GIRL, MOTHER))) == 2
    item = result.reviews.filter(pl.col("reason").is_not_null())
    assert item.height == 1
    assert item["reason"][0] == PARENT_TOO_YOUNG and item["kind"][0] == "possible_match"
    assert {item["left_mention"][0], item["right_mention"][0]} == {GIRL, MOTHER}
    assert item["weight"][0] >= LOW_BAR.link


def test_an_officer_may_still_link_them() -> None:
    result = fuse(_mother_aged_nine(), thresholds=LOW_BAR,
                     decisions=Decisions(must_link=((GIRL, MOTHER),)))
    assert len(set(assigned_pids(result.assignments, GIRL, MOTHER))) == 1
    assert result.reviews.filter(pl.col("reason").is_not_null()).height == 0


def test_a_father_born_after_his_child_is_not_fused() -> None:
    young_born = date(2012, 1, 1)
    young = person_id(young_born, 13)
    father = "birth|self_collected|b1|father"
    frame = mentions_frame(background() + [
        mention("household", "y1", id_number=young, name="王伟", sex="1", birth_date=young_born),
        mention("household", "y2", id_number=young, name="王伟", sex="1", birth_date=young_born),
        mention("birth", "b1", "child", source="self_collected",
                id_number=person_id(CHILD_BORN, 11), name="陈明", sex="1",
                birth_date=CHILD_BORN, event_date=CHILD_BORN, father_mention=father),
        mention("birth", "b1", "father", source="self_collected", name="王伟", sex="1",
                event_date=CHILD_BORN),
    ])
    result = fuse(frame, thresholds=LOW_BAR)
    a, b = assigned_pids(result.assignments, "household|public_security|y1|person", father)
    assert a != b
    reasons = result.reviews.filter(pl.col("reason").is_not_null())["reason"].to_list()
    assert reasons == [PARENT_BORN_AFTER_CHILD]


def test_parenthood_reads_births_bloodline_codes_and_household_heads() -> None:
    rows = [
        # A birth row (rec 1): child 10, mother 11, father 12.
        ("birth", 1, "child", 10, None, None, None, None),
        ("birth", 1, "mother", 11, None, None, None, None),
        ("birth", 1, "father", 12, None, None, None, None),
        # Bloodline rows: 20's father (51) is 21, 22's son (20) is 23, 24's adopted son
        # (27) is 25: not biological, no age bound.
        ("bloodline", 2, "person", 20, 21, "51", None, None),
        ("bloodline", 3, "person", 22, 23, "20", None, None),
        ("bloodline", 4, "person", 24, 25, "27", None, None),
        # A household: head 30, the head's daughter (30) 31, the head's mother (52) 32.
        ("household", 5, "person", 30, None, None, "H1", "02"),
        ("household", 6, "person", 31, None, None, "H1", "30"),
        ("household", 7, "person", 32, None, None, "H1", "52"),
    ]
    m = pl.DataFrame(rows, schema={"feed": pl.String, "rec": pl.UInt32, "role": pl.String,
                                   "entity": pl.UInt32, "relative": pl.UInt32,
                                   "relation": pl.String, "household_id": pl.String,
                                   "relation_to_head": pl.String}, orient="row")
    edges = set(parenthood(m).iter_rows())
    assert edges == {(10, 11, True), (10, 12, False), (20, 21, False), (23, 22, False),
                     (31, 30, False), (30, 32, True)}
