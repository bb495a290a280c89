"""What each role sees of a person."""

from __future__ import annotations

from datetime import date

import pytest

from api.disclosure import SHAPERS, shape
from api.keys import Role
from api.models import PersonPseudonymous, PersonPublic
from api.pseudonyms import Pseudonymizer
from queries.persons.lookup import PersonRecord

# The GB 11643 standard's own example number (Beijing, born 1949-12-31, female).
NUMBER = "11010519491231002X"
PERSON = PersonRecord(pid="P-1", id_number=NUMBER, name="王小明", sex="2",
                      birth_date=date(1949, 12, 31), death_date=date(2020, 1, 2), ethnicity="01")
PSEUDO = Pseudonymizer(b"k" * 32).of


def test_every_role_has_a_shaper() -> None:
    assert set(SHAPERS) == set(Role)


def test_admin_sees_everything() -> None:
    view = shape(PERSON, Role.ADMIN, PSEUDO)
    assert isinstance(view, PersonPublic)
    assert (view.name, view.id_number, view.id_number_masked) == ("王小明", NUMBER, False)
    assert view.birth_date == date(1949, 12, 31)


def test_officer_sees_the_name_and_a_masked_number() -> None:
    view = shape(PERSON, Role.OFFICER, PSEUDO)
    assert isinstance(view, PersonPublic)
    assert view.name == "王小明"
    # First four and last four characters kept, the ten between starred.
    assert view.id_number == "1101**********002X"
    assert view.id_number_masked


def test_service_sees_the_full_number_and_no_name() -> None:
    view = shape(PERSON, Role.SERVICE, PSEUDO)
    assert isinstance(view, PersonPublic)
    assert view.name is None and view.id_number == NUMBER and view.pid == "P-1"


def test_researcher_sees_no_identity() -> None:
    view = shape(PERSON, Role.RESEARCHER, PSEUDO)
    assert isinstance(view, PersonPseudonymous)
    text = view.model_dump_json()
    for secret in ("王小明", NUMBER, "P-1", "1949-12-31", "002X"):
        assert secret not in text
    assert (view.birth_year, view.death_year, view.sex) == (1949, 2020, "2")
    assert view.ref == PSEUDO("P-1")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN, Role.SERVICE])
def test_a_person_without_a_number_stays_without(role: Role) -> None:
    bare = PersonRecord("P-2", None, "李华", "1", None, None, None)
    view = shape(bare, role, PSEUDO)
    assert isinstance(view, PersonPublic)
    assert view.id_number is None and not view.id_number_masked
