"""A couple's chance per pregnancy of a child affected by a recessive condition.

From each partner's genotypes as their results allow them (None: untested).  Only an
exactly known genotype counts (a phenotype-normal AR partner may still be a carrier).

- AR: each parent passes the allele with g/2; the child is affected with both:
  carrier x carrier 1/4, carrier x affected 1/2, affected x affected 1.
- XLR: a son (half the children) is affected when the mother passes the allele (g/2);
  a daughter when she does and the father has it: per pregnancy
  (1/2)(g_w/2) + (1/2)(g_w/2)(g_h) = (g_w/2)(1 + g_h)/2.
  A carrier mother with a healthy husband: 1/4 (half her sons).

A couple is *at risk* when the chance is above zero; it needs *partner testing* when one
partner is known to carry and the other's genotype is not known (for XLR, an affected
husband whose wife's status is unknown: every daughter is a carrier, a son is affected
only through her).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from kingraph.conditions import Condition, Mode
from kingraph.errors import InvalidArgument


class CoupleClass(StrEnum):
    """Which list a couple belongs on."""

    AT_RISK = "at_risk"  # prenatal diagnosis and counselling
    PARTNER_TESTING = "partner_testing"  # one known carrier, the other to be tested
    NONE = "none"


@dataclass(frozen=True)
class ConditionRisk:
    """A couple's risk per pregnancy and its list."""

    probability: Fraction
    classification: CoupleClass


def _exact(genotypes: frozenset[int] | None) -> int | None:
    return next(iter(genotypes)) if genotypes is not None and len(genotypes) == 1 else None


def _carries(genotypes: frozenset[int] | None) -> bool:
    return genotypes is not None and 0 not in genotypes


def couple_risk(condition: Condition, husband: frozenset[int] | None,
                wife: frozenset[int] | None) -> ConditionRisk:
    """The couple's chance per pregnancy of an affected child, and its list.

    Raises:
        InvalidArgument: a dominant condition (no couple question: one parent suffices).
    """
    if not condition.mode.recessive:
        raise InvalidArgument("couples: recessive_conditions_only", reason="recessive_only")
    gh, gw = _exact(husband), _exact(wife)
    if condition.mode is Mode.AR:
        if gh is not None and gw is not None:
            chance = Fraction(gh, 2) * Fraction(gw, 2)
            return ConditionRisk(chance, CoupleClass.AT_RISK if chance else CoupleClass.NONE)
        one = _carries(husband) or _carries(wife)
        return ConditionRisk(Fraction(0), CoupleClass.PARTNER_TESTING if one
                             else CoupleClass.NONE)
    if gw is not None:
        chance = Fraction(gw, 2) * (1 + (gh or 0)) / 2
        return ConditionRisk(chance, CoupleClass.AT_RISK if chance else CoupleClass.NONE)
    if _carries(wife) or _carries(husband):
        return ConditionRisk(Fraction(0), CoupleClass.PARTNER_TESTING)
    return ConditionRisk(Fraction(0), CoupleClass.NONE)
