"""Conflicts benchmark: what the review queue's conflicts are, against the drop's truth.

    .venv/bin/python -m bench.conflicts --persons 20000 [--seed 1] [--noise standard]

Loads the drop like ``bench.ingest_bench`` (it WIPES the graph the settings point at:
use a bench instance), then explains every open ``conflict_*`` review item with
``truth/``.  A synthetic province has no conflicting facts (one biological mother,
marriages at legal age, no one their own ancestor), so each item points at an error:

- ``noise: another person's valid number``: a row the conflict rests on names a
  mention with someone else's valid ID number (the injected ``id_other_relative``,
  ``id_swapped``, ``id_mother_in_child``);
- ``noise: unusable number or altered name``: a check-digit typo, transposition or
  placeholder, or a name changed by noise, on such a row;
- ``noise: birth date from another person's number``: a person's golden birth date
  is not the true one (their mention carried another person's number);
- ``fusion: false merge``: a person of the conflict holds mentions of two true persons;
- ``fusion: missed link``: two persons of the conflict are one true person, on clean
  rows;
- ``unexplained``: none of these; a false alarm.

Counts only (no personal data) are printed and appended to
``bench/results/conflicts.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from bench.ingest_bench import Figures, load, review_queue
from graphdb.connection import open_driver, read
from ingest.store import Store
from kingraph.settings import Settings
from synth.generator import generate

RESULTS = Path(__file__).parent / "results" / "conflicts.md"
OPEN_CONFLICTS = """
MATCH (r:Review {status: 'open'}) WHERE r.kind STARTS WITH 'conflict_'
RETURN r.kind AS kind, r.reason AS reason, r.sides AS sides
"""


@dataclass
class Truth:
    """Each mention's true person, number and name; each pid's true persons."""

    person_of: dict[str, int]
    number_of: dict[str, tuple[str | None, str | None]]
    name_of: dict[str, str | None]
    persons: dict[int, dict[str, Any]]
    owner: dict[str, int]
    keys_of_pid: dict[str, list[int]]
    golden_birth: dict[str, Any]


def truth_for(store: Store, truth_dir: Path) -> Truth:
    """Join the store's mentions and assignments with ``truth/``."""
    links = pl.read_parquet(truth_dir / "record_links.parquet").select(
        pl.concat_str("feed", "source", "record_id", "role", separator="|").alias("mention_id"),
        "person_key")
    persons = pl.read_parquet(truth_dir / "persons.parquet")
    mentions = pl.read_parquet(store.root / "fusion" / "mentions.parquet").select(
        "mention_id", "id_number", "id_raw", "name")
    assigned = store.state("assignments")
    golden = store.state("persons")
    assert assigned is not None and golden is not None
    m = assigned.select("mention_id", "pid").join(links, on="mention_id").join(
        mentions, on="mention_id")
    by_pid = m.group_by("pid").agg(pl.col("person_key").unique().sort())
    table = {r["person_key"]: r for r in persons.iter_rows(named=True)}
    return Truth(
        person_of=dict(m.select("mention_id", "person_key").iter_rows()),
        number_of={r[0]: (r[1], r[2]) for r in m.select("mention_id", "id_number", "id_raw")
                   .iter_rows()},
        name_of=dict(m.select("mention_id", "name").iter_rows()),
        persons=table,
        owner={r["id_number"]: k for k, r in table.items() if r["id_number"]},
        keys_of_pid=dict(by_pid.iter_rows()),
        golden_birth=dict(golden.select("pid", pl.col("props").struct.field("birth_date"))
                          .iter_rows()),
    )


def _row_noise(truth: Truth, mention: str) -> str | None:
    key = truth.person_of.get(mention)
    if key is None:
        return None
    number, raw = truth.number_of.get(mention, (None, None))
    true = truth.persons[key]
    if number and number != true["id_number"] and number in truth.owner:
        return "noise: another person's valid number"
    if raw or (number and number != true["id_number"]):
        return "noise: unusable number or altered name"
    if truth.name_of.get(mention) not in (None, true["name"]):
        return "noise: unusable number or altered name"
    return None


def explain(truth: Truth, sides: list[dict[str, Any]]) -> str:
    """The first cause that explains a conflict (see the module docstring)."""
    pids = {p for s in sides for p in (s.get("pid"), s.get("parent_pid")) if p}
    if any(len(truth.keys_of_pid.get(p, [])) > 1 for p in pids):
        return "fusion: false merge"
    statements = [st for s in sides for st in s["statements"]
                  if not st.rsplit("|", 1)[1].startswith("inferred")]
    causes = sorted({c for st in statements if (c := _row_noise(truth, st))})
    if causes:
        return causes[0]
    for pid in pids:
        keys = truth.keys_of_pid.get(pid, [])
        if keys and truth.golden_birth.get(pid) not in (None, truth.persons[keys[0]]
                                                        ["birth_date"]):
            return "noise: birth date from another person's number"
    true_persons = [k for p in pids for k in truth.keys_of_pid.get(p, [])]
    if len(true_persons) > len(set(true_persons)):
        return "fusion: missed link"
    return "unexplained"


def classify(settings: Settings, truth_dir: Path) -> Counter[tuple[str, str]]:
    """(kind, cause) counts of the open conflicts of the loaded graph."""
    store = Store.for_graph(settings.var_dir, settings.bolt_uri, settings.neo4j_database)
    truth = truth_for(store, truth_dir)
    driver = open_driver(settings)
    rows = read(driver, settings.neo4j_database, "open_conflicts", OPEN_CONFLICTS)
    driver.close()
    return Counter((r["kind"], explain(truth, json.loads(r["sides"]))) for r in rows)


def record(args: argparse.Namespace, ours: Figures,
           found: Counter[tuple[str, str]]) -> str:
    """The markdown section for this run."""
    noise = json.loads((Path(args.drop) / "truth" / "noise_report.json").read_text())
    lines = [f"## {time.strftime('%Y-%m-%d %H:%M')} — {args.persons:,} persons, "
             f"noise `{args.noise}`, seed {args.seed}",
             "Machine: 2 cores, 24 GiB (shared with other work).", "",
             f"- persons {ours['persons']:,}, rows {ours['rows']:,}; wall time "
             f"{ours['wall_s']:.1f} s (derive {ours['stages_s']['derive']:.1f} s)",
             "- persons P {:.4f} R {:.4f} F1 {:.4f}; ".format(*ours["scores"]["persons"])
             + review_queue(ours).removeprefix("- "),
             "- injected wrong-person numbers: " + ", ".join(
                 f"{k} {noise['counts'].get(k, 0)}"
                 for k in ("id_other_relative", "id_swapped", "id_mother_in_child")),
             "", "| conflict | cause | items |", "|---|---|---|"]
    for (kind, cause), n in sorted(found.items()):
        lines.append(f"| {kind.removeprefix('conflict_')} | {cause} | {n} |")
    lines.append(f"| **all** | | **{sum(found.values())}** |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Load the drop, explain its conflicts, append the figures to the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", default="standard")
    args = parser.parse_args()
    settings = Settings()
    drop = Path("var/drops") / f"s{args.persons}-{args.noise}-{args.seed}"
    args.drop = str(drop)
    if not (drop / "truth" / "persons.parquet").exists():
        generate(args.persons, args.seed, drop, noise=args.noise)
    ours = load(drop, settings)
    found = classify(settings, drop / "truth")
    section = record(args, ours, found)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as handle:
        handle.write("\n" + section)
    print(section)


if __name__ == "__main__":
    main()
