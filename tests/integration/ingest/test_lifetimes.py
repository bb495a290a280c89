"""Fusion's age veto on a small hand-written drop loaded into the real graph.

Two men named 王伟, both born 1980-05-05: one is in the household register, which
deregistered him for death on 2010-01-01; the other married on 2015-06-01, and the
marriage row gives his name and birth date but no ID number.  Name, birth date, sex
and county agree, a strong link: without the veto the married man would be the dead
one.  A man cannot marry five years after his death, so they stay two persons, and the
refused link waits in the review queue with its reason, where an officer may link them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from graphdb.connection import read
from ingest import review
from ingest.fusion.lifetimes import EVENT_AFTER_DEATH
from ingest.pipeline import fuse_again, run
from ingest.stewardship import QueueFilter, QueueItem, queue
from ingest.store import Store
from tests.factories import person_id, write_feed
from tests.integration.ingest.conftest import Scratch

NAMES = ["林芳", "张静", "吴磊", "符海", "陈燕", "王强", "张强", "林磊", "吴芳", "符燕"]
BORN, DIED, WED = date(1980, 5, 5), date(2010, 1, 1), date(2015, 6, 1)
DEAD = person_id(BORN, 13)
WIFE_BORN = date(1985, 3, 1)
WIFE = person_id(WIFE_BORN, 22)
REGISTER, MARRIAGE = "household|public_security|h1|person", "marriage|self_collected|m1|husband"
PERSON_OF = """
MATCH (r:Record {key: $record})-[:MENTIONS {role: $role}]->(p:Person)
RETURN p.pid AS pid, p.death_date AS died
"""


def _household(record_id: str, number: str, name: str, sex: str, born: date,
               **more: str) -> dict[str, str]:
    return {"record_id": record_id, "source": "public_security",
            "household_id": f"H{record_id}", "id_number": number, "name": name, "sex": sex,
            "birth_date": born.isoformat(), "relation_to_head": "02",
            "division_code": "460106", "registered_on": born.isoformat(), **more}


def _screening(record_id: str, number: str, name: str, sex: str, born: date) -> dict[str, str]:
    return {"record_id": record_id, "source": "hospital", "id_number": number, "name": name,
            "sex": sex, "birth_date": born.isoformat(), "test_date": "2005-01-01",
            "conclusion": "normal"}


def write_drop(folder: Path) -> Path:
    """Twenty unrelated people (a register row and a screening row each, so that fusion
    has something to learn its weights from), the dead man, the bride and the marriage."""
    house, screen = [], []
    for i in range(20):
        born = date(1950, 1, 1) + timedelta(days=397 * i)
        sex, number = "1" if i % 2 else "2", person_id(born, 100 + 2 * i + i % 2)
        house.append(_household(f"bg{i}", number, NAMES[i % 10], sex, born))
        screen.append(_screening(f"sg{i}", number, NAMES[i % 10], sex, born))
    house.append(_household("h1", DEAD, "王伟", "1", BORN, deregistered_on=DIED.isoformat(),
                            deregistered_reason="death"))
    screen.append(_screening("s1", DEAD, "王伟", "1", BORN))
    house.append(_household("h2", WIFE, "林静", "2", WIFE_BORN))
    write_feed(folder, "household", house)
    write_feed(folder, "screening", screen)
    write_feed(folder, "marriage", [{
        "record_id": "m1", "source": "self_collected", "event": "marriage",
        "event_date": WED.isoformat(), "husband_name": "王伟",
        "husband_birth_date": BORN.isoformat(), "wife_id_number": WIFE, "wife_name": "林静",
        "wife_birth_date": WIFE_BORN.isoformat(), "division_code": "460106"}])
    return folder


def _person(scratch: Scratch, mention: str) -> dict[str, object]:
    record, role = mention.rsplit("|", 1)
    rows = read(scratch.driver, scratch.database, "person_of", PERSON_OF, record=record,
                role=role)
    assert len(rows) == 1
    return dict(rows[0])


@pytest.fixture()
def loaded(scratch: Scratch) -> Store:
    scratch.reset()
    store = scratch.store("lifetimes-store")
    run(write_drop(scratch.root / "lifetimes"), scratch.driver, scratch.database, store)
    return store


def test_a_man_who_married_after_his_namesakes_death_stays_another_person(
        scratch: Scratch, loaded: Store) -> None:
    dead, married = _person(scratch, REGISTER), _person(scratch, MARRIAGE)
    assert dead["pid"] != married["pid"]
    assert str(dead["died"]) == DIED.isoformat() and married["died"] is None
    # The refused link is a possible match with the reason, strong enough to have linked.
    _, items = _queue(scratch, "open", "possible_match", 50)
    (item,) = [i for i in items if i.review["reason"] is not None]
    assert item.review["reason"] == EVENT_AFTER_DEATH
    assert {item.review["left_mention"], item.review["right_mention"]} == {REGISTER, MARRIAGE}
    assert item.review["weight"] >= 16.0
    assert set(item.review["pids"]) == {dead["pid"], married["pid"]}
    # No conflict: the dead man is not married after his death.
    _, conflicts = _queue(scratch, "open", "conflict", 50)
    assert conflicts == []


def test_an_officer_may_still_link_them(scratch: Scratch, loaded: Store) -> None:
    _, items = _queue(scratch, "open", "possible_match", 50)
    (item,) = [i for i in items if i.review["reason"] == EVENT_AFTER_DEATH]
    review.decide(scratch.driver, scratch.database, item.review["review_id"], "link",
                  "officer-1")
    fuse_again(scratch.driver, scratch.database, loaded)
    assert _person(scratch, REGISTER)["pid"] == _person(scratch, MARRIAGE)["pid"]


def _queue(scratch: Scratch, status: str, kind: str,
           limit: int) -> tuple[int, list[QueueItem]]:
    page = queue(scratch.driver, scratch.database, QueueFilter(status, kind), limit)
    return page.total, page.items
