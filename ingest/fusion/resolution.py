"""The resolver: person mentions in, persons with stable ids out (the master person index).

One engine runs the declarations of :mod:`ingest.fusion.comparisons` and
:mod:`ingest.fusion.blocking`:

1. anchor mentions on verified ID numbers (:mod:`ingest.fusion.entities`);
2. estimate m and u from the data (:mod:`ingest.fusion.weights`), or take the model a
   store trained on an earlier load (:class:`~ingest.fusion.weights.Model`);
3. score the candidate pairs the blocking rules produce, never all pairs;
4. add family-context links for newborns (:mod:`ingest.fusion.family_evidence`);
5. cluster links strongest first under vetoes and officers' decisions
   (:mod:`ingest.fusion.clusters`), refusing any merge that would make a person who could
   not have lived (:mod:`ingest.fusion.lifetimes`, bounds in :class:`LifeBounds`), and give
   every person its pid, a keyed hash of what anchors it
   (:func:`ingest.fusion.clusters.person_ids`).

The result is a function of the mentions, the decisions, the model and the pid key
alone: the input's row order, the load history and hash order play no part (mentions are
numbered in the order of their mention ids, entities in the order of their anchors, and
every tie is broken on those numbers).

Three outcomes per scored pair: ``link`` (weight >= ``Thresholds.link``), possible
match for review (between the thresholds) and no link.  A link refused as impossible
becomes a possible match too, with the reason (``Review.reason``), so an officer can
still link the two.

The input ``mentions`` frame has the columns documented in :mod:`ingest.feeds.mentions`;
the resolver uses ``mention_id, feed, source, record_id, role, id_number, id_raw,
id_birth_date, id_sex, name, name_key, name_initials, name_placeholder, sex,
birth_date, division_code, event_date, mother_mention, relative_mention, relation,
birth_order, household_id, relation_to_head, deregistered_on, deregistered_reason,
dwelling_id, employer_code, address``.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ingest.fusion import memo as memo_
from ingest.fusion.blocking import BLOCKING_RULES, BlockStats
from ingest.fusion.clusters import person_ids
from ingest.fusion.comparisons import COMPARISONS
from ingest.fusion.context import context_links
from ingest.fusion.entities import anchor_mentions, build_entities, with_places
from ingest.fusion.executors import Executor, LocalExecutor
from ingest.fusion.family_evidence import mother_edges, mother_of, newborn_links
from ingest.fusion.lifetimes import BOUNDS, LifeBounds, life_tables
from ingest.fusion.memo import Memo
from ingest.fusion.pieces import PIECE_SPLIT, PieceLimits, Split, batches, split_large
from ingest.fusion.weights import Model, compute_levels, score, train

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Thresholds:
    """Match-weight bounds: at or above ``link`` link; at or above ``review`` ask an officer."""

    link: float = 16.0
    review: float = 8.0


LIMITS = PieceLimits()


@dataclass(frozen=True)
class Decisions:
    """Officers' decisions on pairs of mentions; never overridden by a later run."""

    must_link: tuple[tuple[str, str], ...] = ()
    cannot_link: tuple[tuple[str, str], ...] = ()


@dataclass
class Resolution:
    """What the resolver decided."""

    assignments: pl.DataFrame  # mention_id, pid, entity, anchored
    reviews: pl.DataFrame  # review_id, kind, reason, left_mention, right_mention, weight, levels
    model: Model  # the weights it scored with (trained here, or the one it was given)
    blocks: list[BlockStats]
    stats: dict[str, int] = field(default_factory=dict)
    splits: list[Split] = field(default_factory=list)  # pieces split for size
    memo: Memo | None = None  # every piece's answer, for the next run (ingest.fusion.memo)


