"""Scoring fusion against the ground truth of a synthetic drop.

Person quality is pairwise over person mentions, as ``docs/feeds.md`` defines it: a pair
of (record, role) mentions is *predicted* when fusion put both into one person and
*true* when the truth says they are one person.  Precision = true predicted pairs /
predicted pairs; recall = true predicted pairs / true pairs.  Pair counts come from
group sizes (never from enumerating pairs).  Parent–child and marriage edges are
scored by mapping each pid to the truth person most of its mentions belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

KEY = ["feed", "source", "record_id", "role"]


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 with the counts behind them."""

    name: str
    true_positive: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs (or edges) that are true."""
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs (or edges) that were predicted."""
        return self.true_positive / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: pl.Series) -> int:
    n = sizes.cast(pl.Int64)
    return int((n * (n - 1) // 2).sum())


def person_score(mentions: pl.DataFrame, truth_links: pl.DataFrame) -> Score:
    """Pairwise mention score; ``mentions`` has KEY + ``pid``, truth KEY + ``person_key``."""
    joined = mentions.filter(pl.col("pid").is_not_null()).join(
        truth_links.select(*KEY, "person_key"), on=KEY)
    predicted = _pairs(joined.group_by("pid").len()["len"])
    actual = _pairs(joined.group_by("person_key").len()["len"])
    both = _pairs(joined.group_by("pid", "person_key").len()["len"])
    return Score("persons", both, predicted, actual)


def pid_to_truth(mentions: pl.DataFrame, truth_links: pl.DataFrame) -> pl.DataFrame:
    """Each pid's majority truth person: ``pid, person_key`` (a tie goes to the smaller
    person key, so the score never depends on the order of the mentions)."""
    joined = mentions.join(truth_links.select(*KEY, "person_key"), on=KEY)
    return (joined.group_by("pid", "person_key").len()
            .sort(["len", "person_key"], descending=[True, False])
            .group_by("pid", maintain_order=True).first().select("pid", "person_key"))


def edge_score(name: str, predicted: pl.DataFrame, actual: pl.DataFrame) -> Score:
    """Score two edge sets given as two-column frames of truth keys (a, b)."""
    p = predicted.unique()
    a = actual.unique()
    tp = p.join(a, on=["a", "b"], how="semi").height
    return Score(name, tp, p.height, a.height)


def parent_edges_truth(persons: pl.DataFrame, present: pl.Series) -> pl.DataFrame:
    """True (child, parent) pairs among persons the graph holds (biological and adoptive)."""
    parts = []
    for column in ("father_key", "mother_key", "adoptive_father_key", "adoptive_mother_key"):
        parts.append(persons.select(pl.col("person_key").alias("a"), pl.col(column).alias("b")))
    edges = pl.concat(parts).drop_nulls()
    keep = present.implode()
    return edges.filter(pl.col("a").is_in(keep) & pl.col("b").is_in(keep))


def step_edges_truth(truth_dir: Path) -> pl.DataFrame:
    """True (child, step-parent) pairs, where the drop's truth holds them."""
    path = truth_dir / "step_relations.parquet"
    if not path.exists():
        return pl.DataFrame(schema={"a": pl.Int64, "b": pl.Int64})
    return pl.read_parquet(path).select(pl.col("child_key").alias("a"),
                                        pl.col("step_parent_key").alias("b"))


def evaluate(mentions: pl.DataFrame, child_of: pl.DataFrame, married: pl.DataFrame,
             truth_dir: Path) -> list[Score]:
    """Person, parent-child and marriage scores for a loaded synthetic drop."""
    links = pl.read_parquet(truth_dir / "record_links.parquet")
    persons = pl.read_parquet(truth_dir / "persons.parquet")
    marriages = pl.read_parquet(truth_dir / "marriages.parquet")
    scores = [person_score(mentions, links)]
    mapping = pid_to_truth(mentions, links)
    present = mapping["person_key"].unique()
    keyed = mapping.rename({"pid": "x", "person_key": "k"})

    def to_truth(frame: pl.DataFrame, a: str, b: str) -> pl.DataFrame:
        return (frame.join(keyed.rename({"x": a, "k": "a"}), on=a)
                .join(keyed.rename({"x": b, "k": "b"}), on=b).select("a", "b"))

    if child_of.height:
        true_parents = parent_edges_truth(persons, present)
        predicted = to_truth(child_of, "child", "parent")
        if "kind" in child_of.columns:  # a step relation coded 27/37/57/58 is a true link
            ambiguous = to_truth(child_of.filter(pl.col("kind") == "step_or_adoptive"),
                                 "child", "parent")
            true_parents = pl.concat([true_parents, ambiguous.join(
                step_edges_truth(truth_dir), on=["a", "b"], how="semi")])
        scores.append(edge_score("child_of", predicted, true_parents))
        scores.append(edge_score("child_of (evidenced)", predicted,
                                 true_parents.join(co_mentioned(links, ("birth", "bloodline")),
                                                   on=["a", "b"], how="semi")))
    if married.height:
        true_married = marriages.select(pl.col("husband_key").alias("a"),
                                        pl.col("wife_key").alias("b")).filter(
            pl.col("a").is_in(present.implode()) & pl.col("b").is_in(present.implode()))
        predicted = to_truth(married, "husband", "wife")
        scores.append(edge_score("married", predicted, true_married))
        scores.append(edge_score("married (evidenced)", predicted,
                                 true_married.join(co_mentioned(links, ("marriage",)),
                                                   on=["a", "b"], how="semi")))
    return scores


def co_mentioned(links: pl.DataFrame, feeds: tuple[str, ...]) -> pl.DataFrame:
    """Pairs of truth persons named together on a row of these feeds, both orientations:
    the edges a row states, as opposed to the ones no department recorded."""
    rows = links.filter(pl.col("feed").is_in(feeds)).select(
        "feed", "source", "record_id", "person_key")
    pairs = rows.join(rows, on=["feed", "source", "record_id"], suffix="_o").filter(
        pl.col("person_key") != pl.col("person_key_o"))
    return pairs.select(pl.col("person_key").alias("a"),
                        pl.col("person_key_o").alias("b")).unique()
