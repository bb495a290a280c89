"""How far a correction drop reaches into a loaded province: the persons its rows
mention, and those one step further (sharing a row or a household with them). An
incremental derive keyed on persons re-derives at least the first set, and, since a
person's edges, marriages and conflicts read the rows and households around them, about
the second (docs/architecture.md, "A correction drop today").

    .venv/bin/python -m bench.correction_reach var/ingest/neo4j-<hash> var/drops/<fix drop>

Reads the store's applied state (assignments, child_of, married), its household rows and
the drop's record ids; prints counts and shares only, never personal data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from ingest.feeds.mentions import record_key
from ingest.feeds.read import discover, read_feed
from ingest.store import Store


def _share(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} ({100 * part / max(whole, 1):.1f} %)"


def main() -> None:
    """Print the reach of ``drop`` into ``store``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("drop", type=Path)
    args = ap.parse_args()
    store = Store(args.store)
    assigned = store.state("assignments", columns=["record", "pid"])
    if assigned is None:
        raise SystemExit(f"{args.store} holds no applied state")
    ids = pl.concat([read_feed(f).frame.select(pl.lit(f.feed).alias("feed"), "record_id")
                     for f in discover(args.drop)])
    assigned = assigned.with_columns(
        pl.col("record").str.split("|").list.first().alias("feed"),
        pl.col("record").str.split("|").list.last().alias("record_id"))
    touched = assigned.join(ids, on=["feed", "record_id"], how="semi")
    direct = touched.select("pid").unique()
    # One step: every pid on a row, or in a household, with a directly touched pid.
    rows_near = assigned.join(assigned.join(direct, on="pid", how="semi").select("record"),
                              on="record", how="semi").select("pid")
    households = (store.scan_rows("household")
                  .select(record_key().alias("record"), "household_id").collect()
                  .join(assigned.select("record", "pid"), on="record"))
    homes = households.join(direct, on="pid", how="semi").select("household_id").unique()
    home_near = households.join(homes, on="household_id", how="semi").select("pid")
    near = pl.concat([direct, rows_near, home_near]).unique()
    persons = assigned["pid"].n_unique()
    rows = assigned["record"].n_unique()
    rows_of_near = assigned.join(near, on="pid", how="semi")["record"].n_unique()
    child_of = store.state("child_of", columns=["child", "parent"])
    married = store.state("married", columns=["husband", "wife"])
    assert child_of is not None and married is not None
    ids_direct = direct["pid"].implode()
    edges = child_of.filter(pl.col("child").is_in(ids_direct)
                            | pl.col("parent").is_in(ids_direct)).height
    couples = married.filter(pl.col("husband").is_in(ids_direct)
                             | pl.col("wife").is_in(ids_direct)).height
    print(f"- the drop: {ids.height:,} rows; their mentions {touched.height:,}")
    print(f"- persons its rows mention: {_share(direct.height, persons)}")
    print(f"- and those sharing a row or a household with them: {_share(near.height, persons)}")
    print(f"- rows mentioning that wider set: {_share(rows_of_near, rows)}")
    print(f"- CHILD_OF edges with an end among the first set: {_share(edges, child_of.height)}")
    print(f"- marriage episodes with a spouse among the first set: "
          f"{_share(couples, married.height)}")


if __name__ == "__main__":
    main()
