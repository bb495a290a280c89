"""The blocking self-join out of core: DuckDB against polars streaming (issue 13).

Run, one step per process so that each peak is its own:

    .venv/bin/python -m bench.blocking_engines prep DROP WORK
    .venv/bin/python -m bench.blocking_engines duckdb WORK [--memory 1GB]
    .venv/bin/python -m bench.blocking_engines polars WORK

``prep`` reads and cleans the drop, anchors and builds the entities as fusion does and
writes the long blocking keys (``rule, key, entity``: :func:`ingest.fusion.blocking.
blocking_keys`) to ``WORK/keys.parquet``.  ``duckdb`` runs :data:`ingest.fusion.blocking.
PAIRS_SQL` with a memory limit and a spill folder; ``polars`` runs the same plan as a lazy
query with ``sink_parquet`` (streaming engine).  Each prints its wall time, its peak
resident memory and the number of pairs (one JSON line); no personal data.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import polars as pl

from ingest.feeds.clean import clean_feed
from ingest.feeds.mentions import to_mentions
from ingest.feeds.read import discover, read_feed
from ingest.fusion.blocking import PAIRS_SQL, blocking_keys, rule_limits
from ingest.fusion.entities import anchor_mentions, build_entities, with_places
from ingest.fusion.resolution import RESOLVER_COLUMNS, _compact


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def prep(drop: Path, work: Path) -> dict[str, object]:
    """The long blocking keys of the drop's entities, written to ``work/keys.parquet``."""
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    mentions = pl.concat([to_mentions(clean_feed(read_feed(f, "auto"))).select(RESOLVER_COLUMNS)
                          for f in discover(drop)])
    m, _ = _compact(mentions)
    del mentions
    entities, _ = build_entities(anchor_mentions(with_places(m)))
    keys = blocking_keys(entities)
    keys.write_parquet(work / "keys.parquet")
    rule_limits().write_parquet(work / "limits.parquet")
    return {"mentions": m.height, "entities": entities.height, "keys": keys.height,
            "seconds": round(time.perf_counter() - started, 1), "peak_gib": round(_peak_gib(), 2)}


def with_duckdb(work: Path, memory: str) -> dict[str, object]:
    """The pairs by DuckDB, spilling to ``work/spill``."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory}'")
    con.execute(f"SET temp_directory = '{work / 'spill'}'")
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"CREATE VIEW keys AS SELECT * FROM read_parquet('{work / 'keys.parquet'}')")
    con.execute(f"CREATE VIEW limits AS SELECT * FROM read_parquet('{work / 'limits.parquet'}')")
    out = work / "pairs_duckdb.parquet"
    con.execute(f"COPY ({PAIRS_SQL}) TO '{out}' (FORMAT parquet)")
    pairs = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()
    return {"engine": "duckdb", "memory_limit": memory, "pairs": pairs[0] if pairs else -1,
            "seconds": round(time.perf_counter() - started, 1), "peak_gib": round(_peak_gib(), 2)}


def with_polars(work: Path) -> dict[str, object]:
    """The pairs by a polars lazy query on the streaming engine."""
    started = time.perf_counter()
    keys = pl.scan_parquet(work / "keys.parquet")
    limits = pl.scan_parquet(work / "limits.parquet")
    sizes = keys.group_by("rule", "key").agg(pl.len().alias("n")).join(limits, on="rule")
    kept = keys.join(sizes.filter((pl.col("n") > 1) & (pl.col("n") <= pl.col("max_block")))
                     .select("rule", "key"), on=["rule", "key"], how="semi")
    pairs = (kept.join(kept, on=["rule", "key"], suffix="_r")
             .filter(pl.col("entity") < pl.col("entity_r"))
             .select(pl.col("entity").alias("left"), pl.col("entity_r").alias("right"))
             .unique())
    out = work / "pairs_polars.parquet"
    pairs.sink_parquet(out)
    n = pl.scan_parquet(out).select(pl.len()).collect().item()
    return {"engine": "polars", "pairs": n, "seconds": round(time.perf_counter() - started, 1),
            "peak_gib": round(_peak_gib(), 2)}


def main() -> None:
    """Parse the step and run it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["prep", "duckdb", "polars"])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--memory", default="1GB")
    args = parser.parse_args()
    if args.step == "prep":
        print(json.dumps(prep(args.paths[0], args.paths[1])))
    elif args.step == "duckdb":
        print(json.dumps(with_duckdb(args.paths[0], args.memory)))
    else:
        print(json.dumps(with_polars(args.paths[0])))


if __name__ == "__main__":
    main()
