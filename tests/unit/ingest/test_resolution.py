"""The resolver on small constructed cases whose right answer is known by construction."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from ingest.fusion.resolution import Decisions
from kingraph.errors import KingraphError
from tests.factories import (
    PID_KEY,
    assigned_pids,
    background,
    fuse,
    mention,
    mentions_frame,
    person_id,
)

BORN = date(1985, 3, 14)
MUM_BORN = date(1960, 7, 2)


def test_same_valid_id_with_homophone_names_is_one_person() -> None:
    number = person_id(BORN, 13)
    rows = background() + [
        mention("household", "h1", id_number=number, name="王伟", sex="1", birth_date=BORN),
        mention("cohabitation", "c1", id_number=number, name="王玮"),
        mention("screening", "s1", source="hospital", id_number=number.lower(), name="王伟",
                sex="1", birth_date=BORN),
    ]
    result = fuse(mentions_frame(rows))
    a, b, c = assigned_pids(result.assignments, "household|public_security|h1|person",
                    "cohabitation|public_security|c1|person", "screening|hospital|s1|person")
    assert a == b == c


def test_mothers_number_in_childs_field_does_not_fuse_them() -> None:
    mum = person_id(MUM_BORN, 22)
    child_born = date(1990, 5, 1)
    rows = background() + [
        mention("household", "m1", id_number=mum, name="陈丽", sex="2", birth_date=MUM_BORN),
        mention("household", "m2", id_number=mum, name="陈丽", sex="2", birth_date=MUM_BORN),
        # The child's row carries the mother's valid number.
        mention("household", "k1", id_number=mum, name="王小明", sex="1",
                birth_date=child_born),
    ]
    result = fuse(mentions_frame(rows))
    m1, m2, k1 = assigned_pids(result.assignments, "household|public_security|m1|person",
                       "household|public_security|m2|person",
                       "household|public_security|k1|person")
    assert m1 == m2
    assert k1 != m1


def test_bad_check_digit_links_through_name_and_birth_date() -> None:
    number = person_id(BORN, 13)
    broken = number[:-1] + ("0" if number[-1] != "0" else "1")
    rows = background() + [
        mention("household", "h1", id_number=number, name="林芳", sex="2", birth_date=BORN),
        mention("marriage", "w1", "wife", source="civil_affairs", id_number=broken,
                name="林芳", birth_date=BORN),
    ]
    result = fuse(mentions_frame(rows))
    a, b = assigned_pids(result.assignments, "household|public_security|h1|person",
                 "marriage|civil_affairs|w1|wife")
    assert a == b


def test_same_name_same_birthday_different_valid_ids_stay_apart() -> None:
    rows = background() + [
        mention("household", "a1", id_number=person_id(BORN, 13, "469027"), name="王伟",
                sex="1", birth_date=BORN),
        mention("household", "b1", id_number=person_id(BORN, 57, "460106"), name="王伟",
                sex="1", birth_date=BORN),
    ]
    result = fuse(mentions_frame(rows))
    a, b = assigned_pids(result.assignments, "household|public_security|a1|person",
                 "household|public_security|b1|person")
    assert a != b


def test_newborn_links_to_registered_child_through_the_mother() -> None:
    mum = person_id(MUM_BORN, 22)
    kid_born = date(2015, 8, 9)
    kid = person_id(kid_born, 31)
    rows = background() + [
        mention("household", "m1", id_number=mum, name="陈丽", sex="2", birth_date=MUM_BORN),
        mention("birth", "b1", "child", source="birth_platform", sex="1", birth_date=kid_born,
                mother_mention="birth|birth_platform|b1|mother", birth_order=1),
        mention("birth", "b1", "mother", source="birth_platform", id_number=mum, name="陈丽"),
        mention("household", "k1", id_number=kid, name="王小明", sex="1", birth_date=kid_born),
        mention("bloodline", "l1", "person", source="self_collected", id_number=kid,
                name="王小明", relative_mention="bloodline|self_collected|l1|relative",
                relation="52"),
        mention("bloodline", "l1", "relative", source="self_collected", id_number=mum,
                name="陈丽"),
    ]
    result = fuse(mentions_frame(rows))
    newborn, registered, mother = assigned_pids(
        result.assignments, "birth|birth_platform|b1|child",
        "household|public_security|k1|person", "birth|birth_platform|b1|mother")
    assert newborn == registered
    assert mother != registered


def test_officers_decision_keeps_two_mentions_apart() -> None:
    number = person_id(BORN, 13)
    rows = background() + [
        mention("household", "h1", id_number=number, name="王伟", sex="1", birth_date=BORN),
        mention("marriage", "x1", "husband", source="self_collected", name="王伟",
                birth_date=BORN),
    ]
    frame = mentions_frame(rows)
    ids = ("household|public_security|h1|person", "marriage|self_collected|x1|husband")
    linked = fuse(frame)
    apart = fuse(frame, decisions=Decisions(cannot_link=(ids,)))
    assert len(set(assigned_pids(linked.assignments, *ids))) == 1
    assert len(set(assigned_pids(apart.assignments, *ids))) == 2


def _keyed(basis: str, key: bytes = PID_KEY) -> str:
    """The pid the rule gives a basis: P + 20 hex digits of BLAKE2b keyed with the key."""
    return "P" + hashlib.blake2b(basis.encode(), key=key, digest_size=10).hexdigest()


def test_a_pid_is_a_keyed_hash_of_the_person_s_number_or_smallest_mention() -> None:
    number = person_id(BORN, 13)
    rows = background() + [
        mention("household", "h1", id_number=number, name="王伟", sex="1", birth_date=BORN),
        mention("screening", "s1", source="hospital", id_number=number, name="王伟",
                sex="1", birth_date=BORN),
        # No number, a name nobody else has: a person of its own.
        mention("marriage", "x9", "wife", source="self_collected", name="符小红"),
    ]
    result = fuse(mentions_frame(rows))
    anchored, loose = assigned_pids(result.assignments, "household|public_security|h1|person",
                                    "marriage|self_collected|x9|wife")
    assert anchored == _keyed(f"n:{number}")
    assert loose == _keyed("m:marriage|self_collected|x9|wife")
    assert number not in anchored  # the number cannot be read back from the pid


def test_another_installation_s_key_gives_other_pids() -> None:
    from ingest.fusion.resolution import resolve

    frame = mentions_frame(background(30))
    mine = fuse(frame).assignments.sort("mention_id")
    theirs = resolve(frame, pid_key=bytes(range(1, 33))).assignments.sort("mention_id")
    # The same persons (one pid per person on each side), none of the same pids.
    pairs = mine.select("pid").with_columns(theirs["pid"].alias("other")).unique()
    assert pairs["pid"].n_unique() == pairs["other"].n_unique() == pairs.height
    assert not set(mine["pid"]) & set(theirs["pid"])


def test_a_short_pid_key_is_refused() -> None:
    from ingest.fusion.resolution import resolve

    with pytest.raises(KingraphError, match="128 bits"):
        resolve(mentions_frame(background(5)), pid_key=b"short")


def test_unmerge_splits_mentions_that_share_one_id_number() -> None:
    # A wrongly shared number: the officer splits the cohabitation row off.
    number = person_id(BORN, 13)
    rows = background() + [
        mention("household", "h1", id_number=number, name="王伟", sex="1", birth_date=BORN),
        mention("screening", "s1", source="hospital", id_number=number, name="王伟",
                sex="1", birth_date=BORN),
        mention("cohabitation", "c1", id_number=number, name="王伟"),
    ]
    frame = mentions_frame(rows)
    kept = ("household|public_security|h1|person", "screening|hospital|s1|person")
    split = "cohabitation|public_security|c1|person"
    decisions = Decisions(cannot_link=tuple((split, k) for k in kept),
                          must_link=(kept,))
    result = fuse(frame, decisions=decisions)
    a, b, c = assigned_pids(result.assignments, *kept, split)
    assert a == b
    assert c != a


def test_a_split_off_part_gets_a_pid_of_its_own_even_with_the_smallest_mention() -> None:
    number = person_id(BORN, 13)
    rows = background() + [
        mention("cohabitation", "a1", id_number=number, name="王伟"),
        mention("household", "h1", id_number=number, name="王伟", sex="1", birth_date=BORN),
        mention("household", "h2", id_number=number, name="王伟", sex="1", birth_date=BORN),
    ]
    frame = mentions_frame(rows)
    before = fuse(frame)
    split = "cohabitation|public_security|a1|person"  # the smallest mention id of the person
    kept = ("household|public_security|h1|person", "household|public_security|h2|person")
    after = fuse(frame, decisions=Decisions(cannot_link=tuple((split, k) for k in kept),
                                            must_link=(kept,)))
    old = assigned_pids(before.assignments, split)[0]
    s, k1, k2 = assigned_pids(after.assignments, split, *kept)
    assert old == _keyed(f"n:{number}")
    assert k1 == k2 == old  # the part that keeps the number keeps the person id
    assert s == _keyed(f"m:{split}")  # the part split off is named after its own mention


def test_a_person_of_two_numbers_is_named_after_the_one_most_mentions_carry() -> None:
    # An officer linked two numbers' persons (a number re-issued, say): the person is
    # named after the number with more anchored mentions; on a tie, the smaller number.
    one, two = person_id(BORN, 13), person_id(BORN, 57, "469027")
    h1, h2, s1 = ("household|public_security|h1|person", "household|public_security|h2|person",
                  "screening|hospital|s1|person")
    rows = background() + [
        mention("household", "h1", id_number=two, name="王伟", sex="1", birth_date=BORN),
        mention("household", "h2", id_number=two, name="王伟", sex="1", birth_date=BORN),
        mention("screening", "s1", source="hospital", id_number=one, name="王伟", sex="1",
                birth_date=BORN),
    ]
    linked = Decisions(must_link=((h1, s1),))
    for frame in (mentions_frame(rows), mentions_frame(rows[::-1])):
        pids = set(assigned_pids(fuse(frame, decisions=linked).assignments, h1, h2, s1))
        assert pids == {_keyed(f"n:{two}")}
    tie = [r for r in rows if r["record_id"] != "h2"]
    pids = set(assigned_pids(fuse(mentions_frame(tie), decisions=linked).assignments, h1, s1))
    assert pids == {_keyed(f"n:{min(one, two)}")}
