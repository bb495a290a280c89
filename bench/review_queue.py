"""Latency of the review queue's pages: the query layer, and the route over HTTP.

Usage: ``.venv/bin/python -m bench.review_queue [--samples N] [--out FILE]`` against the
configured Neo4j (``KINGRAPH_NEO4J_*``) and its ingest store, with its loaded province.

For each filter of the page (none; possible matches; conflicts; one county; one
prefecture; older than a day), pages of 20 at offsets spread over the whole queue:
p50/p95/max of ``ingest.stewardship.queue`` (two reads: the page with its rows and the
facts of every person shown), then of ``GET /v1/reviews`` through the API served in this
process (uvicorn on loopback: auth, purpose, rate limit, the durable audit write of
every person shown, JSON), and of ``GET /v1/reviews/{id}`` (one item with the
side-by-side comparison). Then the plans: which indexes the page's queries use
(``EXPLAIN``), and the rows and db hits of one page (``PROFILE``). Prints Markdown;
no personal data (counts, codes of divisions, milliseconds).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from api.keys import Role
from graphdb.connection import open_driver, read
from ingest import stewardship
from ingest.stewardship import QueueFilter
from ingest.stewardship.queue import COUNT_QUEUE, LIST_QUEUE, PERSON_FACTS
from kingraph.settings import Settings
from tests.integration.api.conftest import api_settings, make_keys, serving

PAGE = 20
COUNTY = "MATCH (r:Review {status: 'open'}) UNWIND r.divisions AS d RETURN d, count(*) AS n " \
         "ORDER BY n DESC LIMIT 1"


def stats(samples: list[float]) -> str:
    """p50 / p95 / max in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{statistics.median(ordered) * 1e3:.0f} / {p95 * 1e3:.0f} / {ordered[-1] * 1e3:.0f}"


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    """Wall time of n calls."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def filters(driver: Any, database: str) -> dict[str, QueueFilter]:
    """The page's filters, with the county holding most items and its prefecture."""
    county = read(driver, database, "top_county", COUNTY)[0]["d"]
    return {"all": QueueFilter(), "possible matches": QueueFilter(kind="fusion"),
            "conflicts": QueueFilter(kind="conflict"),
            f"county {county}": QueueFilter(division=county),
            f"prefecture {county[:4]}00": QueueFilter(division=county[:4] + "00"),
            "older than 1 day": QueueFilter(older_than_days=1)}


def offsets(total: int, samples: int, rng: random.Random) -> list[int]:
    """Page offsets spread over the queue: the first page, the last, the rest at random."""
    last = max(0, (total - 1) // PAGE * PAGE)
    middle = [rng.randrange(0, last + 1, PAGE) if last else 0 for _ in range(samples - 2)]
    return [0, last, *middle]


def plans(driver: Any, database: str, flt: QueueFilter) -> list[str]:
    """Index use of the page's queries (EXPLAIN) and one page's rows and db hits (PROFILE)."""
    params = {**flt.params(datetime.now(UTC)), "limit": PAGE, "offset": 0}
    lines = []
    for name, cypher in (("count", COUNT_QUEUE), ("page", LIST_QUEUE)):
        with driver.session(database=database) as session:
            summary = session.run("PROFILE " + cypher, params).consume()
        ops = _operators(summary.profile)
        hits = sum(op.get("dbHits", 0) for op in _flat(summary.profile))
        lines.append(f"- `{name}`: {' → '.join(ops)}; {hits:,} db hits")
    page = stewardship.queue(driver, database, flt, PAGE, 0)
    pids = sorted({p for i in page.items for p in i.shown_pids()})
    with driver.session(database=database) as session:
        summary = session.run("PROFILE " + PERSON_FACTS, {"pids": pids}).consume()
    lines.append(f"- `persons` ({len(pids)} pids): {' → '.join(_operators(summary.profile))}; "
                 f"{sum(op.get('dbHits', 0) for op in _flat(summary.profile)):,} db hits")
    return lines


def _flat(profile: dict[str, Any]) -> list[dict[str, Any]]:
    out = [profile]
    for child in profile.get("children", []):
        out += _flat(child)
    return out


def _operators(profile: dict[str, Any]) -> list[str]:
    keep = ("NodeIndexSeek", "NodeUniqueIndexSeek", "NodeIndexScan", "NodeByLabelScan",
            "AllNodesScan", "Sort", "Top", "PartialTop", "Expand(All)", "Filter")
    names = []
    for op in reversed(_flat(profile)):
        kind = str(op.get("operatorType", "")).split("@")[0]
        if kind.startswith(keep) and kind not in names:
            details = op.get("args", {}).get("Details", "")
            names.append(f"{kind}({details})" if "Index" in kind else kind)
    return names


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    settings, rng = Settings(), random.Random(1)
    lines = ["| filter | items | query layer p50/p95/max ms | `GET /v1/reviews` p50/p95/max ms |",
             "|---|---|---|---|"]
    with open_driver(settings) as driver, tempfile.TemporaryDirectory() as state:
        database = settings.neo4j_database
        chosen = filters(driver, database)
        keys = make_keys(Path(state))
        budget = {r.value: 1e6 for r in Role}
        tuned = api_settings(settings, Path(state), api_rate_per_second=budget,
                             api_rate_burst=dict.fromkeys(budget, 10 ** 6))
        headers = keys.headers(Role.OFFICER, "review")
        with serving(tuned) as url, httpx.Client(base_url=url, timeout=120) as http:
            for name, flt in chosen.items():
                total = stewardship.queue(driver, database, flt, 1, 0).total
                spots = offsets(total, args.samples, rng)
                for offset in spots[:5]:  # warm: plans compiled, pages cached
                    stewardship.queue(driver, database, flt, PAGE, offset)
                first, second = iter(spots), iter(spots)
                engine = timed(lambda f=flt, i=first: stewardship.queue(
                    driver, database, f, PAGE, next(i)), len(spots))
                query = {k: v for k, v in {"kind": flt.kind, "division": flt.division,
                                           "older_than_days": flt.older_than_days}.items()
                         if v is not None}
                over_http = timed(lambda q=query, i=second: http.get(
                    "/v1/reviews", params={**q, "limit": PAGE, "offset": next(i)},
                    headers=headers).raise_for_status(), len(spots))
                lines.append(f"| {name} | {total:,} | {stats(engine)} | {stats(over_http)} |")
            items = stewardship.queue(driver, database, QueueFilter(kind="possible_match"),
                                      200, 0).items
            ids = [i.review_id for i in items]
            one = timed(lambda: http.get(f"/v1/reviews/{rng.choice(ids)}",
                                         headers=headers).raise_for_status(),
                        min(args.samples, len(ids)))
            lines += ["", f"`GET /v1/reviews/{{id}}` (a possible match with every row of both "
                          f"persons): p50/p95/max {stats(one)} ms over {len(one)} items", ""]
        lines += ["Plans (all items; one page of 20):", *plans(driver, database, QueueFilter())]
        county = next(f for n, f in chosen.items() if n.startswith("county"))
        lines += ["", "Plans (one county):", *plans(driver, database, county)]
    load = Path("/proc/loadavg").read_text().split()[:3]
    lines += ["", f"Load average at the end (2 cores): {' '.join(load)}"]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with args.out.open("a") as out:
            out.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
