"""The hard cases for fusion that issue 16 saw in real data, made and tagged.

Three noise kinds of their own (rates in :class:`synth.profile.NoiseRates`, counts in
``truth/noise_report.json``), and a tag per mention in ``truth/hard_cases.parquet``
(``feed, source, record_id, role, kind``) for every mention of a hard class, however
it came about, so that fusion can be scored per class:

- ``no_usable_id`` (class 1): a cohabitation, employment or bloodline mention of a
  person whose number is empty, a placeholder, or mistyped so the check fails, while
  the person has a number that other rows carry; these feeds carry no birth date
  either, so only the name and the context (dwelling, employer, household, family) can
  place the person.  Made by ``relative_id_unusable`` (a relative's number on a
  bloodline row: the respondent rarely knows it), ``cohabitant_id_unusable``
  (self-collected residence rows at home, where the household register lists the
  person at the same address) and ``employment_id_unusable`` (the second enrolment of
  a person with one employer, re-entered by hand), and by the generic ID noise.
  ``never_numbered``: the same for a person who never had a number (a relative who
  died before numbers were issued in 1985): only family context can place them.
- ``homophone_valid_id`` (class 2): the name spelled with a homophone (same toneless
  pinyin) on a row whose number is the person's own valid number, and whose birth
  date, where the feed has one, is the true one (the sex column is never noised).
- Newborns (class 3), on birth rows: ``newborn_date_off`` (the certificate's date a
  day off the registered one), ``newborn_renamed`` (a named child whose given name
  was changed before the household registration), ``mother_id_unusable`` (the
  mother's number missing or mistyped, on the mother's mention); and by the facts
  (:func:`synth.feeds.health.newborn_facts`): ``twin``, ``born_elsewhere``,
  ``late_registration``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from synth import names
from synth.feeds import IDENTITIES
from synth.profile import NoiseRates

Bools = npt.NDArray[np.bool_]
#: How an unusable number reads: missing, a placeholder clerks type for "unknown", or a
#: typo (one digit changed: the check always fails, GB 11643's weights are all non-zero
#: modulo 11).  *Assumed* shares.
EMPTY, PLACEHOLDER = 0.6, 0.25
PLACEHOLDERS = ("111111111111111111", "无", "不详", "000000", "0")  # 18 zeros: id_zero_placeholder
#: The role whose number fails in class 1, per feed, with the rate's field.
CONTEXT_ROLES: dict[str, tuple[str, str]] = {
    "bloodline": ("relative", "relative_id_unusable"),
    "cohabitation": ("person", "cohabitant_id_unusable"),
    "employment": ("person", "employment_id_unusable"),
}
#: Bloodline codes whose relative's number the respondent holds (the spouse, in the same
#: household booklet): class 1 does not strike them.
KNOWN_RELATIVES = ("10", "11", "12")


def _typo(value: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(0, 17))
    return value[:i] + str((int(value[i]) + int(rng.integers(1, 10))) % 10) + value[i + 1:]


WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))
CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def _fixed(column: pl.Series, width: int) -> tuple[Bools, npt.NDArray[np.uint8]]:
    """Which cells are ``width`` bytes long, and those cells as a ``(k, width)`` byte matrix
    (read from the Arrow buffers, without one Python string per cell)."""
    arr = column.fill_null("").to_arrow(compat_level=pl.CompatLevel.oldest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if len(arr) else np.zeros(0, np.uint8)
    mask = np.diff(offsets) == width
    rows = offsets[:-1][mask][:, None] + np.arange(width)
    return mask, data[rows] if rows.size else np.zeros((0, width), np.uint8)


def unusable(column: pl.Series) -> Bools:
    """True where a number cell cannot serve as a key: neither an 18-character number with
    a possible birth date and a good check character, nor a 15-digit legacy number with a
    possible birth date (GB 11643; placeholders such as all zeros fail one or the other)."""
    text = column
    ok = np.zeros(text.len(), dtype=bool)
    for width, date_at in ((18, 10), (15, 8)):
        mask, raw = _fixed(text, width)
        last = raw[:, -1:] if width == 18 else raw[:, :0]
        digits = raw[:, :17] if width == 18 else raw
        good = ((digits >= 48) & (digits <= 57)).all(axis=1)
        good &= ((last >= 48) & (last <= 57) | (last == 88) | (last == 120)).all(axis=1)
        d = raw.astype(np.int64) - 48
        month = d[:, date_at] * 10 + d[:, date_at + 1]
        day_ = d[:, date_at + 2] * 10 + d[:, date_at + 3]
        good &= (month >= 1) & (month <= 12) & (day_ >= 1) & (day_ <= 31)
        if width == 18:
            year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
            good &= (year >= 1850) & (year <= 2100)
            good &= CHECK[(d[:, :17] * WEIGHTS).sum(axis=1) % 11] == np.where(
                raw[:, 17] == 120, 88, raw[:, 17])
        ok[mask] = good
    return np.asarray(~ok)


def _eligible(feed: str, frame: pl.DataFrame) -> Bools:
    """Mentions class 1 may strike: the relatives on bloodline rows (not spouses, whose
    numbers stand in the same household booklet); self-collected residence rows at the
    person's home (the household register lists them at that address; public security,
    which registers the rest, asks for the card); and the second of two enrolments of a
    person with one employer (re-entered by hand; the first keeps the number)."""
    if feed == "bloodline":
        return np.asarray(~frame["relation"].is_in(list(KNOWN_RELATIVES)).to_numpy())
    if feed == "cohabitation":
        return np.asarray(((frame["source"] == "self_collected")
                           & frame["dwelling_id"].str.starts_with("H")).to_numpy())
    later = frame.select(pl.col("from_date").rank("ordinal").over("@person", "employer_code")
                         > 1).to_series()
    return np.asarray(later.to_numpy())


def without_numbers(feed: str, frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
                    counts: Counter[str]) -> tuple[pl.DataFrame, dict[str, Bools]]:
    """Class 1: numbers of context-only mentions made unusable.

    Returns:
        The rows, and per role the rows whose number was struck.
    """
    spec = CONTEXT_ROLES.get(feed)
    if spec is None or frame.height == 0:
        return frame, {}
    role, field = spec
    id_col = next(i for i, _, ro in IDENTITIES[feed] if ro == role)
    has = (frame[id_col].str.len_chars() == 18).to_numpy() & _eligible(feed, frame)
    hit = np.flatnonzero(has & (rng.random(frame.height) < getattr(r, field)))
    old = frame[id_col].gather(hit).to_list()
    new = []
    for value, u in zip(old, rng.random(hit.size), strict=True):
        if u < EMPTY:
            new.append("")
        elif u < EMPTY + PLACEHOLDER:
            new.append(PLACEHOLDERS[int(rng.integers(len(PLACEHOLDERS)))])
        else:
            new.append(_typo(str(value), rng))
    counts[field] += hit.size
    struck = np.zeros(frame.height, dtype=bool)
    struck[hit] = True
    return (frame.with_columns(frame[id_col].scatter(hit, pl.Series(new, dtype=pl.String))),
            {role: struck})


def newborns(frame: pl.DataFrame, rng: np.random.Generator, r: NoiseRates,
             counts: Counter[str]) -> tuple[pl.DataFrame, Bools]:
    """Class 3 on birth-platform rows: a date a day off, a child renamed before the
    registration, the mother's number missing or mistyped.

    Returns:
        The rows, and which rows' birth date was moved.
    """
    n = frame.height
    plat = (frame["source"] == "birth_platform").to_numpy()
    off = plat & (rng.random(n) < r.newborn_date_off)
    named = plat & (frame["child_name"].str.len_chars() > 1).to_numpy() & ~frame[
        "child_name"].str.contains("某某").to_numpy()
    renamed = named & (rng.random(n) < r.newborn_renamed)
    mother = plat & (frame["mother_id_number"].str.len_chars() == 18).to_numpy()
    lost = mother & (rng.random(n) < r.newborn_mother_id_unusable)
    step = np.where(rng.random(n) < 0.5, -1, 1)
    moved = (pl.col("birth_date").str.to_date("%Y-%m-%d", strict=False)
             + pl.duration(days=pl.lit(pl.Series(step)))).dt.strftime("%Y-%m-%d")
    given = names.given_names(rng, (frame["child_sex"] == "1").to_numpy())
    other = pl.col("child_name").str.slice(0, 1) + pl.lit(pl.Series(given))
    # A new given name drawn equal to the old one renames no one.
    renamed &= frame.select(other != pl.col("child_name")).to_series().to_numpy()
    counts["newborn_date_off"] += int(off.sum())
    counts["newborn_renamed"] += int(renamed.sum())
    counts["newborn_mother_id_unusable"] += int(lost.sum())
    where = np.flatnonzero(lost)
    ids = frame["mother_id_number"].scatter(where, pl.Series(
        ["" if rng.random() < 0.5 else _typo(str(v), rng)
         for v in frame["mother_id_number"].gather(where).to_list()], dtype=pl.String))
    frame = frame.with_columns(
        pl.when(pl.Series(off)).then(moved).otherwise(pl.col("birth_date")).alias("birth_date"),
        pl.when(pl.Series(renamed)).then(other)
        .otherwise(pl.col("child_name")).alias("child_name"),
        ids)
    return add_tags(frame, {"child": {"newborn_date_off": off, "newborn_renamed": renamed},
                            "mother": {"mother_id_unusable": lost}}), off


def add_tags(frame: pl.DataFrame, tags: dict[str, dict[str, Bools]]) -> pl.DataFrame:
    """Append hard-case kinds to the hidden ``%role`` columns (``;``-separated)."""
    for role, kinds in tags.items():
        col = f"%{role}"
        current = pl.col(col) if col in frame.columns else pl.lit("")
        for kind, mask in kinds.items():
            if not mask.any():
                continue
            m = pl.lit(pl.Series(mask))
            current = (pl.when(m & (current != "")).then(current + ";" + kind)
                       .when(m).then(pl.lit(kind)).otherwise(current))
        frame = frame.with_columns(current.alias(col))
    return frame


def tag(feed: str, frame: pl.DataFrame, before: dict[str, pl.Series],
        homophone: dict[str, Bools], dated: dict[str, Bools]) -> pl.DataFrame:
    """Tag the mentions of classes 1 and 2 by their final state.

    Args:
        feed: The feed.
        frame: The noised rows.
        before: Per role, the number cells before any number of the wrong person or
            any typo was put there.
        homophone: Per role, rows whose name the homophone noise changed.
        dated: Per role, rows whose birth date was moved.
    """
    tags: dict[str, dict[str, Bools]] = {}
    for id_col, name_col, role in IDENTITIES[feed]:
        known = (frame[f"@{role}"].to_numpy() >= 0) if f"@{role}" in frame.columns else (
            np.ones(frame.height, dtype=bool))
        # A newborn placeholder (王某某之子) spelled differently is no one's name.
        known &= ~frame[name_col].str.contains("某某|之子|之女").to_numpy()
        kinds: dict[str, Bools] = {}
        if feed in CONTEXT_ROLES:
            numbered = (frame[f"_{role}_numbered"].to_numpy() if f"_{role}_numbered"
                        in frame.columns else np.ones(frame.height, dtype=bool))
            bad = (frame[f"@{role}"].to_numpy() >= 0) & unusable(frame[id_col])
            kinds["no_usable_id"] = bad & numbered
            kinds["never_numbered"] = bad & ~numbered
        rows = np.flatnonzero(known & homophone[role] & ~dated.get(
            role, np.zeros(frame.height, dtype=bool)))
        now = frame[id_col].gather(rows)
        same = (now.str.to_uppercase() == before[role].gather(rows).str.to_uppercase())
        valid = np.zeros(frame.height, dtype=bool)
        valid[rows] = same.fill_null(False).to_numpy() & ~unusable(now)
        kinds["homophone_valid_id"] = valid
        tags[role] = kinds
    return add_tags(frame, tags)
