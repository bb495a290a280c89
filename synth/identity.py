"""Identity of each person: names and GB 11643 ID numbers, assigned in vector form.

The ID number's address code is the county code in force at first registration
(retired codes for old registrations, the home province's code for immigrants);
sequences are unique per (address, birth date), odd for men and even for women.
The check character uses :data:`kingraph.ids.WEIGHTS` and
:data:`kingraph.ids.CHECK_CHARS`, vectorised; tests compare it with
:func:`kingraph.ids.make`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kingraph import ids
from synth import names, places
from synth.calendar import Days, day
from synth.population import People, Population, county_at
from synth.profile import OUTSIDE_CODES, Profile

Strings = npt.NDArray[np.str_]


def check_chars(first17: npt.NDArray[np.uint8]) -> Strings:
    """Check characters for rows of 17 ASCII digits (an ``(n, 17)`` uint8 array)."""
    weights = np.array(ids.WEIGHTS, dtype=np.int64)
    total = ((first17.astype(np.int64) - 48) * weights).sum(axis=1)
    return np.asarray(np.array(list(ids.CHECK_CHARS))[total % 11])


def id_numbers(rng: np.random.Generator, pop: Population, profile: Profile
               ) -> npt.NDArray[np.bytes_]:
    """An ID number per person, empty for those dead before numbers were issued.

    Built as ASCII bytes (one byte a character; numpy's text arrays take four).

    Args:
        rng: The stage's generator.
        pop: The population.
        profile: Gives the date numbers were first issued.

    Returns:
        18-character numbers or ``b""``.
    """
    p = pop.people
    issued_from = day(profile.coverage.id_numbers_from)
    has = p.death >= issued_from
    first = np.maximum(np.maximum(p.birth, p.arrived), issued_from)
    keys = np.arange(len(p), dtype=np.int64)
    address = places.code_at(county_at(pop, keys, first), first).astype("S6")
    outside = np.array(OUTSIDE_CODES, dtype="S6")[rng.integers(0, len(OUTSIDE_CODES), len(p))]
    address = np.where(p.immigrant, outside, address)
    seq = _sequences(rng, address, p.birth, p.sex)
    stem = np.char.add(np.char.add(address, _yyyymmdd(p.birth)), seq)
    matrix = np.frombuffer(stem.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17)
    return np.where(has, np.char.add(stem, check_chars(matrix).astype("S1")), b"")


def _yyyymmdd(days: Days) -> npt.NDArray[np.bytes_]:
    """Dates as eight ASCII digits."""
    d = days.astype("datetime64[D]")
    year = d.astype("datetime64[Y]")
    month = d.astype("datetime64[M]")
    number = ((year.astype(np.int64) + 1970) * 10000
              + ((month - year.astype("datetime64[M]")).astype(np.int64) + 1) * 100
              + (d - month.astype("datetime64[D]")).astype(np.int64) + 1)
    return np.asarray(number.astype("S8"))


def _sequences(rng: np.random.Generator, address: npt.NDArray[np.bytes_], birth: Days,
               sex: npt.NDArray[np.int64]) -> npt.NDArray[np.bytes_]:
    """Unique 3-digit sequences per (address, birth date, sex) with the sex's parity."""
    order = np.lexsort((rng.random(birth.size), sex, birth, address))
    a, b, s = address[order], birth[order], sex[order]
    new_group = np.ones(a.size, dtype=bool)
    new_group[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (s[1:] != s[:-1])
    starts = np.flatnonzero(new_group)
    rank = np.arange(a.size) - starts[np.cumsum(new_group) - 1]
    base = rng.integers(0, 40, starts.size)[np.cumsum(new_group) - 1]
    value = 2 * (base + rank) + np.where(s == 1, 1, 2)
    out = np.empty(a.size, dtype="S3")
    out[order] = np.char.zfill(np.minimum(value, 994).astype("S3"), 3)
    return out


def person_names(rng: np.random.Generator, pop: Population) -> Strings:
    """Names: founders draw a surname, children take the father's (rarely the mother's).

    A child's given name never sounds like a parent's or grandparent's (避讳: naming
    a child after an elder is avoided); a clash is drawn again, a few times at most.
    """
    p = pop.people
    li = p.ethnicity == "19"
    surname = names.surnames(rng, li)
    given = names.given_names(rng, p.sex == 1)
    from_mother = (p.father < 0) | (rng.random(len(p)) < 0.03)
    parent = np.where(from_mother, p.mother, p.father)
    for gen in range(1, int(p.generation.max(initial=0)) + 1):
        here = np.flatnonzero((p.generation == gen) & (parent >= 0))
        surname[here] = surname[parent[here]]
        _avoid_elders(rng, p, given, here)
    return names.full_names(surname, given)


def _avoid_elders(rng: np.random.Generator, p: People, given: Strings,
                  keys: npt.NDArray[np.int64], tries: int = 6) -> None:
    """Draw again the given names of ``keys`` that sound like an elder's (in place)."""
    elders = [p.father[keys], p.mother[keys]]
    elders += [grand[np.maximum(e, 0)] * (e >= 0) - (e < 0)
               for e in list(elders) for grand in (p.father, p.mother)]
    for _ in range(tries):
        own = names.sounds(given[keys])
        clash = np.zeros(keys.size, dtype=bool)
        for e in elders:
            clash |= (e >= 0) & (names.sounds(given[np.maximum(e, 0)]) == own)
        if not clash.any():
            return
        redo = keys[clash]
        given[redo] = names.given_names(rng, p.sex[redo] == 1)
