"""Ingest benchmark: Kingraph's pipeline end to end, and Splink on the same mentions.

    .venv/bin/python -m bench.ingest_bench --persons 100000 [--noise standard] [--splink]

Generates the drop if missing (``var/drops/s<N>-<noise>``), WIPES the graph that
the settings point at (run it against a bench instance:
``KINGRAPH_NEO4J_INSTANCE=bench KINGRAPH_NEO4J_BOLT_PORT=17741
KINGRAPH_NEO4J_HTTP_PORT=17742``), loads the drop with the same code as
``kingraph ingest`` (bulk import on the first load of a local server), and scores
fusion against ``truth/``.  With ``--splink`` it then runs Splink 4/5 (DuckDB backend)
on the same person mentions with a reasonable configuration (name, pinyin, birth
date, sex, division, ID number; u by random sampling, m by EM) and scores its
clusters the same way (Splink comes with the ``bench`` extra:
``.venv/bin/pip install -e '.[bench]'``).  Results (figures only, never personal
data) are appended to ``bench/results/ingest.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import time
from pathlib import Path
from typing import TypedDict

import polars as pl

from graphdb.admin import counts, empty_external, empty_local
from graphdb.bulk import import_full
from graphdb.connection import forget_bookmarks, open_driver
from graphdb.schema import apply
from graphdb.server import LocalServer
from ingest.budget import Budget, Watchdog
from ingest.fusion import evaluate, person_score
from ingest.pipeline import mention_table, run
from ingest.store import Store
from kingraph.settings import Settings
from synth.generator import generate

RESULTS = Path(__file__).parent / "results" / "ingest.md"
KEY = ["feed", "source", "record_id", "role"]


def peak_gib() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


class Figures(TypedDict):
    """What one load measured (counts, seconds, GiB, scores; never personal data)."""

    rows: int
    mentions: int
    persons: int
    fusion: dict[str, int]
    conflicts: dict[str, int]
    wall_s: float
    stages_s: dict[str, float]
    stages_peak_gib: dict[str, float]
    nodes: int
    relationships: int
    peak_gib: float
    tree_peak_gib: float  # the sum over the ingest's processes at its largest sample
    child_peak_gib: float
    admin_peak_gib: float | None
    scores: dict[str, tuple[float, float, float]]


def load(drop: Path, settings: Settings) -> Figures:
    """Wipe, load, score; returns the figures."""
    driver = open_driver(settings)
    database = settings.neo4j_database
    # As `kingraph db reset`: a large local database is emptied offline (deleting a 1 M
    # graph in transactions runs out of a 2 GiB heap).
    if settings.uses_local_server:
        empty_local(driver, database, LocalServer(settings),
                    settings.reset_offline_min_mib * 1024**2)
        forget_bookmarks(driver, database)
    else:
        empty_external(driver, database)
    apply(driver, database)
    store = Store.for_graph(settings.var_dir, settings.bolt_uri, database)
    shutil.rmtree(store.root, ignore_errors=True)
    store = Store(store.root)
    server = LocalServer(settings)
    bulk = (lambda n, r: import_full(server, database, n, r)) if settings.uses_local_server \
        else None
    clock = time.perf_counter()
    # The ingest's process tree (this process, the fusion worker, neo4j-admin; not the
    # Neo4j server, which runs in a session of its own), sampled every 50 ms.
    with Watchdog(Budget(2**62), lambda _: None, interval=0.05) as tree:
        report = run(drop, driver, database, store, bulk=bulk)
    wall = time.perf_counter() - clock
    rows = sum(f.read for f in report.files)
    found = scores(store, drop / "truth")
    nodes, rels = counts(driver, database)
    driver.close()
    return {"rows": rows, "mentions": report.fusion.get("mentions", 0),
            "persons": report.fusion.get("persons", 0), "fusion": report.fusion,
            "conflicts": report.conflicts, "wall_s": wall,
            "stages_s": report.seconds, "stages_peak_gib": report.peak_gib,
            "nodes": nodes, "relationships": rels,
            "peak_gib": peak_gib(), "tree_peak_gib": tree.peak / 1024**3,
            "child_peak_gib": report.fusion_worker_peak_gib,
            "admin_peak_gib": report.admin_peak_gib,
            "scores": found}


def scores(store: Store, truth: Path) -> dict[str, tuple[float, float, float]]:
    """Precision, recall and F1 of the store's applied state against ``truth``, by what
    is scored (persons, ``child_of``, married)."""
    mentions = mention_table(store).filter(pl.col("pid").is_not_null())
    child_of, married = store.state("child_of"), store.state("married")
    found = evaluate(mentions, child_of if child_of is not None else pl.DataFrame(),
                     married if married is not None else pl.DataFrame(), truth)
    return {s.name: (s.precision, s.recall, s.f1) for s in found}


def splink_run(drop: Path, settings: Settings) -> dict[str, object]:
    """Splink on the mentions Kingraph loaded, scored the same way."""
    try:
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on
        from splink import comparison_library as cl
    except ImportError as exc:
        raise SystemExit("--splink needs Splink: .venv/bin/pip install -e '.[bench]'") from exc

    from ingest.feeds import FEEDS, CleanFeed, FeedFile, to_mentions
    from ingest.feeds.quarantine import empty
    from kingraph import divisions

    store = Store.for_graph(settings.var_dir, settings.bolt_uri, settings.neo4j_database)
    frames = []
    for feed in store.feeds():
        rows = store.rows(feed)
        assert rows is not None
        clean = CleanFeed(FeedFile(Path(f"{feed}.store"), feed, "parquet"), FEEDS[feed], rows,
                          empty())
        frames.append(to_mentions(clean))
    m = pl.concat(frames)
    codes = [c for c in m["division_code"].unique().to_list() if c]
    county = pl.DataFrame({"division_code": codes,
                           "county": [divisions.current(c) for c in codes]})
    df = (m.join(county, on="division_code", how="left").with_row_index("unique_id")
          .select("unique_id", *KEY,
                  pl.coalesce("id_number", "id_raw").alias("id_number"),
                  pl.when(~pl.col("name_placeholder")).then(pl.col("name")).alias("name"),
                  pl.when(~pl.col("name_placeholder")).then(pl.col("name_key"))
                  .alias("name_key"),
                  pl.coalesce("birth_date", "id_birth_date").cast(pl.String).alias("birth_date"),
                  pl.coalesce("sex", "id_sex").alias("sex"), "county"))
    clock = time.perf_counter()
    api = DuckDBAPI()
    creator = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("id_number", [1, 2]),
            cl.ExactMatch("name").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88]),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("county"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_number"), block_on("name_key", "birth_date"),
            block_on("name", "county"), block_on("birth_date", "sex", "county"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(api.register(df.drop(KEY).to_arrow()), creator)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_number")], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("name_key", "birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id_number"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95)
    out = pl.from_arrow(clusters.as_duckdbpyrelation().select("unique_id, cluster_id").arrow())
    assert isinstance(out, pl.DataFrame)
    seconds = time.perf_counter() - clock
    joined = df.select("unique_id", *KEY).join(
        out.with_columns(pl.col("unique_id").cast(pl.UInt32),
                         pl.col("cluster_id").cast(pl.String).alias("pid")), on="unique_id")
    links = pl.read_parquet(drop / "truth" / "record_links.parquet")
    score = person_score(joined.select(*KEY, "pid"), links)
    return {"seconds": seconds, "mentions": df.height,
            "scores": {"persons": (score.precision, score.recall, score.f1)}}


def review_queue(ours: Figures) -> str:
    """The review queue a load leaves: fusion items (those refused as impossible among
    them) and conflicts."""
    fusion = ours["fusion"]
    return (f"- review queue: {fusion.get('reviews', 0):,} fusion items "
            f"({fusion.get('impossible_reviews', 0):,} refused as impossible, from "
            f"{fusion.get('vetoed_impossible', 0):,} links), "
            f"{sum(ours['conflicts'].values()):,} conflicts")


def record(args: argparse.Namespace, ours: Figures,
           splink: dict[str, object] | None) -> str:
    """The markdown section for this run."""
    lines = [f"## {time.strftime('%Y-%m-%d %H:%M')} — {args.persons:,} persons, "
             f"noise `{args.noise}`",
             f"Machine: {platform.machine()}, 2 cores, 24 GiB (shared with other work: "
             "figures are conservative).", "",
             f"- rows {ours['rows']:,}, mentions {ours['mentions']:,}, persons "
             f"{ours['persons']:,}; graph {ours['nodes']:,} nodes, "
             f"{ours['relationships']:,} relationships",
             f"- wall time {ours['wall_s']:.1f} s end to end "
             f"({ours['rows'] / ours['wall_s']:,.0f} rows/s), peak memory "
             f"{ours['peak_gib']:.1f} GiB",
             "- stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in ours["stages_s"].items()),
             "- this process's high-water mark after each stage (GiB): " + ", ".join(
                 f"{k} {v}" for k, v in ours["stages_peak_gib"].items()),
             f"- fusion worker process peak {ours['child_peak_gib']:.1f} GiB (a child "
             "process: it runs after this one dropped its read + clean frames)",
             f"- the ingest's process tree (this process, the worker, neo4j-admin; not the "
             f"Neo4j server), largest sum sampled every 50 ms: "
             f"{ours.get('tree_peak_gib', 0.0):.2f} GiB",
             "- conflicts for review: " + (", ".join(
                 f"{k.removeprefix('conflict_')} {v}" for k, v in sorted(
                     ours["conflicts"].items())) or "none"),
             review_queue(ours),
             "", "| | precision | recall | F1 |", "|---|---|---|---|"]
    for name, (p, r, f) in ours["scores"].items():
        lines.append(f"| Kingraph {name} | {p:.4f} | {r:.4f} | {f:.4f} |")
    if splink is not None:
        p, r, f = splink["scores"]["persons"]  # type: ignore[index]
        lines.append(f"| Splink persons | {p:.4f} | {r:.4f} | {f:.4f} |")
        lines += ["", f"Splink (DuckDB) on the same {splink['mentions']:,} mentions: "
                      f"{splink['seconds']:.1f} s train + predict + cluster."]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark and append its figures to bench/results/ingest.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", default="standard")
    parser.add_argument("--splink", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    drop = Path("var/drops") / f"s{args.persons}-{args.noise}-{args.seed}"
    if not (drop / "truth" / "persons.parquet").exists():
        generate(args.persons, args.seed, drop, noise=args.noise)
    ours = load(drop, settings)
    splink = splink_run(drop, settings) if args.splink else None
    section = record(args, ours, splink)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as handle:
        handle.write("\n" + section)
    print(section)
    print(json.dumps({"ours": ours, "splink": splink}, default=str)[:2000])


if __name__ == "__main__":
    main()
