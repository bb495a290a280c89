"""The command line against a server it does not own, over ``neo4j://`` (routing).

With ``KINGRAPH_NEO4J_URI`` set the server is external (a cluster, Aura, a container):
a first load into an empty graph goes through transactions, never the offline import
(which needs the server's own files and a restart), however large. Every command's
reads go as READ transactions and its writes as WRITE, each waiting for the bookmark
of the one before (the Bolt traffic is recorded, see ``tests.bolt_traffic``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from graphdb.admin import counts
from graphdb.connection import read
from graphdb.server import LocalServer
from ingest import pipeline
from kingraph.cli import app
from kingraph.errors import InvalidArgument
from kingraph.settings import Settings
from queries.thalassemia import worklists
from tests.bolt_traffic import BoltTraffic, misrouted, recording, unchained
from tests.integration.cluster import environment
from tests.integration.ingest.conftest import Scratch

# Read-only queries that belong on the primary, with the reason.
ON_THE_PRIMARY = {
    "CALL db.awaitIndexes(300)": "waits for the indexes the primary just created, "
                                 "before the load writes through them there",
}
A_FAMILY = """MATCH (h:Person)-[:MARRIED]->(w:Person) WHERE (h)<-[:CHILD_OF]-()
RETURN h.pid AS h, w.pid AS w ORDER BY h.pid LIMIT 1"""


def _index_case(scratch: Scratch) -> str:
    """A person the cascade accepts as an index case (a latest screening with an allele)."""
    rows = read(scratch.driver, scratch.database, "index_cases", worklists.INDEX_CASES,
                positive=list(worklists.POSITIVE))
    for pid in sorted(str(r["pid"]) for r in rows):
        try:
            worklists.cascade(scratch.driver, scratch.database, pid, 1)
        except InvalidArgument:
            continue
        return pid
    raise AssertionError("the scratch drop has no index case")


def _ok(result: Result, command: str) -> None:
    # The output may name persons: a failure shows the command and exit code only.
    assert result.exit_code == 0, (command, result.exit_code, type(result.exception).__name__)


def _clean(traffic: BoltTraffic, command: str) -> None:
    txs = traffic.transactions
    assert txs, command
    assert misrouted(txs, ON_THE_PRIMARY) == [], command
    assert unchained(txs) == [], command
    assert all(t.failure is None for t in txs), command


def test_the_command_line_over_routing(scratch: Scratch, settings: Settings, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in environment(settings).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KINGRAPH_VAR_DIR", str(tmp_path / "var"))  # an ingest store of its own
    # Even a drop above the threshold (every drop, here) is not imported offline.
    monkeypatch.setattr(pipeline, "BULK_MIN_ROWS", 0)
    scratch.reset()
    assert counts(scratch.driver, scratch.database) == (0, 0)
    server = LocalServer(settings)
    before = server.pid()
    runner = CliRunner()
    with recording() as traffic:
        _ok(loaded := runner.invoke(app, ["ingest", str(scratch.drop)]), "ingest")
    assert server.pid() == before is not None  # not stopped for an import, still serving
    assert "bulk_import" not in loaded.output and "seconds: read_clean" in loaded.output
    _clean(traffic, "ingest")
    assert sum(t.wrote for t in traffic.transactions) >= 10  # batched UNWIND writes
    assert counts(scratch.driver, scratch.database)[0] > 0

    family = read(scratch.driver, scratch.database, "a_family", A_FAMILY)[0]
    h, w = str(family["h"]), str(family["w"])
    commands = [["kin", h], ["relate", h, w], ["pedigree", h],
                ["cascade", _index_case(scratch)], ["couples"],
                ["trajectory", h], ["flows", "--start", "1990-01-01", "--end", "2020-12-31"],
                ["eligibility", h, w, "--as-of", "2016-06-01"],
                ["permits", "issue", "--as-of", "2016-06-01"], ["db", "init"]]
    seen = {}
    for command in commands:
        with recording() as seen[command[0]]:
            _ok(runner.invoke(app, command), command[0])
        _clean(seen[command[0]], command[0])
    assert any(t.wrote for t in seen["permits"].transactions)  # the issuance wrote
    assert not any(t.wrote for name in ("kin", "relate", "pedigree", "cascade", "couples",
                                        "trajectory", "flows", "eligibility")
                   for t in seen[name].transactions)
