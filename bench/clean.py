"""Throughput of reading + cleaning + mentions (ingest.feeds: read, clean, mentions).

Run: .venv/bin/python bench/clean.py [DROP_DIR] [--synthetic] [--rows N]

With a drop directory (or the newest one under var/drops/), times every feed file of
it.  Without one, synthesises a drop in a temporary directory: a household feed of N
rows (default 1,000,000; UTF-8) and a bloodline feed of N/2 rows (GB18030), with the
noise of the spec (three date formats, 15-digit and bad-check numbers, lowercase x,
traditional characters, full-width spaces, placeholders, a few bad rows).
Prints counts, seconds and rows/s per stage and peak memory; no personal data.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from ingest.feeds import clean_feed, discover, read_feed, to_mentions

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高符邢云蔡吉")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉海山红")
COUNTIES = ["460105", "460106", "460107", "460108", "460202", "460203", "460400",
            "469001", "469002", "469005", "469025", "469027"]


def _ids(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Valid 18-digit numbers (numpy check digits) and their birth dates."""
    born = np.datetime64("1930-01-01") + rng.integers(0, 32000, n).astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(born, unit="D"), "-", "")
    county = np.array(COUNTIES)[rng.integers(0, len(COUNTIES), n)]
    seq = np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    first17 = np.char.add(np.char.add(county, ymd), seq)
    digits = np.frombuffer("".join(first17.tolist()).encode(), dtype=np.uint8).reshape(n, 17)
    check = np.array(list("10X98765432"))[((digits - 48) @ WEIGHTS) % 11]
    return np.char.add(first17, check), born


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    given = np.char.add(np.array(GIVEN)[rng.integers(0, len(GIVEN), n)],
                        np.where(rng.random(n) < 0.6,
                                 np.array(GIVEN)[rng.integers(0, len(GIVEN), n)], ""))
    return np.char.add(surname, given)


def _noisy(column: pl.Expr, noise: pl.Expr, variants: list[tuple[float, pl.Expr]]) -> pl.Expr:
    out, low = column, 0.0
    for share, variant in variants:
        chosen = noise.is_between(low, low + share, closed="left")
        out = pl.when(chosen).then(variant).otherwise(out)
        low += share
    return out


def _people(rng: np.random.Generator, n: int, prefix: str) -> pl.DataFrame:
    number, born = _ids(rng, n)
    frame = pl.DataFrame({f"{prefix}id_number": number, f"{prefix}name": _names(rng, n),
                          "born": born.astype("datetime64[D]").astype(str),
                          "noise": rng.random(n)})
    idc, name, noise = pl.col(f"{prefix}id_number"), pl.col(f"{prefix}name"), pl.col("noise")
    fifteen = idc.str.slice(0, 6) + idc.str.slice(8, 9)
    return frame.with_columns(
        _noisy(idc, noise, [(0.02, fifteen), (0.01, idc.str.slice(0, 17) + "0"),
                            (0.01, pl.lit("000000000000000000")), (0.02, idc.str.to_lowercase()),
                            (0.05, pl.lit(None, pl.String))]).alias(f"{prefix}id_number"),
        _noisy(name, noise, [(0.11, name.str.replace("陈", "陳")),
                             (0.13, "\u3000" + name), (0.14, name.str.slice(0, 1) + "某某之子"),
                             (0.15, name.str.slice(0, 1) + "?")]).alias(f"{prefix}name"),
    )


def _dates(column: str, noise: pl.Expr) -> pl.Expr:
    iso = pl.col(column)
    return _noisy(iso, noise, [(0.3, iso.str.replace_all("-", "")),
                               (0.4, iso.str.replace_all("-", "/").str.replace("/0", "/")),
                               (0.401, pl.lit("1999-02-30"))])


