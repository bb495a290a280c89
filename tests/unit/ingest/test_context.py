"""Context evidence for mentions without a usable ID number (issue 16, item 1).

Each case is built from the rule it tests: a row that names a person by name only is
that person when the family's other rows, the employer or the home put exactly one
person of that name in that place; several people who cannot be one person go to
review; the age vetoes and officers' decisions still hold.
"""

from __future__ import annotations

from datetime import date

from ingest.fusion.resolution import Decisions
from tests.factories import assigned_pids, background, fuse, mention, mentions_frame, person_id

MUM_BORN = date(1930, 4, 2)
SON_BORN = date(1955, 6, 1)
DAUGHTER_BORN = date(1958, 9, 9)


def _blood(record_id: str, person_number: str, person_name: str, relative_name: str,
           relation: str, relative_number: str | None = None) -> list[dict[str, object]]:
    """A bloodline row: the relative is ``relation`` (GB/T 4761) to the person."""
    return [
        mention("bloodline", record_id, "person", source="self_collected",
                id_number=person_number, name=person_name,
                relative_mention=f"bloodline|self_collected|{record_id}|relative",
                relation=relation),
        mention("bloodline", record_id, "relative", source="self_collected",
                id_number=relative_number, name=relative_name),
    ]


def _family() -> tuple[str, str, str, list[dict[str, object]]]:
    """A mother with a number, her son and daughter with numbers, each child's row naming
    her with her number: the rows say the two children are siblings."""
    mum, son, daughter = (person_id(MUM_BORN, 22), person_id(SON_BORN, 13),
                          person_id(DAUGHTER_BORN, 24))
    rows = [
        mention("household", "hm", id_number=mum, name="陈丽", sex="2", birth_date=MUM_BORN),
        mention("household", "hs", id_number=son, name="吴磊", sex="1", birth_date=SON_BORN),
        mention("household", "hd", id_number=daughter, name="吴燕", sex="2",
                birth_date=DAUGHTER_BORN),
        *_blood("m1", son, "吴磊", "陈丽", "52", mum),
        *_blood("m2", daughter, "吴燕", "陈丽", "52", mum),
    ]
    return mum, son, daughter, rows


def test_a_father_never_numbered_named_on_his_childrens_rows_is_one_person() -> None:
    _, son, daughter, rows = _family()
    # He died before numbers were issued: each child's row names him, number empty.
    rows = background() + rows + [
        *_blood("f1", son, "吴磊", "吴建国", "51"),
        *_blood("f2", daughter, "吴燕", "吴建国", "51"),
    ]
    result = fuse(mentions_frame(rows))
    dad1, dad2, son_pid, daughter_pid = assigned_pids(
        result.assignments, "bloodline|self_collected|f1|relative",
        "bloodline|self_collected|f2|relative", "household|public_security|hs|person",
        "household|public_security|hd|person")
    assert dad1 == dad2
    assert len({dad1, son_pid, daughter_pid}) == 3


def test_a_sibling_named_without_a_number_is_the_sibling_the_mother_s_rows_give() -> None:
    _, son, _, rows = _family()
    rows = background() + rows + _blood("s1", son, "吴磊", "吴燕", "75", "不详")
    result = fuse(mentions_frame(rows))
    sister, daughter = assigned_pids(result.assignments, "bloodline|self_collected|s1|relative",
                                     "household|public_security|hd|person")
    assert sister == daughter


def test_a_brother_code_never_links_to_a_sister_of_the_same_name() -> None:
    # 73 says the relative is a younger brother: the only sibling of that name is a woman.
    _, son, _, rows = _family()
    rows = background() + rows + _blood("s2", son, "吴磊", "吴燕", "73")
    result = fuse(mentions_frame(rows))
    brother, daughter = assigned_pids(result.assignments,
                                      "bloodline|self_collected|s2|relative",
                                      "household|public_security|hd|person")
    assert brother != daughter


def test_a_second_enrolment_without_a_number_joins_the_person_at_that_employer() -> None:
    number = person_id(SON_BORN, 13)
    other = person_id(date(1971, 2, 3), 57)
    rows = background() + [
        mention("household", "h1", id_number=number, name="王建国", sex="1",
                birth_date=SON_BORN),
        mention("employment", "e1", source="social_security", id_number=number,
                name="王建国", employer_code="91460000AAAA"),
        mention("employment", "e2", source="social_security", id_number="111111111111111111",
                name="王建国", employer_code="91460000AAAA"),
        # A namesake enrolled elsewhere, with no number either: nobody to join.
        mention("household", "h2", id_number=other, name="王建国", sex="1",
                birth_date=date(1971, 2, 3)),
        mention("employment", "e3", source="social_security", name="王建国",
                employer_code="91460000BBBB"),
    ]
    result = fuse(mentions_frame(rows))
    first, second, elsewhere, him, namesake = assigned_pids(
        result.assignments, "employment|social_security|e1|person",
        "employment|social_security|e2|person", "employment|social_security|e3|person",
        "household|public_security|h1|person", "household|public_security|h2|person")
    assert first == second == him
    assert elsewhere not in (him, namesake)


