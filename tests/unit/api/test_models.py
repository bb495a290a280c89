"""Request models: ID numbers validated by GB 11643, one search mode, no stray fields."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from api.models import FindQuery

# The GB 11643 example: 110105 19491231 002, check X. Its 15-digit legacy form drops
# the century "19" and the check character.
NUMBER = "11010519491231002X"
LEGACY = "110105491231002"


def test_a_valid_number_is_kept_normalised() -> None:
    assert FindQuery(id_number=NUMBER.lower()).id_number == NUMBER


def test_a_legacy_number_is_upgraded() -> None:
    assert FindQuery(id_number=LEGACY).id_number == NUMBER


@pytest.mark.parametrize("bad", ["110105194912310021", "110105194913310028", "1101051949123100"])
def test_an_invalid_number_fails_on_its_field(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        FindQuery(id_number=bad)
    assert caught.value.errors()[0]["loc"] == ("id_number",)


@pytest.mark.parametrize("fields", [
    {}, {"name": "王小明"}, {"birth_date": date(1990, 1, 1)},
    {"id_number": NUMBER, "name": "王小明", "birth_date": date(1990, 1, 1)},
])
def test_exactly_one_search_mode(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        FindQuery.model_validate(fields)


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError):
        FindQuery.model_validate({"id_number": NUMBER, "idnumber": NUMBER})


@pytest.mark.parametrize("limit", [0, 201])
def test_page_size_is_bounded(limit: int) -> None:
    with pytest.raises(ValidationError):
        FindQuery(id_number=NUMBER, limit=limit)
