"""Request models: ID numbers validated by GB 11643, one search mode, no stray fields."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from api.models import AuditQuery, FindQuery

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


DAY = date(1990, 5, 17)
INJECTIONS = ["' OR 1=1 //", "}) MATCH (n) DETACH DELETE n //", "王\x00明", "王\n明", "x" * 41]


@pytest.mark.parametrize("name", ["王小明", "阿卜杜·热合曼", "O'Neil", "Li-Na Wang"])
def test_names_in_any_script_with_their_separators_are_accepted(name: str) -> None:
    assert FindQuery(name=name, birth_date=DAY).name == name


@pytest.mark.parametrize("bad", INJECTIONS, ids=range(len(INJECTIONS)))
def test_query_fragments_and_control_characters_are_not_names(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        FindQuery(name=bad, birth_date=DAY)
    assert caught.value.errors()[0]["loc"] == ("name",)


@pytest.mark.parametrize("field", ["key_id", "route"])
@pytest.mark.parametrize("bad", INJECTIONS, ids=range(len(INJECTIONS)))
def test_audit_filters_are_ids_and_route_templates(field: str, bad: str) -> None:
    assert AuditQuery(key_id="0123456789abcdef", route="/v1/persons/{ref}").route
    with pytest.raises(ValidationError):
        AuditQuery(**{field: bad})
