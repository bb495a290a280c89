"""Officers' writes and the re-fusion behind each, one at a time per graph.

Every decision and unmerge is checked at once (so a caller can refuse a bad request
before queueing it), then, under the store's one exclusive lock
(:func:`ingest.lock.exclusive`, shared with ``kingraph ingest`` and every other
writer), checked again, written, and followed by a re-fusion over the stored rows
(:func:`ingest.pipeline.fuse_again`); the applied states before and after are
compared into an :class:`~ingest.stewardship.changes.Outcome`.  Decisions are written
inside the lock, so concurrent decisions serialize: each re-fusion sees every
decision written before it, and the last leaves the graph every decision implies.

The lock blocks the calling thread while it waits: callers on an event loop run these
functions in a worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import neo4j

from ingest import pipeline, review
from ingest.derive.state import Stage
from ingest.fusion.pieces import PieceLimits
from ingest.fusion.resolution import LIMITS
from ingest.lock import exclusive
from ingest.pipeline import LoadReport
from ingest.stewardship import changes
from ingest.stewardship.changes import Outcome, Preview
from ingest.store import Store

# Progress: (stage, done, total); stage is a code (``waiting``, ``deciding``,
# ``fusing``, ``write_persons``..., ``comparing``), done and total are counts or None.
Progress = Callable[[str, int | None, int | None], None]
SNAPSHOT = "steward-before"


def _quiet(stage: str, done: int | None, total: int | None) -> None:
    return None


@dataclass(frozen=True)
class Waiting:
    """How long a writer waits for the store lock (None: as long as it takes)."""

    seconds: float | None = None


def store_for(var_dir: Path, uri: str, database: str) -> Store:
    """The ingest store of the graph at ``uri``/``database``."""
    return Store.for_graph(var_dir, uri, database)


def state_stamp(store: Store) -> str:
    """The applied state's stamp: the id of the last load or re-fusion applied ("" when
    none); it changes whenever the graph's fused state does."""
    return store.last_load() or ""


def _stages(progress: Progress) -> Stage:
    """The pipeline's stage callbacks reported as progress codes, at most twice a second."""
    def stage(name: str, total: int | None) -> Callable[[int], None]:
        code = name.replace(" + ", "_").replace(" ", "_")
        done, last = 0, 0.0
        progress(code, 0, total)

        def advance(n: int) -> None:
            nonlocal done, last
            done += n
            now = time.monotonic()
            if now - last >= 0.5 or (total is not None and done >= total):
                last = now
                progress(code, done, total)
        return advance
    return stage


def fuse_again(driver: neo4j.Driver, database: str, store: Store, *, kind: str = "re-fusion",
               progress: Progress = _quiet, waiting: Waiting = Waiting(),
               limits: PieceLimits = LIMITS) -> LoadReport:
    """Re-run fusion over the stored rows under the store lock and apply the difference."""
    with _locked(store, kind, progress, waiting):
        progress("fusing", None, None)
        return pipeline.fuse_again(driver, database, store, stage=_stages(progress),
                                   limits=limits)


def _locked(store: Store, kind: str, progress: Progress,
            waiting: Waiting) -> AbstractContextManager[None]:
    return exclusive(store.root, kind, timeout=waiting.seconds,
                     waiting=lambda _holder: progress("waiting", None, None))


def writing(store: Store, kind: str, waiting: Waiting = Waiting()) -> AbstractContextManager[None]:
    """The store lock for another writer of the graph (an issuance run), held for a block.

    Raises:
        StoreBusy: the lock was not free within ``waiting``.
    """
    return exclusive(store.root, kind, timeout=waiting.seconds)


