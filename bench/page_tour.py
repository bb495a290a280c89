"""A tour of the officers' page on the loaded province: every view at 1280 px and 390 px,
screenshotted for a person to look at, with the time each took to settle after a reload.

Usage: ``.venv/bin/python -m bench.page_tour [--out var/screens]`` against the configured
Neo4j (``KINGRAPH_NEO4J_*``) with a province loaded (e.g. by ``bench.ingest_bench``) and
its ingest store.  Starts the API in this process (uvicorn in a thread, a temporary state
directory with an officer and an admin key) and drives Debian's Chromium (Playwright).
Subjects are picked from the graph: a person with parents, a spouse in a marriage in
force (the couple asked for a birth-permit decision) and children; the
largest family among a sample; a couple; a thalassemia index case; a review item.

Screenshots go to ``--out`` (they show the synthetic province's names: kept out of the
repository); the settle times (navigation to network idle with no spinner left) and the
console errors are printed as Markdown and appended to ``bench/results/page_tour.md``.
No personal data is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from api import keys, state
from api.keys import Role
from bench.couples_pages import serving
from graphdb.connection import open_driver
from kingraph.settings import Settings
from queries.thalassemia import worklists

RESULTS = Path(__file__).parent / "results" / "page_tour.md"
CHROMIUM = "/usr/bin/chromium"
WIDTHS: dict[str, Any] = {"wide": {"width": 1280, "height": 800},
                          "phone": {"width": 390, "height": 844}}

FAMILY = """
MATCH (p:Person)-[:CHILD_OF]->(:Person), (p)-[m:MARRIED]-(s:Person),
      (c:Person)-[:CHILD_OF]->(p)
WHERE p.name IS NOT NULL AND p.birth_date IS NOT NULL AND p.sex <> s.sex
  AND m.ended_on IS NULL AND m.end_reason IS NULL
  AND p.death_date IS NULL AND s.death_date IS NULL
WITH p, s LIMIT 400
WITH p, s, COUNT { (p)-[:CHILD_OF|MARRIED*1..3]-() } AS family
ORDER BY family DESC LIMIT 1
RETURN p.pid AS pid, s.pid AS spouse,
       CASE p.sex WHEN '1' THEN p.pid ELSE s.pid END AS husband,
       CASE p.sex WHEN '1' THEN s.pid ELSE p.pid END AS wife
"""
REVIEW = """
MATCH (r:Review {status: 'open'})-[:ABOUT]->(p:Person)
RETURN p.pid AS pid LIMIT 1
"""


@dataclass
class Tour:
    """What the tour saw: settle seconds per view and width, console errors."""

    settle: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _subjects(settings: Settings) -> dict[str, str]:
    driver = open_driver(settings)
    try:
        db = settings.neo4j_database
        family = driver.execute_query(FAMILY, database_=db).records[0]
        review = driver.execute_query(REVIEW, database_=db).records
        cases = driver.execute_query(worklists.INDEX_CASES,
                                     positive=list(worklists.POSITIVE), database_=db).records
    finally:
        driver.close()
    out = {"pid": family["pid"], "spouse": family["spouse"], "husband": family["husband"],
           "wife": family["wife"]}
    if review:
        out["review"] = review[0]["pid"]
    if cases:
        out["index"] = sorted(str(r["pid"]) for r in cases)[0]
    return out


def _views(s: dict[str, str]) -> dict[str, str]:
    views = {
        "search": "#/search",
        "person": f"#/person/{s['pid']}",
        "relationship": f"#/relationship/{s['pid']}/{s['spouse']}",
        "thalassemia-couples": "#/thalassemia/couples",
        "conditions": "#/conditions",
        "contacts": f"#/contacts/{s['pid']}/2025-05-01/2025-05-30/1",
        "eligibility": f"#/eligibility/{s['husband']}/{s['wife']}",
        "flows": "#/flows",
        "review": "#/review",
        "policy": "#/policy",
        "admin": "#/admin",
    }
    if "index" in s:
        views["thalassemia-cascade"] = f"#/thalassemia/cascade/{s['index']}"
    if "review" in s:
        views["review-person"] = f"#/review/{s['review']}"
    return views


# Views that wait for the officer to act: what is clicked, and what shows the answer.
ACTIONS = {
    "eligibility": ("#eligibility-form button[type=submit]",
                    "#eligibility-result :is(#decision, .state.error)"),
}


def _settle(page: Any) -> None:
    page.wait_for_load_state("networkidle", timeout=120_000)
    page.locator(".spinner").first.wait_for(state="detached", timeout=120_000)


def tour(url: str, key: str, views: dict[str, str], out: Path) -> Tour:
    """Visit every view at both widths; screenshots into ``out``."""
    from playwright.sync_api import sync_playwright

    found = Tour()
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu"])
        for label, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            page.on("console", lambda m: found.errors.append(m.text[:200])
                    if m.type == "error" else None)
            page.goto(f"{url}/")
            page.fill("#key", key)
            page.click("#signin button[type=submit]")
            page.wait_for_selector("#whoami")
            for name, route in views.items():
                page.goto(f"{url}/{route}")
                started = time.perf_counter()
                page.reload()  # a whole load of the view (a hash change alone loads nothing)
                try:
                    _settle(page)
                except Exception:  # noqa: BLE001 - a view that never settles is recorded
                    found.errors.append(f"{name} did not settle within 120 s ({label})")
                took = time.perf_counter() - started
                found.settle.setdefault(name, {})[label] = took
                page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)
                if name in ACTIONS:
                    click, answer = ACTIONS[name]
                    started = time.perf_counter()
                    page.click(click)
                    try:
                        page.wait_for_selector(answer, timeout=120_000)
                        _settle(page)
                    except Exception:  # noqa: BLE001 - recorded like a view that never settles
                        found.errors.append(f"{name} gave no answer within 120 s ({label})")
                    found.settle.setdefault(f"{name} (answered)", {})[label] = (
                        time.perf_counter() - started)
                    page.screenshot(path=str(out / f"{name}-answered-{label}.png"),
                                    full_page=True)
            context.close()
        browser.close()
    return found


def main() -> None:
    """Run the tour and record its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/screens"))
    args = parser.parse_args()
    settings = Settings()
    subjects = _subjects(settings)
    with tempfile.TemporaryDirectory() as folder:
        state_dir = Path(folder)
        with closing(state.connect(state_dir / "service.db")) as conn:
            _, raw = keys.create(conn, Role.ADMIN, "page tour")
        local = settings.model_copy(update={"api_state_dir": state_dir})
        with serving(local) as url:
            found = tour(url, raw, _views(subjects), args.out)
    lines = [f"\n## {datetime.now():%Y-%m-%d %H:%M} — page tour",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores; screenshots in "
             f"`{args.out}` (not committed). Settle = a reload of the view to network "
             "idle (which itself waits 0.5 s without a request), no spinner left.",
             "", "| view | 1280 px (s) | 390 px (s) |", "|---|---|---|"]
    for name, took in found.settle.items():
        lines.append(f"| {name} | {took.get('wide', float('nan')):.2f} | "
                     f"{took.get('phone', float('nan')):.2f} |")
    lines.append("")
    lines.append(f"console errors: {len(found.errors)}"
                 + ("" if not found.errors else " (" + "; ".join(sorted(set(found.errors))[:5])
                    + ")"))
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as handle:
        handle.write(text)
    print(text)  # noqa: T201


if __name__ == "__main__":
    main()
