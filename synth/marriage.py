"""Marriages: the marriage market, legal ages, divorce, widowhood, remarriage and 复婚.

Pairing is vectorised: candidates join a market (their county, or the province
for a share of them), the larger side of each market is thinned at random, and
men sorted by their preferred bride's birth date are matched rank for rank with
women sorted by birth date.  Close kin (shared parent or grandparent, or one an
ancestor of the other) are never paired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from synth.calendar import YEAR, Days, add_years, day, year_of
from synth.profile import Marriage, Profile

Ints = npt.NDArray[np.int64]
NEVER = 10**7  # a day far beyond any simulated date: "no such event"
#: Women's mean age at first marriage by birth decade.
WIFE_AGE = {1900: 19.0, 1940: 21.0, 1950: 23.0, 1960: 23.5, 1970: 24.0, 1980: 25.0,
            1990: 26.5, 2000: 27.0}
DIVORCE, WIDOWED = 1, 2


@dataclass
class Pairs:
    """Couples found by the market: husband, wife, marriage date (all arrays)."""

    husband: Ints
    wife: Ints
    start: Days


def by_decade(table: dict[int, float], years: Ints) -> npt.NDArray[np.float64]:
    """Look up a per-decade table (keys are the first year of each band)."""
    keys = np.array(sorted(table))
    vals = np.array([table[k] for k in keys])
    return np.asarray(vals[np.clip(np.searchsorted(keys, years, "right") - 1, 0, None)])


def legal_date(husband_birth: Days, wife_birth: Days, wanted: Days, rules: Marriage) -> Days:
    """The earliest lawful date on or after ``wanted`` (20/18 before 1981, 22/20 since)."""
    old_h, old_w = rules.legal_age_old
    new_h, new_w = rules.legal_age_new
    lo_old = np.maximum(add_years(husband_birth, old_h), add_years(wife_birth, old_w)) + 1
    lo_new = np.maximum(add_years(husband_birth, new_h), add_years(wife_birth, new_w)) + 1
    out = np.maximum(wanted, lo_old)
    lawful: Days = np.where(out >= day(rules.new_law_from), np.maximum(out, lo_new), out)
    return lawful


def match(rng: np.random.Generator, men: Ints, women: Ints, birth: Days,
          market: Ints, rules: Marriage) -> tuple[Ints, Ints]:
    """Pair men with women of the same market by age order.

    Args:
        rng: The stage's generator.
        men: Person keys of candidate men.
        women: Person keys of candidate women.
        birth: Birth dates of every person (indexed by key).
        market: Market id of every person (indexed by key).
        rules: Marriage rules of the profile.

    Returns:
        ``(husbands, wives)`` of equal length.
    """
    m_market, w_market = market[men], market[women]
    men = _thin(rng, men, m_market, w_market)
    women = _thin(rng, women, w_market, m_market)
    gap = rng.normal(rules.age_gap_mean_years, rules.age_gap_sd_years, men.size) * YEAR
    men = men[np.lexsort((birth[men] + gap.astype(np.int64), market[men]))]
    women = women[np.lexsort((birth[women], market[women]))]
    return men, women


def _thin(rng: np.random.Generator, keys: Ints, own: Ints, other: Ints) -> Ints:
    """Keep, per market, at most as many candidates as the other side has."""
    if other.size == 0 or keys.size == 0:
        return keys[:0]
    other_markets = other
    order = np.lexsort((rng.random(keys.size), own))
    keys, own = keys[order], own[order]
    starts = np.searchsorted(own, own, "left")
    rank = np.arange(keys.size) - starts
    uniq, counts = np.unique(other_markets, return_counts=True)
    pos = np.searchsorted(uniq, own)
    found = (pos < uniq.size) & (uniq[np.minimum(pos, uniq.size - 1)] == own)
    limit = np.where(found, counts[np.minimum(pos, uniq.size - 1)], 0)
    return keys[rank < limit]


def kin(la: Ints, lb: Ints) -> npt.NDArray[np.bool_]:
    """True where two people share an ancestor, or one descends from the other.

    Each row of ``la`` and ``lb`` is a person's lineage: self, then the ancestors a
    number of generations up (-1 unknown), as :func:`synth.population._lineage` gives.
    """
    hit = (la[:, :, None] == lb[:, None, :]) & (la[:, :, None] >= 0)
    return np.asarray(hit.any(axis=(1, 2)))


def wedding_dates(rng: np.random.Generator, husband_birth: Days, wife_birth: Days,
                  rules: Marriage) -> Days:
    """Draw a lawful first-marriage date from the wife's cohort's usual age."""
    mean = by_decade(WIFE_AGE, year_of(wife_birth))
    extra = rng.gamma(2.0, np.maximum(mean - 18.0, 0.5) / 2.0)
    wanted = wife_birth + ((18.0 + extra) * YEAR).astype(np.int64)
    return legal_date(husband_birth, wife_birth, wanted, rules)


def endings(rng: np.random.Generator, start: Days, h_death: Days, w_death: Days,
            profile: Profile) -> tuple[Days, npt.NDArray[np.int8]]:
    """When and why each marriage ends: divorce, a spouse's death, or not yet.

    Returns:
        ``(ended_on, reason)``; ``ended_on`` is NEVER and reason 0 while ongoing.
    """
    p = by_decade(profile.marriage.divorce_by_decade, year_of(start))
    span = (1.0 + rng.exponential(8.0, start.size)) * YEAR
    divorce = np.where(rng.random(start.size) < p, start + span.astype(np.int64), NEVER)
    death = np.minimum(h_death, w_death)
    end = np.minimum(divorce, death)
    reason = np.where(divorce < death, DIVORCE, WIDOWED).astype(np.int8)
    ongoing = end > day(profile.as_of)
    return np.where(ongoing, NEVER, end), np.where(ongoing, 0, reason).astype(np.int8)
