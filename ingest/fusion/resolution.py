"""The resolver: person mentions in, persons with stable ids out (the master person index).

One engine runs the declarations of :mod:`ingest.fusion.comparisons` and
:mod:`ingest.fusion.blocking`:

1. anchor mentions on verified ID numbers (:mod:`ingest.fusion.entities`);
2. estimate m and u from the data (:mod:`ingest.fusion.weights`);
3. score the candidate pairs the blocking rules produce, never all pairs;
4. add family-context links for newborns (:mod:`ingest.fusion.family_evidence`);
5. cluster links strongest first under vetoes and officers' decisions
   (:mod:`ingest.fusion.clusters`), refusing any merge that would make a person who could
   not have lived (:mod:`ingest.fusion.lifetimes`, bounds in :class:`LifeBounds`), and give
   every person its pid, a keyed hash of what anchors it
   (:func:`ingest.fusion.clusters.person_ids`).

The result is a function of the mentions, the decisions and the pid key alone: the
input's row order, the load history and hash order play no part (mentions are numbered
in the order of their mention ids, entities in the order of their anchors, and every
tie is broken on those numbers).

Three outcomes per scored pair: ``link`` (weight >= ``Thresholds.link``), possible
match for review (between the thresholds) and no link.  A link refused as impossible
becomes a possible match too, with the reason (``Review.reason``), so an officer can
still link the two.

The input ``mentions`` frame has the columns documented in :mod:`ingest.feeds.mentions`;
the resolver uses ``mention_id, feed, source, record_id, role, id_number, id_raw,
id_birth_date, id_sex, name, name_key, name_initials, name_placeholder, sex,
birth_date, division_code, event_date, mother_mention, relative_mention, relation,
birth_order, household_id, relation_to_head, deregistered_on, deregistered_reason``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ingest.fusion.blocking import BLOCKING_RULES, BlockStats, candidate_pairs
from ingest.fusion.clusters import Clustering, cluster, person_ids
from ingest.fusion.comparisons import COMPARISONS
from ingest.fusion.context import context_links
from ingest.fusion.entities import anchor_mentions, build_entities, with_places
from ingest.fusion.family_evidence import mother_edges, mother_of, newborn_links
from ingest.fusion.lifetimes import BOUNDS, LifeBounds, lives
from ingest.fusion.weights import LevelWeights, compute_levels, estimate, name_frequencies, score

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Thresholds:
    """Match-weight bounds: at or above ``link`` link; at or above ``review`` ask an officer."""

    link: float = 16.0
    review: float = 8.0


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
    weights: dict[str, LevelWeights]
    blocks: list[BlockStats]
    stats: dict[str, int] = field(default_factory=dict)


def resolve(mentions: pl.DataFrame, decisions: Decisions = Decisions(),
            thresholds: Thresholds = Thresholds(), progress: Progress | None = None,
            bounds: LifeBounds = BOUNDS, *, pid_key: bytes) -> Resolution:
    """Fuse mentions into persons.

    Args:
        mentions: The person mentions (columns in the module docstring), in any order.
        decisions: Officers' decisions on pairs of mentions.
        thresholds: The match-weight bounds.
        progress: Told the name of each step as it starts.
        bounds: What no one person's life can break.
        pid_key: The installation's secret (``ingest.store.Store.pid_key``): a pid is a
            keyed hash, so it never reveals the ID number it was made from.

    Returns:
        The assignments (``mention_id, pid, entity, anchored``), the review items, the
        weights, the blocking figures and counts.
    """
    say = progress or (lambda _: None)
    say("anchoring on ID numbers")
    m, names = _compact(mentions)
    decisions = _decisions_by_index(decisions, names)
    m = _detach_decided(anchor_mentions(with_places(m)), decisions.cannot_link)
    entities, entity_of = build_entities(m)
    edges = mother_edges(m, entity_of, entities)
    entities = entities.join(mother_of(edges), on="entity", how="left").sort("entity")
    say("estimating weights")
    weights = estimate(entities, m)
    say("scoring candidate pairs")
    pairs, blocks = candidate_pairs(entities, BLOCKING_RULES)
    scored = _score_pairs(entities, pairs, weights)
    family, ambiguous = newborn_links(m, entity_of, entities, edges)
    context, unclear = context_links(m, entity_of, entities)
    links = pl.concat([
        scored.filter(pl.col("weight") >= thresholds.link).select("left", "right", "weight"),
        family, context,
    ])
    say("clustering")
    must_link = _entity_pairs(decisions.must_link, entity_of)
    involved = pl.concat([links["left"], links["right"],
                          pl.Series([x for pair in must_link for x in pair], dtype=pl.UInt32)])
    done = cluster(entities.height, links, *_constraints(m, entity_of, links),
                   must_link=must_link,
                   cannot_link=_entity_pairs(decisions.cannot_link, entity_of),
                   lives=lives(m, entity_of, involved.unique(), bounds))
    entity_of = entity_of.join(names, on="mention_id").select(
        pl.col("name").alias("mention_id"), "entity")
    assignments = _assign(entity_of, done.roots, entities, pid_key)
    reviews = _reviews(scored, ambiguous, unclear, thresholds, done, entity_of)
    stats = {
        "mentions": m.height, "entities": entities.height,
        "anchored_mentions": int(m["anchor"].is_not_null().sum()),
        "candidate_pairs": pairs.height, "links": links.height,
        "family_links": family.height, "context_links": context.height,
        "vetoed": sum(done.vetoed.values()), "vetoed_impossible": done.refused.height,
        "impossible_reviews": int((reviews["reason"].is_not_null()).sum()),
        "reviews": reviews.height, "persons": assignments["pid"].n_unique(),
    }
    return Resolution(assignments, reviews, weights, blocks, stats)


# What the resolver reads of a mention (see the module docstring).
RESOLVER_COLUMNS = (
    "mention_id", "feed", "source", "record_id", "role", "id_number", "id_raw",
    "id_birth_date", "id_sex", "name", "name_key", "name_initials", "name_placeholder",
    "sex", "birth_date", "division_code", "event_date", "mother_mention", "relative_mention",
    "relation", "birth_order", "household_id", "relation_to_head", "deregistered_on",
    "deregistered_reason",
)


def _compact(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Only the columns fusion reads, with integer ids for mentions and records.

    Inside the resolver ``mention_id``, ``mother_mention`` and ``relative_mention``
    are row numbers and ``rec`` numbers the source row; ``names`` maps row numbers
    back to mention ids.  Ten million mentions fit in memory this way.
    """
    m = mentions.select(RESOLVER_COLUMNS).sort("mention_id").with_row_index("mid")
    names = m.select(pl.col("mid").alias("mention_id"), pl.col("mention_id").alias("name"))
    index = names.rename({"mention_id": "ref", "name": "target"})
    rec = pl.concat_str("feed", "source", "record_id", separator="|")
    m = (m.join(index.rename({"ref": "mother"}), left_on="mother_mention", right_on="target",
                how="left", maintain_order="left")
          .join(index.rename({"ref": "relative"}), left_on="relative_mention",
                right_on="target", how="left", maintain_order="left")
          .with_columns(rec.rank("dense").cast(pl.UInt32).alias("rec")))
    m = m.drop("mention_id", "mother_mention", "relative_mention", "record_id").rename(
        {"mid": "mention_id", "mother": "mother_mention", "relative": "relative_mention"})
    return m, names


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