def _household(rng: np.random.Generator, n: int) -> pl.DataFrame:
    people = _people(rng, n, "")
    return people.with_columns(
        record_id=pl.format("h{}", pl.int_range(n)), source=pl.lit("public_security"),
        household_id=pl.format("HH{}", pl.int_range(n) // 3), former_name=pl.lit(None),
        sex=pl.lit("1"), birth_date=_dates("born", pl.col("noise").shuffle(1)),
        ethnicity=pl.lit("01"), hukou_type=pl.lit("agricultural"), marital_status=pl.lit("20"),
        relation_to_head=pl.lit("02"), division_code=pl.lit("460106"),
        address=pl.lit("海口市龙华区某路"), registered_on=pl.lit("2001-01-01"),
        deregistered_on=pl.lit(None), deregistered_reason=pl.lit(None),
    ).select("record_id", "source", "household_id", "id_number", "name", "former_name", "sex",
             "birth_date", "ethnicity", "hukou_type", "marital_status", "relation_to_head",
             "division_code", "address", "registered_on", "deregistered_on",
             "deregistered_reason")


def _bloodline(rng: np.random.Generator, n: int) -> pl.DataFrame:
    person = _people(rng, n, "person_").drop("born", "noise")
    relative = _people(rng, n, "relative_").drop("born", "noise")
    return pl.concat([person, relative], how="horizontal").with_columns(
        record_id=pl.format("l{}", pl.int_range(n)), source=pl.lit("self_collected"),
        relation=pl.lit("52"), collected_on=pl.lit("2015/1/1"),
    ).select("record_id", "source", "person_id_number", "person_name", "relative_id_number",
             "relative_name", "relation", "collected_on")


def synthesise(folder: Path, rows: int) -> None:
    """Write a synthetic two-feed drop into ``folder``."""
    rng = np.random.default_rng(7)
    _household(rng, rows).write_csv(folder / "household.csv")
    text = _bloodline(rng, rows // 2).write_csv()
    (folder / "bloodline_gb.csv").write_bytes(text.encode("gb18030"))


def _newest_drop() -> Path | None:
    root = Path(__file__).resolve().parents[1] / "var" / "drops"
    drops = sorted((p for p in root.glob("*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    return drops[-1] if drops else None


def run(drop: Path) -> None:
    """Time the three stages on every feed file of a drop and print a summary."""
    totals = {"read": 0.0, "clean": 0.0, "mentions": 0.0}
    rows = mentions = 0
    for file in discover(drop):
        t0 = time.perf_counter()
        raw = read_feed(file)
        t1 = time.perf_counter()
        clean = clean_feed(raw)
        t2 = time.perf_counter()
        mentions += to_mentions(clean).height
        t3 = time.perf_counter()
        for stage, seconds in zip(totals, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            totals[stage] += seconds
        rows += clean.counts.read
        c = clean.counts
        print(f"{file.feed:13s} read {c.read:>10,} accepted {c.accepted:>10,} "
              f"quarantined {c.quarantined:>8,}  {t3 - t0:6.1f} s")
    for stage, seconds in totals.items():
        print(f"{stage:9s} {seconds:7.1f} s  {rows / seconds:>12,.0f} rows/s")
    total = sum(totals.values())
    print(f"{'total':9s} {total:7.1f} s  {rows / total:>12,.0f} rows/s  "
          f"({rows:,} rows, {mentions:,} mentions)")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


def main() -> None:
    """Entry point: a given drop, the newest generated drop, or a synthetic one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drop", nargs="?", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--synthetic", action="store_true", help="ignore var/drops/")
    args = parser.parse_args()
    drop = args.drop or (None if args.synthetic else _newest_drop())
    if drop is not None:
        print(f"drop {drop}")
        run(drop)
        return
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        synthesise(Path(folder), args.rows)
        print(f"synthesised {args.rows:,} household + {args.rows // 2:,} bloodline rows "
              f"in {time.perf_counter() - started:.1f} s ({date.today()})")
        run(Path(folder))


if __name__ == "__main__":
    main()
