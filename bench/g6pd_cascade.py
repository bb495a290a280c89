"""Latency of the G6PD deficiency cascade (``queries.conditions.cascade``, degree 4) and of
the G6PD couples list (``queries.conditions.at_risk_couples``).

    .venv/bin/python -m bench.g6pd_cascade [--samples 1000] [--seed 1] [--keep]

Against whatever graph the settings point at (load a province first, e.g.
``python -m bench.ingest_bench --persons 100000`` into a bench instance).  Index cases
are first the persons the loaded ``diagnosis`` feed found affected (the generator writes
it); up to ``--samples``, the script adds its own rows, as the ingest writes them
(``:Record:Diagnosis`` with typed fields, a ``person`` mention), all consistent with
Mendel's rules for an X-linked allele, for families with no result yet: each such index
case is a random living man with a living mother, deficient by a spot test; a third of
the mothers are genotyped carriers (she must carry: she gave him his X); a fifth of the living wives
are genotyped (a tenth carriers, the rest normal, but never an index case's mother).
The rows are removed at the end (``--keep`` leaves them).  Figures only, appended to
``bench/results/g6pd_cascade.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections import Counter
from contextlib import suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graphdb.connection import open_driver, read, write
from kingraph.errors import InvalidArgument
from kingraph.settings import Settings
from queries import conditions

RESULTS = Path(__file__).parent / "results" / "g6pd_cascade.md"
CONDITION = "g6pd_deficiency"
PREFIX = "diagnosis|bench|"
CANDIDATES = """
MATCH (i:Person {sex: '1'})-[:CHILD_OF {kind: 'biological'}]->(m:Person {sex: '2'})
WHERE i.death_date IS NULL AND m.death_date IS NULL
  AND NOT EXISTS { (:Diagnosis {condition: $condition})-[:MENTIONS]->(i) }
  AND NOT EXISTS { (:Diagnosis {condition: $condition})-[:MENTIONS]->(m) }
OPTIONAL MATCH (i)-[mar:MARRIED]->(w:Person)
WHERE mar.ended_on IS NULL AND mar.end_reason IS NULL AND w.death_date IS NULL
  AND NOT EXISTS { (:Diagnosis {condition: $condition})-[:MENTIONS]->(w) }
RETURN i.pid AS index, m.pid AS mother, collect(w.pid)[0] AS wife ORDER BY index
"""
# Persons the loaded feeds (the generator's diagnosis feed) found affected.
LOADED = """
MATCH (d:Diagnosis {condition: $condition, result: 'affected'})-[:MENTIONS {role: 'person'}]
      ->(p:Person)
WHERE NOT d.key STARTS WITH $prefix
RETURN DISTINCT p.pid AS index ORDER BY index
"""
WRITE = """
UNWIND $rows AS row
MATCH (p:Person {pid: row.pid})
MERGE (d:Record {key: row.key})
SET d:Diagnosis, d.feed = 'diagnosis', d.source = 'bench', d.record_id = row.record_id,
    d.condition = $condition, d.result = row.result, d.method = row.method,
    d.test_date = row.on
