"""Loading drops into the real graph: reconciliation, provenance, idempotence, corrections,
interrupted loads, officers' decisions and unmerge."""

from __future__ import annotations

import csv
import hashlib
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from graphdb.admin import counts
from graphdb.connection import forget_bookmarks, read
from ingest import review
from ingest.feeds.quarantine import Reason
from ingest.lock import LOCK_FILE
from ingest.pipeline import MODEL_WEIGHTS, fuse_again, mention_table, run
from ingest.store import Store
from kingraph.cli import app
from kingraph.settings import Settings
from tests.factories import person_id, write_feed
from tests.integration.ingest.conftest import Scratch

FINGERPRINT = """
MATCH (p:Person)
OPTIONAL MATCH (p)-[c:CHILD_OF]->(q:Person)
WITH p, collect(q.pid + ':' + c.kind) AS parents
OPTIONAL MATCH (p)<-[m:MENTIONS]-(r:Record)
WITH p, parents, collect(r.key + ':' + m.role) AS mentions
RETURN p.pid AS pid, properties(p) AS props, parents, mentions
"""


def fingerprint(scratch: Scratch) -> str:
    """A hash of every person, its properties, parents and mentions."""
    rows = read(scratch.driver, scratch.database, "fingerprint", FINGERPRINT)
    text = sorted(f"{r['pid']}|{sorted(r['props'].items())}|{sorted(r['parents'])}|"
                  f"{sorted(r['mentions'])}" for r in rows)
    return hashlib.sha1("\n".join(text).encode()).hexdigest()


def test_counts_reconcile_and_every_fact_has_provenance(scratch: Scratch) -> None:
    scratch.reset()
    report = run(scratch.drop, scratch.driver, scratch.database, scratch.store())
    assert report.files and all(f.error is None for f in report.files)
    for f in report.files:
        assert f.read == f.applied + f.quarantined
    applied = sum(f.applied for f in report.files)
    records = read(scratch.driver, scratch.database, "n", "MATCH (r:Record) RETURN count(r) AS n")
    assert records[0]["n"] == applied
    checks = {
        "person without mention":
            "MATCH (p:Person) WHERE NOT EXISTS { (p)<-[:MENTIONS]-(:Record) } RETURN count(p) AS n",
        "record without provenance":
            "MATCH (r:Record) WHERE r.feed IS NULL OR r.source IS NULL OR r.record_id IS NULL "
            "OR r.load_id IS NULL OR r.file IS NULL OR r.line IS NULL OR r.data IS NULL "
            "RETURN count(r) AS n",
        "kin edge without records":
            "MATCH ()-[e:CHILD_OF|MARRIED]->() WHERE e.records IS NULL OR size(e.records) = 0 "
            "RETURN count(e) AS n",
        "episode without record":
            "MATCH ()-[e:MEMBER_OF|LIVED_AT|EMPLOYED_BY]->() WHERE e.record IS NULL "
            "RETURN count(e) AS n",
        "dangling edge record":
            "MATCH ()-[e:CHILD_OF|MARRIED]->() UNWIND e.records AS key "
            "OPTIONAL MATCH (r:Record {key: key}) WITH r WHERE r IS NULL RETURN count(*) AS n",
    }
    for what, cypher in checks.items():
        assert read(scratch.driver, scratch.database, "check", cypher)[0]["n"] == 0, what


def test_second_load_changes_nothing(scratch: Scratch) -> None:
    scratch.reset()
    store = scratch.store()
    first = run(scratch.drop, scratch.driver, scratch.database, store)
    model = store.state(MODEL_WEIGHTS)
    before = counts(scratch.driver, scratch.database), fingerprint(scratch)
    # In full: fused, derived and compared again (otherwise skipped, test below).
    again = run(scratch.drop, scratch.driver, scratch.database, store, full=True)
    # The first load trained fusion's model; the second scored with the one it kept.
    assert first.model_trained is True and again.model_trained is False
    assert model is not None and model.equals(store.state(MODEL_WEIGHTS))
    # Only the new :Load node is added.
    nodes, rels = counts(scratch.driver, scratch.database)
    assert (nodes - 1, rels) == before[0]
    assert fingerprint(scratch) == before[1]
    assert first.written["reviews"] > 0  # the drop has items for review: none written again
    assert {what: n for what, n in again.written.items() if n} == {}


def _split_one_person(scratch: Scratch, store: Store) -> None:
    """An officer's decision: two mentions of one person are not the same person."""
    mentions = mention_table(store).drop_nulls("pid").with_columns(
        pl.concat_str("feed", "source", "record_id", "role", separator="|").alias("m"))
    pid = mentions.group_by("pid").len().filter(pl.col("len") >= 2).sort("pid")["pid"][0]
    left, right = mentions.filter(pl.col("pid") == pid).sort("m")["m"].to_list()[:2]
    scratch.driver.execute_query(
        "CREATE (:Decision {kind: 'cannot_link', left_mention: $l, right_mention: $r, "
        "decided_by: 'test', decided_at: datetime(), reason: 'test'})",
        l=right, r=left, database_=scratch.database)


