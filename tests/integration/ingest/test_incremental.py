"""A correction drop written as a difference leaves the graph a load of the corrected rows
into an empty graph leaves (issue 13: "an incremental load equals a full reload of the
same rows"), against the real graph.

The drop is ``bench.correction_drop.make``'s: rows sent again with a person's name or ID
number set to the true one. Loaded after the drop it corrects, it is written through
transactions as a difference from the applied state (records, persons, mentions, edges,
review items); the reference loads the base rows and the corrections at once into an
empty graph. Both score with a model trained on the same rows (the correction is loaded
with ``retrain``: a model kept from the base rows would weigh pairs differently), so the
graphs must be equal: persons with their pids, every edge, and the open review items.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from bench.correction_drop import make
from graphdb.connection import read
from graphdb.fingerprint import Fingerprint, fingerprint
from ingest.fusion import child_process
from ingest.pipeline import fuse_again, run
from tests.integration.ingest.conftest import Scratch

OPEN_REVIEWS = """
MATCH (r:Review {status: 'open'})
RETURN r.review_id AS id, r.kind AS kind, r.reason AS reason, r.weight AS weight,
       r.left_mention AS left, r.right_mention AS right, r.records AS records,
       r.divisions AS divisions, [(r)-[:ABOUT]->(p:Person) | p.pid] AS about
ORDER BY id
"""


def _graph(scratch: Scratch) -> tuple[Fingerprint, set[str]]:
    """The graph's fingerprint, and one digest per open review item (no row is printed
    when they differ: a review names records and persons)."""
    reviews = {hashlib.sha256(json.dumps({**r, "about": sorted(r["about"]),
                                          "records": sorted(r["records"] or [])},
                                         sort_keys=True).encode()).hexdigest()
               for r in read(scratch.driver, scratch.database, "open_reviews", OPEN_REVIEWS)}
    return fingerprint(scratch.driver, scratch.database), reviews


def test_a_correction_drop_leaves_the_graph_a_load_of_the_corrected_rows_leaves(
        scratch: Scratch) -> None:
    fix = scratch.root / "fix"
    made = make(scratch.drop, fix, 0.03, 5)
    assert made.names_fixed + made.ids_fixed > 20
    together = scratch.root / "together"  # the base files, then the corrections
    shutil.copytree(scratch.drop, together, ignore=shutil.ignore_patterns("truth"))
    for file in fix.glob("*.csv"):
        shutil.copy(file, together / f"{file.stem}_zfix.csv")

    scratch.reset()
    store = scratch.store("incremental")
    run(scratch.drop, scratch.driver, scratch.database, store)
    before = _graph(scratch)
    corrected = run(fix, scratch.driver, scratch.database, store, retrain=True)
    incremental = _graph(scratch)
    # The corrections moved persons, edges and review items: the comparison has content.
    assert corrected.written["records"] == sum(made.rows.values())
    assert corrected.written["mentions"] > 0
    assert incremental[0].persons != before[0].persons
    assert incremental[1] != before[1]

    scratch.reset()
    run(Path(together), scratch.driver, scratch.database, scratch.store("whole"))
    whole = _graph(scratch)
    assert whole[0].counts["ghosts"] == whole[0].counts["shared_mentions"] == 0
    assert incremental[0] == whole[0]
    assert len(whole[1]) > 0
    only = len(incremental[1] - whole[1]), len(whole[1] - incremental[1])
    assert only == (0, 0), f"items only after the correction, only in the whole load: {only}"


def test_a_correction_drop_with_the_kept_model_equals_fusing_every_row_again(
        scratch: Scratch) -> None:
    """The correction is scored with the model the store kept (the default: its rows
    grew by far less than a quarter), so the pieces it does not touch keep their
    clustering answer (:mod:`ingest.fusion.memo`); fusing every stored row again from
    scratch with that model and no memo (``fuse_again``, as after an officer's decision)
    finds nothing to write."""
    fix = scratch.root / "fix-kept"
    make(scratch.drop, fix, 0.03, 9)
    scratch.reset()
    store = scratch.store("kept")
    run(scratch.drop, scratch.driver, scratch.database, store)
    corrected = run(fix, scratch.driver, scratch.database, store)
    assert corrected.model_trained is False and corrected.written["mentions"] > 0
    reused, pieces = corrected.fusion["pieces_reused"], corrected.fusion["pieces"]
    assert 0 < reused < pieces
    after = _graph(scratch)
    for name in child_process.MEMO:
        (store.root / "fusion" / name).unlink()
    again = fuse_again(scratch.driver, scratch.database, store)
    assert again.fusion["pieces_reused"] == 0
    assert {what: n for what, n in again.written.items() if n} == {}
    assert _graph(scratch) == after
