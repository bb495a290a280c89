"""A newborn-screening row is about the baby, never the mother beside it.

The card (``diagnosis`` feed, source ``newborn_screening``) names a baby three days old,
without an ID number (numbers come with the household registration) and unnamed or
called after its mother (陈丽之子), beside the mother's number and name.  The baby's
result (a G6PD spot test) must end in the baby's person: the one its birth row and, later,
its own registration describe, found through the mother, the birth date and the sex.  A
result in the mother's person would make her a deficient index case and her son a
stranger, the error this file guards against.  Each case is built by hand; the answers
follow from who the rows are about.
"""

from __future__ import annotations

from datetime import date

from tests.factories import assigned_pids, background, fuse, mention, mentions_frame, person_id

MUM_BORN = date(1988, 11, 7)
BABY_BORN = date(2016, 5, 20)
SCREEN = "diagnosis|newborn_screening|d1|person"
MOTHER = "household|public_security|hm|person"
BIRTH_CHILD = "birth|birth_platform|b1|child"
REGISTERED = "household|public_security|hk|person"


def _family(mum: str, kid: str) -> list[dict[str, object]]:
    """The mother's registration, the baby's birth row (unnamed child, numbered mother) and
    the child's own registration with its number, years later."""
    return [
        mention("household", "hm", id_number=mum, name="陈丽", sex="2", birth_date=MUM_BORN),
        mention("birth", "b1", "child", source="birth_platform", sex="1", birth_date=BABY_BORN,
                mother_mention="birth|birth_platform|b1|mother", birth_order=1),
        mention("birth", "b1", "mother", source="birth_platform", id_number=mum, name="陈丽"),
        mention("household", "hk", id_number=kid, name="吴磊", sex="1", birth_date=BABY_BORN),
        mention("bloodline", "l1", "person", source="self_collected", id_number=kid,
                name="吴磊", relative_mention="bloodline|self_collected|l1|relative",
                relation="52"),
        mention("bloodline", "l1", "relative", source="self_collected", id_number=mum,
                name="陈丽"),
    ]


def _card(mum: str, *, baby_number: str | None = None,
          baby_name: str | None = None) -> list[dict[str, object]]:
    """The screening card: the baby (a boy, tested three days after birth) and its mother."""
    return [
        mention("diagnosis", "d1", "person", source="newborn_screening", sex="1",
                birth_date=BABY_BORN, id_number=baby_number, name=baby_name,
                division_code=None, event_date=date(2016, 5, 23),
                mother_mention="diagnosis|newborn_screening|d1|mother",
                **({"name_placeholder": True, "name_key": None, "name_initials": None}
                   if baby_name else {})),
        mention("diagnosis", "d1", "mother", source="newborn_screening", id_number=mum,
                name="陈丽", sex="2", division_code=None, event_date=date(2016, 5, 23)),
    ]


def _pids(rows: list[dict[str, object]]) -> tuple[str, str, str, str]:
    result = fuse(mentions_frame(background() + rows))
    screen, mother, birth, registered = assigned_pids(
        result.assignments, SCREEN, MOTHER, BIRTH_CHILD, REGISTERED)
    return screen, mother, birth, registered


def test_an_unnamed_unnumbered_screened_baby_is_the_child_of_its_birth_row() -> None:
    mum, kid = person_id(MUM_BORN, 22), person_id(BABY_BORN, 13)
    screen, mother, birth, registered = _pids(_family(mum, kid) + _card(mum))
    assert screen == birth == registered
    assert screen != mother


def test_a_baby_called_after_its_mother_is_the_child_not_the_mother() -> None:
    mum, kid = person_id(MUM_BORN, 22), person_id(BABY_BORN, 13)
    screen, mother, birth, registered = _pids(
        _family(mum, kid) + _card(mum, baby_name="陈丽之子"))
    assert screen == birth == registered
    assert screen != mother


def test_the_mother_s_number_copied_into_the_baby_s_field_gives_the_baby_no_identity(
) -> None:
    # The card files the baby under the mother's number: the number says a woman born in
    # 1988, the card a boy born in 2016, so it cannot be the baby's; the baby is still the
    # child of its birth row, and the mother's person holds no mention of the baby.
    mum, kid = person_id(MUM_BORN, 22), person_id(BABY_BORN, 13)
    screen, mother, birth, registered = _pids(
        _family(mum, kid) + _card(mum, baby_number=mum, baby_name="陈丽之子"))
    assert screen == birth == registered
    assert screen != mother


def test_a_screened_baby_without_a_birth_row_stays_apart_from_its_mother() -> None:
    # No row of the baby but the card: no evidence names a person for it, and the mother
    # beside it is the one person it can never be.
    mum = person_id(MUM_BORN, 22)
    rows = background() + [
        mention("household", "hm", id_number=mum, name="陈丽", sex="2", birth_date=MUM_BORN),
        *_card(mum, baby_number=mum),
    ]
    result = fuse(mentions_frame(rows))
    screen, mother, on_card = assigned_pids(
        result.assignments, SCREEN, MOTHER, "diagnosis|newborn_screening|d1|mother")
    assert mother == on_card
    assert screen != mother
