"""Sizes for the national design (docs/scale.md): what one drop becomes, in rows, nodes,
relationships and bytes, loaded both ways a server can be loaded.

    .venv/bin/python -m bench.scale --persons 100000 [--seed 1]

Against the project's own server of the settings (a bench instance: it WIPES the
graph), it loads the drop (generated if missing, ``var/drops/s<N>-standard``) twice:

1. as a first load on the local server: offline ``neo4j-admin`` import, then schema;
2. as against a cluster: over ``neo4j://`` (routing), every write an UNWIND batch in a
   WRITE transaction to the leader, into an empty graph.

After each it records the wall time, nodes by label, relationships by type, and the
bytes of the drop, the ingest store and Neo4j's store and transaction logs. Figures
only (never personal data) are appended to ``bench/results/scale.md``.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

import neo4j
from pydantic import SecretStr

from graphdb.admin import wipe
from graphdb.bulk import import_full
from graphdb.connection import open_driver, read
from graphdb.credentials import credentials, instance_home
from graphdb.schema import apply
from graphdb.server import LocalServer
from ingest.pipeline import LoadReport, run
from ingest.store import Store
from kingraph.settings import Settings
from synth.generator import generate

RESULTS = Path(__file__).parent / "results" / "scale.md"
LABELS = "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY n DESC"
TYPES = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY n DESC"
NODES = "MATCH (n) RETURN count(n) AS n"  # a node with two labels is counted once
PROPERTIES = """CALL () { MATCH (n) RETURN sum(size(keys(n))) AS n
UNION ALL MATCH ()-[r]->() RETURN sum(size(keys(r))) AS n } RETURN sum(n) AS n"""


def _bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _gib(n: int) -> str:
    return f"{n / 1024**3:.2f} GiB"


def _routing(settings: Settings) -> Settings:
    user, password = credentials(settings)
    return settings.model_copy(update={
        "neo4j_uri": f"neo4j://127.0.0.1:{settings.neo4j_bolt_port}", "neo4j_user": user,
        "neo4j_password": SecretStr(password)})


def _load(settings: Settings, drop: Path, store_root: Path, bulk: bool) -> tuple[float, LoadReport]:
    driver = open_driver(settings)
    database = settings.neo4j_database
    wipe(driver, database)
    apply(driver, database)
    shutil.rmtree(store_root, ignore_errors=True)
    server = LocalServer(settings)
    importer = (lambda n, r: import_full(server, database, n, r)) if bulk else None
    started = time.perf_counter()
    report = run(drop, driver, database, Store(store_root), bulk=importer)
    seconds = time.perf_counter() - started
    driver.close()
    return seconds, report


def _graph(settings: Settings
           ) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int, int]:
    driver: neo4j.Driver = open_driver(settings)
    db = settings.neo4j_database
    labels = [(str(r["label"]), int(r["n"])) for r in read(driver, db, "labels", LABELS)]
    types = [(str(r["type"]), int(r["n"])) for r in read(driver, db, "types", TYPES)]
    properties = int(read(driver, db, "properties", PROPERTIES)[0]["n"])
    nodes = int(read(driver, db, "nodes", NODES)[0]["n"])
    driver.close()
    return labels, types, properties, nodes


def _record(out: list[str], how: str, seconds: float, report: LoadReport, settings: Settings,
            store_root: Path) -> None:
    home = instance_home(settings) / "data"
    labels, types, properties, nodes = _graph(settings)
    rows = sum(f.applied for f in report.files)
    out += [f"### {how}", "",
            f"- wall {seconds:.1f} s; stages: " + ", ".join(
                f"{k} {v:.1f} s" for k, v in report.seconds.items()),
            f"- rows {rows:,}; persons {report.fusion.get('persons', 0):,}; nodes "
            f"{nodes:,}; relationships {sum(n for _, n in types):,}; "
            f"properties {properties:,}",
            f"- Neo4j store {_gib(_bytes(home / 'databases' / settings.neo4j_database))}, "
            f"transaction logs {_gib(_bytes(home / 'transactions' / settings.neo4j_database))}; "
            f"ingest store {_gib(_bytes(store_root))}",
            "- fusion: " + ", ".join(f"{k} {v:,}" for k, v in report.fusion.items()),
            "- nodes: " + ", ".join(f"{k} {n:,}" for k, n in labels),
            "- relationships: " + ", ".join(f"{k} {n:,}" for k, n in types), ""]


def main() -> None:
    """Load the drop both ways and append the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--paths", default="bulk,routed",
                    help="which loads to run: bulk (offline import), routed (neo4j://)")
    args = ap.parse_args()
    paths = set(args.paths.split(","))
    settings = Settings()
    if not settings.uses_local_server:
        raise SystemExit("bench.scale measures the project's own server: unset KINGRAPH_NEO4J_URI")
    drop = settings.var_dir / "drops" / f"s{args.persons}-standard"
    if not (drop / "truth").exists():
        generate(args.persons, args.seed, drop, noise="standard")
    out = [f"## {time.strftime('%Y-%m-%d %H:%M')} — {args.persons:,} persons, seed {args.seed}",
           f"Machine: {platform.machine()}, {platform.node()}; instance "
           f"{settings.neo4j_instance} (heap {settings.neo4j_heap}, page cache "
           f"{settings.neo4j_pagecache}). Drop {_gib(_bytes(drop))} "
           f"(truth/ {_gib(_bytes(drop / 'truth'))}).", ""]
    with tempfile.TemporaryDirectory(dir=settings.var_dir) as scratch:
        root = Path(scratch)
        if "bulk" in paths:
            seconds, report = _load(settings, drop, root / "bulk", bulk=True)
            _record(out, "first load, offline import (local server)", seconds, report,
                    settings, root / "bulk")
        if "routed" in paths:
            seconds, report = _load(_routing(settings), drop, root / "routed", bulk=False)
            _record(out, "first load over neo4j:// (transactions, as against a cluster)",
                    seconds, report, settings, root / "routed")
    text = "\n".join(out) + "\n"
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text("# Sizes and load paths for the national design (docs/scale.md)\n\n")
    with RESULTS.open("a") as f:
        f.write(text)


if __name__ == "__main__":
    main()
