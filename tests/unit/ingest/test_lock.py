"""The store lock: one writer at a time, across processes and threads, never stale."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.lock import StoreBusy, exclusive

HOLD = """
import sys, time
from pathlib import Path
from ingest.lock import exclusive
with exclusive(Path(sys.argv[1]), "ingest"):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock of the store at ``tmp_path``."""
    with subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)],
                          stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parents[3]) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "held"
        yield proc
        proc.kill()


def test_a_second_process_is_refused_with_the_holders_kind(
        tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(StoreBusy, match=r"locked by ingest \(process \d+"):
        with exclusive(tmp_path, "decision", wait=False):
            pass


def test_a_killed_holder_leaves_no_stale_lock(
        tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with exclusive(tmp_path, "ingest", wait=False):
        pass


def test_a_waiter_is_told_once_and_gets_the_lock_when_it_is_freed(
        tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    told: list[str] = []
    threading.Timer(0.5, holder.kill).start()
    with exclusive(tmp_path, "reset", waiting=told.append, timeout=30):
        pass
    assert len(told) == 1 and told[0].startswith("ingest")


def test_a_waiter_gives_up_after_its_timeout(
        tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(StoreBusy):
        with exclusive(tmp_path, "permits", timeout=0.3):
            pass


def test_threads_of_one_process_never_hold_it_together(tmp_path: Path) -> None:
    inside = 0
    most = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        with exclusive(tmp_path, "decision"):
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1
