"""Fusion's recall and precision loss by class, without a graph.

    .venv/bin/python -m bench.fusion_classes var/drops/<drop> [--label before]

Runs the fusion stages of a load in this process (read and clean every feed file,
person mentions, :func:`ingest.fusion.resolve`) on a synthetic drop and scores the
persons against its ``truth/``: pairwise precision, recall and F1 as
:func:`ingest.fusion.person_score` counts them, then where the missed and the wrong
pairs are.  A missed pair (two mentions of one truth person in two pids) is charged to
the mention that was split off the truth person's largest part (half to each when
neither is in it), a wrong pair (two truth persons in one pid) half to each mention,
so a table's rows add up to the totals.  A mention's class is its hard-case kind
(``truth/hard_cases.parquet``, ``docs/truth.md``; a mention of several kinds counts
under each), else ``other``; the second table breaks the loss down by feed and role
and whether the mention had a usable ID number.  The mentions are cached beside the
drop (``<drop>.mentions.parquet``) so that a second run only re-runs fusion.  Figures
only, never personal data, are printed (and, with ``--out``, appended to a file).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import polars as pl

from ingest.feeds.clean import clean_feed
from ingest.feeds.mentions import to_mentions
from ingest.feeds.read import discover, read_feed
from ingest.fusion import person_score, resolve
from ingest.fusion.resolution import RESOLVER_COLUMNS

KEY = ["feed", "source", "record_id", "role"]
PID_KEY = b"fusion-classes-bench-key-32bytes!"


def mentions_of(drop: Path) -> pl.DataFrame:
    """The drop's person mentions (cached beside the drop)."""
    cache = drop.with_name(drop.name + ".mentions.parquet")
    if cache.exists():
        return pl.read_parquet(cache)
    parts = []
    for file in discover(drop):
        clean = clean_feed(read_feed(file, "auto"))
        parts.append(to_mentions(clean).select(*RESOLVER_COLUMNS, "id_status"))
    frame = pl.concat(parts, how="vertical_relaxed")
    frame.write_parquet(cache)
    return frame


def losses(assigned: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Per mention: ``missed`` and ``wrong`` pair halves, whether it was split off its
    truth person's largest part, and ``lost``: the missed pairs charged to the split-off
    side (a pair of two split-off parts half to each)."""
    j = assigned.join(links.select(*KEY, "person_key"), on=KEY)
    j = j.with_columns(
        pl.len().over("person_key").alias("n_person"),
        pl.len().over("pid").alias("n_pid"),
        pl.len().over("pid", "person_key").alias("n_both"))
    largest = j.group_by("person_key", "pid").agg(pl.len().alias("n")).sort(
        ["n", "pid"], descending=[True, False]).group_by("person_key", maintain_order=True
                                                          ).first().select(
        "person_key", pl.col("pid").alias("main"))
    j = j.join(largest, on="person_key")
    main_size = pl.col("n_both").filter(pl.col("pid") == pl.col("main")).first().over(
        "person_key")
    return j.with_columns(
        pl.when(pl.col("pid") == pl.col("main")).then(0.0).otherwise(
            main_size + (pl.col("n_person") - main_size - pl.col("n_both")) / 2).alias("lost"),
        ((pl.col("n_person") - pl.col("n_both")) / 2).alias("missed"),
        ((pl.col("n_pid") - pl.col("n_both")) / 2).alias("wrong"),
        (pl.col("pid") != pl.col("main")).alias("split"))


def table(frame: pl.DataFrame, by: list[str], total_missed: float) -> str:
    """A markdown table of the loss per group, largest first."""
    g = (frame.group_by(by).agg(pl.len().alias("mentions"), pl.col("split").sum(),
                                pl.col("lost").sum(), pl.col("wrong").sum())
         .sort("lost", descending=True))
    head = ("| " + " | ".join(by) + " | mentions | split off | missed pairs (split side) "
            "| share | wrong pairs (half each) |")
    lines = [head, "|" + "---|" * (len(by) + 5)]
    for row in g.iter_rows(named=True):
        if row["lost"] < 1 and row["wrong"] < 1:
            continue
        share = row["lost"] / total_missed if total_missed else 0.0
        cells = [str(row[c]) for c in by]
        lines.append(f"| {' | '.join(cells)} | {row['mentions']:,} | {row['split']:,} | "
                     f"{row['lost']:,.0f} | {share:.1%} | {row['wrong']:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    """Run fusion on a drop and print the loss by class."""
    parser = argparse.ArgumentParser()
    parser.add_argument("drop", type=Path)
    parser.add_argument("--label", default="")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--assignments", type=Path, help="also write mention -> pid here")
    args = parser.parse_args()
    clock = time.perf_counter()
    mentions = mentions_of(args.drop)
    read_s = time.perf_counter() - clock
    clock = time.perf_counter()
    result = resolve(mentions.select(RESOLVER_COLUMNS), pid_key=PID_KEY)
    fuse_s = time.perf_counter() - clock
    truth = args.drop / "truth"
    links = pl.read_parquet(truth / "record_links.parquet")
    assigned = result.assignments.select(
        pl.col("mention_id").str.splitn("|", 4).struct.rename_fields(KEY).alias("k"),
        "pid").unnest("k")
    score = person_score(assigned, links)
    if args.assignments:
        assigned.write_parquet(args.assignments)
    frame = losses(assigned, links).join(
        mentions.select(*KEY, pl.col("id_number").is_not_null().alias("usable_id")), on=KEY)
    hard = pl.read_parquet(truth / "hard_cases.parquet").select(*KEY, "kind").unique()
    classed = frame.join(hard, on=KEY, how="left").with_columns(
        pl.col("kind").fill_null("other"))
    total = float(frame["missed"].sum())
    out = [
        f"### {args.drop.name} {args.label}".rstrip(),
        "",
        f"persons P {score.precision:.4f}, R {score.recall:.4f}, F1 {score.f1:.4f} "
        f"(pairs: {score.true_positive:,} true of {score.predicted:,} predicted, "
        f"{score.actual:,} actual); missed {score.actual - score.true_positive:,}, "
        f"wrong {score.predicted - score.true_positive:,}; "
        f"{mentions.height:,} mentions, {result.stats['persons']:,} persons, "
        f"{result.stats['reviews']:,} review items; mentions {read_s:.0f} s, "
        f"fusion {fuse_s:.0f} s",
        "",
        "By hard-case kind:",
        "",
        table(classed, ["kind"], total),
        "",
        "By feed, role and usable ID number:",
        "",
        table(frame, ["feed", "role", "usable_id"], total),
        "",
    ]
    text = "\n".join(out)
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")


if __name__ == "__main__":
    main()
