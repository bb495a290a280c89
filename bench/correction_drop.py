"""A correction drop on a loaded province: the departments send about 1 % of their rows
again, corrected (issue 13: "a 1 % correction drop at 1 M applied in under 60 s; a
repeated drop writes nothing").

    .venv/bin/python -m bench.correction_drop --persons 1000000 [--share 0.01]

Run it after ``bench.ingest_bench`` with the same ``--persons``, ``--noise`` and
``--seed``, against the same bench instance: it loads into the store and graph that
bench left. It makes ``var/drops/s<N>-<noise>-<seed>-fix<share>`` from the base drop
(:func:`make`), loads it with the same code as ``kingraph ingest`` (a later load: through
transactions, writing only the difference), loads it a second time (nothing may be
written: its inputs are those of the applied state, so the load is skipped,
:mod:`ingest.inputs`) and a third time with ``full`` (fused, derived and compared
again, still writing nothing), scores against ``truth/`` and appends the figures to
``bench/results/ingest.md``.

A correction is what a department sends when it finds its own mistake: a row's person
name or ID number set to the true one (from ``truth/``), every other cell as it was.
Rows with such a mistake are drawn at random, ``share`` of each feed file's rows (all of
them where a file has fewer); the row keeps its ``record_id``, so the store takes it as a
new version of the row. Figures only, never personal data.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from rich.console import Console

from bench.ingest_bench import scores
from graphdb.admin import counts
from graphdb.connection import open_driver
from ingest.feeds.catalogue import FEEDS
from ingest.feeds.read import discover, read_feed
from ingest.pipeline import LoadReport, run
from ingest.store import Store
from kingraph.cli.progress import stages
from kingraph.settings import Settings

RESULTS = Path(__file__).parent / "results" / "ingest.md"


@dataclass(frozen=True)
class Made:
    """What :func:`make` wrote: rows per file and cells corrected."""

    rows: dict[str, int]
    names_fixed: int
    ids_fixed: int


def make(base: Path, out: Path, share: float, seed: int) -> Made:
    """Write a correction drop of ``base`` to ``out`` (UTF-8 CSV, the base's headers).

    Per feed file, ``share`` of its rows (at least one) among those whose person name or
    ID number differs from the truth, drawn with ``seed``; each keeps its ``record_id``
    and gets the true name and number of every role that had one wrong (an empty ID
    number stays empty: the department did not know it).
    """
    links = pl.read_parquet(base / "truth" / "record_links.parquet")
    persons = pl.read_parquet(base / "truth" / "persons.parquet",
                              columns=["person_key", "name", "id_number"])
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    names = ids = 0
    for file in discover(base):
        raw = read_feed(file).frame
        definition = FEEDS[file.feed]
        frame, wrong = raw.drop("line"), pl.lit(False)
        for role in definition.roles:
            truth = (links.filter(pl.col("feed") == file.feed, pl.col("role") == role.name)
                     .join(persons, on="person_key")
                     .select("source", "record_id",
                             pl.col("name").alias(f"_name_{role.name}"),
                             pl.col("id_number").alias(f"_id_{role.name}")))
            frame = frame.join(truth, on=["source", "record_id"], how="left",
                               maintain_order="left")
            wrong = wrong | _wrong_name(role.person_name, role.name) | _wrong_id(
                role.id_number, role.name)
        frame = frame.with_columns(wrong.alias("_wrong"))
        pool = np.flatnonzero(frame["_wrong"].to_numpy())
        take = min(len(pool), max(1, round(share * raw.height)))
        chosen = np.sort(rng.choice(pool, size=take, replace=False)) if take else pool[:0]
        picked = frame[chosen]
        fixes = []
        for role in definition.roles:
            name, number = role.person_name, role.id_number
            names += int(picked.select(_wrong_name(name, role.name).sum()).item())
            ids += int(picked.select(_wrong_id(number, role.name).sum()).item())
            fixes += [
                pl.when(_wrong_name(name, role.name)).then(pl.col(f"_name_{role.name}"))
                .otherwise(pl.col(name)).alias(name),
                pl.when(_wrong_id(number, role.name)).then(pl.col(f"_id_{role.name}"))
                .otherwise(pl.col(number)).alias(number),
            ]
        fixed = picked.with_columns(fixes).select(definition.column_names)
        fixed.write_csv(out / f"{file.path.stem}.csv")
        written[file.name] = fixed.height
    return Made(written, names, ids)


def _wrong_name(column: str, role: str) -> pl.Expr:
    truth = pl.col(f"_name_{role}")
    return (truth.is_not_null() & (pl.col(column) != truth).fill_null(True)).fill_null(False)


def _wrong_id(column: str, role: str) -> pl.Expr:
    truth, cell = pl.col(f"_id_{role}"), pl.col(column)
    return (truth.is_not_null() & cell.is_not_null() & (cell != "")
            & (cell != truth)).fill_null(False)


def _load(drop: Path, settings: Settings, full: bool = False) -> tuple[LoadReport, float]:
    driver = open_driver(settings)
    database = settings.neo4j_database
    store = Store.for_graph(settings.var_dir, settings.bolt_uri, database)
    clock = time.perf_counter()
    # Each stage's start and end as lines on stderr (stage names and counts only).
    with stages(Console(stderr=True)) as stage:
        report = run(drop, driver, database, store, full=full, stage=stage)
    wall = time.perf_counter() - clock
    driver.close()
    return report, wall


def _scores(settings: Settings, truth: Path) -> dict[str, tuple[float, float, float]]:
    return scores(Store.for_graph(settings.var_dir, settings.bolt_uri,
                                  settings.neo4j_database), truth)


def _line(name: str, report: LoadReport, wall: float) -> str:
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    written = sum(report.written.values())
    return (f"- {name}: {wall:.1f} s end to end ({stages}); written {written:,} "
            f"({', '.join(f'{k} {v:,}' for k, v in report.written.items() if v) or 'nothing'})"
            f"; peaks: this process {max(report.peak_gib.values(), default=0):.2f} GiB, "
            f"fusion worker {report.fusion_worker_peak_gib:.2f} GiB"
            + ("; its inputs were those of the applied state: fusion, derive and the write "
               "skipped" if report.unchanged else ""))


def main() -> None:
    """Make the correction drop, load it twice, append the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", default="standard")
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--draw", type=int, default=None,
                        help="the seed drawing the rows to correct (default --seed): another "
                             "draw corrects other rows of a store corrected once already")
    args = parser.parse_args()
    settings = Settings()
    base = Path("var/drops") / f"s{args.persons}-{args.noise}-{args.seed}"
    draw = args.seed if args.draw is None else args.draw
    fix = base.with_name(f"{base.name}-fix{args.share:g}"
                         + ("" if args.draw is None else f"-draw{draw}"))
    made = make(base, fix, args.share, draw)
    before = _scores(settings, base / "truth")
    first, first_s = _load(fix, settings)
    after = _scores(settings, base / "truth")
    again, again_s = _load(fix, settings)
    full, full_s = _load(fix, settings, full=True)  # as every load did before 12-08
    driver = open_driver(settings)
    nodes, rels = counts(driver, settings.neo4j_database)
    driver.close()
    rows = sum(made.rows.values())
    lines = [
        f"## {time.strftime('%Y-%m-%d %H:%M')} — correction drop on {args.persons:,} "
        f"persons, noise `{args.noise}`",
        f"Machine: {platform.machine()}, 2 cores, 24 GiB. `bench.correction_drop "
        f"--share {args.share:g}{'' if args.draw is None else f' --draw {draw}'}` on the "
        "store and graph `bench.ingest_bench` left.", "",
        f"- the drop: {rows:,} rows in {len(made.rows)} files ({made.names_fixed:,} names "
        f"and {made.ids_fixed:,} ID numbers set to the true ones); graph after it "
        f"{nodes:,} nodes, {rels:,} relationships",
        _line("first load", first, first_s),
        _line("the same drop again", again, again_s),
        _line("the same drop again with `--full`", full, full_s),
        f"- this process's peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f}"
        " GiB", "", "| | before P / R / F1 | after P / R / F1 |", "|---|---|---|"]
    for name in before:
        b, a = before[name], after.get(name, (0.0, 0.0, 0.0))
        lines.append(f"| {name} | {b[0]:.4f} / {b[1]:.4f} / {b[2]:.4f} | "
                     f"{a[0]:.4f} / {a[1]:.4f} / {a[2]:.4f} |")
    section = "\n".join(lines) + "\n"
    with RESULTS.open("a") as handle:
        handle.write("\n" + section)
    print(section)  # noqa: T201
    print(json.dumps({"first": first.seconds, "again": again.written,  # noqa: T201
                      "full": full.written}))


if __name__ == "__main__":
    main()
