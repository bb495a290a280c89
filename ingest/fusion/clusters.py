"""Turning scored links into persons, and persons into stable ids.

Links are applied strongest first; a merge is refused (a veto) when it would put two
mentions of one row into one person (a child cannot be its own mother), when it
would join two different valid ID numbers that are not one typo apart, when an
officer decided the two apart, or when the merged person could not have lived
(:mod:`ingest.fusion.lifetimes`: a mother aged 9, a person born after their own child, a
bride of 8, a marriage after death).  Those last refusals are returned with their
reason, for the review queue.  Officers' "link" decisions are applied before
anything else and never refused.  The result is deterministic for a given input.

Stable ids: a person keeps the pid that most of its mentions had before; a person
made of mentions never seen before gets ``P`` + the first 16 hex digits of the SHA-1
of its smallest mention id, so reloading the same drop reproduces the same pids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
from rapidfuzz.distance import DamerauLevenshtein

from ingest.fusion.lifetimes import Lives

# Why a merge was refused, besides an impossible life (``ingest.fusion.lifetimes`` reasons).
DECIDED_APART, SAME_RECORD, OTHER_NUMBER = "decided_apart", "same_record", "other_number"


@dataclass
class _Cluster:
    anchors: set[str] = field(default_factory=set)
    records: set[int] = field(default_factory=set)
    apart: set[int] = field(default_factory=set)


class ConstrainedUnion:
    """Union-find over entities whose unions can be vetoed."""

    def __init__(self, n: int, anchors: dict[int, str], records: dict[int, set[int]],
                 lives: Lives | None = None) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.info: dict[int, _Cluster] = {}
        for entity, anchor in anchors.items():
            self._info(entity).anchors.add(anchor)
        for entity, keys in records.items():
            self._info(entity).records |= keys
        self.lives = lives

    def _info(self, root: int) -> _Cluster:
        if root not in self.info:
            self.info[root] = _Cluster()
        return self.info[root]

    def find(self, x: int) -> int:
        """The root of x's cluster (with path halving)."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def keep_apart(self, a: int, b: int) -> None:
        """Never let a's and b's clusters merge."""
        ra, rb = self.find(a), self.find(b)
        self._info(ra).apart.add(rb)
        self._info(rb).apart.add(ra)

    def refusal(self, ra: int, rb: int) -> str | None:
        """Why merging the two roots would break a constraint, or None."""
        ia, ib = self.info.get(ra), self.info.get(rb)
        if ia is not None and ib is not None:
            if rb in ia.apart or {self.find(x) for x in ia.apart} & {rb}:
                return DECIDED_APART
            if ia.records & ib.records:
                return SAME_RECORD
            if not _anchors_compatible(ia.anchors, ib.anchors):
                return OTHER_NUMBER
        return self.lives.refusal(ra, rb, self.find) if self.lives is not None else None

    def union(self, a: int, b: int, force: bool = False) -> str | None:
        """Merge a's and b's clusters unless vetoed; None when merged (or already one),
        else the reason of the veto."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if not force and (reason := self.refusal(ra, rb)) is not None:
            return reason
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        moved = self.info.pop(rb, None)
        if moved is not None:
            target = self._info(ra)
            target.anchors |= moved.anchors
            target.records |= moved.records
            target.apart |= moved.apart
        if self.lives is not None:
            self.lives.merge(ra, rb)
        return None

    def roots(self) -> list[int]:
        """The root of every entity, in entity order."""
        return [self.find(x) for x in range(len(self.parent))]


def _anchors_compatible(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return True
    return all(DamerauLevenshtein.distance(x, y) <= 1 for x in a for y in b)


@dataclass(frozen=True)
class Clustering:
    """The root of every entity, vetoes by reason, and the links refused as impossible
    (``left, right, weight, reason``)."""

    roots: list[int]
    vetoed: dict[str, int]
    refused: pl.DataFrame


def cluster(n: int, links: pl.DataFrame, anchors: dict[int, str],
            records: dict[int, set[int]], must_link: Iterable[tuple[int, int]] = (),
            cannot_link: Iterable[tuple[int, int]] = (), lives: Lives | None = None
            ) -> Clustering:
    """Cluster ``links`` (left, right, weight) strongest first under the vetoes."""
    uf = ConstrainedUnion(n, anchors, records, lives)
    for a, b in cannot_link:
        uf.keep_apart(a, b)
    for a, b in must_link:
        uf.union(a, b, force=True)
    ordered = links.sort(["weight", "left", "right"], descending=[True, False, False])
    vetoed: dict[str, int] = {}
    refused = []
    for a, b, weight in ordered.select("left", "right", "weight").iter_rows():
        reason = uf.union(a, b)
        if reason is None:
            continue
        vetoed[reason] = vetoed.get(reason, 0) + 1
        if reason not in (DECIDED_APART, SAME_RECORD, OTHER_NUMBER):
            refused.append((a, b, weight, reason))
    frame = pl.DataFrame(refused, schema={"left": pl.UInt32, "right": pl.UInt32,
                                          "weight": pl.Float64, "reason": pl.String},
                         orient="row")
    return Clustering(uf.roots(), vetoed, frame)


def new_pid(first_mention_id: str) -> str:
    """The pid of a person made only of mentions never seen before."""
    return "P" + hashlib.sha1(first_mention_id.encode("utf-8")).hexdigest()[:16]


def _fresh(firsts: list[str], taken: set[str]) -> list[str]:
    """New pids, never one already in use: a split-off part can have the same smallest
    mention as the person it left, whose pid the other part keeps."""
    out = []
    for first in firsts:
        pid, salt = new_pid(first), 0
        while pid in taken:
            salt += 1
            pid = new_pid(f"{first}#{salt}")
        taken.add(pid)
        out.append(pid)
    return out


def assign_pids(mention_cluster: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Stable pids for clusters.

    Args:
        mention_cluster: ``mention_id, cluster``.
        previous: ``mention_id, pid`` from the last load, or None.

    Returns:
        ``mention_id, cluster, pid, previous_pid``.
    """
    frame = mention_cluster
    if previous is not None and previous.height:
        frame = frame.join(previous.rename({"pid": "previous_pid"}), on="mention_id",
                           how="left")
    else:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("previous_pid"))
    votes = (
        frame.filter(pl.col("previous_pid").is_not_null())
        .group_by("cluster", "previous_pid").agg(pl.len().alias("n"))
        .sort(["n", "previous_pid"], descending=[True, False])
    )
    # Each old pid goes to the cluster holding most of its mentions; each cluster
    # keeps the best old pid still free.
    owner = votes.group_by("previous_pid", maintain_order=True).first()
    kept = owner.group_by("cluster", maintain_order=True).first().select(
        "cluster", pl.col("previous_pid").alias("kept_pid"))
    fresh = frame.group_by("cluster").agg(pl.col("mention_id").min().alias("first"))
    fresh = fresh.join(kept, on="cluster", how="left").filter(pl.col("kept_pid").is_null())
    taken = set(frame["previous_pid"].drop_nulls().unique().to_list())
    fresh = fresh.with_columns(pl.Series("fresh_pid", _fresh(fresh["first"].to_list(), taken),
                                         dtype=pl.String))
    pids = pl.concat([kept.rename({"kept_pid": "pid"}),
                      fresh.select("cluster", pl.col("fresh_pid").alias("pid"))])
    return frame.join(pids, on="cluster").select("mention_id", "cluster", "pid",
                                                 "previous_pid")