def _score_pairs(entities: pl.DataFrame, pairs: pl.DataFrame,
                 weights: dict[str, LevelWeights]) -> pl.DataFrame:
    left = entities[pairs["left"].to_numpy()]
    right = entities[pairs["right"].to_numpy()]
    levels = compute_levels(left, right, COMPARISONS)
    tf = left.select("name_key").join(name_frequencies(entities), on="name_key",
                                      how="left", maintain_order="left")["tf_u"]
    return pl.concat([pairs, levels, score(levels, weights, tf).to_frame()],
                     how="horizontal")


def _constraints(m: pl.DataFrame, entity_of: pl.DataFrame,
                 links: pl.DataFrame) -> tuple[dict[int, str], dict[int, set[int]]]:
    involved = pl.concat([links["left"], links["right"]]).unique()
    rows = (
        m.select("mention_id", "anchor", pl.col("rec").alias("record"))
        .join(entity_of, on="mention_id").filter(pl.col("entity").is_in(involved.implode()))
    )
    anchors = dict(rows.filter(pl.col("anchor").is_not_null())
                   .select("entity", "anchor").unique("entity").iter_rows())
    records: dict[int, set[int]] = {}
    for entity, record in rows.select("entity", "record").iter_rows():
        records.setdefault(entity, set()).add(record)
    return anchors, records


