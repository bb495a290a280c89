"""Turning scored links into persons, and persons into stable ids.

Links are applied strongest first; a merge is refused (a veto) when it would put two
mentions of one row into one person (a child cannot be its own mother), when it
would join two different valid ID numbers that are not one typo apart, when an
officer decided the two apart, or when the merged person could not have lived
(:mod:`ingest.fusion.lifetimes`: a mother aged 9, a person born after their own child, a
bride of 8, a marriage after death).  Those last refusals are returned with their
reason, for the review queue.  Officers' "link" decisions are applied before
anything else and never refused.  The result is deterministic for a given input.

Person ids are a pure function of the final cluster (:func:`person_ids`): a keyed hash
of its best verified ID number, else of its smallest mention id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
from rapidfuzz.distance import DamerauLevenshtein

from ingest.fusion.lifetimes import Lives
from kingraph.errors import KingraphError

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


PID_DIGEST_BYTES = 10  # 80 bits: a collision among 10 M persons has odds of about 4e-11


def pid_of(basis: str, key: bytes) -> str:
    """The pid of a person whose basis is ``basis``: ``P`` + 20 hex digits of a keyed
    BLAKE2b (a MAC under the installation's key, so the pid reveals nothing of it)."""
    digest = hashlib.blake2b(basis.encode("utf-8"), key=key, digest_size=PID_DIGEST_BYTES)
    return "P" + digest.hexdigest()


def person_ids(mentions: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """The pid of every cluster, a function of the cluster alone.

    A cluster with anchored mentions is named after its best verified ID number (the
    one most of its mentions are anchored on; ties: the smaller number), else after its
    smallest mention id: ``n:<number>`` or ``m:<mention id>``, hashed under ``key``.
    So the same rows give the same pids in any order and after any load history; a
    person keeps its pid while its number does, and a person without a number keeps it
    while no smaller mention joins it.  A number anchors one entity, and a mention is
    in one cluster, so two clusters never share a basis.

    Args:
        mentions: ``mention_id`` (the text id), ``cluster``, ``anchor`` (null when loose).
        key: The installation's pid key (at least 16 bytes).

    Returns:
        ``cluster, pid``.

    Raises:
        KingraphError: Two clusters got one pid (a hash collision: never seen; said
            rather than merged).
    """
    if len(key) < 16:
        raise KingraphError("the pid key must hold at least 128 bits")
    numbers = (
        mentions.filter(pl.col("anchor").is_not_null())
        .group_by("cluster", "anchor").agg(pl.len().alias("n"))
        .sort(["cluster", "n", "anchor"], descending=[False, True, False])
        .group_by("cluster", maintain_order=True).first()
        .select("cluster", pl.concat_str(pl.lit("n:"), "anchor").alias("basis"))
    )
    firsts = (
        mentions.group_by("cluster").agg(pl.col("mention_id").min())
        .join(numbers.select("cluster"), on="cluster", how="anti")
        .select("cluster", pl.concat_str(pl.lit("m:"), "mention_id").alias("basis"))
    )
    bases = pl.concat([numbers, firsts])
    pids = pl.Series("pid", [pid_of(b, key) for b in bases["basis"].to_list()],
                     dtype=pl.String)
    if pids.n_unique() != pids.len():
        raise KingraphError("two persons got one pid (a hash collision); nothing was written")
    return bases.select("cluster").with_columns(pids)