def resolve(mentions: pl.DataFrame, decisions: Decisions = Decisions(),
            thresholds: Thresholds = Thresholds(), progress: Progress | None = None,
            bounds: LifeBounds = BOUNDS, *, pid_key: bytes,
            limits: PieceLimits = LIMITS, work: Path | None = None,
            executor: Executor | None = None, model: Model | None = None,
            memo: Memo | None = None) -> Resolution:
    """Fuse mentions into persons.

    Args:
        mentions: The person mentions (columns in the module docstring), in any order.
            Not kept past the first step: a caller that needs no more of it should pass
            it without holding a reference (``resolve(read(...), ...)``), so the columns
            compacting replaces are freed before anchoring (at 1 M persons the worker's
            peak fell from 10.0 to 9.2 GiB).
        decisions: Officers' decisions on pairs of mentions.
        thresholds: The match-weight bounds.
        progress: Told the name of each step as it starts.
        bounds: What no one person's life can break.
        pid_key: The installation's secret (``ingest.store.Store.pid_key``): a pid is a
            keyed hash, so it never reveals the ID number it was made from.
        limits: How the pieces are bounded (batch memory, piece size, SQL memory).
        work: A folder for the passes' spill files (a temporary one when None).
        executor: Where the candidate pairs, the pieces and the batches of pieces are
            computed (:mod:`ingest.fusion.executors`; the local one when None): the
            answer is the same on every executor.
        model: The trained weights to score with (:class:`~ingest.fusion.weights.Model`:
            a store keeps its model from load to load); trained on these mentions when
            None.
        memo: An earlier run's answers by piece (:mod:`ingest.fusion.memo`): a piece
            whose inputs did not change keeps its answer instead of being clustered.

    Returns:
        The assignments (``mention_id, pid, entity, anchored``), the review items, the
        model, the blocking figures, the pieces split for size and counts.
    """
    say = progress or (lambda _: None)
    run = executor or LocalExecutor()
    say("anchoring on ID numbers")
    m, names = _compact(mentions)
    # The input's string ids and any column compacting replaced are not needed again: a
    # caller that hands the frame over without keeping it (the worker) frees them here.
    del mentions
    decisions = _decisions_by_index(decisions, names)
    m = _detach_decided(anchor_mentions(with_places(m)), decisions.cannot_link)
    entities, entity_of = build_entities(m)
    edges = mother_edges(m, entity_of, entities)
    entities = entities.join(mother_of(edges), on="entity", how="left").sort("entity")
    if model is None:
        say("estimating weights")
        model = train(entities, m)
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fusion-", dir=work) as folder:
        say("candidate pairs")
        pairs, blocks = run.candidate_pairs(entities, BLOCKING_RULES, folder=Path(folder),
                                            memory=limits.sql_memory)
        say("scoring candidate pairs")
        scored = _score_pairs(entities, pairs, model, thresholds)
        family, ambiguous = newborn_links(m, entity_of, entities, edges)
        context, unclear = context_links(m, entity_of, entities,
                                         batch=limits.context_batch,
                                         pairs_budget=limits.context_pairs)
        links = pl.concat([
            scored.filter(pl.col("weight") >= thresholds.link).select("left", "right", "weight"),
            family, context,
        ])
        say("pieces")
        must_link = _entity_pairs(decisions.must_link, entity_of)
        cannot_link = _entity_pairs(decisions.cannot_link, entity_of)
        piece = run.pieces(
            entities.height,
            np.concatenate([links["left"].to_numpy(), must_link["left"].to_numpy()]),
            np.concatenate([links["right"].to_numpy(), must_link["right"].to_numpy()]),
            folder=Path(folder))
        piece, links, left_out, splits = split_large(piece, links, must_link,
                                                     limits.max_piece, thresholds.link)
        say("clustering")
        roots, refused, vetoed, counts, kept = _cluster_in_batches(
            m, entity_of, names, entities, piece, links, must_link, cannot_link, bounds,
            run.batch_bytes(limits), run, Path(folder), memo)
    entity_of = entity_of.join(names, on="mention_id").select(
        pl.col("name").alias("mention_id"), "entity")
    assignments = _assign(entity_of, roots, entities, pid_key)
    reviews = _reviews(scored, ambiguous, unclear, thresholds, roots, refused, left_out,
                       entity_of)
    stats = {
        "mentions": m.height, "entities": entities.height,
        "anchored_mentions": int(m["anchor"].is_not_null().sum()),
        "candidate_pairs": pairs.height, "links": links.height + left_out.height,
        "family_links": family.height, "context_links": context.height,
        "vetoed": int(vetoed["n"].sum()), "vetoed_impossible": refused.height,
        "impossible_reviews": int((reviews["reason"].is_not_null()).sum()),
        "reviews": reviews.height, "persons": assignments["pid"].n_unique(),
        **counts, "pieces_split": len(splits),
        "links_left_out_by_splits": left_out.height,
    }
    return Resolution(assignments, reviews, model, blocks, stats, splits, kept)


