"""What fusion compares, declared as data (in the spirit of splink).

A :class:`Comparison` turns a candidate pair of entities into one *level* (an
integer, 0 = the best agreement, ``None`` = not comparable because a value is
missing).  The resolver estimates, for every level, how often it occurs among
true matches (m) and among random pairs (u), and adds ``log2(m / u)`` to the pair's
Fellegi–Sunter match weight.  Only the level functions know about the data; the
resolver knows only levels.

Each level function receives two aligned polars frames (left and right side of the
candidate pairs, with the entity columns documented in :mod:`ingest.fusion.resolution`)
and returns an Int8 series with a level per pair or null.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

LevelFn = Callable[[pl.DataFrame, pl.DataFrame], pl.Series]


@dataclass(frozen=True)
class Comparison:
    """One attribute comparison: a name, level labels (best first) and the level function."""

    name: str
    levels: tuple[str, ...]
    compute: LevelFn
    # Levels whose m is fixed by domain knowledge rather than estimated (e.g. an ID
    # number cannot be "trained" on pairs that were labelled by the ID number itself).
    fixed_m: tuple[float, ...] | None = None
    # Levels whose weight follows the frequency of the value (splink's term-frequency
    # adjustment): agreeing on a rare name is stronger evidence than on 王伟.
    tf_column: str | None = None


def _levels(conditions: list[np.ndarray], valid: np.ndarray) -> pl.Series:
    """First true condition's index per row, null where not comparable."""
    out = np.full(len(valid), len(conditions), dtype=np.int8)
    for level in range(len(conditions) - 1, -1, -1):
        out[conditions[level]] = level
    return pl.Series(out, dtype=pl.Int8).scatter(np.flatnonzero(~valid), None)


def _np(series: pl.Series) -> np.ndarray:
    if series.dtype == pl.Boolean:
        series = series.fill_null(False)
    return series.to_numpy(allow_copy=True)


def _pair_scores(left: pl.Series, right: pl.Series, scorer: Any) -> np.ndarray:
    a = left.fill_null("").to_list()
    b = right.fill_null("").to_list()
    if not a:
        return np.zeros(0, dtype=np.float64)
    return np.asarray(process.cpdist(a, b, scorer=scorer, workers=1), dtype=np.float64)


def id_levels(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Usable ID numbers equal / one edit apart / a typed number near the other / differ."""
    a_id, b_id = left["id_number"], right["id_number"]
    a_raw = a_id.fill_null(left["id_raw"])
    b_raw = b_id.fill_null(right["id_raw"])
    valid = _np(a_raw.is_not_null() & b_raw.is_not_null())
    exact = _np((a_id == b_id).fill_null(False))
    distance = _pair_scores(a_raw, b_raw, DamerauLevenshtein.distance)
    near = distance <= 1
    both_usable = _np(a_id.is_not_null() & b_id.is_not_null())
    # Two different valid numbers one edit apart: a typo that kept the check digit.
    # Two valid numbers further apart: almost surely two people.
    rest = np.ones(len(valid), bool)
    return _levels([exact, near & ~both_usable, near, ~both_usable, rest], valid)


def name_levels(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Exact / same pinyin (homophones) / similar characters / same surname / different."""
    a, b = left["name"], right["name"]
    valid = _np(a.is_not_null() & b.is_not_null()
                & ~left["name_placeholder"].fill_null(False)
                & ~right["name_placeholder"].fill_null(False))
    exact = _np((a == b).fill_null(False))
    pinyin = _np((left["name_key"] == right["name_key"]).fill_null(False))
    similar = _pair_scores(a, b, JaroWinkler.normalized_similarity) >= 0.8
    surname = _np((a.str.slice(0, 1) == b.str.slice(0, 1)).fill_null(False))
    return _levels([exact, pinyin, similar, surname, np.ones(len(valid), bool)], valid)


def birth_levels(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Exact / within a few days or day-month swapped / same year / different."""
    a, b = left["birth_date"], right["birth_date"]
    valid = _np(a.is_not_null() & b.is_not_null())
    days = _np((a - b).dt.total_days().abs().fill_null(10**6))
    swapped = _np(((a.dt.month() == b.dt.day()) & (a.dt.day() == b.dt.month())
                   & (a.dt.year() == b.dt.year())).fill_null(False))
    same_year = _np((a.dt.year() == b.dt.year()).fill_null(False))
    return _levels([days == 0, (days <= 3) | swapped, same_year,
                    np.ones(len(valid), bool)], valid)


def sex_levels(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Same sex / different sex."""
    a, b = left["sex"], right["sex"]
    valid = _np(a.is_in(["1", "2"]) & b.is_in(["1", "2"]))
    return _levels([_np((a == b).fill_null(False)), np.ones(len(valid), bool)], valid)


def division_levels(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Same county today / same prefecture / elsewhere in the province."""
    a, b = left["county"], right["county"]
    valid = _np(a.is_not_null() & b.is_not_null())
    same_pref = _np((left["prefecture"] == right["prefecture"]).fill_null(False))
    return _levels([_np((a == b).fill_null(False)), same_pref, np.ones(len(valid), bool)],
                   valid)


def mother_levels(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Same mother (as resolved so far) / different mother."""
    a, b = left["mother_entity"], right["mother_entity"]
    valid = _np(a.is_not_null() & b.is_not_null())
    return _levels([_np((a == b).fill_null(False)), np.ones(len(valid), bool)], valid)


COMPARISONS: tuple[Comparison, ...] = (
    # m for the ID levels cannot be learnt from ID-labelled pairs: a typed number is
    # right about 97 % of the time, one edit off about 2 %, something else about 1 %,
    # and two different *valid* numbers for one person are very rare.
    Comparison("id_number",
               ("exact", "typo_of_valid", "one_edit", "different", "different_valid"),
               id_levels, fixed_m=(0.97, 0.015, 0.005, 0.0099, 0.0001)),
    Comparison("name", ("exact", "pinyin", "similar", "surname", "different"),
               name_levels, tf_column="name_key"),
    Comparison("birth_date", ("exact", "near", "same_year", "different"), birth_levels),
    Comparison("sex", ("same", "different"), sex_levels),
    Comparison("division", ("county", "prefecture", "elsewhere"), division_levels),
    Comparison("mother", ("same", "different"), mother_levels),
)
