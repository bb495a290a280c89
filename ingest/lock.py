"""The one exclusive lock over a graph's ingest store and its writes.

Every writer of a graph's shared state takes it: ``kingraph ingest``, ``kingraph db
reset``, ``kingraph permits issue`` and the officers' re-fusions in the API.  Two
writers never run at once; the second waits (or is refused when it asked not to
wait) with a message naming what holds the lock, never what it is working on.

It is an advisory ``flock`` on a file in the store's folder, so it serializes
processes and threads alike (each :func:`exclusive` opens its own file description),
and the kernel releases it when its holder dies, even by SIGKILL: a lock is never
stale.  It blocks the calling thread while it waits: the API takes it in a worker
thread, never on the event loop.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from kingraph.errors import StoreBusy

__all__ = ["LOCK_FILE", "StoreBusy", "exclusive"]

LOCK_FILE = ".writer.lock"
POLL_SECONDS = 0.2


def _holder(path: Path) -> str:
    """What holds the lock, as its holder described itself (kind, process, since)."""
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "another writer"
    return f"{info.get('kind', 'another writer')} (process {info.get('pid', '?')}, " \
           f"since {info.get('since', '?')})"


@contextmanager
def exclusive(root: Path, kind: str, *, wait: bool = True, timeout: float | None = None,
              waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store lock of the graph whose store is at ``root`` for the block.

    Args:
        root: the store's folder (``ingest.store.Store.root``).
        kind: what the holder is, shown to whoever waits (``ingest``, ``decision``,
            ``reset``, ``permits``); never personal data.
        wait: wait for the lock (default) or raise :class:`StoreBusy` at once.
        timeout: seconds to wait at most before raising :class:`StoreBusy`.
        waiting: called once with the holder's description when the lock is busy.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, wait, timeout, waiting)
        stamp = {"kind": kind, "pid": os.getpid(),
                 "since": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(stamp).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, wait: bool, timeout: float | None,
             waiting: Callable[[str], None] | None) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder(path)
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                raise StoreBusy(f"the graph's store is locked by {holder}; "
                                "try again when it has finished") from None
            if not told and waiting is not None:
                waiting(holder)
                told = True
            time.sleep(POLL_SECONDS)
