"""What each role sees of a source row (api.routes.records.mask_row)."""

from __future__ import annotations

from datetime import date

from api.keys import Role
from api.routes.records import mask_row
from kingraph import ids

NUMBER = ids.make("460105", date(1990, 5, 17), 11)
ROW = {"husband_id_number": NUMBER, "husband_name": "王小明", "wife_id_number": "",
       "former_name": "王明", "address": "秀英区某路", "employer_name": "海口港务局",
       "division_code": "460105"}


def test_admin_sees_the_row_unchanged() -> None:
    assert mask_row(ROW, Role.ADMIN) == (ROW, [])


def test_officer_gets_id_numbers_masked_and_names_kept() -> None:
    shown, changed = mask_row(ROW, Role.OFFICER)
    assert shown["husband_id_number"] == NUMBER[:4] + "*" * 10 + NUMBER[-4:]
    assert shown["husband_name"] == "王小明" and shown["address"] == "秀英区某路"
    assert shown["wife_id_number"] == ""  # nothing to mask, not reported
    assert changed == ["husband_id_number"]


def test_service_gets_names_and_addresses_withheld_but_not_employers() -> None:
    shown, changed = mask_row(ROW, Role.SERVICE)
    assert shown["husband_id_number"] == NUMBER
    assert (shown["husband_name"], shown["former_name"], shown["address"]) == (None, None, None)
    assert shown["employer_name"] == "海口港务局"
    assert changed == ["address", "former_name", "husband_name"]


def test_the_input_row_is_not_modified() -> None:
    before = dict(ROW)
    mask_row(ROW, Role.SERVICE)
    assert ROW == before
