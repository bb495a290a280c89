"""Places: the counties people live in, their codes over time, names and migration pull.

Counties are held as indices into :func:`county_codes` (today's codes).  The code a
record carries on a given day comes from :func:`kingraph.divisions.code_on`,
tabulated once per county between the division table's change dates so that
whole columns of dates convert at numpy speed.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np
import numpy.typing as npt

from kingraph import divisions
from synth.calendar import Days, day
from synth.profile import HAIKOU, SANYA, Profile

Ints = npt.NDArray[np.int64]
Strings = npt.NDArray[np.str_]


@cache
def county_codes() -> tuple[str, ...]:
    """Today's county-level codes where people live, sorted."""
    return divisions.counties()


def index_of(codes: tuple[str, ...]) -> Ints:
    """Indices of current codes in :func:`county_codes`."""
    table = county_codes()
    return np.array([table.index(c) for c in codes], dtype=np.int64)


@cache
def _breaks() -> tuple[Ints, tuple[tuple[str, ...], ...]]:
    bounds = {date(1900, 1, 1)}
    for division in divisions.table().values():
        bounds.add(division.valid_from)
        if division.valid_to is not None:
            bounds.add(date.fromordinal(division.valid_to.toordinal() + 1))
    ordered = sorted(bounds)
    codes = tuple(tuple(divisions.code_on(c, b) for b in ordered) for c in county_codes())
    return np.array([day(b) for b in ordered], dtype=np.int64), codes


def code_at(county: Ints, days: Days) -> Strings:
    """The division code in force on each day for each county (GB/T 2260 history).

    Args:
        county: County indices.
        days: Days since the epoch, same length.

    Returns:
        Six-digit codes as they would appear on a record made that day.
    """
    starts, codes = _breaks()
    seg = np.clip(np.searchsorted(starts, days, "right") - 1, 0, starts.size - 1)
    table = np.array(codes, dtype="<U6")
    return np.asarray(table[county, seg])


def current_code(county: Ints) -> Strings:
    """Today's code of each county index."""
    return np.asarray(np.array(county_codes(), dtype="<U6")[county])


def county_names() -> Strings:
    """Today's name of each county index."""
    return np.array([divisions.name(c) or c for c in county_codes()])


def weights(profile: Profile) -> npt.NDArray[np.float64]:
    """Population share of each county index."""
    w = np.array([profile.county_weights.get(c, 0.001) for c in county_codes()])
    return np.asarray(w / w.sum())


def draw(rng: np.random.Generator, n: int, profile: Profile) -> Ints:
    """Counties by population share."""
    return rng.choice(len(county_codes()), size=n, p=weights(profile))


def destinations(rng: np.random.Generator, n: int, profile: Profile) -> Ints:
    """Where movers go: mostly Haikou and Sanya, otherwise by population share."""
    pull = profile.residence.pull
    out = draw(rng, n, profile)
    u = rng.random(n)
    haikou, sanya = index_of(HAIKOU), index_of(SANYA)
    to_h = u < pull["haikou"]
    to_s = (u >= pull["haikou"]) & (u < pull["haikou"] + pull["sanya"])
    out[to_h] = rng.choice(haikou, size=int(to_h.sum()))
    out[to_s] = rng.choice(sanya, size=int(to_s.sum()))
    return out