def _cluster_in_batches(m: pl.DataFrame, entity_of: pl.DataFrame, names: pl.DataFrame,
                        entities: pl.DataFrame, piece: np.ndarray, links: pl.DataFrame,
                        must_link: pl.DataFrame, cannot_link: pl.DataFrame,
                        bounds: LifeBounds, budget: int, run: Executor, folder: Path,
                        memo: Memo | None = None
                        ) -> tuple[pl.Series, pl.DataFrame, pl.DataFrame, dict[str, int], Memo]:
    """Every piece through :func:`ingest.fusion.pieces.resolve_pieces`, in batches within
    ``budget`` bytes, run by ``run`` (its files in ``folder``), but for the pieces whose
    fingerprint ``memo`` holds (:mod:`ingest.fusion.memo`): they keep its answer.

    Returns the person (smallest entity) of every entity, the links refused as
    impossible, the vetoes by reason, the pieces' counts and the memo of this run.
    """
    n = entities.height
    ends = pl.concat([links["left"], links["right"], must_link["left"], must_link["right"]])
    involved = np.unique(ends.to_numpy()).astype(np.uint32)
    piece_of = pl.Series("piece", piece, dtype=pl.UInt32)
    in_piece = pl.DataFrame({"entity": involved}, schema={"entity": pl.UInt32}).with_columns(
        piece_of.gather(involved).alias("piece"))
    links = links.with_columns(piece_of.gather(links["left"]).alias("piece"))
    per_piece = links.group_by("piece").agg(pl.len().alias("links"))
    batch_of = batches(piece, involved, per_piece, budget)
    tables = life_tables(m, entity_of, pl.Series(involved, dtype=pl.UInt32), bounds)
    records = (m.select("mention_id", "rec").join(entity_of, on="mention_id")
               .join(in_piece.select("entity"), on="entity", how="semi")
               .group_by("entity").agg(pl.col("rec").unique().sort().alias("records")))
    ents = (in_piece.join(batch_of, on="piece")
            .join(entities.select("entity", "anchor"), on="entity")
            .join(records, on="entity", how="left")
            .join(tables.facts, on="entity", how="left"))
    side = in_piece.join(batch_of, on="piece")
    birth = tables.birth
    kin = (tables.kin
           .join(side.rename({"entity": "child", "piece": "child_piece",
                              "batch": "child_batch"}), on="child", how="left")
           .join(side.rename({"entity": "parent", "piece": "parent_piece",
                              "batch": "parent_batch"}), on="parent", how="left")
           .join(birth.rename({"entity": "child", "birth": "child_birth"}), on="child",
                 how="left")
           .join(birth.rename({"entity": "parent", "birth": "parent_birth"}), on="parent",
                 how="left"))
    kin = pl.concat([
        kin.filter(pl.col("child_batch").is_not_null()).with_columns(
            pl.col("child_batch").alias("batch")),
        kin.filter(pl.col("parent_batch").is_not_null()
                   & (pl.col("parent_batch") != pl.col("child_batch")).fill_null(True))
        .with_columns(pl.col("parent_batch").alias("batch")),
    ])
    links = links.join(batch_of, on="piece")
    with_batch = {"entity": "left"}
    must = must_link.join(side.rename(with_batch), on="left")
    apart = (cannot_link.join(side.rename(with_batch), on="left")
             .join(side.rename({"entity": "right", "piece": "piece_r", "batch": "batch_r"}),
                   on="right")
             .filter(pl.col("piece") == pl.col("piece_r")))
    inputs = {"ents": ents, "links": links, "kin": kin, "must": must, "apart": apart}
    keys = memo_.entity_keys(entities, entity_of, names)
    prints = memo_.fingerprints(ents, links, kin, must, apart, keys,
                                memo_.record_hashes(m, names))
    version = memo_.version(bounds)
    kept = memo if memo is not None and memo.version == version else None
    reused = (prints.join(kept.answers.select(memo_.FP).unique(), on=memo_.FP, how="semi")
              if kept is not None else prints.clear())
    known = reused["piece"].implode()
    inputs["kin"] = kin.filter(~(pl.col("child_piece").is_in(known).fill_null(True)
                                 & pl.col("parent_piece").is_in(known).fill_null(True)))
    for name in ("ents", "links", "must", "apart"):
        inputs[name] = inputs[name].filter(~pl.col("piece").is_in(known))
    assigned, refused, vetoed = run.resolve_batches(inputs, bounds, folder=folder)
    new_memo = _memo_of(prints, keys, ents.select("entity", "piece"), assigned, refused,
                        vetoed, version)
    if kept is not None and reused.height:
        fps = reused.select(memo_.FP)
        answers = kept.answers.join(fps, on=memo_.FP, how="semi")
        old_refused = kept.refused.join(fps, on=memo_.FP, how="semi")
        old_vetoed = kept.vetoed.join(fps, on=memo_.FP, how="semi")
        assigned = pl.concat([assigned, _from_keys(answers.select("key", "person"), keys,
                                                   ("key", "person"), ("entity", "person"))
                              .select(assigned.columns)])
        refused = pl.concat([refused, _from_keys(
            old_refused.select("left", "right", "weight", "reason"), keys, ("left", "right"),
            ("left", "right")).select(refused.columns)])
        vetoed = pl.concat([vetoed.select("reason", "n"), old_vetoed.select("reason", "n")])
        new_memo = Memo(new_memo.version, pl.concat([new_memo.answers, answers]),
                        pl.concat([new_memo.refused, old_refused]),
                        pl.concat([new_memo.vetoed, old_vetoed]))
    roots = pl.Series("root", np.arange(n, dtype=np.uint32), dtype=pl.UInt32)
    roots = roots.scatter(assigned["entity"], assigned["person"])
    vetoed = vetoed.group_by("reason").agg(pl.col("n").sum())
    total = batch_of["batch"].n_unique() if batch_of.height else 0
    sizes = in_piece.group_by("piece").len()["len"]
    counts = {"pieces": sizes.len(), "largest_piece": int(sizes.to_numpy().max(initial=0)),
              "batches": total, "pieces_reused": reused.height}
    return roots, refused, vetoed, counts, new_memo


