"""Where derive's memory goes: each step of :func:`ingest.derive.state.graph_state` (and
the write's plan) run again on a store a load has left, with this process's resident
memory sampled every 20 ms.

    .venv/bin/python -m bench.derive_memory var/ingest/neo4j-<hash>

The store's ``fusion/`` folder holds the fusion worker's inputs and outputs of its last
load (mentions, assignments, reviews), so derive (:func:`ingest.pipeline.derive_state`) is
repeated without fusing again and without Neo4j (no rulings: the bench graph has no
officers' work). Prints, per step, the
resident memory before, the peak during and after it, and the size of the frames the
graph state keeps; figures only, never personal data.
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from ingest.derive import conflicts, relations, state, survivorship
from ingest.derive.conflicts import NO_RULINGS
from ingest.fusion import child_process
from ingest.pipeline import derive_state
from ingest.store import Store

GIB = 1024**3


class Sampler:
    """This process's resident memory, sampled in a thread; the peak since a mark."""

    def __init__(self, every_s: float = 0.02) -> None:
        self._proc = psutil.Process()
        self._every = every_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.peak = max(self.peak, self.rss())

    def rss(self) -> int:
        return int(self._proc.memory_info().rss)

    def mark(self) -> int:
        """Start a new peak; returns the memory now."""
        now = self.rss()
        self.peak = now
        return now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def traced(sampler: Sampler, name: str, fn: Callable[..., Any],
           lines: list[tuple[str, float, float, float, float]]) -> Callable[..., Any]:
    """``fn``, recording memory before, peak during, after, and its wall time."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        outer = sampler.peak
        before = sampler.mark()
        clock = time.perf_counter()
        out = fn(*args, **kwargs)
        took = time.perf_counter() - clock
        peak = max(sampler.peak, sampler.rss())
        lines.append((name, before / GIB, peak / GIB, sampler.rss() / GIB, took))
        sampler.peak = max(outer, peak)
        return out

    return wrapper


STEPS: list[tuple[Any, str]] = [
    (survivorship, "golden"), (relations, "marriages"), (relations, "household_marriages"),
    (relations, "couple_statements"), (relations, "with_stated_couples"),
    (relations, "child_of_statements"), (relations, "child_of"), (conflicts, "detect"),
    (relations, "episodes"), (state, "record_frame"), (state, "review_divisions"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    args = parser.parse_args()
    store = Store(args.store)
    sampler = Sampler()
    lines: list[tuple[str, float, float, float, float]] = []
    for module, name in STEPS:
        setattr(module, name, traced(sampler, name, getattr(module, name), lines))
    for name in ("_marriages", "changes"):
        setattr(state, name, traced(sampler, name, getattr(state, name), lines))
    read = traced(sampler, "read resolution", child_process.read_outputs, lines)
    resolution = read(args.store / "fusion")
    graph = traced(sampler, "derive_state", derive_state, lines)(
        store, resolution, "bench", NO_RULINGS)
    del resolution
    sizes = {}
    for part in ("persons", "mentions", "child_of", "married", "reviews"):
        sizes[f"graph {part}"] = getattr(graph, part).estimated_size()
    for rel, frame in graph.episodes.items():
        sizes[f"graph {rel}"] = frame.estimated_size()
    state.changes(store, graph)
    sampler.stop()
    print(f"{'step':34} {'before':>8} {'peak':>8} {'after':>8} {'s':>7}  (GiB)")
    for name, before, peak, after, took in lines:
        print(f"{name:34} {before:8.2f} {peak:8.2f} {after:8.2f} {took:7.1f}")
    print("\nframe sizes (GiB, polars' estimate):")
    for name, size in sizes.items():
        print(f"  {name:30} {size / GIB:6.2f}")


if __name__ == "__main__":
    main()
