"""Fellegi–Sunter weights, estimated from the data itself.

* **u** (how often a level occurs between two *different* people) comes from random
  entity pairs, which are almost all non-matches; for names it is replaced by the
  frequency of the actual name (a term-frequency adjustment: agreeing on a rare name
  says more than agreeing on 王伟).
* **m** (how often a level occurs between two mentions of the *same* person) comes
  from pairs of mentions anchored on the same verified ID number, the same
  unsupervised labelling splink uses when it trains m on a deterministic rule.
  Comparisons that cannot be trained that way (the ID number itself) declare m.

The match weight of a pair is the sum over comparisons of ``log2(m / u)`` for the
pair's level; a missing value contributes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.fusion.comparisons import COMPARISONS, Comparison

U_FLOOR = 1e-7
M_FLOOR = 1e-4


@dataclass(frozen=True)
class LevelWeights:
    """Estimated m and u per level of one comparison."""

    comparison: str
    levels: tuple[str, ...]
    m: tuple[float, ...]
    u: tuple[float, ...]

    @property
    def weights(self) -> tuple[float, ...]:
        """log2(m / u) per level."""
        return tuple(float(np.log2(m / u)) for m, u in zip(self.m, self.u, strict=True))


def compute_levels(left: pl.DataFrame, right: pl.DataFrame,
                   comparisons: tuple[Comparison, ...] = COMPARISONS) -> pl.DataFrame:
    """One Int8 level column per comparison for aligned left/right frames."""
    return pl.DataFrame([c.compute(left, right).alias(c.name) for c in comparisons])


def _frequencies(levels: pl.Series, n_levels: int, floor: float) -> tuple[float, ...]:
    counts = np.bincount(levels.drop_nulls().cast(pl.Int64).to_numpy(), minlength=n_levels)
    total = counts.sum()
    if total == 0:
        return tuple(1.0 / n_levels for _ in range(n_levels))
    return tuple(max(float(c) / total, floor) for c in counts[:n_levels])


def random_pairs(n: int, size: int, seed: int = 17) -> tuple[np.ndarray, np.ndarray]:
    """``size`` random ordered pairs of distinct indices below n."""
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size)
    right = (left + rng.integers(1, max(n, 2), size)) % n
    return left, right


COMPARED = ("id_number", "id_raw", "name", "name_key", "name_placeholder", "birth_date",
            "sex", "county", "prefecture")


def labelled_pairs(mentions: pl.DataFrame, size: int,
                   seed: int = 23) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Up to ``size`` pairs of mentions anchored on the same number, as (left, right)
    frames of the compared columns: two random mentions of each of random anchors.

    The pairs are chosen on row numbers, anchors and random keys alone; only the chosen
    rows' compared columns are then read (sorting the anchored mentions with those
    columns was a copy of 9.5 M rows at 1 M persons, 3.3 GiB above the frame)."""
    anchored = mentions.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), "anchor",
        pl.col("mention_id").hash(seed).alias("_r"),
    ).filter(pl.col("anchor").is_not_null())
    two = (anchored.sort("_r").group_by("anchor", maintain_order=True).head(2)
           .with_columns(pl.int_range(pl.len()).over("anchor").alias("_k")))
    left = two.filter(pl.col("_k") == 0).drop("_k")
    right = two.filter(pl.col("_k") == 1).drop("_k", "_r")
    pairs = left.join(right, on="anchor", suffix="_o").sort("_r").head(size)
    return (mentions.select(pl.col(COMPARED).gather(pairs["_i"])),
            mentions.select(pl.col(COMPARED).gather(pairs["_i_o"])))


def estimate(entities: pl.DataFrame, mentions: pl.DataFrame,
             comparisons: tuple[Comparison, ...] = COMPARISONS,
             sample: int = 400_000) -> dict[str, LevelWeights]:
    """m and u for every comparison level."""
    n = entities.height
    left, right = random_pairs(n, min(sample, max(n * 4, 1)))
    u_levels = compute_levels(entities[left], entities[right], comparisons)
    m_left, m_right = labelled_pairs(mentions, sample)
    unknown_mother = pl.lit(None, pl.UInt32).alias("mother_entity")
    m_levels = compute_levels(m_left.with_columns(unknown_mother),
                              m_right.with_columns(unknown_mother), comparisons)
    out = {}
    for c in comparisons:
        n_levels = len(c.levels)
        u = _frequencies(u_levels[c.name], n_levels, U_FLOOR)
        m = c.fixed_m or _frequencies(m_levels[c.name], n_levels, M_FLOOR)
        out[c.name] = LevelWeights(c.name, c.levels, tuple(m), u)
    return out


