"""Real-world noise on rendered feed rows, every kind counted.

Each kind has a rate in :class:`synth.profile.NoiseRates` (``clean`` has none,
``harsh`` more of each) and a count in ``truth/noise_report.json`` (cells or rows
changed).  The hidden ``@role`` columns keep the truth, so every change is
recoverable by comparison with ``truth/``.  Per feed, in this order:

- ``duplicate_across``: the same event reported by a second department under its
  own record id (see :mod:`synth.duplicates`).
- ``father_missing``: a birth row loses the father's ID number and name (and link).
- ``newborn_placeholder``: an unnamed child on a birth row is called ``王某某之子``
  or ``王某某之女`` after the father's surname; an unnamed baby on a newborn-screening
  row ``王丽之子`` after the mother.
- ``id_mother_in_child``: the mother's valid number stands in the child's field.
- ``id_swapped``: the two numbers of a bloodline row trade places.
- ``id_other_relative``: a bloodline row about a father names the mother's number
  (and the other way round): a valid number of the wrong person.
- ``id_legacy15``: a number born in the 1900s arrives as its 15-digit legacy form.
- ``id_check_typo``: one digit changed, so the check character fails.
- ``id_transposed``: two neighbouring digits swapped (usually fails the check).
- ``id_zero_placeholder``: eighteen zeros, meaning unknown.
- ``id_lowercase_x``: a final ``X`` written ``x``.
- ``name_homophone``: one character replaced by a homophone (the same toneless pinyin,
  :func:`synth.names.homophones`), a given-name character more often than the surname.
- ``name_traditional``: the name in traditional characters (陳 for 陈).
- ``name_space``: a stray half-width or full-width space inside the name.
- ``name_rare_char``: a rare character written ``?`` (or its pinyin).
- ``birth_date_conflict``: a person's birth date on a marriage, birth, screening or
  disability row moved a few days (1-7, either way) or, for three in ten where the
  day is 1-12 and differs from the month, with day and month swapped; the ID
  number on the row keeps the true date, the household register is untouched.
- ``date_compact`` / ``date_slash``: a date cell written ``YYYYMMDD`` or ``YYYY/M/D``.
- ``duplicate_within``: the finished row delivered again by the same source
  under record id + ``D`` (see :mod:`synth.duplicates`).
- ``gb18030_files``: whole CSV files written in GB18030 instead of UTF-8
  (:mod:`synth.writer`).
- The hard cases of issue 16 (:mod:`synth.hard_cases`): ``relative_id_unusable``,
  ``cohabitant_id_unusable``, ``employment_id_unusable`` (before the ID kinds above),
  ``newborn_date_off``, ``newborn_renamed``, ``newborn_mother_id_unusable`` (birth
  rows); every mention of a hard class is tagged in ``truth/hard_cases.parquet``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import opencc
import polars as pl

from synth import duplicates, hard_cases, names
from synth.feeds import DATE_COLUMNS, IDENTITIES
from synth.feeds.common import RecordIds
from synth.profile import NoiseRates

_T2S = opencc.OpenCC("s2t")
ZERO_ID = "0" * 18


def _pick(rng: np.random.Generator, mask: np.ndarray, rate: float) -> np.ndarray:
    return np.asarray(mask & (rng.random(mask.size) < rate))


def _mutate_id(value: str, kind: str, rng: np.random.Generator) -> str:
    if kind == "id_check_typo":
        i = int(rng.integers(0, 17))
        digit = str((int(value[i]) + int(rng.integers(1, 10))) % 10)
        return value[:i] + digit + value[i + 1:]
    if kind == "id_transposed":
        for i in [int(rng.integers(0, 16))] + list(range(16)):
            if value[i] != value[i + 1]:
                return value[:i] + value[i + 1] + value[i] + value[i + 2:]
        return value
    if kind == "id_legacy15":
        return value[:6] + value[8:17]
    if kind == "id_zero_placeholder":
        return ZERO_ID
    return value[:17] + "x"


def ids(column: pl.Series, rng: np.random.Generator, r: NoiseRates, counts: Counter[str],
        struck: np.ndarray | None = None) -> pl.Series:
    """Apply the ID-number kinds to the numbers of one column (a number already ``struck``
    by the hard cases keeps its one fault)."""
    n = column.len()
    full = (column.str.len_chars() == 18).to_numpy()
    if struck is not None:
        full &= ~struck
    legacy_ok = full & (column.str.slice(6, 2) == "19").to_numpy()
    u = rng.random(n)
    edges = np.cumsum([r.id_legacy15, r.id_check_typo, r.id_transposed, r.id_zero_placeholder])
    kinds = ("id_legacy15", "id_check_typo", "id_transposed", "id_zero_placeholder")
    where: list[np.ndarray] = []
    values: list[str] = []
    lo = 0.0
    for kind, hi in zip(kinds, edges, strict=True):
        hit = np.flatnonzero(full & (u >= lo) & (u < hi) & (legacy_ok | (kind != "id_legacy15")))
        lo = hi
        values += [_mutate_id(str(v), kind, rng) for v in column.gather(hit).to_list()]
        where.append(hit)
        counts[kind] += hit.size
    ends_x = np.flatnonzero(full & (u >= lo) & column.str.ends_with("X").to_numpy()
                            & (rng.random(n) < r.id_lowercase_x))
    values += [str(v)[:17] + "x" for v in column.gather(ends_x).to_list()]
    where.append(ends_x)
    counts["id_lowercase_x"] += ends_x.size
    return column.scatter(np.concatenate(where), pl.Series(values, dtype=pl.String))


def _mutate_name(value: str, kind: str, rng: np.random.Generator) -> str | None:
    if kind == "name_homophone":
        return names.variant(value, rng)
    if kind == "name_traditional":
        converted = str(_T2S.convert(value))
        return converted if converted != value else None
    if kind == "name_space":
        i = int(rng.integers(1, len(value))) if len(value) > 1 else 1
        return value[:i] + ("\u3000" if rng.random() < 0.5 else " ") + value[i:]
    return names.unencodable(value, rng)


def person_names(column: pl.Series, rng: np.random.Generator, r: NoiseRates,
                 counts: Counter[str]) -> tuple[pl.Series, np.ndarray]:
    """Apply the name kinds to one column of names.

    Returns:
        The names, and which rows the homophone kind changed (and no later kind did).
    """
    present = (column.str.len_chars() > 0).to_numpy()
    homophone = np.zeros(column.len(), dtype=bool)
    changed: dict[int, str] = {}
    for kind in ("name_homophone", "name_traditional", "name_space", "name_rare_char"):
        rate = getattr(r, kind) * (20 if kind == "name_rare_char" else 1)
        hit = np.flatnonzero(_pick(rng, present, rate))
        for i, value in zip(hit, column.gather(hit).to_list(), strict=True):
            now = changed.get(int(i), str(value))
            new = _mutate_name(now, kind, rng)
            if new is not None and new != now:
                changed[int(i)] = new
                counts[kind] += 1
                homophone[i] = kind == "name_homophone"
    where = np.fromiter(changed, dtype=np.int64, count=len(changed))
    return column.scatter(where, pl.Series(list(changed.values()), dtype=pl.String)), homophone


def dates(frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
          counts: Counter[str]) -> pl.DataFrame:
    """Rewrite a small share of date cells as ``YYYYMMDD`` or ``YYYY/M/D``."""
    for col in [c for c in frame.columns if c in DATE_COLUMNS]:
        u = rng.random(frame.height)
        present = frame[col].str.len_chars().to_numpy() == 10
        compact = present & (u < r.date_compact)
        slash = present & (u >= r.date_compact) & (u < r.date_compact + r.date_slash)
        counts["date_compact"] += int(compact.sum())
        counts["date_slash"] += int(slash.sum())
        s = pl.col(col)
        slashed = pl.format("{}/{}/{}", s.str.slice(0, 4),
                            s.str.slice(5, 2).cast(pl.Int32).cast(pl.String),
                            s.str.slice(8, 2).cast(pl.Int32).cast(pl.String))
        frame = frame.with_columns(
            pl.when(pl.Series(compact)).then(s.str.replace_all("-", ""))
            .when(pl.Series(slash)).then(slashed).otherwise(s).alias(col))
    return frame


def wrong_people(feed: str, frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
                 counts: Counter[str]) -> pl.DataFrame:
    """Valid numbers of the wrong person: the hard cases for fusion."""
    if feed == "birth":
        ok = (frame["child_id_number"].str.len_chars() == 18).to_numpy() & (
            frame["mother_id_number"].str.len_chars() == 18).to_numpy()
        hit = _pick(rng, ok, r.id_mother_in_child)
        counts["id_mother_in_child"] += int(hit.sum())
        frame = frame.with_columns(pl.when(pl.Series(hit)).then(pl.col("mother_id_number"))
                                   .otherwise(pl.col("child_id_number")).alias("child_id_number"))
    if feed == "bloodline":
        full = ((frame["person_id_number"].str.len_chars() == 18)
                & (frame["relative_id_number"].str.len_chars() == 18)).to_numpy()
        swap = _pick(rng, full, r.id_swapped)
        other = _pick(rng, full & ~swap & frame["relation"].is_in(["51", "52"]).to_numpy(),
                      r.id_other_relative * 3)
        counts["id_swapped"] += int(swap.sum())
        counts["id_other_relative"] += int(other.sum())
        p, q = pl.col("person_id_number"), pl.col("relative_id_number")
        frame = frame.with_columns(
            pl.when(pl.Series(swap)).then(q).otherwise(p).alias("person_id_number"),
            pl.when(pl.Series(swap)).then(p).when(pl.Series(other))
            .then(pl.col("_other_parent")).otherwise(q).alias("relative_id_number"))
    return frame


def births(frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
           counts: Counter[str]) -> pl.DataFrame:
    """Missing fathers and newborn placeholders (``王某某之子``) on birth rows."""
    has_father = (frame["father_name"].str.len_chars() > 0).to_numpy()
    drop = _pick(rng, has_father, r.father_missing)
    counts["father_missing"] += int(drop.sum())
    unnamed = (frame["child_name"].str.len_chars() == 0).to_numpy() & has_father & ~drop
    place = _pick(rng, unnamed, r.newborn_placeholder)
    counts["newborn_placeholder"] += int(place.sum())
    suffix = pl.when(pl.col("child_sex") == "1").then(pl.lit("某某之子")).otherwise(
        pl.lit("某某之女"))
    return frame.with_columns(
        pl.when(pl.Series(place)).then(pl.col("father_name").str.slice(0, 1) + suffix)
        .otherwise(pl.col("child_name")).alias("child_name"),
        *[pl.when(pl.Series(drop)).then(pl.lit("")).otherwise(pl.col(c)).alias(c)
          for c in ("father_id_number", "father_name")],
        pl.when(pl.Series(drop)).then(-1).otherwise(pl.col("@father")).alias("@father"))


#: Birth-date cells that may disagree with the person's true birth date, per feed.  The
#: household register is left out: it is the record the ID number was made from.
BIRTH_DATES: dict[str, tuple[str, ...]] = {
    "marriage": ("husband_birth_date", "wife_birth_date"), "birth": ("birth_date",),
    "screening": ("birth_date",), "disability": ("birth_date",),
}
SWAP_SHARE = 0.3  # of conflicts, where the day is 1-12 and differs from the month


#: Whose birth date each of those cells states.
BIRTH_DATE_ROLE = {"husband_birth_date": "husband", "wife_birth_date": "wife"}


def birth_dates(feed: str, frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
                counts: Counter[str], moved: dict[str, np.ndarray]) -> pl.DataFrame:
    """Conflicting birth dates: a few days off, or day and month swapped, on one row.

    ``moved`` is updated: per role, the rows whose birth date now differs."""
    for col in BIRTH_DATES.get(feed, ()):
        role = BIRTH_DATE_ROLE.get(col, "child" if feed == "birth" else "person")
        already = moved.get(role, np.zeros(frame.height, dtype=bool))
        present = (frame[col].str.len_chars() == 10).to_numpy() & ~already
        hit = _pick(rng, present, r.birth_date_conflict)
        moved[role] = already | hit
        shift = rng.integers(1, 8, frame.height) * rng.choice([-1, 1], frame.height)
        want_swap = rng.random(frame.height) < SWAP_SHARE
        counts["birth_date_conflict"] += int(hit.sum())
        frame = frame.with_columns(_conflicting(pl.col(col), pl.Series(hit),
                                                pl.Series(want_swap), pl.Series(shift)))
    return frame


def _conflicting(s: pl.Expr, hit: pl.Series, want_swap: pl.Series, shift: pl.Series
                 ) -> pl.Expr:
    """The cell with the day and month swapped (where that changes a valid date) or shifted."""
    day, month = s.str.slice(8, 2), s.str.slice(5, 2)
    swappable = (day.cast(pl.Int32) <= 12) & (day != month)
    swapped = pl.format("{}-{}-{}", s.str.slice(0, 4), day, month)
    shifted = (s.str.to_date("%Y-%m-%d", strict=False) + pl.duration(days=pl.lit(shift))
               ).dt.strftime("%Y-%m-%d")
    return (pl.when(pl.lit(hit) & pl.lit(want_swap) & swappable).then(swapped)
            .when(pl.lit(hit)).then(shifted).otherwise(s).alias(s.meta.output_name()))


def apply(feed: str, frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
          counts: Counter[str], record_ids: RecordIds) -> pl.DataFrame:
    """Every kind of noise for one feed's rows (strings, hidden link columns kept).

    Args:
        feed: The feed name.
        frame: Rows with every column as text.
        rng: The noise stage's generator.
        r: Rates of the chosen level.
        counts: Counter updated with kind -> cells or rows changed.
        record_ids: The drop's record ids (cross-source copies take new ones).

    Returns:
        The noisy rows, their hard cases tagged (:mod:`synth.hard_cases`).
    """
    frame = duplicates.across(feed, frame, rng, r.duplicate_across, counts, record_ids)
    moved: dict[str, np.ndarray] = {}
    if feed == "birth":
        frame = births(frame, rng, r, counts)
        frame, moved["child"] = hard_cases.newborns(frame, rng, r, counts)
    frame, struck = hard_cases.without_numbers(feed, frame, rng, r, counts)
    if feed == "birth":
        struck["mother"] = frame["%mother"].str.contains("mother_id_unusable").to_numpy()
    before = {role: frame[id_col] for id_col, _, role in IDENTITIES[feed]}
    frame = wrong_people(feed, frame, rng, r, counts)
    homophone: dict[str, np.ndarray] = {}
    for id_col, name_col, role in IDENTITIES[feed]:
        named, homophone[role] = person_names(frame[name_col], rng, r, counts)
        frame = frame.with_columns(ids(frame[id_col], rng, r, counts, struck.get(role)),
                                   named)
    if feed == "diagnosis":  # after the name kinds: a placeholder is not a true name
        frame = screened_babies(frame, rng, r, counts)
    frame = dates(birth_dates(feed, frame, rng, r, counts, moved), rng, r, counts)
    frame = hard_cases.tag(feed, frame, before, homophone, moved)
    return duplicates.within(frame, rng, r.duplicate_within, counts)


def screened_babies(frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
                    counts: Counter[str]) -> pl.DataFrame:
    """Newborn-screening cards name an unnamed baby after its mother: ``王丽之子``."""
    unnamed = ((frame["source"] == "newborn_screening") & (frame["name"] == "")
               & (frame["mother_name"] != "")).to_numpy()
    place = _pick(rng, unnamed, r.newborn_placeholder)
    counts["newborn_placeholder"] += int(place.sum())
    suffix = pl.when(pl.col("sex") == "1").then(pl.lit("之子")).otherwise(pl.lit("之女"))
    return frame.with_columns(pl.when(pl.Series(place)).then(pl.col("mother_name") + suffix)
                              .otherwise(pl.col("name")).alias("name"))
