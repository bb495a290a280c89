"""Retired pids: a person id that stops naming a person stays resolvable.

A pid is a function of its cluster (:func:`ingest.fusion.clusters.person_ids`), so it
changes when the cluster's anchor changes: two persons merge (one pid goes), a person
is split, a mistyped number loses the majority to the right one.  Whoever wrote the
old pid down (a permit, an export, an audit entry, a researcher's pseudonym) can still
use it: the pid becomes an *alias* of the persons that now hold its mentions, most
mentions first (``(:PidAlias {pid, retired_load})-[:NOW {mentions}]->(:Person)``), and
the person lookups accept it (:mod:`queries.persons`).

An alias of an alias follows the chain to today's persons; a pid that names a person
again stops being an alias; a pid whose mentions all went keeps its alias node with no
``NOW`` edge (its history: when it was retired).

The frame of aliases (``ALIAS_SCHEMA``) has one row per alias: ``alias``,
``retired_load`` and ``targets`` (``pid, mentions``, most mentions first, then pid).
"""

from __future__ import annotations

import polars as pl

TARGET = pl.Struct({"pid": pl.String, "mentions": pl.UInt32})
ALIAS_SCHEMA = pl.Schema([("alias", pl.String()), ("retired_load", pl.String()),
                          ("targets", pl.List(TARGET))])


def empty() -> pl.DataFrame:
    """No aliases."""
    return pl.DataFrame(schema=ALIAS_SCHEMA)


def retire(old: pl.DataFrame | None, new: pl.DataFrame, aliases: pl.DataFrame | None,
           load_id: str) -> pl.DataFrame:
    """The aliases after a load.

    Args:
        old: A mention's key columns (``mention_id``, or ``record, role``) and its
            ``pid`` as last applied (None on a first load).
        new: The same columns of this load.
        aliases: The aliases as last applied (``ALIAS_SCHEMA``), or None.
        load_id: This load (the retirement stamp of pids retired now).

    Returns:
        The aliases (``ALIAS_SCHEMA``), sorted by alias.
    """
    current = new.select("pid").unique()
    flat = _flat(aliases)
    if old is not None and old.height:
        key = [c for c in new.columns if c != "pid"]
        moved = (old.select(*key, pl.col("pid").alias("alias"))
                 .join(current.rename({"pid": "alias"}), on="alias", how="anti")
                 .join(new.select(*key, "pid"), on=key, how="left"))
        direct = (moved.group_by("alias", "pid").agg(pl.len().cast(pl.UInt32).alias("mentions"))
                  .with_columns(pl.lit(load_id).alias("retired_load")))
    else:
        direct = _flat(None)
    # An earlier alias of a pid retired now follows it to its successors.
    hops = direct.select(pl.col("alias").alias("pid"), pl.col("pid").alias("next"),
                         pl.col("mentions").alias("hop"))
    carried = (flat.join(current.rename({"pid": "alias"}), on="alias", how="anti")
               .join(hops, on="pid", how="left")
               .with_columns(pl.when(pl.col("next").is_not_null()).then("next")
                             .when(pl.col("pid").is_in(current["pid"].implode()))
                             .then("pid").alias("pid"),
                             pl.coalesce("hop", "mentions").alias("mentions"))
               .select(_flat(None).columns))
    rows = pl.concat([direct.select(_flat(None).columns), carried])
    return _nest(rows)


def _flat(aliases: pl.DataFrame | None) -> pl.DataFrame:
    """One row per (alias, target): ``alias, pid, mentions, retired_load`` (a null pid for
    an alias with no target)."""
    schema = {"alias": pl.String, "pid": pl.String, "mentions": pl.UInt32,
              "retired_load": pl.String}
    if aliases is None or aliases.height == 0:
        return pl.DataFrame(schema=schema)
    return (aliases.explode("targets")
            .select("alias", pl.col("targets").struct.field("pid"),
                    pl.col("targets").struct.field("mentions"), "retired_load"))


def _nest(rows: pl.DataFrame) -> pl.DataFrame:
    if rows.height == 0:
        return empty()
    summed = (rows.group_by("alias", "pid")
              .agg(pl.col("mentions").sum(), pl.col("retired_load").min()))
    targets = (summed.filter(pl.col("pid").is_not_null())
               .sort(["alias", "mentions", "pid"], descending=[False, True, False])
               .group_by("alias", maintain_order=True)
               .agg(pl.struct("pid", "mentions").alias("targets")))
    stamps = summed.group_by("alias").agg(pl.col("retired_load").min())
    return (stamps.join(targets, on="alias", how="left")
            .with_columns(pl.col("targets").fill_null(pl.lit([], pl.List(TARGET))))
            .select("alias", "retired_load", "targets").cast(ALIAS_SCHEMA).sort("alias"))