MERGE (d)-[:MENTIONS {role: 'person'}]->(p)
"""
CLEAR = "MATCH (d:Record:Diagnosis) WHERE d.key STARTS WITH $prefix DETACH DELETE d"
PERSONS = "MATCH (p:Person) RETURN count(p) AS n"
WARM_UP = 20


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1e3, p99 * 1e3, ordered[-1] * 1e3


def results(chosen: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """The diagnosis rows: index affected, some mothers and wives genotyped."""
    rows: list[dict[str, Any]] = []

    def add(pid: str, result: str, method: str) -> None:
        rows.append({"pid": pid, "key": f"{PREFIX}{len(rows)}", "record_id": str(len(rows)),
                     "result": result, "method": method, "on": date(2024, 1, 1)})

    mothers = {case["mother"] for case in chosen}
    for case in chosen:
        add(case["index"], "affected", "荧光斑点法")
        if rng.random() < 1 / 3:
            add(case["mother"], "carrier", "PCR")
        if case["wife"] and rng.random() < 0.2:
            carrier = rng.random() < 0.1 or case["wife"] in mothers  # an index's mother carries
            add(case["wife"], "carrier" if carrier else "normal", "PCR")
    return rows


def main() -> None:
    """Write the rows, measure, append the figures, remove the rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    driver, db = open_driver(settings), settings.neo4j_database
    rng = random.Random(args.seed)
    write(driver, db, "bench_g6pd_clear", CLEAR, prefix=PREFIX)
    loaded = [str(r["index"]) for r in read(driver, db, "bench_g6pd_loaded", LOADED,
                                             condition=CONDITION, prefix=PREFIX)]
    loaded = rng.sample(loaded, min(args.samples, len(loaded)))
    # Topped up with rows of our own for men whose family has no result yet.
    candidates = [dict(r) for r in read(driver, db, "bench_g6pd_candidates", CANDIDATES,
                                        condition=CONDITION)]
    chosen = rng.sample(candidates, min(args.samples - len(loaded), len(candidates)))
    rows = results(chosen, rng)
    for at in range(0, len(rows), 2000):
        write(driver, db, "bench_g6pd_write", WRITE, rows=rows[at:at + 2000],
              condition=CONDITION)
    persons = int(read(driver, db, "bench_persons", PERSONS)[0]["n"])
    indexes = loaded + [c["index"] for c in chosen]
    refused = 0
    try:
        for pid in indexes[:WARM_UP]:
            with suppress(InvalidArgument):
                conditions.cascade(driver, db, pid, CONDITION, 4)
        times, cpu, sizes, fallbacks = [], [], [], Counter[str]()
        for pid in indexes:
            began, used = time.perf_counter(), time.process_time()
            try:
                found = conditions.cascade(driver, db, pid, CONDITION, 4)
            except InvalidArgument:  # the loaded rows contradict each other: for review
                refused += 1
                continue
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - used)
            sizes.append(len(found.entries))
            fallbacks[found.fallback or "none (exact)"] += 1
        couple_times, couples = [], []
        for _ in range(3):
            began = time.perf_counter()
            couples = conditions.at_risk_couples(driver, db, CONDITION)
            couple_times.append(time.perf_counter() - began)
    finally:
        if not args.keep:
            write(driver, db, "bench_g6pd_clear", CLEAR, prefix=PREFIX)
        driver.close()
    p50, p99, top = percentiles(times)
    c50, c99, _ = percentiles(cpu)
    lists = Counter(c.classification.value for c in couples)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    text = "\n".join([
        f"## {stamp}: {persons:,} persons, {len(indexes):,} index cases",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other engineers' "
        f"jobs (load average {os.getloadavg()[0]:.1f} at the end: wall times are "
        "conservative; the client's CPU time is the Python side alone: extraction decoding, "
        f"kinship maths, exact X-linked posteriors). Index cases: {len(loaded):,} persons "
        "the loaded diagnosis feed found affected, and "
        f"{len(chosen):,} more for whom the script wrote {len(rows):,} diagnosis rows (seed "
        f"{args.seed}; {len(candidates):,} living men with a living mother and no result "
        f"to draw from); {WARM_UP} warm-up calls; {refused:,} refused (their results "
        "contradict each other: an item for review, not a worklist).",
        "",
        "| call | calls | p50 ms | p99 ms | max ms | client CPU p50 ms | client CPU p99 ms "
        "| mean relatives listed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| cascade G6PD (degree 4) | {len(times):,} | {p50:.1f} | {p99:.1f} | {top:.1f} | "
        f"{c50:.1f} | {c99:.1f} | {statistics.mean(sizes):.1f} |",
        f"| couples G6PD (whole province) | 3 | {statistics.median(couple_times) * 1e3:.0f} | "
        f"| {max(couple_times) * 1e3:.0f} | | | |",
        "",
        "Models used: " + ", ".join(f"{k} {v:,}" for k, v in sorted(fallbacks.items())) + ". "
        "Couples listed: " + (", ".join(f"{k} {v:,}" for k, v in sorted(lists.items()))
                              or "none") + ".",
        "",
    ])
    print(text)
    header = "" if RESULTS.exists() else "# G6PD deficiency cascade (bench/g6pd_cascade.py)\n\n"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(header + text + "\n")


if __name__ == "__main__":
    main()