def test_a_residence_at_home_joins_the_person_registered_at_that_address() -> None:
    number = person_id(SON_BORN, 13)
    wife = person_id(date(1957, 1, 5), 22)
    address = "龙华区海府路85号"
    rows = background() + [
        mention("household", "h1", id_number=number, name="王建国", sex="1",
                birth_date=SON_BORN, household_id="460106000000001", address=address),
        mention("household", "h2", id_number=wife, name="陈丽", sex="2",
                birth_date=date(1957, 1, 5), household_id="460106000000001", address=address),
        mention("cohabitation", "c1", name="王建国", dwelling_id="D1", address=address),
        # The same address text in another division is another place.
        mention("cohabitation", "c2", name="王建国", dwelling_id="D2", address=address,
                division_code="469027"),
    ]
    result = fuse(mentions_frame(rows))
    home, away, him = assigned_pids(result.assignments, "cohabitation|public_security|c1|person",
                                    "cohabitation|public_security|c2|person",
                                    "household|public_security|h1|person")
    assert home == him
    assert away != him


def test_two_numbered_namesakes_at_one_address_go_to_review_not_a_guess() -> None:
    father, son = person_id(date(1950, 3, 1), 13), person_id(date(1980, 5, 5), 15)
    address = "龙华区海府路85号"
    rows = background() + [
        mention("household", "h1", id_number=father, name="王伟", sex="1",
                birth_date=date(1950, 3, 1), household_id="H1", address=address),
        mention("household", "h2", id_number=son, name="王伟", sex="1",
                birth_date=date(1980, 5, 5), household_id="H1", address=address),
        mention("cohabitation", "c1", name="王伟", dwelling_id="D1", address=address),
    ]
    result = fuse(mentions_frame(rows))
    loose, a, b = assigned_pids(result.assignments, "cohabitation|public_security|c1|person",
                                "household|public_security|h1|person",
                                "household|public_security|h2|person")
    assert loose not in (a, b)
    items = result.reviews.filter(
        result.reviews["left_mention"].is_in(["cohabitation|public_security|c1|person"])
        | result.reviews["right_mention"].is_in(["cohabitation|public_security|c1|person"]))
    assert set(items["kind"]) == {"ambiguous_relative"}
    assert items.height == 2


def test_a_father_named_by_name_only_is_not_his_same_named_son() -> None:
    # The row says the relative is the person's father; the only 王伟 in the family with
    # a number was born after the person: a parent is at least 12 years older.
    person, son = person_id(date(1960, 1, 1), 13), person_id(date(1985, 2, 2), 15)
    rows = background() + [
        mention("household", "h1", id_number=person, name="王强", sex="1",
                birth_date=date(1960, 1, 1)),
        mention("household", "h2", id_number=son, name="王伟", sex="1",
                birth_date=date(1985, 2, 2)),
        *_blood("k1", son, "王伟", "王强", "51", person),
        *_blood("k2", person, "王强", "王伟", "51"),
    ]
    result = fuse(mentions_frame(rows))
    named_father, grandson = assigned_pids(result.assignments,
                                           "bloodline|self_collected|k2|relative",
                                           "household|public_security|h2|person")
    assert named_father != grandson


def test_an_officers_decision_apart_outweighs_the_context() -> None:
    _, son, _, rows = _family()
    rows = background() + rows + _blood("s1", son, "吴磊", "吴燕", "75")
    ids = ("bloodline|self_collected|s1|relative", "household|public_security|hd|person")
    frame = mentions_frame(rows)
    linked = assigned_pids(fuse(frame).assignments, *ids)
    apart = assigned_pids(fuse(frame, decisions=Decisions(cannot_link=(ids,))).assignments, *ids)
    assert linked[0] == linked[1]
    assert apart[0] != apart[1]


def test_a_father_named_without_a_number_is_the_head_whose_child_a_sibling_is() -> None:
    # The register: the father heads a household (02) where the daughter is his 女 (30);
    # the son is registered elsewhere.  Both children's rows name their mother with her
    # number (so they are siblings); the son's other row names his father (51) by name only.
    mum, son, daughter, rows = _family()
    dad = person_id(date(1928, 1, 9), 13)
    rows = background() + rows + [
        mention("household", "hf", id_number=dad, name="吴建国", sex="1",
                birth_date=date(1928, 1, 9), household_id="H1", relation_to_head="02"),
        mention("household", "hd2", id_number=daughter, name="吴燕", sex="2",
                birth_date=DAUGHTER_BORN, household_id="H1", relation_to_head="30"),
        *_blood("b1", son, "吴磊", "吴建国", "51"),
    ]
    result = fuse(mentions_frame(rows))
    named, father, mother = assigned_pids(
        result.assignments, "bloodline|self_collected|b1|relative",
        "household|public_security|hf|person", "household|public_security|hm|person")
    assert named == father != mother


