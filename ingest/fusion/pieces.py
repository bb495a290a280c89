"""Fusion in independent pieces of bounded size (issue 13).

Only a LINK-grade edge can put two entities into one person: a scored pair at or above
the link threshold, an unambiguous family or context link, an officer's must-link.
The connected components of those edges (:func:`pieces`, scipy over integer arrays, no
object per entity) are therefore independent: clustering one never reads another,
except for the birth date of a relative that lives in another piece, which it takes
from that relative's own rows (a global read-only table, :class:`~ingest.fusion.
lifetimes.LifeTables`), never from what the other piece makes of it.  So a piece's
answer is the same in whichever batch it runs, and the pieces can run in batches of
bounded memory, in a pool, or on Spark (``applyInArrow`` over :func:`resolve_pieces`).

A piece is named by its smallest entity.  A piece above ``max_piece`` entities (a chain
of links through a very common name) is split by a stricter rule (:func:`split_large`:
the scored links' threshold raised step by step, only inside that piece) and reported;
the links the stricter rule leaves out become possible matches for review
(``piece_split``), never dropped.  Possible matches (the review band) never join pieces:
after clustering, a review pair is an item iff its two sides ended in different
persons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import polars as pl
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from ingest.fusion.clusters import DECIDED_APART, OTHER_NUMBER, SAME_RECORD, ConstrainedUnion
from ingest.fusion.context import CONTEXT_BATCH, CONTEXT_PAIRS
from ingest.fusion.lifetimes import BOUNDS, LifeBounds, lives_of

PIECE_SPLIT = "piece_split"  # a link a large piece's stricter rule left out
SPLIT_STEP = 2.0  # bits added to the link threshold per step of a split
# What resolving one entity costs in memory (the union-find, its constraints, its Life
# and its kin as Python objects: 3.0 KiB measured with tracemalloc on a 20 k drop,
# rounded up), and one link: a batch's pieces are packed until their cost reaches the
# budget.
ENTITY_BYTES = 4096
LINK_BYTES = 256

LINK_SCHEMA = {"left": pl.UInt32, "right": pl.UInt32, "weight": pl.Float64}
REFUSED_SCHEMA = {**LINK_SCHEMA, "reason": pl.String}


@dataclass(frozen=True)
class PieceLimits:
    """How fusion's pieces are bounded.

    ``batch_bytes``: the estimated memory of one batch of pieces (``ENTITY_BYTES`` per
    entity, ``LINK_BYTES`` per link); ``max_piece``: the most entities one piece may hold
    before it is split by a stricter rule; ``sql_memory``: DuckDB's memory limit for the
    relational passes (it spills beyond it); ``context_batch``: the name-only mentions
    whose context candidates are built at once, and ``context_pairs`` the group candidates
    such a batch may hold (:func:`ingest.fusion.context.context_links`).
    None of them changes the answer.
    """

    batch_bytes: int = 512 * 2**20
    max_piece: int = 50_000
    sql_memory: str = "1GB"
    context_batch: int = CONTEXT_BATCH
    context_pairs: int = CONTEXT_PAIRS

    @classmethod
    def of(cls, settings: FusionSettings) -> PieceLimits:
        """The limits an installation's settings give (``KINGRAPH_FUSION_*``)."""
        return cls(batch_bytes=settings.fusion_batch_mib * 2**20,
                   max_piece=settings.fusion_max_piece, sql_memory=settings.fusion_sql_memory)


class FusionSettings(Protocol):
    """The settings fusion's limits are read from (:class:`kingraph.settings.Settings`)."""

    @property
    def fusion_batch_mib(self) -> int: ...  # noqa: D102
    @property
    def fusion_max_piece(self) -> int: ...  # noqa: D102
    @property
    def fusion_sql_memory(self) -> str: ...  # noqa: D102


@dataclass(frozen=True)
class Split:
    """A piece above the size bound, split by a stricter rule (reported in the load)."""

    entities: int  # the piece's size before the split
    rule: str  # e.g. "link weight >= 20.0"
    parts: int  # pieces it became
    largest: int  # entities in the largest of them (above the bound: could not be split)
    links_left_out: int  # links the rule left out (now possible matches for review)


