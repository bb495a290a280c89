"""The ingest's memory budget: ``kingraph ingest --memory 8g``.

A load's memory grows with the rows it fuses (fusion re-resolves every stored row),
so an operator states how much the machine can give it, and the load keeps to it:

1. **Before anything is written**, the rows the load will fuse (the store's, plus the
   drop's) are set against what a load needs per row, measured on this project's
   drops (:data:`BASE_GIB`, :data:`GIB_PER_MILLION_ROWS`; bench/results/ingest.md).
   A load that cannot fit is refused at once with both figures, not killed after
   minutes of work.
2. **While it runs**, a :class:`Watchdog` samples the resident memory of the ingest's
   process tree: this process and every process it started in its own session (the
   fusion worker, Spark's JVM and Python workers, ``neo4j-admin import``), not the
   Neo4j server, which runs in a session of its own and is sized by its own heap and
   page-cache settings.  Past the budget it stops the workers and calls back; the
   command line then ends the load as an interrupted one (the store is written
   atomically and a killed load's next run converges, so nothing is lost).

The watchdog bounds what the operating system cannot be asked to bound here
(cgroups need privileges; ``RLIMIT_AS`` counts the address space that polars and the
JVM reserve, not what they use).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

import psutil

from kingraph import processes
from kingraph.errors import KingraphError

GIB = 1024**3

#: What a load needs whatever its size: the interpreter, polars, the driver, and the
#: fusion worker's own start (GiB).
BASE_GIB = 0.6
#: What it needs per million rows fused, at its largest stage (the fusion worker, or
#: derive in this process; one at a time).  Measured on standard drops: 2026-12-06,
#: 656,496 rows (100 k persons) 2.0 GiB; 2026-12-07, 6,567,454 rows (1 M persons)
#: 11.9 GiB (derive; the worker 10.7), i.e. 1.72 per million rows past the base.
GIB_PER_MILLION_ROWS = 1.8

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


class MemoryBudgetError(KingraphError):
    """A load does not fit in the memory it was given."""

    default_reason = "memory_budget"


def parse_memory(text: str) -> int:
    """Bytes of a size such as ``8g``, ``8GiB``, ``512m`` or ``1.5g`` (binary units,
    as Java's ``-Xmx`` and Neo4j's settings read them).

    Raises:
        MemoryBudgetError: not a size, or below what any load needs (:data:`BASE_GIB`).
    """
    found = _SIZE.match(text)
    if found is None:
        raise MemoryBudgetError(f"--memory {text!r} is not a size: write e.g. 8g, 512m "
                                "or 12GiB")
    size = int(float(found.group(1)) * _UNITS[found.group(2).lower()])
    if size < BASE_GIB * GIB:
        raise MemoryBudgetError(f"--memory {text!r} is below the {BASE_GIB} GiB any load "
                                "needs, whatever its size")
    return size


def need_gib(rows: int) -> float:
    """The memory a load fusing ``rows`` stored rows needs at its largest stage (GiB)."""
    return BASE_GIB + GIB_PER_MILLION_ROWS * rows / 1_000_000


def gib(size: int) -> str:
    """A size in GiB for a message."""
    return f"{size / GIB:.2f} GiB"


@dataclass(frozen=True)
class Budget:
    """The bytes a load's process tree may hold."""

    limit: int

    @staticmethod
    def of(text: str | None) -> Budget | None:
        """The budget ``--memory`` (or ``KINGRAPH_INGEST_MEMORY``) states, if any."""
        return None if text is None else Budget(parse_memory(text))

    def check_fits(self, rows: int) -> None:
        """Refuse a load of ``rows`` rows that cannot fit.

        Raises:
            MemoryBudgetError: its measured need is above the budget.
        """
        needed = need_gib(rows)
        if needed * GIB > self.limit:
            raise MemoryBudgetError(
                f"this load fuses {rows:,} rows and needs about {needed:.2f} GiB at its "
                f"largest stage ({BASE_GIB} GiB + {GIB_PER_MILLION_ROWS} GiB per million "
                f"rows, measured); --memory gives {gib(self.limit)}: raise it (the README's "
                "sizing table), or load on a larger machine; nothing was written")


def tree_rss(root: psutil.Process) -> int:
    """Resident bytes of ``root`` and its workers: the descendants in its session (one
    that ended meanwhile counts 0)."""
    return processes.tree_rss(root, same_session=True)


@dataclass
class Watchdog:
    """Samples the process tree's memory every ``interval`` seconds while open; past
    ``budget.limit`` it kills the tree's other processes and calls ``exceeded`` once
    with a message (no personal data: sizes only).  ``peak`` is the largest sample."""

    budget: Budget
    exceeded: Callable[[str], None]
    interval: float = 0.25
    peak: int = 0
    tripped: str | None = None  # the message, once the budget was passed
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        self._thread = threading.Thread(target=self._watch, name="memory-watchdog",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _watch(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.interval):
            used = tree_rss(me)
            self.peak = max(self.peak, used)
            if used > self.budget.limit:
                self.tripped = (
                    f"the load's processes used {gib(used)}, above --memory "
                    f"{gib(self.budget.limit)}; its workers were stopped and the load "
                    "ends as interrupted (the next load converges; nothing is lost): "
                    "raise --memory (the README's sizing table)")
                for proc in processes.descendants(me, same_session=True):
                    try:
                        proc.kill()
                    except processes.GONE:
                        continue
                self.exceeded(self.tripped)
                return
