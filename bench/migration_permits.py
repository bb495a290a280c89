"""p50/p99 of decide_couple and trajectory over 1,000 random couples/persons, and the wall
time of a full permits issue run (its stages, and a second run that must issue nothing),
on whatever graph the settings point at (counts only).  Permits and permit events
already in the graph are removed first, so the first run issues from scratch."""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from graphdb.connection import open_driver, read, write_auto_commit
from graphdb.schema import apply
from kingraph.settings import Settings
from queries import eligibility, migration

AS_OF = date(2017, 6, 1)
CLEAR = """MATCH (n) WHERE n:Permit OR n:PermitEvent
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"""


def _pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000


def main() -> None:
    """Print the figures as a markdown table."""
    s = Settings()
    drv, db = open_driver(s), s.neo4j_database
    rng = random.Random(1)
    couples = [(r["h"], r["w"]) for r in read(drv, db, "bench_couples",
               "MATCH (h)-[:MARRIED]->(w) RETURN h.pid AS h, w.pid AS w")]
    persons = [r["p"] for r in read(drv, db, "bench_persons", "MATCH (p:Person) RETURN p.pid AS p")]
    pick_c = [rng.choice(couples) for _ in range(1000)]
    pick_p = [rng.choice(persons) for _ in range(1000)]
    for h, w in pick_c[:20]:  # warm up plans
        eligibility.decide_couple(drv, db, h, w, AS_OF)
    t_dec, t_tra = [], []
    for h, w in pick_c:
        t0 = time.perf_counter()
        eligibility.decide_couple(drv, db, h, w, AS_OF)
        t_dec.append(time.perf_counter() - t0)
    for p in pick_p:
        t0 = time.perf_counter()
        migration.trajectory(drv, db, p)
        t_tra.append(time.perf_counter() - t0)
    apply(drv, db)
    write_auto_commit(drv, db, "bench_clear_permits", CLEAR)  # IN TRANSACTIONS
    t0 = time.perf_counter()
    report = eligibility.issue(drv, db, AS_OF)
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = eligibility.issue(drv, db, AS_OF)
    wall_again = time.perf_counter() - t0
    out = sys.stdout
    out.write(f"persons {len(persons)}, couples {len(couples)}\n\n| measure | p50 ms | p99 ms |\n")
    out.write("|---|---|---|\n")
    out.write(f"| decide_couple | {_pct(t_dec, .5):.1f} | {_pct(t_dec, .99):.1f} |\n")
    out.write(f"| trajectory | {_pct(t_tra, .5):.1f} | {_pct(t_tra, .99):.1f} |\n\n")
    out.write(f"permits issue: {report.couples} couples in {wall:.1f} s; events "
              f"{dict(report.events)}\n")
    out.write(f"stages (s): {_stages(report)}\n")
    out.write(f"second run: {wall_again:.1f} s, events {dict(again.events)}; stages (s): "
              f"{_stages(again)}\n")


def _stages(report: eligibility.IssueReport) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items())


if __name__ == "__main__":
    main()
