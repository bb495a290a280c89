"""Noise kinds recounted from the written files against the truth."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl

from synth.generator import Result

#: Echoed feeds: the source copied, the copying source, the columns naming one event.
ECHOED = {
    "birth": ("birth_platform", "self_collected", ["child"]),
    "marriage": ("civil_affairs", "self_collected", ["husband", "wife", "event", "event_date"]),
    "pregnancy": ("pregnancy_platform", "self_collected", ["woman", "lmp_date"]),
}
#: (feed, birth-date column, role whose birth date it states).
BIRTH_DATE_CELLS = (
    ("marriage", "husband_birth_date", "husband"), ("marriage", "wife_birth_date", "wife"),
    ("birth", "birth_date", "child"), ("screening", "birth_date", "person"),
    ("disability", "birth_date", "person"), ("household", "birth_date", "person"),
)


def _read(out: Path, feed: str) -> pl.DataFrame:
    """Rows of one feed as written, without the within-source duplicates (``...D``)."""
    report = json.loads((out / "truth" / "noise_report.json").read_text("utf-8"))
    text = (out / f"{feed}.csv").read_bytes().decode(report["encodings"][f"{feed}.csv"])
    frame = pl.read_csv(text.encode("utf-8"), infer_schema=False).fill_null("")
    return frame.filter(~pl.col("record_id").str.ends_with("D"))


def _with_keys(out: Path, feed: str) -> pl.DataFrame:
    """Rows of a feed with one person-key column per role, from ``record_links``."""
    links = pl.read_parquet(out / "truth" / "record_links.parquet").filter(
        pl.col("feed") == feed).pivot(on="role", index=["source", "record_id"],
                                      values="person_key")
    return _read(out, feed).join(links, on=["source", "record_id"], how="left")


def _as_date(cell: str) -> date:
    """A date cell in any of the three formats of feeds.md."""
    if "/" in cell:
        y, m, d = (int(x) for x in cell.split("/"))
        return date(y, m, d)
    digits = cell.replace("-", "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def _counts(drop: tuple[Path, Result]) -> dict[str, int]:
    counts = drop[1].noise["counts"]
    assert isinstance(counts, dict)
    return counts


def _echoes(out: Path, feed: str) -> int:
    """Rows of the copying source whose event the origin source also reports."""
    origin, copy, key = ECHOED[feed]
    rows = _with_keys(out, feed)
    if "event_date" in key or "lmp_date" in key:
        col = "event_date" if "event_date" in key else "lmp_date"
        rows = rows.with_columns(pl.col(col).map_elements(_as_date, return_dtype=pl.Date))
    both = rows.group_by(key).agg(
        (pl.col("source") == origin).sum().alias("origin"),
        (pl.col("source") == copy).sum().alias("copy"))
    return int(both.filter((pl.col("origin") > 0) & (pl.col("copy") > 0))["copy"].sum())


def test_duplicates_across_sources_are_recounted_from_the_files(
        drop: tuple[Path, Result]) -> None:
    out, _ = drop
    found = {feed: _echoes(out, feed) for feed in ECHOED}
    assert sum(found.values()) == _counts(drop)["duplicate_across"]
    assert found["birth"] > 0 and found["marriage"] > 0


def test_clean_drop_reports_no_event_from_two_sources(clean_drop: tuple[Path, Result]) -> None:
    assert sum(_echoes(clean_drop[0], feed) for feed in ECHOED) == 0


def _is_conflict(stated: date, true: date) -> bool:
    """A shift of 1 to 7 days either way, or the day and month swapped."""
    swapped = (stated.year, stated.month, stated.day) == (true.year, true.day, true.month)
    return swapped or 1 <= abs((stated - true).days) <= 7


def test_conflicting_birth_dates_are_recounted_and_are_shifts_or_swaps(
        drop: tuple[Path, Result]) -> None:
    out, _ = drop
    persons = pl.read_parquet(out / "truth" / "persons.parquet")
    born = dict(zip(persons["person_key"], persons["birth_date"], strict=True))
    conflicts, swaps = {}, 0
    for feed, col, role in BIRTH_DATE_CELLS:
        rows = _with_keys(out, feed).filter(pl.col(role).is_not_null() & (pl.col(col) != ""))
        pairs = [(_as_date(c), born[k]) for c, k in zip(rows[col], rows[role], strict=True)]
        off = [(s, t) for s, t in pairs if s != t]
        assert all(_is_conflict(s, t) for s, t in off), feed
        conflicts[(feed, col)] = len(off)
        swaps += sum(abs((s - t).days) > 7 for s, t in off)
    assert conflicts[("household", "birth_date")] == 0
    # A birth certificate's date a day off the registered one (class 3 of issue 16) is
    # the other kind that moves a birth date; no cell is moved by both.
    moved = _counts(drop)["birth_date_conflict"] + _counts(drop)["newborn_date_off"]
    assert sum(conflicts.values()) == moved > _counts(drop)["birth_date_conflict"] > 0
    assert 0 < swaps < sum(conflicts.values())  # both swaps and shifts occur
