"""The resolver on small constructed cases whose right answer is known by construction."""

from __future__ import annotations

from datetime import date

from ingest.fusion.resolution import Decisions, resolve
from tests.factories import assigned_pids, background, mention, mentions_frame, person_id

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
    result = resolve(mentions_frame(rows))
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
    result = resolve(mentions_frame(rows))
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
    result = resolve(mentions_frame(rows))
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
    result = resolve(mentions_frame(rows))
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
    result = resolve(mentions_frame(rows))
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
    linked = resolve(frame)
    apart = resolve(frame, decisions=Decisions(cannot_link=(ids,)))
    assert len(set(assigned_pids(linked.assignments, *ids))) == 1
    assert len(set(assigned_pids(apart.assignments, *ids))) == 2


def test_reload_keeps_person_ids() -> None:
    frame = mentions_frame(background(50))
    first = resolve(frame)
    again = resolve(frame, previous=first.assignments.select("mention_id", "pid"))
    assert first.assignments.sort("mention_id")["pid"].to_list() == \
        again.assignments.sort("mention_id")["pid"].to_list()


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
    result = resolve(frame, decisions=decisions)
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
    before = resolve(frame)
    split = "cohabitation|public_security|a1|person"  # the smallest mention id of the person
    kept = ("household|public_security|h1|person", "household|public_security|h2|person")
    after = resolve(frame, previous=before.assignments.select("mention_id", "pid"),
                    decisions=Decisions(cannot_link=tuple((split, k) for k in kept),
                                        must_link=(kept,)))
    old = assigned_pids(before.assignments, split)[0]
    s, k1, k2 = assigned_pids(after.assignments, split, *kept)
    assert k1 == k2 == old  # the larger part keeps the person id
    assert s != old
