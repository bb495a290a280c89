"""GB 11643 ID numbers: the standard's own examples and arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from kingraph import ids
from kingraph.ids import IdStatus


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_standard_examples_are_valid(number: str) -> None:
    assert ids.parse(number).status is IdStatus.VALID


def test_check_character_by_hand() -> None:
    # 440524188001010014: S = 4*7+4*9+0*10+5*5+2*8+4*4+1*2+8*1+8*6+0*3+0*7+1*9+0*10
    #                     + 1*5+0*8+0*4+1*2 = 195; 195 mod 11 = 8 -> '4'
    assert ids.check_char("44052418800101001") == "4"


def test_fields_encoded_in_number() -> None:
    parsed = ids.parse("11010519491231002X")
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "2"  # sequence 002 is even
    assert parsed.address_code == "110105"


def test_legacy_15_digits_upgrade() -> None:
    parsed = ids.parse("110105491231002")
    assert parsed.status is IdStatus.UPGRADED
    assert parsed.number == "11010519491231002X"


def test_centenarian_sequences_get_18xx() -> None:
    assert ids.upgrade15("440524800101996")[6:8] == "18"


@pytest.mark.parametrize(("raw", "status"), [
    ("11010519491231002x", IdStatus.VALID),
    (" 1101 0519491231002X ", IdStatus.VALID),
    ("１１０１０５１９４９１２３１００２Ｘ", IdStatus.VALID),
    ("000000000000000000", IdStatus.PLACEHOLDER),
    ("", IdStatus.EMPTY),
    (None, IdStatus.EMPTY),
    ("110105194912310021", IdStatus.BAD_CHECK),
    ("110105194913310028", IdStatus.BAD_DATE),
    ("1101051949123100", IdStatus.MALFORMED),
    ("11010519491231002Y", IdStatus.MALFORMED),
])
def test_status_of_raw_values(raw: str | None, status: IdStatus) -> None:
    assert ids.parse(raw).status is status


def test_transposed_digits_break_the_check() -> None:
    assert ids.parse("11010591491231002X").status is not IdStatus.VALID


def test_make_composes_valid_numbers_with_sex_parity() -> None:
    man = ids.make("460106", date(1990, 5, 17), 13)
    woman = ids.make("460106", date(1990, 5, 17), 14)
    assert ids.parse(man).sex == "1" and ids.parse(woman).sex == "2"
    assert ids.parse(man).status is IdStatus.VALID


def test_mask_keeps_only_ends() -> None:
    assert ids.mask("46010619900517013X") == "4601**********013X"
