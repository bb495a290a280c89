"""Latency of infectious-disease contacts (``queries.contacts.contacts``) for a 30-day window.

    .venv/bin/python -m bench.contacts_latency [--samples 1000] [--seed 1] [--end 2025-05-30]

Against whatever graph the settings point at (``KINGRAPH_NEO4J_*``; load a province
first, e.g. ``python -m bench.ingest_bench --persons 100000`` into a bench instance).
Index cases are random persons alive on the window's last day, drawn with a seeded
generator: all kinds, ring 1 (the target: p99 < 100 ms); then ring 2 on a fifth of them.
Each call is end to end through the sync driver (the places and kin round trips, the
overlap arithmetic, the residence round trip). Figures only (counts, milliseconds),
appended to ``bench/results/contacts.md``; no person is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from graphdb.connection import open_driver, read
from kingraph.settings import Settings
from queries import contacts as tracing

RESULTS = Path(__file__).parent / "results" / "contacts.md"
ALIVE = """MATCH (p:Person) WHERE p.death_date IS NULL OR p.death_date > $end
RETURN p.pid AS pid ORDER BY pid"""
COUNTS = """CALL () { MATCH (p:Person) RETURN count(p) AS persons }
CALL () { MATCH ()-[e:LIVED_AT]->() RETURN count(e) AS stays }
CALL () { MATCH ()-[e:EMPLOYED_BY]->() RETURN count(e) AS jobs }
CALL () { MATCH ()-[e:MEMBER_OF]->() RETURN count(e) AS memberships }
RETURN persons, stays, jobs, memberships"""
WARM_UP = 20


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1e3, p99 * 1e3, ordered[-1] * 1e3


def measure(pids: list[str], start: date, end: date, ring: int
            ) -> tuple[list[float], list[float], list[int]]:
    """Wall time, this process's CPU time and number of contacts per index case."""
    settings = Settings()
    driver, db = open_driver(settings), settings.neo4j_database
    try:
        for pid in pids[:WARM_UP]:
            tracing.contacts(driver, db, pid, start, end, ring=ring)
        times, cpu, sizes = [], [], []
        for pid in pids:
            began, used = time.perf_counter(), time.process_time()
            found = tracing.contacts(driver, db, pid, start, end, ring=ring)
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - used)
            sizes.append(len(found.items))
        return times, cpu, sizes
    finally:
        driver.close()


def main() -> None:
    """Measure and append the figures to bench/results/contacts.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2025, 5, 30))
    args = parser.parse_args()
    end = args.end
    start = end - timedelta(days=29)
    settings = Settings()
    driver, db = open_driver(settings), settings.neo4j_database
    alive = [str(r["pid"]) for r in read(driver, db, "bench_alive", ALIVE, end=end)]
    graph = dict(read(driver, db, "bench_counts", COUNTS)[0])
    driver.close()
    rng = random.Random(args.seed)
    pids = rng.sample(alive, min(args.samples, len(alive)))
    rows = []
    for ring, chosen in ((1, pids), (2, pids[: max(len(pids) // 5, 1)])):
        times, cpu, sizes = measure(chosen, start, end, ring)
        p50, p99, top = percentiles(times)
        c50, c99, _ = percentiles(cpu)
        rows.append((ring, len(chosen), p50, p99, top, c50, c99, statistics.mean(sizes),
                     sum(s > 0 for s in sizes) / len(sizes), max(sizes)))
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        f"## {stamp}: {graph['persons']:,} persons, window {start} to {end} (30 days)",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other engineers' "
        f"jobs (load average {os.getloadavg()[0]:.1f} at the end: wall times are "
        "conservative; the client's CPU time is the Python side alone). Graph: "
        f"{graph['stays']:,} stays (LIVED_AT), {graph['jobs']:,} jobs (EMPLOYED_BY), "
        f"{graph['memberships']:,} household memberships. Random living index cases "
        f"(seed {args.seed}), all kinds, {WARM_UP} warm-up calls.",
        "",
        "| ring | calls | p50 ms | p99 ms | max ms | client CPU p50 ms | client CPU p99 ms "
        "| mean contacts | with any | most |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(f"| {r} | {n:,} | {a:.1f} | {b:.1f} | {c:.1f} | {d:.1f} | {e:.1f} | {m:.1f} | "
          f"{w:.0%} | {x} |" for r, n, a, b, c, d, e, m, w, x in rows),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    header = "" if RESULTS.exists() else "# Contacts latency (bench/contacts_latency.py)\n\n"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(header + text + "\n")


if __name__ == "__main__":
    main()
