"""Where fusion puts the ``diagnosis`` feed's person mentions, scored against the truth.

    .venv/bin/python -m bench.diagnosis_mentions var/drops/<drop>

Runs the fusion stages of a load in this process (as :mod:`bench.fusion_classes` does,
sharing its mentions cache) on a synthetic drop.  Each pid is given the truth person most
of its mentions belong to (:func:`ingest.fusion.evaluation.pid_to_truth`); a diagnosis
``person`` mention is *correct* when that is the person the row is about, else it is
counted by cause: in the pid of its own mother, of a person born 12 years or more before
it (the mother's generation), of a person born the same day of the same mother (a twin),
or of someone else.  Figures only, never personal data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from bench.fusion_classes import KEY, PID_KEY, mentions_of
from ingest.fusion import person_score, resolve
from ingest.fusion.evaluation import pid_to_truth
from ingest.fusion.resolution import RESOLVER_COLUMNS

GENERATION_YEARS = 12


def causes(assigned: pl.DataFrame, links: pl.DataFrame, persons: pl.DataFrame
           ) -> pl.DataFrame:
    """Diagnosis ``person`` mentions by source, whether numbered, and cause."""
    majority = pid_to_truth(assigned, links).rename({"person_key": "major"})
    born = persons.select("person_key", "birth_date", "mother_key")
    d = (assigned.filter((pl.col("feed") == "diagnosis") & (pl.col("role") == "person"))
         .join(links.select(*KEY, "person_key"), on=KEY).join(majority, on="pid")
         .join(born, on="person_key")
         .join(born.select(pl.col("person_key").alias("major"),
                           pl.col("birth_date").alias("major_born"),
                           pl.col("mother_key").alias("major_mother")), on="major"))
    older = (pl.col("birth_date") - pl.col("major_born")).dt.total_days() \
        >= GENERATION_YEARS * 365.25
    twin = ((pl.col("major_mother") == pl.col("mother_key"))
            & (pl.col("major_born") == pl.col("birth_date")))
    cause = (pl.when(pl.col("major") == pl.col("person_key")).then(pl.lit("correct"))
             .when(pl.col("major") == pl.col("mother_key")).then(pl.lit("in its mother"))
             .when(older).then(pl.lit("in an older generation"))
             .when(twin.fill_null(False)).then(pl.lit("in a twin"))
             .otherwise(pl.lit("in someone else")))
    return d.with_columns(cause.alias("cause"))


def main() -> None:
    """Fuse a drop and print where its diagnosis mentions went."""
    parser = argparse.ArgumentParser()
    parser.add_argument("drop", type=Path)
    args = parser.parse_args()
    mentions = mentions_of(args.drop)
    result = resolve(mentions.select(RESOLVER_COLUMNS), pid_key=PID_KEY)
    truth = args.drop / "truth"
    links = pl.read_parquet(truth / "record_links.parquet")
    persons = pl.read_parquet(truth / "persons.parquet")
    assigned = result.assignments.select(
        pl.col("mention_id").str.splitn("|", 4).struct.rename_fields(KEY).alias("k"),
        "pid").unnest("k")
    score = person_score(assigned, links)
    frame = causes(assigned, links, persons).join(
        mentions.select(*KEY, pl.col("id_number").is_not_null().alias("numbered")), on=KEY)
    print(f"persons P {score.precision:.5f}, R {score.recall:.5f}, F1 {score.f1:.5f}")
    correct = int((frame["cause"] == "correct").sum())
    print(f"diagnosis person mentions: {frame.height:,}, in their own person {correct:,}")
    table = frame.group_by("source", "numbered", "cause").len().sort(
        "source", "numbered", "cause")
    for row in table.iter_rows(named=True):
        print(f"  {row['source']:<18} numbered={row['numbered']!s:<5} "
              f"{row['cause']:<24} {row['len']:>7,}")


if __name__ == "__main__":
    main()