def test_a_father_named_without_a_number_is_the_husband_of_the_stated_mother() -> None:
    # The son's row names his mother with her number; a marriage row says whom she married;
    # the son's other row names his father by name only.
    mum, dad, son = (person_id(MUM_BORN, 22), person_id(date(1928, 1, 9), 13),
                     person_id(SON_BORN, 15))
    rows = background() + [
        mention("household", "hm", id_number=mum, name="陈丽", sex="2", birth_date=MUM_BORN),
        mention("household", "hf", id_number=dad, name="吴建国", sex="1",
                birth_date=date(1928, 1, 9)),
        mention("household", "hs", id_number=son, name="吴磊", sex="1", birth_date=SON_BORN),
        mention("marriage", "w1", "husband", source="civil_affairs", id_number=dad,
                name="吴建国"),
        mention("marriage", "w1", "wife", source="civil_affairs", id_number=mum, name="陈丽"),
        *_blood("b1", son, "吴磊", "陈丽", "52", mum),
        *_blood("b2", son, "吴磊", "吴建国", "51"),
    ]
    result = fuse(mentions_frame(rows))
    named, father = assigned_pids(result.assignments, "bloodline|self_collected|b2|relative",
                                  "household|public_security|hf|person")
    assert named == father


def test_a_loose_namesake_born_on_another_day_does_not_block_the_numbered_candidate() -> None:
    # The sister has a number; another row of the family names a 吴燕 without a number
    # but with a birth date 20 years off (someone else, or a typo).  The sibling code on
    # the son's row still finds the numbered sister, and the loose namesake stays apart.
    _, son, daughter, rows = _family()
    rows = background() + rows + [
        mention("birth", "x1", "child", source="self_collected", name="吴燕", sex="2",
                birth_date=date(1978, 9, 9),
                mother_mention="birth|self_collected|x1|mother"),
        mention("birth", "x1", "mother", source="self_collected",
                id_number=person_id(MUM_BORN, 22), name="陈丽"),
        *_blood("s1", son, "吴磊", "吴燕", "77"),
    ]
    result = fuse(mentions_frame(rows))
    sister, numbered, namesake = assigned_pids(
        result.assignments, "bloodline|self_collected|s1|relative",
        "household|public_security|hd|person", "birth|self_collected|x1|child")
    assert sister == numbered
    assert namesake != numbered


def _screening(record_id: str, baby_born: date, baby_sex: str, mother_name: str,
               mother_number: str | None = None) -> list[dict[str, object]]:
    """A newborn-screening row: a baby with no number or name, its mother beside it."""
    return [
        mention("diagnosis", record_id, "person", source="hospital", sex=baby_sex,
                birth_date=baby_born,
                mother_mention=f"diagnosis|hospital|{record_id}|mother"),
        mention("diagnosis", record_id, "mother", source="hospital", id_number=mother_number,
                name=mother_name),
    ]


def _mother_of_registered_child(born: date) -> tuple[str, list[dict[str, object]]]:
    """A mother with a number and her registered son, born on ``born``, stated by a
    bloodline row (the son's mother, 52)."""
    mum, kid = person_id(date(1990, 3, 3), 22), person_id(born, 13)
    return mum, [
        mention("household", "hm", id_number=mum, name="陈丽", sex="2",
                birth_date=date(1990, 3, 3)),
        mention("household", "hk", id_number=kid, name="吴磊", sex="1", birth_date=born),
        *_blood("m1", kid, "吴磊", "陈丽", "52", mum),
    ]


def test_a_screened_baby_s_mother_without_a_number_is_the_mother_of_a_child_born_that_day(
) -> None:
    born = date(2016, 5, 20)
    _, rows = _mother_of_registered_child(born)
    rows = background() + rows + _screening("d1", born, "1", "陈丽", "不详")
    # A certificate's date a day off still names her; two days off does not.
    rows += _screening("d2", date(2016, 5, 21), "1", "陈丽", "0")
    rows += _screening("d3", date(2016, 5, 22), "1", "陈丽")
    result = fuse(mentions_frame(rows))
    same_day, day_off, two_days, mother = assigned_pids(
        result.assignments, "diagnosis|hospital|d1|mother", "diagnosis|hospital|d2|mother",
        "diagnosis|hospital|d3|mother", "household|public_security|hm|person")
    assert same_day == day_off == mother
    assert two_days != mother


def test_a_baby_of_the_other_sex_does_not_name_the_mother() -> None:
    born = date(2016, 5, 20)
    _, rows = _mother_of_registered_child(born)
    rows = background() + rows + _screening("d1", born, "2", "陈丽")
    result = fuse(mentions_frame(rows))
    named, mother = assigned_pids(result.assignments, "diagnosis|hospital|d1|mother",
                                  "household|public_security|hm|person")
    assert named != mother
