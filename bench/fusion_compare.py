"""Fusion alone on a drop: persons against truth, counts and time (issue 13 comparisons).

Run: .venv/bin/python -m bench.fusion_compare DROP OUT [BATCH_BYTES]

Resolves every mention of the drop (``ingest.fusion.resolution.resolve``, optionally
with a batch budget in bytes), prints one JSON line (seconds, pairwise precision,
recall and F1 over person mentions, the resolver's counts) and writes the assignments
and review items next to ``OUT`` (``OUT.assign.parquet``, ``OUT.reviews.parquet``) so
two versions of the code can be compared on the same drop (run the other version
with ``PYTHONPATH`` at its checkout).  No personal data is printed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import polars as pl

from ingest.feeds.clean import clean_feed
from ingest.feeds.mentions import to_mentions
from ingest.feeds.read import discover, read_feed
from ingest.fusion.evaluation import KEY, person_score
from ingest.fusion.resolution import RESOLVER_COLUMNS, resolve

BENCH_KEY = b"bench-pid-key-not-a-secret-32byt"


def main(argv: list[str]) -> None:
    """Resolve the drop in ``argv[0]`` and report; outputs next to ``argv[1]``."""
    drop, out = Path(argv[0]), Path(argv[1])
    frames = [to_mentions(clean_feed(read_feed(f, "auto"))) for f in discover(drop)]
    mentions = pl.concat([f.select(RESOLVER_COLUMNS) for f in frames])
    keys = pl.concat([f.select("mention_id", *KEY) for f in frames])
    options = {}
    if len(argv) > 2:
        from ingest.fusion.pieces import PieceLimits

        options["limits"] = PieceLimits(batch_bytes=int(argv[2]))
    started = time.perf_counter()
    result = resolve(mentions, pid_key=BENCH_KEY, **options)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    score = person_score(result.assignments.join(keys, on="mention_id"),
                         pl.read_parquet(drop / "truth" / "record_links.parquet"))
    result.assignments.write_parquet(out.with_suffix(".assign.parquet"))
    result.reviews.write_parquet(out.with_suffix(".reviews.parquet"))
    print(json.dumps({"seconds": round(seconds, 1), "precision": score.precision,
                      "recall": score.recall, "f1": score.f1, "stats": result.stats}))


if __name__ == "__main__":
    main(sys.argv[1:])