def _memo_of(prints: pl.DataFrame, keys: pl.DataFrame, piece_of: pl.DataFrame,
             assigned: pl.DataFrame, refused: pl.DataFrame, vetoed: pl.DataFrame,
             version: str) -> Memo:
    """The answers of the pieces clustered in this run, by fingerprint and stable keys."""
    key = keys["key"]
    answers = assigned.join(piece_of, on="entity").join(prints, on="piece")
    lost = refused.join(piece_of.rename({"entity": "left"}), on="left").join(prints,
                                                                            on="piece")
    return Memo(
        version,
        answers.select(*memo_.FP, key.gather(answers["entity"]).alias("key"),
                       key.gather(answers["person"]).alias("person")),
        lost.select(*memo_.FP, key.gather(lost["left"]).alias("left"),
                    key.gather(lost["right"]).alias("right"), "weight", "reason"),
        vetoed.join(prints, on="piece").select(*memo_.FP, "reason", "n"))


def _from_keys(frame: pl.DataFrame, keys: pl.DataFrame, columns: tuple[str, str],
               to: tuple[str, str]) -> pl.DataFrame:
    """``frame`` with its two key columns as this run's entity numbers."""
    for column, out in zip(columns, to, strict=True):
        frame = frame.join(keys.rename({"key": column, "entity": f"_{out}"}), on=column)
        frame = frame.drop(column).rename({f"_{out}": out})
    return frame


# What the resolver reads of a mention (see the module docstring).
RESOLVER_COLUMNS = (
    "mention_id", "feed", "source", "record_id", "role", "id_number", "id_raw",
    "id_birth_date", "id_sex", "name", "name_key", "name_initials", "name_placeholder",
    "sex", "birth_date", "division_code", "event_date", "mother_mention", "relative_mention",
    "relation", "birth_order", "household_id", "relation_to_head", "deregistered_on",
    "deregistered_reason", "dwelling_id", "employer_code", "address",
)