def pieces(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The piece of every entity (its component's smallest entity; an entity no edge
    touches is its own piece), over ``n`` entities and the edges ``left``-``right``."""
    graph = coo_array((np.ones(len(left), np.int8), (left.astype(np.int64),
                                                     right.astype(np.int64))), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n))
    out: np.ndarray = smallest[labels].astype(np.uint32)
    return out


def split_large(piece: np.ndarray, links: pl.DataFrame, must_link: pl.DataFrame,
                max_piece: int, threshold: float
                ) -> tuple[np.ndarray, pl.DataFrame, pl.DataFrame, list[Split]]:
    """Split every piece above ``max_piece`` entities by raising its scored links'
    threshold by ``SPLIT_STEP`` until its parts fit (or no link is left to raise).

    Returns the new piece of every entity, the links kept, the links left out and one
    :class:`Split` per piece split.  Must-links are never left out.
    """
    sizes = np.bincount(piece, minlength=len(piece))
    large = np.flatnonzero(sizes > max_piece)
    if len(large) == 0:
        return piece, links, links.clear(), []
    piece = piece.copy()
    left_out = []
    splits = []
    for root in large.tolist():
        members = np.flatnonzero(piece == root)
        group = pl.Series(members, dtype=pl.UInt32).implode()
        inside = links.filter(pl.col("left").is_in(group) & pl.col("right").is_in(group))
        forced = must_link.filter(pl.col("left").is_in(group))
        cut = threshold
        kept = inside
        while True:
            cut += SPLIT_STEP
            kept = inside.filter(pl.col("weight") >= cut)
            local = np.searchsorted(members, np.concatenate([
                kept["left"].to_numpy(), forced["left"].to_numpy()]))
            other = np.searchsorted(members, np.concatenate([
                kept["right"].to_numpy(), forced["right"].to_numpy()]))
            parts = members[pieces(len(members), local, other)]
            largest = int(np.bincount(np.searchsorted(members, parts)).max())
            if largest <= max_piece or kept.height == 0:
                break
        piece[members] = parts
        dropped = inside.filter(pl.col("weight") < cut)
        left_out.append(dropped)
        splits.append(Split(len(members), f"link weight >= {cut:g}",
                            len(np.unique(parts)), largest, dropped.height))
    out = pl.concat(left_out)
    keep = links.join(out.select("left", "right"), on=["left", "right"], how="anti")
    return piece, keep, out, splits


def batches(piece: np.ndarray, involved: np.ndarray, links_per_piece: pl.DataFrame,
            budget: int) -> pl.DataFrame:
    """``piece, batch``: the pieces of the involved entities in the order of their names,
    packed into batches whose estimated memory stays within ``budget`` bytes (a piece
    larger than the budget gets a batch of its own)."""
    sizes = (pl.DataFrame({"piece": piece[involved]}).group_by("piece").len()
             .join(links_per_piece, on="piece", how="left").sort("piece"))
    cost = (sizes["len"].cast(pl.Int64) * ENTITY_BYTES
            + sizes["links"].fill_null(0).cast(pl.Int64) * LINK_BYTES).to_numpy()
    batch = np.zeros(len(cost), np.int64)
    current, used = 0, 0
    for i, c in enumerate(cost.tolist()):
        if used and used + c > budget:
            current, used = current + 1, 0
        batch[i] = current
        used += c
    return sizes.select("piece").with_columns(pl.Series("batch", batch, dtype=pl.UInt32))


def resolve_pieces(entities: pl.DataFrame, links: pl.DataFrame, kin: pl.DataFrame,
                   must_link: pl.DataFrame, cannot_link: pl.DataFrame,
                   bounds: LifeBounds = BOUNDS
                   ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Cluster any number of whole pieces: a pure function of its frames.

    Links are applied strongest first (ties on the entity numbers), after the officers'
    must-links (never refused); a merge is refused when it joins two mentions of one
    row, two valid numbers more than one edit apart, two sides an officer kept apart,
    or makes a person who could not have lived (:mod:`ingest.fusion.lifetimes`).

    Args:
        entities: ``piece, entity, anchor, records`` (list of row numbers) and the
            facts of :class:`~ingest.fusion.lifetimes.LifeTables` (``born, born_n, wed,
            alive, died``), one row per entity of the pieces.
        links: ``left, right, weight`` inside the pieces.
        kin: ``child, parent, mother, child_piece, parent_piece, child_birth,
            parent_birth``: the stated biological links with an end in the pieces (a
            piece null outside every piece; births from the relatives' own rows).
        must_link: ``left, right``: officers' links inside the pieces.
        cannot_link: ``left, right``: officers' separations inside the pieces.
        bounds: What no one person's life can break.

    Returns:
        ``entity, person`` (the smallest entity of its person) for every entity;
        ``left, right, weight, reason``: the links refused as impossible; ``piece,
        reason, n``: the vetoes by piece and reason.
    """
    ents = entities.sort("entity")
    ids = ents["entity"].to_numpy()
    k = len(ids)
    piece_of = dict(zip(ids.tolist(), ents["piece"].to_list(), strict=True))
    # Nodes 0..k-1 are the entities; a relative seen from another piece is a node of its
    # own from k on, whose date never changes (it never merges here).
    outside: dict[tuple[int, int], int] = {}
    settled: dict[int, int] = {}
    kin_nodes: list[tuple[int, int, bool]] = []
    ordered = kin.sort("child", "parent", "mother")
    for child, parent, mother, cp, pp, cb, pb in ordered.select(
            "child", "parent", "mother", "child_piece", "parent_piece", "child_birth",
            "parent_birth").iter_rows():
        same = cp is not None and cp == pp
        for me, my_piece, other, other_birth, me_is_child in (
                (child, cp, parent, pb, True), (parent, pp, child, cb, False)):
            if my_piece is None or piece_of.get(me) != my_piece:
                continue
            node = int(np.searchsorted(ids, me))
            if same:
                if not me_is_child:
                    continue  # one entry per edge between two nodes, added below
                kin_nodes.append((node, int(np.searchsorted(ids, other)), mother))
                continue
            key = (other, my_piece)
            if key not in outside:
                outside[key] = k + len(outside)
                if other_birth:
                    settled[outside[key]] = other_birth
            pair = (node, outside[key]) if me_is_child else (outside[key], node)
            kin_nodes.append((*pair, mother))
    facts = ents.with_row_index("node").select("node", "born", "born_n", "wed", "alive", "died")
    lives = lives_of(facts, pl.DataFrame(kin_nodes, schema={
        "child": pl.UInt32, "parent": pl.UInt32, "mother": pl.Boolean}, orient="row"),
        settled, bounds)
    anchors = {i: a for i, a in enumerate(ents["anchor"].to_list()) if a is not None}
    records = {i: set(r) for i, r in enumerate(ents["records"].to_list()) if r}
    uf = ConstrainedUnion(k + len(outside), anchors, records, lives)
    for a, b in _nodes(cannot_link, ids).iter_rows():
        uf.keep_apart(a, b)
    for a, b in _nodes(must_link, ids).iter_rows():
        uf.union(a, b, force=True)
    ordered_links = links.sort(["weight", "left", "right"], descending=[True, False, False])
    local = _nodes(ordered_links, ids)
    vetoed: dict[tuple[int, str], int] = {}
    refused = []
    for (a, b), (left, right, weight) in zip(
            local.iter_rows(), ordered_links.select("left", "right", "weight").iter_rows(),
            strict=True):
        reason = uf.union(a, b)
        if reason is None:
            continue
        where = (piece_of[left], reason)
        vetoed[where] = vetoed.get(where, 0) + 1
        if reason not in (DECIDED_APART, SAME_RECORD, OTHER_NUMBER):
            refused.append((left, right, weight, reason))
    roots = np.fromiter((uf.find(x) for x in range(k)), np.int64, k)
    smallest = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(smallest, roots, ids.astype(np.int64))
    assignments = pl.DataFrame({"entity": ids, "person": smallest[roots]},
                               schema={"entity": pl.UInt32, "person": pl.UInt32})
    return (assignments,
            pl.DataFrame(refused, schema=REFUSED_SCHEMA, orient="row"),
            pl.DataFrame({"piece": [p for p, _ in vetoed], "reason": [r for _, r in vetoed],
                          "n": list(vetoed.values())},
                         schema={"piece": pl.UInt32, "reason": pl.String, "n": pl.Int64}))


def _nodes(pairs: pl.DataFrame, ids: np.ndarray) -> pl.DataFrame:
    """``left, right`` entity pairs as node numbers (positions in the sorted ``ids``)."""
    return pl.DataFrame({
        "a": np.searchsorted(ids, pairs["left"].to_numpy()),
        "b": np.searchsorted(ids, pairs["right"].to_numpy()),
    })
