"""Writing a drop part by part: feed CSVs (UTF-8 or GB18030), truth parquet files,
record links and the noise report.

Each part's rows are noised and appended to the open files at once, so memory
holds one part, never a whole feed.  Rows are written in a fixed order and parquet
without timestamps or statistics, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from synth import noise
from synth.feeds import COLUMNS, DATE_COLUMNS, row_truth
from synth.feeds.common import RecordIds
from synth.marriage import NEVER
from synth.profile import NoiseRates

#: Prefixes of hidden columns: ``@role`` true person keys (record links), ``_x`` values the
#: noise needs, ``^x`` truth about the row (row truth files), ``%role`` the hard cases a
#: mention belongs to.
HIDDEN = ("@", "_", "^", "%")


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every spec column as text: dates ``YYYY-MM-DD``, unknown as empty."""
    out = []
    for col in frame.columns:
        s = pl.col(col)
        if col.startswith(HIDDEN):
            out.append(s)
        elif col in DATE_COLUMNS:
            day = pl.when(s < NEVER).then(s).cast(pl.Int32).cast(pl.Date)
            out.append(day.dt.strftime("%Y-%m-%d").fill_null("").alias(col))
        else:
            out.append(s.cast(pl.String).fill_null("").alias(col))
    return frame.select(out)


def hard_cases(feed: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``hard_cases`` rows of one feed: one per (record, role, kind) a mention belongs to."""
    roles = [c for c in frame.columns if c.startswith("%")]
    if not roles:
        return pl.DataFrame(schema=HARD_CASES)
    long = frame.select("source", "record_id", *roles).unpivot(
        index=["source", "record_id"], on=roles, variable_name="role", value_name="kind")
    long = long.filter(pl.col("kind") != "").with_columns(pl.col("kind").str.split(";"))
    return long.explode("kind").filter(pl.col("kind") != "").select(
        pl.lit(feed).alias("feed"), "source", "record_id", pl.col("role").str.slice(1),
        "kind").cast(HARD_CASES)


HARD_CASES = pl.Schema({"feed": pl.String, "source": pl.String, "record_id": pl.String,
                        "role": pl.String, "kind": pl.String})


def links(feed: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``record_links`` rows of one feed: one per (record, role) with a known person."""
    roles = [c for c in frame.columns if c.startswith("@")]
    long = frame.select("source", "record_id", *roles).unpivot(
        index=["source", "record_id"], on=roles, variable_name="role", value_name="person_key")
    return long.filter(pl.col("person_key") >= 0).select(
        pl.lit(feed).alias("feed"), "source", "record_id",
        pl.col("role").str.slice(1), pl.col("person_key").cast(pl.Int64))


class _Parquet:
    """One parquet file written a part at a time (one or more row groups per part)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pq.ParquetWriter | None = None

    def append(self, frame: pl.DataFrame) -> None:
        table = frame.to_arrow()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema, compression="zstd",
                                           write_statistics=False)
        self.writer.write_table(table.cast(self.writer.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class DropWriter:
    """The open files of a drop; :meth:`feed` and :meth:`truth` append one part's rows.

    Args:
        out: The drop directory (created).
        rates: Noise rates of the level.
        rng: The noise stage's generator; it only picks the GB18030 files.
    """

    def __init__(self, out: Path, rates: NoiseRates, rng: np.random.Generator) -> None:
        self.out, self.rates = out, rates
        (out / "truth").mkdir(parents=True, exist_ok=True)
        names = sorted(COLUMNS)
        gb = set(rng.choice(names, size=min(rates.gb18030_files, len(names)), replace=False))
        self.encodings = {f"{f}.csv": "gb18030" if f in gb else "utf-8" for f in names}
        self.noise: Counter[str] = Counter({"gb18030_files": len(gb)})
        self.rendered: Counter[tuple[str, str]] = Counter()
        #: Mentions per hard-case kind, and rows per (row-truth file, kind or meaning).
        self.kinds: Counter[str] = Counter()
        self.facts: Counter[tuple[str, str]] = Counter()
        self.ids = RecordIds()
        self._csv: dict[str, BinaryIO] = {}
        self._parquet: dict[str, _Parquet] = {}

    def __enter__(self) -> DropWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for handle in self._csv.values():
            handle.close()
        for parquet in self._parquet.values():
            parquet.close()

    def feed(self, feed: str, frames: list[pl.DataFrame], rng: np.random.Generator) -> None:
        """Number, noise and append one part's rendered rows of a feed (one frame per source).

        Args:
            feed: The feed name.
            frames: Rendered frames, one per source.
            rng: The part's noise generator.
        """
        for f in frames:
            if f.height:
                self.rendered[(feed, str(f["source"][0]))] += f.height
        numbered = [as_text(self.ids.number(f, feed)) for f in frames]
        frame = pl.concat(numbered, how="vertical_relaxed")
        for stem, rows in row_truth(feed, frame):
            self.truth(stem, rows)
            label = "meaning" if stem == "relation_codes" else "kind"
            self.facts.update({(stem, str(k)): int(n) for k, n in
                               rows.group_by(label).len().iter_rows()})
        frame = noise.apply(feed, frame, rng, self.rates, self.noise, self.ids)
        first = feed not in self._csv
        if first:
            self._csv[feed] = (self.out / f"{feed}.csv").open("wb")
        text = frame.select(COLUMNS[feed]).write_csv(include_header=first)
        self._csv[feed].write(text.encode(self.encodings[f"{feed}.csv"]))
        self.truth("record_links", links(feed, frame))
        hard = hard_cases(feed, frame)
        self.kinds.update({str(k): int(n) for k, n in hard.group_by("kind").len().iter_rows()})
        self.truth("hard_cases", hard)

    def truth(self, stem: str, frame: pl.DataFrame) -> None:
        """Append one part's rows to ``truth/<stem>.parquet``."""
        if stem not in self._parquet:
            self._parquet[stem] = _Parquet(self.out / "truth" / f"{stem}.parquet")
        self._parquet[stem].append(frame)

    def report(self) -> dict[str, object]:
        """Write ``truth/noise_report.json`` and return it (kind -> count, encodings)."""
        report: dict[str, object] = {"counts": dict(sorted(self.noise.items())),
                                     "encodings": self.encodings}
        (self.out / "truth" / "noise_report.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
        return report