def test_a_drop_sent_again_is_skipped_until_one_of_its_inputs_changes(
        scratch: Scratch) -> None:
    """The same rows, decisions, rulings, model and code (ingest.inputs): the load says so
    and writes nothing without fusing; a decision, a corrected row or ``full`` fuse again."""
    scratch.reset()
    store = scratch.store("unchanged")
    first = run(scratch.drop, scratch.driver, scratch.database, store)
    before = counts(scratch.driver, scratch.database), fingerprint(scratch)
    again = run(scratch.drop, scratch.driver, scratch.database, store)
    assert not first.unchanged and again.unchanged
    assert again.fusion == {} and again.written == {} and again.model_trained is None
    assert "resolve" not in again.seconds and "derive" not in again.seconds
    nodes, rels = counts(scratch.driver, scratch.database)
    assert (nodes - 1, rels) == before[0] and fingerprint(scratch) == before[1]
    # The skipped load is complete and its state the applied one (the next load checks it).
    status = read(scratch.driver, scratch.database, "load",
                  "MATCH (l:Load {load_id: $id}) RETURN l.status AS s", id=again.load_id)
    assert status == [{"s": "complete"}] and store.last_load() == again.load_id

    full = run(scratch.drop, scratch.driver, scratch.database, store, full=True)
    assert not full.unchanged and full.fusion["persons"] == first.fusion["persons"]
    assert {what: n for what, n in full.written.items() if n} == {}

    _split_one_person(scratch, store)
    decided = run(scratch.drop, scratch.driver, scratch.database, store)
    assert not decided.unchanged and decided.written["persons"] > 0
    assert run(scratch.drop, scratch.driver, scratch.database, store).unchanged

    _correct_one_household_row(scratch.drop, scratch.root / "fix-unchanged")
    corrected = run(scratch.root / "fix-unchanged", scratch.driver, scratch.database, store)
    assert not corrected.unchanged and corrected.written["records"] == 1
    assert run(scratch.root / "fix-unchanged", scratch.driver, scratch.database,
               store).unchanged


def test_a_retrain_trains_the_model_again_and_gives_the_same_graph(scratch: Scratch) -> None:
    scratch.reset()
    store = scratch.store()
    run(scratch.drop, scratch.driver, scratch.database, store)
    before = fingerprint(scratch)
    again = run(scratch.drop, scratch.driver, scratch.database, store, retrain=True)
    # The same rows train the same weights (the estimate is deterministic): nothing moves.
    assert again.model_trained is True
    assert again.written["persons"] == 0 and again.written["mentions"] == 0
    assert fingerprint(scratch) == before


def _correct_one_household_row(source: Path, target: Path) -> tuple[str, str]:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("truth"))
    path = target / "household.csv"
    raw = path.read_bytes()
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text, encoding = raw.decode("gb18030"), "gb18030"
    rows = list(csv.DictReader(text.splitlines()))
    row = next(r for r in rows if r["address"] and not r["deregistered_on"])
    row["address"] = row["address"] + "（更正）"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    for other in target.glob("*.csv"):
        if other.name != "household.csv":
            other.unlink()
    return row["record_id"], row["address"]


def test_a_correction_replaces_the_value_and_keeps_the_old_version(scratch: Scratch) -> None:
    scratch.reset()
    store = scratch.store()
    run(scratch.drop, scratch.driver, scratch.database, store)
    record_id, address = _correct_one_household_row(scratch.drop, scratch.root / "fix")
    run(scratch.root / "fix", scratch.driver, scratch.database, store)
    found = read(scratch.driver, scratch.database, "corrected",
                 "MATCH (r:Record {feed: 'household', record_id: $id}) "
                 "OPTIONAL MATCH (r)-[:PREVIOUS_VERSION]->(v:RecordVersion) "
                 "RETURN r.data AS data, count(v) AS versions", id=record_id)
    assert address in found[0]["data"]
    assert found[0]["versions"] == 1


def test_interrupted_load_converges_when_run_again(scratch: Scratch) -> None:
    scratch.reset()
    run(scratch.drop, scratch.driver, scratch.database, scratch.store("clean"))
    expected = counts(scratch.driver, scratch.database), fingerprint(scratch)

    scratch.reset()
    store = scratch.store("interrupted")

    def stage(name: str, total: int | None):  # type: ignore[no-untyped-def]
        def advance(n: int) -> None:
            if name == "write mentions":
                raise KeyboardInterrupt("simulated kill")
        return advance

    with pytest.raises(KeyboardInterrupt):
        run(scratch.drop, scratch.driver, scratch.database, store, stage=stage,
            batch_size=500)
    run(scratch.drop, scratch.driver, scratch.database, store)
    nodes, rels = counts(scratch.driver, scratch.database)
    # Two :Load nodes (the interrupted one stays as 'running') against one.
    assert (nodes - 1, rels) == expected[0]
    assert fingerprint(scratch) == expected[1]