def _compact(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Only the columns fusion reads, with integer ids for mentions and records.

    Inside the resolver ``mention_id``, ``mother_mention`` and ``relative_mention``
    are row numbers and ``rec`` numbers the source row; ``names`` maps row numbers
    back to mention ids.  Ten million mentions fit in memory this way.
    """
    m = mentions.select(RESOLVER_COLUMNS)
    if not m["mention_id"].is_sorted():  # a load hands them sorted: no copy then
        m = m.sort("mention_id")
    names = m.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("mention_id"),
                     pl.col("mention_id").alias("name"))
    index = names.rename({"mention_id": "ref", "name": "target"})
    # Each lookup joins one column, never the whole frame (a copy of it is about 1.4 GiB
    # at 10 M mentions); a left join on unique targets keeps the rows in their order.
    ids = [m.select(column).join(index, left_on=column, right_on="target", how="left",
                                 maintain_order="left")["ref"].alias(column)
           for column in ("mother_mention", "relative_mention")]
    rec = (m.select(pl.concat_str("feed", "source", "record_id", separator="|")
                    .rank("dense").cast(pl.UInt32).alias("rec"))["rec"])
    m = m.drop("record_id").with_columns(names["mention_id"], *ids, rec,
                                         *(pl.col(c).cast(pl.Categorical) for c in CODED))
    return m, names


# Mention columns of few values that fusion only compares, filters, groups and maps:
# held as categoricals (4 bytes a row) rather than strings (a 16-byte view a row, null
# or not: 160 MiB a column at 10 M mentions, whatever it holds). Every other column
# keeps its type: names and numbers are compared as text, and the entities' columns
# go to the Spark engine as strings.
CODED = ("feed", "source", "role", "relation", "relation_to_head", "deregistered_reason",
         "employer_code", "dwelling_id")


def _detach_decided(m: pl.DataFrame, apart: tuple[tuple[Any, Any], ...]) -> pl.DataFrame:
    """An officer split a mention off a person who shares its ID number: the mention
    stops being anchored on that number (it keeps it as evidence), so the decision can
    keep it apart.  The left mention of each pair is the one split off."""
    if not apart:
        return m
    pairs = pl.DataFrame({"a": [a for a, _ in apart], "b": [b for _, b in apart]},
                         schema={"a": pl.UInt32, "b": pl.UInt32})
    anchors = m.select(pl.col("mention_id"), "anchor")
    shared = (pairs.join(anchors.rename({"mention_id": "a", "anchor": "x"}), on="a")
              .join(anchors.rename({"mention_id": "b", "anchor": "y"}), on="b")
              .filter(pl.col("x") == pl.col("y"))["a"].unique())
    detach = pl.col("mention_id").is_in(shared.implode())
    return m.with_columns(
        pl.when(detach).then(pl.coalesce("id_claimed", "anchor")).otherwise("id_claimed")
        .alias("id_claimed"),
        pl.when(detach).then(None).otherwise("anchor").alias("anchor"))


def _decisions_by_index(decisions: Decisions, names: pl.DataFrame) -> Decisions:
    """Officers' decisions in the resolver's integer mention ids."""
    if not decisions.must_link and not decisions.cannot_link:
        return decisions
    wanted = {x for pair in (*decisions.must_link, *decisions.cannot_link) for x in pair}
    lookup = dict(names.filter(pl.col("name").is_in(list(wanted)))
                  .select("name", "mention_id").iter_rows())

    def convert(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((lookup[a], lookup[b]) for a, b in pairs
                            if a in lookup and b in lookup))

    return Decisions(convert(decisions.must_link), convert(decisions.cannot_link))


# Candidate pairs scored at a time: the comparisons hold both sides' columns per pair.
SCORE_CHUNK = 500_000


def _score_pairs(entities: pl.DataFrame, pairs: pl.DataFrame,
                 model: Model, thresholds: Thresholds) -> pl.DataFrame:
    """The pairs at or above the review threshold (links and possible matches), with
    their levels and weight; scored in chunks of ``SCORE_CHUNK``."""
    tf_table = model.name_tf(entities)
    kept = []
    for start in range(0, max(pairs.height, 1), SCORE_CHUNK):
        chunk = pairs.slice(start, SCORE_CHUNK)
        left = entities[chunk["left"].to_numpy()]
        right = entities[chunk["right"].to_numpy()]
        levels = compute_levels(left, right, COMPARISONS)
        tf = left.select("name_key").join(tf_table, on="name_key", how="left",
                                          maintain_order="left")["tf_u"]
        scored = pl.concat([chunk, levels, score(levels, model.weights, tf).to_frame()],
                           how="horizontal")
        kept.append(scored.filter(pl.col("weight") >= thresholds.review))
    return pl.concat(kept)


def _entity_pairs(pairs: tuple[tuple[Any, Any], ...],
                  entity_of: pl.DataFrame) -> pl.DataFrame:
    """Officers' pairs of mentions as ``left, right`` entity pairs."""
    schema = {"left": pl.UInt32, "right": pl.UInt32}
    if not pairs:
        return pl.DataFrame(schema=schema)
    lookup = dict(entity_of.iter_rows())
    return pl.DataFrame([(lookup[a], lookup[b]) for a, b in pairs
                         if a in lookup and b in lookup], schema=schema, orient="row")


def _assign(entity_of: pl.DataFrame, roots: pl.Series, entities: pl.DataFrame,
            pid_key: bytes) -> pl.DataFrame:
    anchors = entities.select("entity", "anchor")
    frame = entity_of.with_columns(
        roots.gather(entity_of["entity"]).alias("cluster")
    ).join(anchors, on="entity")
    pids = person_ids(frame.select("mention_id", "cluster", "anchor"), pid_key)
    return frame.join(pids, on="cluster").select(
        "mention_id", "pid", "entity", pl.col("anchor").is_not_null().alias("anchored"))


def review_id(left_mention: str, right_mention: str) -> str:
    """A stable id for a possible match, independent of the order of its sides."""
    a, b = sorted((left_mention, right_mention))
    return "R" + hashlib.sha1(f"{a}\n{b}".encode()).hexdigest()[:16]


def _reviews(scored: pl.DataFrame, ambiguous: pl.DataFrame, unclear: pl.DataFrame,
             thresholds: Thresholds, root: pl.Series, refused: pl.DataFrame,
             left_out: pl.DataFrame, entity_of: pl.DataFrame) -> pl.DataFrame:
    level_cols = [c.name for c in COMPARISONS]
    levels = pl.struct(level_cols).struct.json_encode().alias("levels")
    possible = scored.filter(pl.col("weight").is_between(thresholds.review, thresholds.link,
                                                         closed="left"))
    possible = possible.select("left", "right", "weight", pl.lit("possible_match").alias("kind"),
                               pl.lit(None, pl.String).alias("reason"), levels)
    family = ambiguous.with_columns(pl.lit("ambiguous_newborn").alias("kind"),
                                    pl.lit(None, pl.String).alias("reason"),
                                    pl.lit(None, pl.String).alias("levels"))
    context = unclear.with_columns(pl.lit("ambiguous_relative").alias("kind"),
                                   pl.lit(None, pl.String).alias("reason"),
                                   pl.lit(None, pl.String).alias("levels"))
    split = left_out.with_columns(pl.lit(PIECE_SPLIT).alias("reason"))
    frame = pl.concat([possible, family, context,
                       _refused(pl.concat([refused, split]), scored, root, levels)])
    frame = frame.filter(root.gather(frame["left"]) != root.gather(frame["right"]))
    first = entity_of.group_by("entity").agg(pl.col("mention_id").min())
    frame = (
        frame.join(first.rename({"entity": "left", "mention_id": "left_mention"}), on="left")
        .join(first.rename({"entity": "right", "mention_id": "right_mention"}), on="right")
    )
    ids = [review_id(a, b) for a, b in frame.select("left_mention", "right_mention").iter_rows()]
    # One item per pair of persons-to-be, however many rules found it: the strongest.  The
    # order is total (a pair found both ways round, as an ambiguous relative is from each
    # side, keeps its lesser mention on the left), so the item kept, and its sides, do not
    # depend on the order of the rows a group-by or a unique happened to give.
    order = ["weight", "review_id", "kind", "reason", "left_mention", "right_mention", "levels"]
    return (frame.with_columns(pl.Series("review_id", ids, dtype=pl.String))
            .sort(order, descending=[True] + [False] * (len(order) - 1), nulls_last=True,
                  maintain_order=True)
            .unique("review_id", keep="first", maintain_order=True)
            .select("review_id", "kind", "reason", "left_mention", "right_mention", "weight",
                    "levels"))


def _refused(refused: pl.DataFrame, scored: pl.DataFrame, root: pl.Series,
             levels: pl.Expr) -> pl.DataFrame:
    """Links refused as impossible (or left out by a piece's split), as possible matches
    with the reason: one per pair of persons (the strongest link between them), with the
    levels where it was scored."""
    r = refused.with_columns(root.gather(refused["left"]).alias("_a"),
                             root.gather(refused["right"]).alias("_b"))
    r = (r.with_columns(pl.min_horizontal("_a", "_b").alias("_a"),
                        pl.max_horizontal("_a", "_b").alias("_b"))
         .sort(["weight", "left", "right", "reason"], descending=[True, False, False, False])
         .unique(["_a", "_b"], keep="first", maintain_order=True))
    r = r.join(scored.select("left", "right", levels), on=["left", "right"], how="left")
    return r.select("left", "right", "weight", pl.lit("possible_match").alias("kind"),
                    "reason", "levels")
