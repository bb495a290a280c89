"""What the departments recorded of each event, drawn once for the whole province.

Whether a marriage or a divorce has a row in the marriage feed, when a child was
entered in the household register (补登: years late for some), and in which county's
hospital a child was born.  Drawn here, not in the renderers, because the truth files
state them too (``truth/marriages.parquet`` says which marriages have a row, so the
marriages known only from the household register can be counted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from synth import fertility, places
from synth.calendar import YEAR, day
from synth.marriage import DIVORCE
from synth.population import Population
from synth.profile import HAIKOU, SANYA, Profile

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
OVER_QUOTA = fertility.RULES.index("over_quota")


@dataclass(frozen=True)
class Records:
    """Per union and per person, what the departments hold.

    Attributes:
        marriage_row: Per union: the marriage (or 复婚) has a marriage-feed row.
        divorce_row: Per union: its divorce has a row (False when there was none).
        registered_on: Per person: the day the person entered the household register
            at birth (later than the birth for 补登; the birth day otherwise).
        born_in: Per person: county index of the hospital of birth.
    """

    marriage_row: Bools
    divorce_row: Bools
    registered_on: Ints
    born_in: Ints


def draw(rng: np.random.Generator, pop: Population, profile: Profile) -> Records:
    """Draw what was recorded.

    Marriages since 2009 are in the civil-affairs system (:attr:`Coverage.civil_marriage`);
    older ones only where the village survey collected them from a spouse alive in 2009
    (:attr:`Coverage.self_marriage`, :attr:`Coverage.self_divorce`).  Scaled to 9 million
    people that gives the 1.00 M civil and 1.30 M self-collected rows of 2015, and leaves
    about four in ten couples married before 2009 without a row: known to the register
    only as a head and a spouse in one household.
    """
    u, p, cov = pop.unions, pop.people, profile.coverage
    civil_from = day(cov.civil_marriage_from)
    alive = np.maximum(p.death[u.husband], p.death[u.wife]) >= civil_from
    start_share = np.where(u.start >= civil_from, cov.civil_marriage, cov.self_marriage * alive)
    end_share = np.where(u.end >= civil_from, cov.civil_marriage, cov.self_divorce * alive)
    marriage_row = rng.random(len(u)) < start_share
    divorce_row = (u.reason == DIVORCE) & (rng.random(len(u)) < end_share)
    return Records(marriage_row, divorce_row, _registered_on(rng, pop, profile),
                   _born_in(rng, pop, profile))


def _registered_on(rng: np.random.Generator, pop: Population, profile: Profile) -> Ints:
    """Birth day, or 1-8 years later for children entered late (over-quota births most)."""
    p, cov = pop.people, profile.coverage
    share = np.where(p.birth_rule == OVER_QUOTA, cov.late_registration_over_quota,
                     cov.late_registration_other)
    late = (p.mother >= 0) & (rng.random(len(p)) < share)
    delay = ((1 + rng.random(len(p)) * 7) * YEAR).astype(np.int64)
    out = np.where(late, p.birth + delay, p.birth)
    return np.asarray(np.minimum(out, np.maximum(p.death - 1, p.birth)))


def _born_in(rng: np.random.Generator, pop: Population, profile: Profile) -> Ints:
    """The hospital's county: home, or Haikou or Sanya for a share of other mothers."""
    p = pop.people
    city = places.index_of(HAIKOU + SANYA)
    home = p.county.copy()
    away = ~np.isin(home, city) & (rng.random(len(p)) < profile.coverage.birth_in_city)
    home[away] = rng.choice(city, size=int(away.sum()))
    return home
