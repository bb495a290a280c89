"""Where a load's memory goes: each step of fusion (in the worker) or of derive, run again
on a store a load has left, with this process's resident memory sampled every 20 ms.

    .venv/bin/python -m bench.stage_memory fusion var/ingest/neo4j-<hash>
    .venv/bin/python -m bench.stage_memory derive var/ingest/neo4j-<hash>

The store's ``fusion/`` folder holds the fusion worker's inputs and outputs of its last
load. ``fusion`` runs the worker's resolution of those inputs again (the local engine,
in this process, as :mod:`ingest.fusion.child_process` does; its outputs are not
written); ``derive`` repeats :func:`ingest.pipeline.derive_state` from the worker's
outputs, without fusing again and without Neo4j (no rulings: a bench graph has no
officers' work). Prints, per step, the resident memory before, the peak during and after
it, and its wall time; figures only, never personal data.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil

from ingest.derive import conflicts, relations, state, survivorship
from ingest.derive.conflicts import NO_RULINGS
from ingest.fusion import child_process, context, executors, resolution
from ingest.pipeline import derive_state
from ingest.store import Store

GIB = 1024**3
Line = tuple[str, float, float, float, float]  # step, before, peak, after (GiB), seconds


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


@contextlib.contextmanager
def span(sampler: Sampler, name: str, lines: list[Line]) -> Iterator[None]:
    """Record memory before, peak during and after the block, and its wall time."""
    outer = sampler.peak
    before = sampler.mark()
    clock = time.perf_counter()
    yield
    took = time.perf_counter() - clock
    peak = max(sampler.peak, sampler.rss())
    lines.append((name, before / GIB, peak / GIB, sampler.rss() / GIB, took))
    sampler.peak = max(outer, peak)


def traced(sampler: Sampler, name: str, fn: Callable[..., Any],
           lines: list[Line]) -> Callable[..., Any]:
    """``fn``, recording memory before, peak during, after, and its wall time (the
    wrapper holds ``fn``'s arguments until it returns)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with span(sampler, name, lines):
            return fn(*args, **kwargs)

    return wrapper


DERIVE_STEPS: list[tuple[Any, str]] = [
    (survivorship, "golden"), (relations, "marriages"), (relations, "household_marriages"),
    (relations, "couple_statements"), (relations, "with_stated_couples"),
    (relations, "child_of_statements"), (relations, "child_of"), (conflicts, "detect"),
    (relations, "episodes"), (state, "review_divisions"), (state, "_marriages"),
    (state, "changes"),
]
FUSION_STEPS: list[tuple[Any, str]] = [(resolution, name) for name in (
    "_compact", "with_places", "anchor_mentions", "build_entities", "mother_edges", "train",
    "_score_pairs", "newborn_links", "context_links", "split_large", "_cluster_in_batches",
    "_assign", "_reviews")] + [(executors.LocalExecutor, "candidate_pairs"),
                               (executors.LocalExecutor, "pieces"),
                               (executors.LocalExecutor, "resolve_batches")] + [
    (context, name) for name in ("_households", "_loose_with_partners", "stated_parents",
                                 "kin", "_group_members", "_candidates", "_agreeing",
                                 "_decide")]


def derive(store: Store, sampler: Sampler, lines: list[Line]) -> None:
    """Derive again from the worker's outputs, then the write's plan."""
    read = traced(sampler, "read resolution", child_process.read_outputs, lines)
    resolved = read(store.root / "fusion")
    graph = traced(sampler, "derive_state", derive_state, lines)(
        store, resolved, "bench", NO_RULINGS)
    del resolved
    state.changes(store, graph)


def fusion(store: Store, sampler: Sampler, lines: list[Line]) -> None:
    """The worker's resolution of its inputs again, on the local engine."""
    folder = store.root / "fusion"
    decisions, limits, _ = child_process.read_inputs(folder)
    read = traced(sampler, "read inputs", child_process.read_mentions, lines)
    # Not ``traced``: its wrapper would hold the mentions, which the worker hands over.
    with tempfile.TemporaryDirectory() as work, span(sampler, "resolve", lines):
        resolution.resolve(read(folder), decisions=decisions, pid_key=store.pid_key(),
                           limits=limits, work=Path(work),
                           model=child_process.read_model(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=["fusion", "derive"])
    parser.add_argument("store", type=Path)
    args = parser.parse_args()
    store = Store(args.store)
    sampler = Sampler()
    lines: list[Line] = []
    for owner, name in DERIVE_STEPS if args.stage == "derive" else FUSION_STEPS:
        setattr(owner, name, traced(sampler, name, getattr(owner, name), lines))
    (derive if args.stage == "derive" else fusion)(store, sampler, lines)
    sampler.stop()
    print(f"{'step':34} {'before':>8} {'peak':>8} {'after':>8} {'s':>7}  (GiB)")
    for name, before, peak, after, took in lines:
        print(f"{name:34} {before:8.2f} {peak:8.2f} {after:8.2f} {took:7.1f}")


if __name__ == "__main__":
    main()