def name_frequencies(entities: pl.DataFrame) -> pl.DataFrame:
    """Share of entities per pinyin name key: the u of agreeing on that name."""
    keyed = entities.filter(pl.col("name_key").is_not_null())
    total = max(keyed.height, 1)
    return keyed.group_by("name_key").agg((pl.len() / total).alias("tf_u"))


def score(levels: pl.DataFrame, weights: dict[str, LevelWeights],
          tf_u: pl.Series | None = None,
          comparisons: tuple[Comparison, ...] = COMPARISONS) -> pl.Series:
    """The match weight per pair (sum of log2 m/u over comparable levels)."""
    total = np.zeros(levels.height)
    for c in comparisons:
        w = weights[c.name]
        table = np.asarray(w.weights)
        lv = levels[c.name]
        valid = lv.is_not_null().to_numpy()
        idx = lv.fill_null(0).cast(pl.Int64).to_numpy()
        contribution = np.where(valid, table[idx], 0.0)
        if c.tf_column is not None and tf_u is not None:
            tf = np.maximum(tf_u.fill_null(1.0).to_numpy(), U_FLOOR)
            adjusted = np.log2(np.asarray(w.m)[idx] / tf)
            contribution = np.where(valid & (idx <= 1), adjusted, contribution)
        total += contribution
    return pl.Series("weight", total)


@dataclass(frozen=True)
class Model:
    """The trained fusion model: m and u per comparison level and the name frequencies.

    Trained on a store's first load (and when it has grown by :data:`RETRAIN_GROWTH`, or
    on request) and then kept: a later load or an officer's decision scores its pairs
    with the same weights, so persons it does not touch keep their pids exactly. Were
    the weights re-estimated on every run, a sample drawn from a slightly different
    province would shift every weight a little and flip pairs near a threshold anywhere
    in it: one unmerge would merge or split unrelated persons.
    """

    weights: dict[str, LevelWeights]
    names: pl.DataFrame  # name_key, tf_u: the share of entities bearing each name key
    entities: int  # named entities it was trained on (the denominator of tf_u)
    mentions: int  # mentions it was trained on

    def name_tf(self, entities: pl.DataFrame) -> pl.DataFrame:
        """``name_key, tf_u`` for these entities' names: the trained share, and for a
        name the model has not seen, its count here over the trained total (a name's
        new bearers change only its own pairs' weights)."""
        seen = self.names.select("name_key", "tf_u")
        unseen = (entities.filter(pl.col("name_key").is_not_null())
                  .join(seen, on="name_key", how="anti")
                  .group_by("name_key").agg((pl.len() / max(self.entities, 1)).alias("tf_u")))
        return pl.concat([seen, unseen.select("name_key", pl.col("tf_u").cast(pl.Float64))])

    def weights_frame(self) -> pl.DataFrame:
        """The weights as rows (``comparison, level, m, u``) with the training counts."""
        rows = [{"comparison": w.comparison, "level": level, "m": m, "u": u,
                 "entities": self.entities, "mentions": self.mentions}
                for w in self.weights.values()
                for level, m, u in zip(w.levels, w.m, w.u, strict=True)]
        return pl.DataFrame(rows, schema={"comparison": pl.String, "level": pl.String,
                                          "m": pl.Float64, "u": pl.Float64,
                                          "entities": pl.Int64, "mentions": pl.Int64})

    @classmethod
    def from_frames(cls, weights: pl.DataFrame, names: pl.DataFrame,
                    comparisons: tuple[Comparison, ...] = COMPARISONS) -> Model | None:
        """The model saved as :meth:`weights_frame` and :attr:`names`; None when it does
        not fit today's comparisons (a newer version added or changed one: train again)."""
        if weights.height == 0:
            return None
        out = {}
        for c in comparisons:
            rows = weights.filter(pl.col("comparison") == c.name)
            if tuple(rows["level"].to_list()) != tuple(c.levels):
                return None
            out[c.name] = LevelWeights(c.name, c.levels, tuple(rows["m"].to_list()),
                                       tuple(rows["u"].to_list()))
        return cls(out, names.select("name_key", pl.col("tf_u").cast(pl.Float64)),
                   int(weights["entities"][0]), int(weights["mentions"][0]))


# A stored model is trained again when the mentions have grown by this factor since.
RETRAIN_GROWTH = 1.25


def train(entities: pl.DataFrame, mentions: pl.DataFrame,
          comparisons: tuple[Comparison, ...] = COMPARISONS) -> Model:
    """A model estimated from these entities and mentions."""
    keyed = entities.filter(pl.col("name_key").is_not_null()).height
    return Model(estimate(entities, mentions, comparisons), name_frequencies(entities),
                 max(keyed, 1), mentions.height)
