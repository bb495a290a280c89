"""Golden person attributes, chosen from a person's mentions by stated rules.

Because they are recomputed from the mentions, a merge or an unmerge simply
recomputes them.  The rules:

* ``id_number``: the number most of the person's *anchored* mentions carry
  (``id_numbers`` lists every anchored number, typo variants included);
* ``name``: the most supported normalised, non-placeholder spelling, household
  registration counting triple and civil affairs and the birth platform double;
* ``birth_date`` and ``sex``: those encoded in the ID number, else the most frequent;
* ``death_date``: a household deregistration for death;
* ``ethnicity``: the most frequent on household rows; ``hukou_type``: the latest
  household row's.
"""

from __future__ import annotations

import polars as pl

from ingest.derive.relations import with_pid
from ingest.feeds.mentions import birth_evidence, record_key
from ingest.fusion.entities import SOURCE_NAME_WEIGHT

# What survivorship reads of a mention (joining only these keeps the peak memory low).
GOLDEN_INPUTS = ("mention_id", "source", "id_number", "name", "name_key", "name_placeholder",
                 "id_birth_date", "birth_date", "id_sex", "sex")


def _mode(frame: pl.DataFrame, value: str, weight: pl.Expr | None = None) -> pl.DataFrame:
    """The most supported value per pid (ties: the smallest); ``weight`` per mention, else 1.

    (``pl.lit(1).sum()`` in an aggregation is 1, not a count: the unweighted support
    must be ``pl.len()``.)
    """
    support = weight.sum() if weight is not None else pl.len()
    return (
        frame.filter(pl.col(value).is_not_null())
        .group_by("pid", value).agg(support.alias("_n"))
        .sort(["_n", value], descending=[True, False])
        .group_by("pid", maintain_order=True).first().drop("_n")
    )


# Mentions per part of :func:`golden` (each part's joins and group-bys are transient).
PART_MENTIONS = 1_000_000


def golden(mentions: pl.DataFrame, assignments: pl.DataFrame,
           households: pl.DataFrame | None, part_mentions: int = PART_MENTIONS
           ) -> pl.DataFrame:
    """One row per pid: ``pid`` and ``props`` (a struct of the golden attributes).

    Every attribute is a function of one person's mentions and household rows, so the
    persons are taken in parts by a hash of their pid, about ``part_mentions`` mentions
    at a time: the memory of the joins and group-bys is a part's, and the answer does not
    depend on the parts.
    """
    homes = _households_with_pid(households, assignments)
    parts = max(1, -(-assignments.height // part_mentions))
    if parts == 1:
        return _golden(mentions, assignments, homes)
    # Each mention's part, once: a part then filters the mentions (a mask) and joins only
    # its own, not every mention once per part.
    part = (pl.col("pid").hash(seed=0) % parts).alias("_part")
    part_of = assignments.select("mention_id", part)
    mention_part = mentions.select("mention_id").join(
        part_of, on="mention_id", how="left", maintain_order="left")["_part"]
    home_part = homes.select(part)["_part"]
    return pl.concat([_golden(mentions.filter(mention_part == k),
                              assignments.filter(part_of["_part"] == k),
                              homes.filter(home_part == k))
                      for k in range(parts)]).sort("pid")


def _golden(mentions: pl.DataFrame, assignments: pl.DataFrame,
            households: pl.DataFrame) -> pl.DataFrame:
    m = mentions.select(GOLDEN_INPUTS).join(
        assignments.select("mention_id", "pid", "anchored"), on="mention_id")
    anchored = m.filter(pl.col("anchored"))
    ids = _mode(anchored, "id_number")
    all_ids = anchored.group_by("pid").agg(pl.col("id_number").unique().sort()
                                           .alias("id_numbers"))
    named = m.filter(~pl.col("name_placeholder").fill_null(True))
    weight = pl.col("source").replace_strict(SOURCE_NAME_WEIGHT, default=1)
    names = _mode(named.with_columns(pl.struct("name", "name_key").alias("nm")), "nm", weight)
    births = _mode(m.with_columns(birth_evidence(pl.col("anchored")).alias("b")), "b")
    sexes = _mode(m.with_columns(pl.coalesce("id_sex", "sex").alias("s"))
                  .filter(pl.col("s").is_in(["1", "2"])), "s")
    counts = m.group_by("pid").agg(pl.len().alias("mentions"))
    people = (counts.join(ids, on="pid", how="left").join(all_ids, on="pid", how="left")
              .join(names, on="pid", how="left").join(births, on="pid", how="left")
              .join(sexes, on="pid", how="left"))
    people = people.with_columns(pl.col("nm").struct.field("name"),
                                 pl.col("nm").struct.field("name_key")).drop("nm")
    people = people.join(_household_facts(households), on="pid", how="left")
    props = [c for c in people.columns if c != "pid"]
    return people.rename({"b": "birth_date", "s": "sex"}).select(
        "pid", pl.struct([("birth_date" if c == "b" else "sex" if c == "s" else c)
                          for c in props]).alias("props")).sort("pid")


HOUSEHOLD_FACTS = {"pid": pl.String, "death_date": pl.Date, "ethnicity": pl.String,
                   "hukou_type": pl.String}
HOUSEHOLD_INPUTS = {"pid": pl.String, "feed": pl.String, "source": pl.String,
                    "record_id": pl.String, "deregistered_reason": pl.String,
                    "deregistered_on": pl.Date, "ethnicity": pl.String,
                    "hukou_type": pl.String, "registered_on": pl.Date}


def _households_with_pid(households: pl.DataFrame | None,
                         assignments: pl.DataFrame) -> pl.DataFrame:
    """The household rows' columns survivorship reads, with the person's pid."""
    if households is None or households.height == 0:
        return pl.DataFrame(schema=HOUSEHOLD_INPUTS)
    pids = assignments.select("mention_id", "pid")
    h = with_pid(households, pids, "person", "pid").filter(pl.col("pid").is_not_null())
    return h.select(list(HOUSEHOLD_INPUTS))


def _household_facts(h: pl.DataFrame) -> pl.DataFrame:
    """``HOUSEHOLD_FACTS`` per pid from its household rows (``HOUSEHOLD_INPUTS``)."""
    if h.height == 0:
        return pl.DataFrame(schema=HOUSEHOLD_FACTS)
    deaths = (h.filter(pl.col("deregistered_reason") == "death")
              .group_by("pid").agg(pl.col("deregistered_on").min().alias("death_date")))
    ethnicity = _mode(h, "ethnicity")
    hukou = (h.filter(pl.col("hukou_type").is_not_null())
             .sort("registered_on", record_key(), nulls_last=False)
             .group_by("pid", maintain_order=True).last().select("pid", "hukou_type"))
    return (deaths.join(ethnicity, on="pid", how="full", coalesce=True)
            .join(hukou, on="pid", how="full", coalesce=True).select(list(HOUSEHOLD_FACTS)))
