"""Resolve a store's last fusion inputs again and compare with the outputs it kept.

    .venv/bin/python -m bench.resolve_again var/ingest/neo4j-<hash>

A load leaves the fusion worker's inputs and outputs in the store's ``fusion/`` folder.
This runs the worker's resolution of those inputs again in this process (the local
engine, no memo: every piece is clustered), samples this process's resident memory
every 50 ms, and says whether the assignments, the review items and the model weights
equal the stored ones: the check that a change to fusion's memory or speed kept its
answer on a province-sized drop. Prints figures and yes/no only, never personal data.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl

from bench.stage_memory import GIB, Sampler
from ingest.fusion import child_process
from ingest.fusion.resolution import resolve
from ingest.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    store = Store(parser.parse_args().store)
    folder = store.root / "fusion"
    sampler = Sampler(every_s=0.05)
    sampler.mark()
    decisions, limits, _ = child_process.read_inputs(folder)
    clock = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        got = resolve(child_process.read_mentions(folder), decisions=decisions,
                      pid_key=store.pid_key(), limits=limits, work=Path(work),
                      model=child_process.read_model(folder))
    took = time.perf_counter() - clock
    sampler.stop()
    print(f"resolve {took:.1f} s, peak {sampler.peak / GIB:.2f} GiB, "
          f"{got.stats['mentions']:,} mentions, {got.stats['persons']:,} persons")
    columns = ["mention_id", "pid", "anchored"]
    stored = pl.read_parquet(folder / "assignments.parquet", columns=columns)
    print("assignments equal:",
          got.assignments.select(columns).sort("mention_id").equals(stored.sort("mention_id")))
    reviews = pl.read_parquet(folder / "reviews.parquet")
    print(f"review items equal: {got.reviews.sort('review_id').equals(reviews.sort('review_id'))}"
          f" ({got.reviews.height:,} and {reviews.height:,})")
    weights = pl.read_parquet(folder / "model_weights.parquet")
    print("model weights equal:", got.model.weights_frame().equals(weights))


if __name__ == "__main__":
    main()