def _entity_pairs(pairs: tuple[tuple[Any, Any], ...],
                  entity_of: pl.DataFrame) -> list[tuple[int, int]]:
    if not pairs:
        return []
    lookup = dict(entity_of.iter_rows())
    return [(lookup[a], lookup[b]) for a, b in pairs if a in lookup and b in lookup]


def _assign(entity_of: pl.DataFrame, roots: list[int], entities: pl.DataFrame,
            pid_key: bytes) -> pl.DataFrame:
    anchors = entities.select("entity", "anchor")
    frame = entity_of.with_columns(
        pl.Series("cluster", roots, dtype=pl.UInt32).gather(entity_of["entity"])
    ).join(anchors, on="entity")
    pids = person_ids(frame.select("mention_id", "cluster", "anchor"), pid_key)
    return frame.join(pids, on="cluster").select(
        "mention_id", "pid", "entity", pl.col("anchor").is_not_null().alias("anchored"))


def review_id(left_mention: str, right_mention: str) -> str:
    """A stable id for a possible match, independent of the order of its sides."""
    a, b = sorted((left_mention, right_mention))
    return "R" + hashlib.sha1(f"{a}\n{b}".encode()).hexdigest()[:16]


def _reviews(scored: pl.DataFrame, ambiguous: pl.DataFrame, unclear: pl.DataFrame,
             thresholds: Thresholds, done: Clustering, entity_of: pl.DataFrame) -> pl.DataFrame:
    root = pl.Series("root", done.roots, dtype=pl.UInt32)
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
    frame = pl.concat([possible, family, context, _refused(done, scored, root, levels)])
    frame = frame.filter(root.gather(frame["left"]) != root.gather(frame["right"]))
    first = entity_of.group_by("entity").agg(pl.col("mention_id").min())
    frame = (
        frame.join(first.rename({"entity": "left", "mention_id": "left_mention"}), on="left")
        .join(first.rename({"entity": "right", "mention_id": "right_mention"}), on="right")
    )
    ids = [review_id(a, b) for a, b in frame.select("left_mention", "right_mention").iter_rows()]
    # One item per pair of persons-to-be, however many rules found it: the strongest.
    return (frame.with_columns(pl.Series("review_id", ids, dtype=pl.String))
            .sort(["weight", "review_id", "kind", "reason"], descending=[True, False, False,
                                                                       False],
                  nulls_last=True)
            .unique("review_id", keep="first", maintain_order=True)
            .select("review_id", "kind", "reason", "left_mention", "right_mention", "weight",
                    "levels"))


def _refused(done: Clustering, scored: pl.DataFrame, root: pl.Series,
             levels: pl.Expr) -> pl.DataFrame:
    """Links refused as impossible, as possible matches with the reason: one per pair of
    persons (the strongest link between them), with the levels where it was scored."""
    r = done.refused.with_columns(root.gather(done.refused["left"]).alias("_a"),
                                  root.gather(done.refused["right"]).alias("_b"))
    r = (r.with_columns(pl.min_horizontal("_a", "_b").alias("_a"),
                        pl.max_horizontal("_a", "_b").alias("_b"))
         .sort(["weight", "left", "right"], descending=[True, False, False])
         .unique(["_a", "_b"], keep="first", maintain_order=True))
    r = r.join(scored.select("left", "right", levels), on=["left", "right"], how="left")
    return r.select("left", "right", "weight", pl.lit("possible_match").alias("kind"),
                    "reason", "levels")
