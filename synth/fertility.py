"""Births within marriages, limited by the birth-policy era in force on each birth date.

Each couple wants a number of children (by the wife's cohort, more for rural and
minority couples); births follow at spaced intervals while the marriage lasts and
the wife is under the age limit.  From 1980 the era's limit stops a couple unless
an exception applies (rural second child, minority second and third-if-two-girls,
双独 from 2003, 单独 from 2014-05-30, a disabled first child, remarriage) or an
over-quota birth happens anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from synth.calendar import YEAR, Days, day, year_of
from synth.marriage import by_decade
from synth.profile import DOUBLE_ONLY_CHILD_FROM, POLICY_ERAS, SINGLE_ONLY_CHILD_FROM, Profile

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
MAX_BIRTHS = 9
NO_LIMIT = 99
#: Which clause allowed a birth (``People.birth_rule`` indexes this): no limit before
#: 1980; within the era's number for the couple (urban one, rural and minority two, from
#: 2016 two, from 2021 three); the only-child clauses (双独 from 2003, 单独 from 2014);
#: a minority couple's third child after two girls; a disabled first child or a
#: remarriage; and births over the quota, which no permit covered.
RULES = ("no_limit", "era_number", "only_child", "minority_two_girls",
         "disabled_or_remarried", "over_quota")


@dataclass(frozen=True)
class Couples:
    """What the birth rules need to know about each couple (arrays of equal length)."""

    start: Days
    end: Days  # marriage end or NEVER
    wife_birth: Days
    wife_death: Days
    husband_death: Days
    minority: Bools
    rural: Bools
    both_only: Bools
    one_only: Bools
    remarried: Bools


@dataclass(frozen=True)
class Births:
    """Babies born, one element each: the couple index, date, sex and flags."""

    couple: Ints
    when: Days
    male: Bools
    twin: Bools
    disabled: Bools
    rule: npt.NDArray[np.int8]  # index into RULES


def era_limit(when: Days, c: Couples, girls: Ints, first_disabled: Bools) -> Ints:
    """Children allowed to each couple on each date under the policy in force.

    Args:
        when: The prospective birth dates.
        c: The couples.
        girls: Girls born to each couple so far.
        first_disabled: True where the couple's first child is certified disabled.

    Returns:
        The allowed number of children (NO_LIMIT before 1980).
    """
    return np.asarray(_clauses(when, c, girls, first_disabled).sum(axis=1).clip(max=NO_LIMIT))


def _clauses(when: Days, c: Couples, girls: Ints, first_disabled: Bools) -> Ints:
    """Children each clause allows, one column per clause of :data:`RULES` but the last
    (before 1980 the first column is NO_LIMIT); their sum is the couple's limit."""
    starts = np.array([day(e.start) for e in POLICY_ERAS])
    era = np.searchsorted(starts, when, "right") - 1
    base = np.full(when.size, NO_LIMIT, dtype=np.int64)
    for i, e in enumerate(POLICY_ERAS):
        if e.urban_han is None or e.rural_han is None or e.minority is None:
            continue
        here = era == i
        number = np.where(c.minority, e.minority, np.where(c.rural, e.rural_han, e.urban_han))
        base[here] = number[here]
    limited = base < NO_LIMIT
    only = (c.both_only & (when >= day(DOUBLE_ONLY_CHILD_FROM))) | (
        c.one_only & (when >= day(SINGLE_ONLY_CHILD_FROM)))
    only_bonus = (base == 1) & only
    girls_bonus = (base + only_bonus == 2) & c.minority & (girls >= 2)
    other_bonus = limited & (first_disabled | c.remarried)
    out: Ints = np.stack([np.where(limited, base, NO_LIMIT), only_bonus, girls_bonus,
                          other_bonus], axis=1).astype(np.int64)
    return out


def rule_of(born: Ints, clauses: Ints) -> npt.NDArray[np.int8]:
    """The clause that allows child number ``born + 1``, or ``over_quota``."""
    reach = np.cumsum(clauses, axis=1)
    first = np.argmax(reach > born[:, None], axis=1)
    allowed = reach[:, -1] > born
    rule = np.where(allowed, first + 1, len(RULES) - 1)
    rule = np.where(clauses[:, 0] >= NO_LIMIT, 0, rule)
    return rule.astype(np.int8)


def simulate(rng: np.random.Generator, c: Couples, profile: Profile) -> Births:
    """Draw every birth of every couple, couple by couple in vector form.

    Args:
        rng: The stage's generator.
        c: The couples.
        profile: Rates of the profile.

    Returns:
        The births, ordered by birth rank then couple.
    """
    fert = profile.fertility
    n = c.start.size
    mean = by_decade(fert.desired_mean, year_of(c.wife_birth))
    mean = np.where(c.rural | c.minority, mean + fert.rural_minority_bonus, mean)
    mean = np.where(c.remarried, 1.0, mean)
    wanted = np.where(rng.random(n) < fert.infertile, 0, rng.poisson(mean))
    horizon = np.minimum.reduce([c.end, c.wife_death, c.husband_death + 270,
                                 c.wife_birth + int(fert.max_mother_age * YEAR),
                                 np.full(n, day(profile.as_of))])
    t = c.start + ((0.8 + rng.gamma(2.0, 0.45, n)) * YEAR).astype(np.int64)
    born = np.zeros(n, dtype=np.int64)
    girls = np.zeros(n, dtype=np.int64)
    first_disabled = np.zeros(n, dtype=bool)
    active = np.ones(n, dtype=bool)
    parts: list[tuple[Ints, Days, Bools, Bools, Bools, npt.NDArray[np.int8]]] = []
    for _ in range(MAX_BIRTHS):
        clauses = _clauses(t, c, girls, first_disabled)
        limit = clauses.sum(axis=1)
        rule = rule_of(born, clauses)
        over = rng.random(n) < np.where(c.rural | c.minority, fert.over_quota_rural,
                                        fert.over_quota_urban)
        ok = active & (born < wanted) & (t < horizon) & ((born < limit) | over)
        active &= ok
        idx = np.flatnonzero(ok)
        twin = rng.random(idx.size) < fert.twin_rate
        for is_second in (False, True):
            sel = idx if not is_second else idx[twin]
            male = rng.random(sel.size) < _male_share(t[sel], profile)
            dis = rng.random(sel.size) < 0.012
            parts.append((sel, t[sel], male, twin if not is_second else twin[twin], dis,
                          rule[sel]))
            first_disabled[sel] |= dis & (born[sel] == 0)
            girls[sel] += ~male
            born[sel] += 1
        t = t + ((1.2 + rng.gamma(2.0, 0.9, n)) * YEAR).astype(np.int64)
    return Births(*(np.concatenate([p[k] for p in parts]) for k in range(6)))


def _male_share(when: Days, profile: Profile) -> npt.NDArray[np.float64]:
    f = profile.fertility
    era = (when >= day(POLICY_ERAS[1].start)) & (when < day(POLICY_ERAS[2].start))
    return np.where(era, f.male_share_policy_era, f.male_share_other)