def _fuse_and_compare(driver: neo4j.Driver, database: str, store: Store, progress: Progress,
                      about: list[str], limits: PieceLimits) -> Outcome:
    before = changes.snapshot(store, store.root / SNAPSHOT)
    progress("fusing", None, None)
    report = pipeline.fuse_again(driver, database, store, stage=_stages(progress),
                                 limits=limits)
    progress("comparing", None, None)
    found = changes.outcome(before, store, report.written, report.load_id, about)
    progress("done", None, None)
    return found


def check_decision(driver: neo4j.Driver, database: str, review_id: str,
                   outcome: review.Outcome, records: list[str]) -> review.ReviewItem:
    """The open item a decision is about, once the decision is known to fit it.

    Raises:
        PersonNotFound: no review item has this id.
        InvalidArgument: the item is not open, or the decision does not fit it.
    """
    return review.check(driver, database, review_id, outcome, records)


def preview_decision(driver: neo4j.Driver, database: str, store: Store, review_id: str,
                     outcome: review.Outcome, records: list[str]) -> Preview:
    """What a decision would change, read from the graph as it is now.

    Raises:
        PersonNotFound: no review item has this id.
        InvalidArgument: the item is not open, or the decision does not fit it.
    """
    item = check_decision(driver, database, review_id, outcome, records)
    state = state_stamp(store)
    about = list(item.review.get("pids") or [])
    if outcome == "link":
        mentions = (review.link_statements(item) if item.is_conflict else
                    [item.review["left_mention"], item.review["right_mention"]])
        return changes.merge_preview(driver, database, mentions, state)
    if outcome == "no_link":
        return changes.apart_preview(driver, database, [item.review["left_mention"],
                                                        item.review["right_mention"]], state)
    if outcome == "accept":
        pairs = [(s["pid"], s["parent_pid"]) for s in item.sides()
                 if s.get("pid") and s.get("parent_pid")]
        return changes.accept_preview(driver, database, pairs, about, state)
    return changes.dismiss_preview(driver, database, records, about, state)


def decide(driver: neo4j.Driver, database: str, store: Store, review_id: str,
           outcome: review.Outcome, by: str, records: list[str], *, progress: Progress = _quiet,
           waiting: Waiting = Waiting(), limits: PieceLimits = LIMITS) -> Outcome:
    """Record a decision and re-fuse, under the store lock; what changed.

    Raises:
        PersonNotFound: no review item has this id.
        InvalidArgument: the item is no longer open (decided meanwhile), or the decision
            does not fit it.
        StoreBusy: the lock was not free within ``waiting``.
    """
    with _locked(store, "decision", progress, waiting):
        progress("deciding", None, None)
        item = review.decide(driver, database, review_id, outcome, by, records)
        about = [p for p in (item.review.get("pids") or []) if p]
        return _fuse_and_compare(driver, database, store, progress, about, limits)


def check_unmerge(driver: neo4j.Driver, database: str, pid: str,
                  mentions: list[str]) -> tuple[list[str], list[str]]:
    """The mentions an unmerge keeps and splits off.

    Raises:
        PersonNotFound: no person has this pid.
        InvalidArgument: the mentions are not the person's, or would leave none behind.
    """
    return review.check_unmerge(driver, database, pid, mentions)


def preview_unmerge(driver: neo4j.Driver, database: str, store: Store, pid: str,
                    mentions: list[str]) -> Preview:
    """What splitting these mentions off the person would change."""
    _, split = check_unmerge(driver, database, pid, mentions)
    return changes.split_preview(driver, database, pid, split, state_stamp(store))


def unmerge(driver: neo4j.Driver, database: str, store: Store, pid: str,
            mentions: list[str], by: str, *, progress: Progress = _quiet,
            waiting: Waiting = Waiting(), limits: PieceLimits = LIMITS) -> Outcome:
    """Split mentions off a person and re-fuse, under the store lock; what changed."""
    with _locked(store, "unmerge", progress, waiting):
        progress("deciding", None, None)
        review.unmerge(driver, database, pid, mentions, by)
        return _fuse_and_compare(driver, database, store, progress, [pid], limits)
