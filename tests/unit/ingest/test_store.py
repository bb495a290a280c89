"""The ingest store: the applied state changes as one, and damaged files are named."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from ingest.lock import LOCK_FILE
from ingest.store import Store
from kingraph.errors import StoreDamaged

PIECES = ("records", "persons", "assignments")

# Applies load 1, 2, 3, ... for ever: each saves every piece with its number, then
# marks the load applied; prints each number applied.
APPLIER = """
import sys
from pathlib import Path
import polars as pl
from ingest.store import Store
store = Store(Path(sys.argv[1]))
load = 0
while True:
    load += 1
    for piece in sys.argv[2:]:
        store.save_state(piece, pl.DataFrame({"load": [load] * 200_000}))
    store.mark_applied(f"load-{load}")
    print(load, flush=True)
"""


def _row(feed_row: int) -> pl.DataFrame:
    return pl.DataFrame({"feed": ["birth"], "source": ["birth_platform"],
                         "record_id": [f"B{feed_row}"], "content_hash": [f"h{feed_row}"]})


def test_a_load_killed_while_saving_its_state_leaves_the_old_state_or_the_new(
        tmp_path: Path) -> None:
    rng = random.Random(1)
    for _ in range(5):
        with subprocess.Popen([sys.executable, "-c", APPLIER, str(tmp_path), *PIECES],
                              stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[3]) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()
            time.sleep(rng.uniform(0.0, 0.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        store = Store(tmp_path)
        store.check()
        applied = int(str(store.last_load()).removeprefix("load-"))
        for piece in PIECES:
            frame = store.state(piece)
            assert frame is not None and frame["load"].unique().to_list() == [applied]
        store.tidy()  # the killed load's half-saved state goes; the applied one stays
        assert len(list(tmp_path.glob("state-*"))) == 1
        assert list(tmp_path.rglob(".*.tmp")) == []


def test_saved_pieces_count_only_once_marked_applied_and_others_are_kept(
        tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_state("persons", pl.DataFrame({"pid": ["P1"]}))
    store.save_state("married", pl.DataFrame({"seq": [1]}))
    assert store.state("persons") is None and store.last_load() is None
    store.mark_applied("L1")
    store.save_state("persons", pl.DataFrame({"pid": ["P2"]}))
    assert store.state("persons")["pid"].to_list() == ["P1"]  # type: ignore[index]
    store.mark_applied("L2")
    assert store.last_load() == "L2"
    assert store.state("persons")["pid"].to_list() == ["P2"]  # type: ignore[index]
    assert store.state("married")["seq"].to_list() == [1]  # type: ignore[index]
    store.forget_state()
    assert store.last_load() is None and store.state("married") is None


def test_a_store_of_the_earlier_layout_is_read_and_moved_on_its_next_load(
        tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    pl.DataFrame({"pid": ["P1"]}).write_parquet(tmp_path / "state" / "persons.parquet")
    (tmp_path / "state" / "meta.json").write_text(json.dumps({"load_id": "L0"}))
    store = Store(tmp_path)
    assert store.last_load() == "L0"
    assert store.state("persons")["pid"].to_list() == ["P1"]  # type: ignore[index]
    store.save_state("married", pl.DataFrame({"seq": [1]}))
    store.mark_applied("L1")
    assert not (tmp_path / "state").exists()
    assert store.state("persons")["pid"].to_list() == ["P1"]  # type: ignore[index]
    assert store.last_load() == "L1"


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    path.write_bytes({"empty": b"", "truncated": raw[: len(raw) // 2],
                      "not json": b"{\"load_id\": "}[how])


@pytest.fixture
def loaded(tmp_path: Path) -> Store:
    """A store with rows, an applied state and one load's records."""
    store = Store(tmp_path)
    store.upsert("birth", _row(1))
    store.save_state("records", pl.DataFrame({"key": ["birth|birth_platform|B1"]}))
    store.mark_applied("L1")
    folder = store.load_folder("L1")
    folder.mkdir(parents=True)
    pl.DataFrame({"reason": ["bad_date"]}).write_parquet(folder / "quarantine.parquet")
    (folder / "report.json").write_text("{}")
    store.check()
    return store


@pytest.mark.parametrize(("where", "how", "says", "advice"), [
    ("rows/birth.parquet", "empty", "it is empty", "load every drop again"),
    ("rows/birth.parquet", "truncated", "not a complete parquet file", "load every drop again"),
    ("state/records.parquet", "truncated", "not a complete parquet file", "--keep-rows"),
    ("applied.json", "not json", "not valid JSON", "--keep-rows"),
    ("loads/L1/quarantine.parquet", "empty", "it is empty", "delete that load's folder"),
    ("loads/L1/report.json", "not json", "not valid JSON", "delete that load's folder"),
])
def test_a_damaged_file_is_named_with_what_to_do(
        loaded: Store, where: str, how: str, says: str, advice: str) -> None:
    path = loaded.root / where
    if where.startswith("state/"):
        path = next(loaded.root.glob("state-*")) / path.name
    _damage(path, how)
    with pytest.raises(StoreDamaged) as found:
        loaded.check()
    message = str(found.value)
    assert str(path) in message and says in message and advice in message
    assert "PAR1" not in message  # not the parquet reader's words


