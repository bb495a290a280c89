"""How a department feed is declared: columns, kinds, code lists, person roles.

A :class:`Feed` lists its columns in order (with their kind, code list and whether
a row is unusable without them), the sources allowed to send it, and the person
*roles* each row mentions with the columns describing each role.  One executor
(:mod:`ingest.feeds.clean`, :mod:`ingest.feeds.mentions`) runs these definitions; the feeds
themselves are listed in :mod:`ingest.feeds.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ingest.feeds.codes import CodeList


class Kind(StrEnum):
    """How a column is cleaned."""

    TEXT = "text"  # free text, kept as stripped string
    DATE = "date"  # YYYY-MM-DD, YYYYMMDD or YYYY/M/D
    ID_NUMBER = "id_number"  # GB 11643 citizen ID number
    NAME = "name"  # a person's name: normalised, pinyin keys
    CODE = "code"  # one value of a code list
    DIVISION = "division"  # GB/T 2260 six-digit code known to the division table
    COUNT = "count"  # positive integer (birth order, plurality, child order)
    MEASURE = "measure"  # non-negative decimal (MCV, HbA2)


# The longest value (in characters, after stripping spaces) a column of each kind may
# hold; a longer one quarantines its row (``too_long``).  Documented in docs/feeds.md,
# "Limits Kingraph enforces": generous for every real value, small enough that a
# broken export (a swallowed quote, a concatenated file) never becomes a person.
MAX_LENGTH = {
    Kind.TEXT: 256,  # addresses, institutions, employer names, identifiers
    Kind.DATE: 32,  # the formats read are at most 10; longer is junk, not a date
    Kind.ID_NUMBER: 32,  # 18 characters, with room for the separators exports add
    Kind.NAME: 64,  # the longest transliterated minority names are about 30
    Kind.CODE: 32,  # the longest code (source codes included) has 27
    Kind.DIVISION: 12,  # six digits
    Kind.COUNT: 8,
    Kind.MEASURE: 16,
}
RECORD_ID_MAX_LENGTH = 64


@dataclass(frozen=True)
class Column:
    """One column of a feed."""

    name: str
    kind: Kind = Kind.TEXT
    codes: CodeList | None = None
    required: bool = False  # an empty or unreadable value quarantines the row
    limit: int | None = None  # longest value allowed; None: ``MAX_LENGTH`` of its kind

    @property
    def max_length(self) -> int:
        """The longest value (characters) the column may hold; longer is ``too_long``."""
        return self.limit if self.limit is not None else MAX_LENGTH[self.kind]


@dataclass(frozen=True)
class Role:
    """A person a row mentions, and the columns that describe them."""

    name: str
    id_number: str
    person_name: str
    sex: str | None = None  # column carrying the role's sex code
    birth_date: str | None = None  # column carrying the role's birth date
    implied_sex: str | None = None  # sex the role itself implies (a wife is "2")
    required: bool = True  # the row is unusable without an ID number or a real name
    always_present: bool = True  # False: an unidentified role is absent (no father stated)
    extra: tuple[tuple[str, str], ...] = ()  # (mention column, feed column)


@dataclass(frozen=True)
class Link:
    """A family-context pointer from one role's mention to another's in the same row."""

    role: str
    column: str  # mother_mention | father_mention | spouse_mention | relative_mention
    target: str


@dataclass(frozen=True)
class Feed:
    """One department feed."""

    name: str
    sources: frozenset[str]
    columns: tuple[Column, ...]
    roles: tuple[Role, ...]
    event_date: str  # the date the row speaks of
    division: str | None = "division_code"
    links: tuple[Link, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in the order of the contract (``docs/feeds.md``)."""
        return tuple(c.name for c in self.columns)

    def of_kind(self, kind: Kind) -> tuple[Column, ...]:
        """The columns of one kind, in order."""
        return tuple(c for c in self.columns if c.kind is kind)


def head(*more: Column) -> tuple[Column, ...]:
    return (Column("record_id", required=True, limit=RECORD_ID_MAX_LENGTH),
            Column("source", required=True), *more)


def person(prefix: str) -> tuple[Column, Column]:
    return Column(f"{prefix}id_number", Kind.ID_NUMBER), Column(f"{prefix}name", Kind.NAME)


def date(name: str, required: bool = False) -> Column:
    return Column(name, Kind.DATE, required=required)


def code(name: str, code_list: CodeList, required: bool = False) -> Column:
    return Column(name, Kind.CODE, code_list, required)


DIVISION = Column("division_code", Kind.DIVISION)
SPOUSES = (Link("husband", "spouse_mention", "wife"), Link("wife", "spouse_mention", "husband"))
