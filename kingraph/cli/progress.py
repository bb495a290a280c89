"""Progress of a long command: rich bars on a terminal, plain lines in a log.

Rich draws its bars only on a terminal; written to a file or a pipe (a service's log,
``make demo > demo.log``) it prints the finished bars once, at the end, so a log shows
nothing for minutes. :class:`LineProgress` prints a line when a stage starts and ends,
and one at a steady interval while work goes on, stage or no stage (a stage of one
step, such as fusion or the bulk import, is "running" until it ends).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Advance = Callable[[int], None]
Stage = Callable[[str, int | None], Advance]

EVERY_SECONDS = 10.0


@dataclass
class _Task:
    name: str
    total: int | None
    started: float
    done: int = 0
    finished: float | None = None


class LineProgress:
    """Stages reported as lines: start, end, and every ``every`` seconds in between."""

    def __init__(self, write: Callable[[str], None], every: float = EVERY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._write = write
        self._every = every
        self._clock = clock
        self._start = clock()
        self._tasks: list[_Task] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="progress-lines", daemon=True)

    def __enter__(self) -> LineProgress:
        self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._ticker.join()
        self._line(f"finished in {self._clock() - self._start:.1f} s" if exc[0] is None
                   else "stopped by an error")

    def stage(self, name: str, total: int | None) -> Advance:
        """Start a stage; returns the function that advances it by ``n``."""
        task = _Task(name, total, self._clock())
        with self._lock:
            self._tasks.append(task)
        self._line(f"{name}: started" + (f" (0/{total:,})" if total else ""))
        return lambda n: self._advance(task, n)

    def _advance(self, task: _Task, n: int) -> None:
        with self._lock:
            task.done += n
            ended = task.total is not None and task.done >= task.total and task.finished is None
            if ended:
                task.finished = self._clock()
        if ended:
            assert task.finished is not None
            self._line(f"{task.name}: done, {task.done:,}/{task.total:,} in "
                       f"{task.finished - task.started:.1f} s")

    def _tick(self) -> None:
        while not self._stop.wait(self._every):
            self._line(self.status())

    def status(self) -> str:
        """One line on the work going on now."""
        with self._lock:
            running = [t for t in self._tasks if t.finished is None]
            last = self._tasks[-1] if self._tasks else None
        if running:
            return "; ".join(self._describe(t) for t in running)
        if last is None:
            return "working"
        return f"working (after {last.name})"

    def _describe(self, task: _Task) -> str:
        seconds = self._clock() - task.started
        if task.total == 1:
            return f"{task.name}: running, {seconds:.0f} s"
        if task.total:
            share = 100 * task.done / task.total
            return f"{task.name}: {task.done:,}/{task.total:,} ({share:.0f} %), {seconds:.0f} s"
        return f"{task.name}: {task.done:,} so far, {seconds:.0f} s"

    def _line(self, text: str) -> None:
        self._write(f"[{self._clock() - self._start:7.1f} s] {text}")


@contextmanager
def stages(console: Console, every: float = EVERY_SECONDS) -> Iterator[Stage]:
    """Stage reporting for ``console``: bars on a terminal, lines every ``every`` s
    otherwise."""
    if console.is_terminal:
        columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as progress:
            def stage(name: str, total: int | None) -> Advance:
                task = progress.add_task(name, total=total)
                return lambda n: progress.advance(task, n)
            yield stage
        return
    lines = LineProgress(lambda text: console.print(text, markup=False, highlight=False,
                                                    soft_wrap=True), every)
    with lines:
        yield lines.stage
