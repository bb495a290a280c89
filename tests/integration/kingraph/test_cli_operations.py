"""Operations on the real graph: ``kingraph db stats`` and ``ingest --skip-unchanged``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import neo4j
from typer.testing import CliRunner

from graphdb.connection import read
from kingraph.cli import app
from tests.integration.synthetic import LoadedDrop

LOADS = "MATCH (l:Load) RETURN count(l) AS n"


def _one(driver: neo4j.Driver, database: str, cypher: str) -> int:
    return int(read(driver, database, "test", cypher)[0]["n"])


def test_db_stats_counts_what_the_graph_holds(driver: neo4j.Driver, database: str,
                                              synthetic: LoadedDrop) -> None:
    done = CliRunner().invoke(app, ["db", "stats", "--json"])
    assert done.exit_code == 0, done.output
    stats = json.loads(done.output)
    assert stats["persons"] == _one(driver, database, "MATCH (p:Person) RETURN count(p) AS n") > 0
    assert stats["records"] == _one(driver, database, "MATCH (r:Record) RETURN count(r) AS n") > 0
    for kind in ("MENTIONS", "CHILD_OF", "MARRIED", "MEMBER_OF"):
        scan = f"MATCH ()-[r]->() WHERE type(r) = '{kind}' RETURN count(r) AS n"
        assert stats["edges"][kind] == _one(driver, database, scan) > 0
    assert stats["edges_total"] == _one(driver, database, "MATCH ()-[r]->() RETURN count(r) AS n")
    open_by_kind = {r["kind"]: r["n"] for r in read(
        driver, database, "test", "MATCH (r:Review) WHERE r.status = 'open' "
                                  "RETURN r.kind AS kind, count(*) AS n")}
    assert stats["open_reviews"] == open_by_kind and stats["open_reviews_total"] > 0
    last = stats["last_load"]
    assert last["status"] == "complete" and last["finished"] >= last["started"]
    table = CliRunner().invoke(app, ["db", "stats"])
    assert table.exit_code == 0 and "CHILD_OF" in table.output and last["load_id"] in table.output


def test_make_demo_skips_a_drop_already_loaded(driver: neo4j.Driver, database: str,
                                               synthetic: LoadedDrop, tmp_path: Path) -> None:
    # The first run with the flag records the stamp (the fixture loaded without the CLI).
    first = CliRunner().invoke(app, ["ingest", str(synthetic.drop), "--skip-unchanged"])
    assert first.exit_code == 0, first.output
    loads = _one(driver, database, LOADS)
    again = CliRunner().invoke(app, ["ingest", str(synthetic.drop), "--skip-unchanged"])
    assert again.exit_code == 0, again.output
    assert "drop unchanged since load" in again.output
    assert _one(driver, database, LOADS) == loads, "a skipped drop starts no load"
    # The same feeds and one file more: a different drop, loaded (and nothing changes).
    other = tmp_path / synthetic.drop.name
    shutil.copytree(synthetic.drop, other, ignore=shutil.ignore_patterns("truth"))
    (other / "readme.txt").write_text("a note from the department\n", "utf-8")
    changed = CliRunner().invoke(app, ["ingest", str(other), "--skip-unchanged"])
    assert changed.exit_code == 0, changed.output
    assert "drop unchanged" not in changed.output
    assert _one(driver, database, LOADS) == loads + 1