def test_every_stage_of_a_load_is_named_and_ends(scratch: Scratch) -> None:
    """Fusion (in a child process) reports a stage of its own, so a log's 10 s lines name it."""
    scratch.reset()
    seen: dict[str, list[int]] = {}

    def stage(name: str, total: int | None):  # type: ignore[no-untyped-def]
        seen[name] = [0, total or 0]
        return lambda n: seen[name].__setitem__(0, seen[name][0] + n)

    run(scratch.drop, scratch.driver, scratch.database, scratch.store(), stage=stage)
    names = list(seen)
    assert names[0] == "read + clean"
    assert "fusion" in names and names.index("fusion") < len(names) - 1  # writes follow
    assert seen["fusion"] == [1, 1]  # started and ended


def test_quarantine_reasons_are_recorded_per_row(scratch: Scratch) -> None:
    scratch.reset()
    store = scratch.store()
    bad = Path(__file__).parents[2] / "data" / "feeds" / "drop"
    report = run(bad, scratch.driver, scratch.database, store)
    table = mention_table(store)
    held = table.filter(pl.col("quarantine_reason").is_not_null())
    assert held.height == sum(f.quarantined for f in report.files) > 0
    assert set(held["quarantine_reason"].unique()) <= {r.value for r in Reason}


def _pids_of(scratch: Scratch, store_table: pl.DataFrame, mention_ids: list[str]) -> set[str]:
    keyed = store_table.with_columns(
        pl.concat_str("feed", "source", "record_id", "role", separator="|").alias("m"))
    return set(keyed.filter(pl.col("m").is_in(mention_ids))["pid"].to_list())


def test_unmerge_restores_two_persons_with_their_own_edges(scratch: Scratch) -> None:
    scratch.reset()
    store = scratch.store()
    run(scratch.drop, scratch.driver, scratch.database, store)
    people = read(scratch.driver, scratch.database, "two",
                  "MATCH (p:Person)-[:CHILD_OF]->() WITH DISTINCT p "
                  "MATCH (p)<-[m:MENTIONS]-(r:Record) WITH p, collect(r.key + '|' + m.role) AS ms "
                  "WHERE size(ms) >= 2 RETURN p.pid AS pid, ms ORDER BY pid LIMIT 2")
    (a, a_mentions), (b, b_mentions) = [(r["pid"], r["ms"]) for r in people]
    parents = "MATCH (:Person {pid: $pid})-[c:CHILD_OF]->(q) RETURN collect(q.pid) AS ps"
    a_parents = read(scratch.driver, scratch.database, "p", parents, pid=a)[0]["ps"]
    b_parents = read(scratch.driver, scratch.database, "p", parents, pid=b)[0]["ps"]

    # An officer wrongly links the two persons (the pair, and the pins that make a link
    # join whole persons): they become one.
    pins = review.link_pins(scratch.driver, scratch.database, [a_mentions[0], b_mentions[0]])
    rows = [{"kind": "must_link", "left": a_mentions[0], "right": b_mentions[0]},
            *({"kind": "must_link", **pin} for pin in pins)]
    scratch.driver.execute_query(review.CREATE_DECISIONS, rows=rows, by="test",
                                 reason="test", database_=scratch.database)
    fuse_again(scratch.driver, scratch.database, store)
    merged = _pids_of(scratch, mention_table(store), a_mentions + b_mentions)
    assert len(merged) == 1

    # Unmerge b's mentions: two persons again, each with its own parents.
    (pid,) = merged
    review.unmerge(scratch.driver, scratch.database, pid, b_mentions, by="test")
    fuse_again(scratch.driver, scratch.database, store)
    table = mention_table(store)
    a_now, b_now = _pids_of(scratch, table, a_mentions), _pids_of(scratch, table, b_mentions)
    assert len(a_now) == 1 and len(b_now) == 1 and a_now != b_now
    (a2,), (b2,) = a_now, b_now
    assert sorted(read(scratch.driver, scratch.database, "p", parents, pid=a2)[0]["ps"]) \
        == sorted(a_parents)
    assert sorted(read(scratch.driver, scratch.database, "p", parents, pid=b2)[0]["ps"]) \
        == sorted(b_parents)


