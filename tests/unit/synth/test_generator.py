"""Drops: determinism, columns, record links, clean noise and the noise counts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from kingraph import ids
from synth import generator
from synth.feeds import COLUMNS
from synth.generator import Result, generate


def _digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _read(out: Path, feed: str) -> pl.DataFrame:
    report = json.loads((out / "truth" / "noise_report.json").read_text("utf-8"))
    enc = report["encodings"][f"{feed}.csv"]
    text = (out / f"{feed}.csv").read_bytes().decode(enc)
    return pl.read_csv(text.encode("utf-8"), infer_schema=False).fill_null("")


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    generate(600, 11, tmp_path / "a")
    generate(600, 11, tmp_path / "b")
    generate(600, 12, tmp_path / "c")
    a, b, c = (_digest(tmp_path / x) for x in "abc")
    assert a == b
    assert a["truth/persons.parquet"] != c["truth/persons.parquet"]
    assert a["household.csv"] != c["household.csv"]


def test_a_drop_written_in_parts_is_reproducible_and_fully_linked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1,000 persons in parts of 300: four parts, each noised and appended on its own.
    monkeypatch.setattr(generator, "PART_PERSONS", 300)
    generate(1000, 5, tmp_path / "a")
    generate(1000, 5, tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    out = tmp_path / "a"
    persons = pl.read_parquet(out / "truth" / "persons.parquet")
    assert persons["person_key"].to_list() == list(range(1000))
    links = pl.read_parquet(out / "truth" / "record_links.parquet")
    rows = pl.concat([_read(out, f).select(pl.lit(f).alias("feed"), "source", "record_id")
                      for f in COLUMNS])
    assert rows.height == rows.unique().height
    assert rows.sort(pl.all()).equals(links.select("feed", "source", "record_id")
                                      .unique().sort(pl.all()))
    # Record ids of each source run 1..n without gaps across the parts (``D`` copies aside).
    plain = rows.filter(~pl.col("record_id").str.ends_with("D")).with_columns(
        pl.col("record_id").str.slice(4).cast(pl.Int64).alias("n"))
    spans = plain.group_by("feed", "source").agg(pl.col("n").max(), pl.len())
    assert (spans["n"] == spans["len"]).all()


def test_every_feed_has_exactly_the_spec_columns(drop: tuple[Path, Result]) -> None:
    out, _ = drop
    for feed, columns in COLUMNS.items():
        assert tuple(_read(out, feed).columns) == columns, feed


def test_every_row_is_in_record_links_and_nothing_else(drop: tuple[Path, Result]) -> None:
    out, _ = drop
    links = pl.read_parquet(out / "truth" / "record_links.parquet")
    rows = pl.concat([_read(out, f).select(pl.lit(f).alias("feed"), "source", "record_id")
                      for f in COLUMNS])
    assert rows.height == rows.unique().height  # record_id unique within feed and source
    linked = links.select("feed", "source", "record_id").unique()
    assert rows.sort(pl.all()).equals(linked.sort(pl.all()))
    assert links.select("feed", "source", "record_id", "role").is_duplicated().sum() == 0


def test_clean_noise_keeps_ids_valid_and_names_true(clean_drop: tuple[Path, Result]) -> None:
    out, result = clean_drop
    persons = pl.read_parquet(out / "truth" / "persons.parquet")
    truth = dict(zip(persons["person_key"], persons["name"], strict=True))
    hh = _read(out, "household")
    links = pl.read_parquet(out / "truth" / "record_links.parquet").filter(
        pl.col("feed") == "household")
    joined = hh.join(links, on=["source", "record_id"])
    assert all(ids.parse(x).usable for x in joined["id_number"] if x)
    assert all(truth[k] == n for k, n in zip(joined["person_key"], joined["name"], strict=True))
    counts = result.noise["counts"]
    assert isinstance(counts, dict)
    assert all(v == 0 for v in counts.values())


def test_noise_report_counts_can_be_recounted(drop: tuple[Path, Result]) -> None:
    out, result = drop
    counts = result.noise["counts"]
    assert isinstance(counts, dict)
    dup = sum(_read(out, f)["record_id"].str.ends_with("D").sum() for f in COLUMNS)
    assert dup == counts["duplicate_within"] > 0
    originals = {f: _read(out, f).filter(~pl.col("record_id").str.ends_with("D"))
                 for f in COLUMNS}
    zeros = sum(int((originals[f][c] == "0" * 18).sum()) for f in COLUMNS
                for c in COLUMNS[f] if c.endswith("id_number"))
    assert zeros == counts["id_zero_placeholder"] > 0
    encodings = result.noise["encodings"]
    assert isinstance(encodings, dict)
    assert sum(v == "gb18030" for v in encodings.values()) == counts["gb18030_files"] == 3
