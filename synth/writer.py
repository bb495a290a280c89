"""Writing a drop: feed CSVs (UTF-8 or GB18030), truth parquet files, record links.

Rows are written in a fixed order and parquet without timestamps, so the same
seed gives byte-identical files.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl

from synth import noise
from synth.feeds import COLUMNS, DATE_COLUMNS
from synth.marriage import NEVER
from synth.profile import NoiseRates


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every spec column as text: dates ``YYYY-MM-DD``, unknown as empty."""
    out = []
    for col in frame.columns:
        s = pl.col(col)
        if col.startswith(("@", "_")):
            out.append(s)
        elif col in DATE_COLUMNS:
            day = pl.when(s < NEVER).then(s).cast(pl.Int32).cast(pl.Date)
            out.append(day.dt.strftime("%Y-%m-%d").fill_null("").alias(col))
        else:
            out.append(s.cast(pl.String).fill_null("").alias(col))
    return frame.select(out)


def links(feed: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``record_links`` rows of one feed: one per (record, role) with a known person."""
    roles = [c for c in frame.columns if c.startswith("@")]
    long = frame.select("source", "record_id", *roles).unpivot(
        index=["source", "record_id"], on=roles, variable_name="role", value_name="person_key")
    return long.filter(pl.col("person_key") >= 0).select(
        pl.lit(feed).alias("feed"), "source", "record_id",
        pl.col("role").str.slice(1), pl.col("person_key").cast(pl.Int64))


def write_feed(out: Path, feed: str, frame: pl.DataFrame, encoding: str) -> int:
    """Write one feed CSV in the spec's column order; returns bytes written."""
    text = frame.select(COLUMNS[feed]).write_csv()
    data = text.encode(encoding)
    (out / f"{feed}.csv").write_bytes(data)
    return len(data)


def write_drop(out: Path, feeds: dict[str, list[pl.DataFrame]], truth: dict[str, pl.DataFrame],
               rng: np.random.Generator, rates: NoiseRates) -> dict[str, object]:
    """Noise, write every feed and the truth; returns the noise report.

    Args:
        out: The drop directory (created).
        feeds: Rendered frames per feed (one per source).
        truth: Truth frames by file stem (``persons``, ``marriages`` ...).
        rng: The noise stage's generator.
        rates: Noise rates of the level.

    Returns:
        The noise report (kind -> count, plus encodings per file).
    """
    (out / "truth").mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    names = sorted(feeds)
    gb = set(rng.choice(names, size=min(rates.gb18030_files, len(names)), replace=False))
    encodings, all_links = {}, []
    for feed in names:
        frame = pl.concat([as_text(f) for f in feeds[feed]], how="vertical_relaxed")
        frame = noise.apply(feed, frame, rng, rates, counts)
        encodings[f"{feed}.csv"] = "gb18030" if feed in gb else "utf-8"
        write_feed(out, feed, frame, encodings[f"{feed}.csv"])
        all_links.append(links(feed, frame))
    truth = {**truth, "record_links": pl.concat(all_links)}
    for stem, frame in truth.items():
        frame.write_parquet(out / "truth" / f"{stem}.parquet", statistics=False)
    counts["gb18030_files"] = len(gb)
    report: dict[str, object] = {"counts": dict(sorted(counts.items())),
                                 "encodings": encodings}
    (out / "truth" / "noise_report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    return report