def test_reads_name_the_damaged_file_too(loaded: Store) -> None:
    path = loaded.root / "rows" / "birth.parquet"
    _damage(path, "truncated")
    with pytest.raises(StoreDamaged, match="birth.parquet is damaged"):
        loaded.rows("birth")
    with pytest.raises(StoreDamaged, match="birth.parquet is damaged"):
        loaded.upsert("birth", _row(2))
    assert path.stat().st_size > 0  # the damaged file is left for the operator


def test_clearing_keeps_only_the_lock_file(loaded: Store) -> None:
    (loaded.root / LOCK_FILE).write_text("")
    loaded.clear()
    assert [p.name for p in loaded.root.iterdir()] == [LOCK_FILE]
    assert loaded.last_load() is None and loaded.feeds() == []


def test_a_state_removed_under_a_load_is_never_marked_applied(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_state("persons", pl.DataFrame({"pid": ["P1"]}))
    store.mark_applied("L1")
    store.save_state("persons", pl.DataFrame({"pid": ["P2"]}))
    Store(tmp_path).tidy()  # a writer without the lock tidies the store meanwhile
    with pytest.raises(StoreDamaged, match="removed while this load ran"):
        store.mark_applied("L2")
    assert store.last_load() == "L1"
    assert store.state("persons")["pid"].to_list() == ["P1"]  # type: ignore[index]


def _aliases(*pids: str) -> pl.DataFrame:
    from ingest.derive.aliases import ALIAS_SCHEMA
    return pl.DataFrame({"alias": list(pids), "retired_load": ["L1"] * len(pids),
                         "targets": [[{"pid": "P" + "0" * 20, "mentions": 1}]] * len(pids)},
                        schema=ALIAS_SCHEMA)


def test_retired_pids_outlive_a_rebuild_from_the_stored_rows(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_state("aliases", _aliases("P" + "a" * 20, "P" + "b" * 20))
    store.save_state("assignments", pl.DataFrame({"mention_id": ["m1"], "pid": ["P1"]}))
    store.mark_applied("L2")

    assert store.keep_aliases() == 2
    store.forget_state()  # what `db reset --keep-rows` does next
    assert store.state("aliases") is None and store.state("assignments") is None
    before = store.aliases_before()
    assert before is not None and before["alias"].to_list() == ["P" + "a" * 20, "P" + "b" * 20]

    assert store.keep_aliases() == 2  # a second reset before any load keeps them still
    store.forget_state()
    store.save_state("aliases", _aliases("P" + "b" * 20))  # the rebuild's load applies
    store.mark_applied("L3")
    assert not (tmp_path / "history" / "aliases.parquet").exists()
    now = store.aliases_before()
    assert now is not None and now["alias"].to_list() == ["P" + "b" * 20]


def test_damaged_aliases_are_reported_lost_and_the_rebuild_goes_on(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_state("aliases", _aliases("P" + "a" * 20))
    store.mark_applied("L1")
    _damage(next(tmp_path.glob("state-*")) / "aliases.parquet", "truncated")
    assert store.keep_aliases() is None
    store.forget_state()
    assert store.aliases_before() is None


def _rows(*ids: int, feed: str = "birth") -> pl.DataFrame:
    return pl.DataFrame({"feed": feed, "source": "a_department",
                         "record_id": [f"R{i}" for i in ids],
                         "content_hash": [f"h{i}" for i in ids]})


def test_the_rows_a_load_will_fuse_count_a_stored_record_once(tmp_path: Path) -> None:
    """What --memory sets against the budget: a drop's row replaces the stored row of the
    same record (a repeated drop adds nothing), a new record adds one."""
    store = Store(tmp_path / "store")
    assert store.row_count() == 0
    assert store.rows_after({"birth": _rows(1, 2, 3)}) == 3
    store.upsert("birth", _rows(1, 2, 3))
    assert store.row_count() == 3
    assert store.rows_after({"birth": _rows(1, 2, 3)}) == 3  # the same drop again
    assert store.rows_after({"birth": _rows(2, 3, 4, 4)}) == 4  # one new record, twice
    assert store.rows_after({"birth": _rows(5), "marriage": _rows(5, feed="marriage")}) == 5


def test_a_loads_staging_folder_is_empty_when_given_and_gone_after(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    with pytest.raises(RuntimeError), store.staging() as folder:
        (folder / "0.parquet").write_bytes(b"rows")
        raise RuntimeError("the load failed")
    assert not folder.exists()
    # A killed load leaves it; the next load's tidy removes it before anything is read.
    folder.mkdir(parents=True)
    (folder / "0.parquet").write_bytes(b"rows")
    store.tidy()
    assert not folder.exists()
    with store.staging() as again:
        assert list(again.iterdir()) == []
