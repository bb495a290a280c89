"""A couple's facts as the birth rules need them: spouses, marriage, children, evidence.

These frozen dataclasses are what the graph queries gather (marriage records, each
spouse's children from this and earlier marriages, adoption, deaths, disability
certificates, only-child status, ethnicity, hukou type) and what
:mod:`queries.eligibility.evaluator` and :mod:`queries.eligibility.glory` judge.
``evidence`` fields hold refs of source records (``feed:record_id``), never personal
data.  None means unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class HukouType(StrEnum):
    """户口性质 as the household feed carries it."""

    AGRICULTURAL = "agricultural"
    NON_AGRICULTURAL = "non_agricultural"
    RESIDENT = "resident"  # unified after the hukou reform


class Parentage(StrEnum):
    """Whose child a child is, within the couple."""

    SHARED = "shared"
    HUSBAND_ONLY = "husband_only"
    WIFE_ONLY = "wife_only"


@dataclass(frozen=True)
class SpouseFacts:
    """One spouse as the graph knows them; ``evidence`` holds source-record refs."""

    pid: str
    sex: str  # GB/T 2261.1
    birth_date: date | None
    ethnicity: str | None  # GB/T 3304, two digits
    hukou_type: HukouType | None
    only_child: bool | None  # None: unknown
    prior_marriages: int = 0
    widowed: bool = False  # the last earlier marriage ended by the spouse's death
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """One way to read a child's links to the couple: whose child it is (None: neither
    spouse's, e.g. a stepchild of one spouse from an earlier marriage) and whether it is
    adopted."""

    parents: Parentage | None
    adopted: bool


@dataclass(frozen=True)
class ChildFacts:
    """A child of either spouse, from this or an earlier marriage, born or adopted.

    ``readings`` is set when a GB/T 4761 code 27/37/57/58 (adopted OR step) links the child
    to a spouse: every reading the code allows, the adoptive one (``parents``,
    ``adopted``) among them; empty when the links say which.
    """

    pid: str
    birth_date: date
    sex: str  # GB/T 2261.1
    parents: Parentage
    with_former_spouse: bool | None = None  # custody of a child of one spouse only
    adopted: bool = False
    alive: bool | None = True
    disabled_certified: bool | None = False
    plurality_group: str | None = None  # children of one delivery share it
    evidence: tuple[str, ...] = ()
    readings: tuple[Reading, ...] = ()


@dataclass(frozen=True)
class MarriageFacts:
    """The couple's current marriage registration.

    ``inferred``: no marriage row states it; the household register shows the couple as
    head and spouse from ``registered_on`` (the marriage began then or earlier).
    ``ended_on``/``end_reason``: how it ended, if it has (``divorce``, ``death``, or
    ``left_household`` for an inferred marriage the register stopped showing).
    """

    registered_on: date
    husband_remarriage: bool = False
    wife_remarriage: bool = False
    fuhun: bool = False  # 复婚: the same couple again, not a remarriage
    conflicting_records: bool = False
    evidence: tuple[str, ...] = ()
    inferred: bool = False
    ended_on: date | None = None
    end_reason: str | None = None


@dataclass(frozen=True)
class CoupleFacts:
    """Everything the rules look at; a spouse or the marriage is None when not found."""

    husband: SpouseFacts | None
    wife: SpouseFacts | None
    marriage: MarriageFacts | None
    children: tuple[ChildFacts, ...] = ()
    infertile_then_adopted: bool = False
    pledged_one_child: bool = False  # holds the 独生子女父母光荣证
    pledge_evidence: tuple[str, ...] = ()


def born_by(facts: CoupleFacts, as_of: date) -> tuple[ChildFacts, ...]:
    """The children born by ``as_of``, oldest first."""
    return tuple(sorted((c for c in facts.children if c.birth_date <= as_of),
                        key=lambda c: (c.birth_date, c.pid)))


def evidence(facts: CoupleFacts, as_of: date) -> tuple[str, ...]:
    """The refs of every fact a decision on ``as_of`` looks at, in a stable order, once each."""
    refs: list[str] = list(facts.marriage.evidence if facts.marriage else ())
    for spouse in (facts.husband, facts.wife):
        refs += spouse.evidence if spouse else ()
    for child in born_by(facts, as_of):
        refs += child.evidence
    refs += facts.pledge_evidence if facts.pledged_one_child else ()
    return tuple(dict.fromkeys(refs))
