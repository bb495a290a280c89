"""Atomic files: a writer killed at any instant leaves the old file or the new one."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from kingraph import atomic

ROWS = 400_000

# Writes version 1, 2, 3, ... of one parquet file for ever; prints each version done.
WRITER = """
import sys
from pathlib import Path
import polars as pl
from kingraph import atomic
target, rows = Path(sys.argv[1]), int(sys.argv[2])
version = 0
while True:
    version += 1
    frame = pl.DataFrame({"version": [version] * rows, "n": range(rows)})
    atomic.write_parquet(frame, target)
    print(version, flush=True)
"""


def _killed_writer(target: Path, seconds: float) -> int:
    """Run the writer for ``seconds``, SIGKILL it; the last version it finished."""
    with subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(ROWS)],
                          stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parents[3]) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "1"  # a first complete version exists
        time.sleep(seconds)
        proc.send_signal(signal.SIGKILL)
        done = [int(line) for line in proc.stdout.read().split()]
        proc.wait()
    return max(done, default=1)


def test_a_writer_killed_at_random_instants_always_leaves_a_whole_version(
        tmp_path: Path) -> None:
    target = tmp_path / "rows.parquet"
    rng = random.Random(14)
    for _ in range(5):
        finished = _killed_writer(target, rng.uniform(0.0, 0.4))
        frame = pl.read_parquet(target)  # never "must end with PAR1"
        versions = frame["version"].unique().to_list()
        assert frame.height == ROWS and len(versions) == 1
        # The file is the last version finished or the one whose rename had happened
        # when the kill came (its "done" line not yet printed).
        assert versions[0] in (finished, finished + 1)
    leftovers = list(tmp_path.glob(".*.tmp"))
    assert atomic.sweep(tmp_path) == len(leftovers)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.parquet"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "meta.json"
    atomic.write_json(target, {"load_id": "old"})
    with pytest.raises(RuntimeError):
        with atomic.replace(target) as temporary:
            temporary.write_text("{\"load_id\": \"new\"")  # half written
            raise RuntimeError("disk full")
    assert target.read_text() == '{"load_id": "old"}'
    assert [p.name for p in tmp_path.iterdir()] == ["meta.json"]


def test_missing_folders_are_made(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "note.txt"
    atomic.write_text(target, "质控 ok")
    assert target.read_text(encoding="utf-8") == "质控 ok"


def test_temporary_names_are_never_seen_by_globs_for_the_real_files(tmp_path: Path) -> None:
    with atomic.replace(tmp_path / "birth.parquet") as temporary:
        pl.DataFrame({"a": [1]}).write_parquet(temporary)
        assert list(tmp_path.glob("*.parquet")) == []
    assert [p.name for p in tmp_path.glob("*.parquet")] == ["birth.parquet"]