EPISODE_PLACES = """
MATCH (p:Person)-[e:MEMBER_OF|LIVED_AT]->(t)
WHERE e.record IN $records
OPTIONAL MATCH (t)-[:IN]->(d:Division)
RETURN e.record AS record, coalesce(t.household_id, t.dwelling_id) AS target,
       collect(d.code) AS divisions
"""
TARGET_PLACES = """
MATCH (t) WHERE t.household_id IN $targets OR t.dwelling_id IN $targets
OPTIONAL MATCH (t)-[:IN]->(d:Division)
RETURN coalesce(t.household_id, t.dwelling_id) AS target, collect(d.code) AS divisions
"""


def _places(scratch: Scratch, query: str, **params: object) -> list[tuple[str, ...]]:
    rows = read(scratch.driver, scratch.database, "places", query, **params)
    return sorted((*(str(v) for k, v in r.items() if k != "divisions"),
                   *sorted(r["divisions"])) for r in rows)


def test_a_corrected_episode_leaves_no_old_edge_or_place_behind(scratch: Scratch) -> None:
    scratch.reset()
    store = scratch.store()
    born, number = date(1980, 5, 5), person_id(date(1980, 5, 5), 13)
    house = {"record_id": "h1", "source": "public_security", "household_id": "HH001",
             "id_number": number, "name": "王伟", "sex": "1", "birth_date": born.isoformat(),
             "relation_to_head": "02", "division_code": "460106",
             "registered_on": "2000-01-01"}
    lived = {"record_id": "c1", "source": "public_security", "id_number": number,
             "name": "王伟", "dwelling_id": "D001", "division_code": "460106",
             "address": "一号楼", "from_date": "2000-01-01"}
    first = scratch.root / "episodes"
    write_feed(first, "household", [house])
    write_feed(first, "cohabitation", [lived])
    run(first, scratch.driver, scratch.database, store)
    records = ["household|public_security|h1", "cohabitation|public_security|c1"]
    assert _places(scratch, EPISODE_PLACES, records=records) == [
        ("cohabitation|public_security|c1", "D001", "460106"),
        ("household|public_security|h1", "HH001", "460106")]
    # The register meant 琼山区 (460107); the residence was another dwelling.
    fix = scratch.root / "episodes-fix"
    write_feed(fix, "household", [house | {"division_code": "460107"}])
    write_feed(fix, "cohabitation", [lived | {"dwelling_id": "D002", "division_code": "460107"}])
    run(fix, scratch.driver, scratch.database, store)
    assert _places(scratch, EPISODE_PLACES, records=records) == [
        ("cohabitation|public_security|c1", "D002", "460107"),
        ("household|public_security|h1", "HH001", "460107")]
    # No row names the first dwelling any more: it is gone with its place.
    assert _places(scratch, TARGET_PLACES, targets=["HH001", "D001", "D002"]) == [
        ("D002", "460107"), ("HH001", "460107")]


PERSONS_AND_RECORDS = """
MATCH (n) WHERE n:Person OR n:Record RETURN count(n) AS n"""


def test_db_reset_empties_the_graph_and_its_ingest_store_together(
        scratch: Scratch, settings: Settings) -> None:
    # Emptying only the graph leaves the store's loads to be applied again by the next
    # ingest; `kingraph db reset --yes` clears both and keeps the schema.
    scratch.reset()
    store = Store.for_graph(settings.var_dir, settings.bolt_uri, scratch.database)
    shutil.rmtree(store.root, ignore_errors=True)
    run(scratch.drop, scratch.driver, scratch.database, Store(store.root))
    assert read(scratch.driver, scratch.database, "n", PERSONS_AND_RECORDS)[0]["n"] > 0
    assert any((store.root / "loads").iterdir())
    scratch.reset()  # the graph alone emptied: the next ingest says what it will do
    again = CliRunner().invoke(app, ["ingest", str(scratch.drop)])
    assert again.exit_code == 0, again.output
    assert "earlier load(s), which this load applies again" in " ".join(again.output.split())
    refused = CliRunner().invoke(app, ["db", "reset"])
    assert refused.exit_code != 0 and store.root.exists()  # nothing goes without --yes
    done = CliRunner().invoke(app, ["db", "reset", "--yes"])
    assert done.exit_code == 0, done.output
    # A database past KINGRAPH_RESET_OFFLINE_MIN_MIB (the test server's, once earlier
    # modules have loaded into it) is replaced offline: this driver's bookmarks name
    # transactions the new store never had, as any other process's would.
    forget_bookmarks(scratch.driver, scratch.database)
    assert read(scratch.driver, scratch.database, "n", PERSONS_AND_RECORDS)[0]["n"] == 0
    # Only the lock file stays (a waiting writer may hold it open).
    assert [p.name for p in store.root.iterdir()] == [LOCK_FILE]
    constraints = read(scratch.driver, scratch.database, "c", "SHOW CONSTRAINTS YIELD name "
                                                           "RETURN count(*) AS n")
    assert constraints[0]["n"] > 0
