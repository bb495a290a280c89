"""Citizen ID numbers (GB 11643-1999): validation, normalisation, upgrade, synthesis.

An 18-character number is a 6-digit address code, the birth date ``YYYYMMDD``, a
3-digit sequence (odd for men, even for women) and a check character.  Legacy
15-digit numbers lack the century and the check; they are upgraded here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
_SHAPE18 = re.compile(r"\d{17}[\dX]")
_SHAPE15 = re.compile(r"\d{15}")


class IdStatus(StrEnum):
    """How a raw ID number field fares under GB 11643."""

    VALID = "valid"  # 18 characters, good date, good check
    UPGRADED = "upgraded"  # a valid 15-digit legacy number, now 18
    EMPTY = "empty"  # no value
    PLACEHOLDER = "placeholder"  # all zeros and the like: unknown
    BAD_CHECK = "bad_check"  # right shape, check character fails
    BAD_DATE = "bad_date"  # right shape, impossible birth date
    MALFORMED = "malformed"  # wrong length or characters


@dataclass(frozen=True)
class ParsedId:
    """A raw ID number field after normalisation.

    ``number`` is the normalised 18-character number when ``status`` is VALID or
    UPGRADED (usable as an exact key), else the cleaned raw text kept as evidence.
    """

    status: IdStatus
    number: str | None
    birth_date: date | None = None
    sex: str | None = None  # GB/T 2261.1: "1" male, "2" female
    address_code: str | None = None

    @property
    def usable(self) -> bool:
        """True when the number may serve as an exact key."""
        return self.status in (IdStatus.VALID, IdStatus.UPGRADED)


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def upgrade15(number15: str) -> str:
    """Upgrade a 15-digit legacy number to 18 digits (GB 11643 appendix)."""
    century = "18" if number15[12:15] in ("996", "997", "998", "999") else "19"
    first17 = number15[:6] + century + number15[6:15]
    return first17 + check_char(first17)


def _birth(number18: str) -> date | None:
    try:
        return date(int(number18[6:10]), int(number18[10:12]), int(number18[12:14]))
    except ValueError:
        return None


def clean(raw: str | None) -> str:
    """Strip spaces, fold full-width digits and lowercase ``x``."""
    if raw is None:
        return ""
    return "".join(raw.split()).translate(_FULLWIDTH).upper()


def parse(raw: str | None) -> ParsedId:
    """Validate and normalise one raw ID number field."""
    text = clean(raw)
    if not text:
        return ParsedId(IdStatus.EMPTY, None)
    if set(text) <= {"0"} or set(text) <= {"X", "0"} or len(set(text)) == 1:
        return ParsedId(IdStatus.PLACEHOLDER, None)
    status = IdStatus.VALID
    if _SHAPE15.fullmatch(text):
        text, status = upgrade15(text), IdStatus.UPGRADED
    elif not _SHAPE18.fullmatch(text):
        return ParsedId(IdStatus.MALFORMED, text)
    born = _birth(text)
    if born is None or born.year < 1850:
        return ParsedId(IdStatus.BAD_DATE, text)
    if check_char(text[:17]) != text[17]:
        return ParsedId(IdStatus.BAD_CHECK, text)
    sex = "1" if int(text[16]) % 2 == 1 else "2"
    return ParsedId(status, text, born, sex, text[:6])


def is_valid(raw: str | None) -> bool:
    """True for a usable 18-digit (or upgradable 15-digit) number."""
    return parse(raw).usable


def make(address_code: str, born: date, sequence: int) -> str:
    """Compose a valid 18-digit number; the sequence's parity carries the sex."""
    if not (len(address_code) == 6 and address_code.isdigit() and 0 <= sequence <= 999):
        raise ValueError("address code must be 6 digits and sequence 0..999")
    first17 = f"{address_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mask(number: str | None) -> str | None:
    """Mask a number for display to roles that do not need it: ``4601**********123X``."""
    if not number:
        return number
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
