"""Linking mentions that carry only a name, through the other person on their row.

A bloodline row often names the relative with no usable ID number and no birth
date; a self-collected birth row names the father the same way.  Alone, such a name
could be anyone's.  But the row's *other* person is usually resolved (anchored on an
ID number), and a parent, child or spouse has almost always shared a household with
them.  So the candidates for a name-only mention are the members of the households
its row-partner belonged to, and, when the row names the mention as a parent of its
partner, the parents other rows state for that partner (a father named without a
number on a bloodline row is the father the birth row names, if the names agree: an
adult child seldom still lives with the parent).  A candidate must match the name
(same pinyin or very similar characters), the sex where known, and the birth date
where both are known; and ages must fit the rows: someone a row names as a parent is
at least ``MIN_PARENT_AGE_YEARS`` older than the child it names (a father named only
by his name is not his same-named son).  One candidate: a link.  Several equally
good ones: a possible match for review.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from ingest.fusion.lifetimes import MIN_PARENT_AGE_YEARS

CONTEXT_LINK_WEIGHT = 25.0
NAME_SIMILAR = 0.85
RECORD = ["rec"]  # the resolver numbers source rows
# Bloodline codes (what the relative is to the person): the relative is a parent (the
# code names the side), or a child.
PARENT_CODES = {"51": "father", "52": "mother", "57": "father", "58": "mother"}
CHILD_CODES = tuple(f"{c}" for c in (*range(20, 28), *range(30, 38)))


def _households(mentions: pl.DataFrame, entity_of: pl.DataFrame) -> pl.DataFrame:
    return (mentions.filter(pl.col("household_id").is_not_null())
            .select("mention_id", "household_id").join(entity_of, on="mention_id")
            .select("entity", "household_id").unique())


def _loose_with_partners(mentions: pl.DataFrame, entity_of: pl.DataFrame,
                         entities: pl.DataFrame) -> pl.DataFrame:
    """(loose mention's entity, its name/sex/birth, a row-partner's entity)."""
    loose_entities = entities.filter(pl.col("anchor").is_null()
                                     & ~pl.col("name_placeholder").fill_null(True))
    m = mentions.select("mention_id", *RECORD).join(entity_of, on="mention_id")
    loose = m.join(loose_entities.select("entity"), on="entity", how="semi")
    partners = m.select(*RECORD, pl.col("entity").alias("partner"))
    return (loose.join(partners, on=RECORD).filter(pl.col("partner") != pl.col("entity"))
            .select("entity", "partner").unique())


def stated_parents(mentions: pl.DataFrame, entity_of: pl.DataFrame) -> pl.DataFrame:
    """``rec, child, parent, side`` (entities; side mother, father or null) for every
    parent-child link a row states: a birth row's child and its mother and father, a
    bloodline row's parent or child code."""
    m = mentions.select("mention_id", *RECORD, "role", "relation", "relative_mention").join(
        entity_of, on="mention_id")
    births = m.filter(pl.col("role") == "child").select(*RECORD, pl.col("entity").alias("child"))
    parents = m.filter(pl.col("role").is_in(["mother", "father"])).select(
        *RECORD, pl.col("entity").alias("parent"), pl.col("role").alias("side"))
    ref = entity_of.rename({"mention_id": "relative_mention", "entity": "relative"})
    blood = m.filter(pl.col("relative_mention").is_not_null()).join(ref, on="relative_mention")
    return pl.concat([
        births.join(parents, on=RECORD),
        blood.filter(pl.col("relation").is_in(list(PARENT_CODES))).select(
            *RECORD, pl.col("entity").alias("child"), pl.col("relative").alias("parent"),
            pl.col("relation").replace_strict(PARENT_CODES).alias("side")),
        blood.filter(pl.col("relation").is_in(CHILD_CODES)).select(
            *RECORD, pl.col("relative").alias("child"), pl.col("entity").alias("parent"),
            pl.lit(None, pl.String).alias("side")),
    ]).unique()


def _other_parents(loose: pl.DataFrame, stated: pl.DataFrame) -> pl.DataFrame:
    """(loose parent entity, a parent of the same side other rows state for its child)."""
    named = stated.join(loose.select(pl.col("entity").alias("parent")), on="parent", how="semi")
    others = stated.select("child", pl.col("parent").alias("candidate"),
                           pl.col("side").alias("side_c"))
    return (named.join(others, on="child")
            .filter((pl.col("candidate") != pl.col("parent"))
                    & (pl.col("side").is_null() | pl.col("side_c").is_null()
                       | (pl.col("side") == pl.col("side_c"))))
            .select(pl.col("parent").alias("entity"), "candidate").unique())


def _ages_fit(found: pl.DataFrame, stated: pl.DataFrame, entities: pl.DataFrame
              ) -> pl.DataFrame:
    """Candidates whose birth date fits the parent-child links the loose mention's rows
    state: a parent at least ``MIN_PARENT_AGE_YEARS`` older than its child."""
    born = entities.select("entity", "birth_date")
    gap = f"{MIN_PARENT_AGE_YEARS}y"
    # The latest a loose parent may be born, and the earliest a loose child may be born.
    latest = (stated.join(born.rename({"entity": "child"}), on="child")
              .group_by(pl.col("parent").alias("entity"))
              .agg(pl.col("birth_date").min().dt.offset_by(f"-{gap}").alias("latest")))
    earliest = (stated.join(born.rename({"entity": "parent"}), on="parent")
                .group_by(pl.col("child").alias("entity"))
                .agg(pl.col("birth_date").max().dt.offset_by(gap).alias("earliest")))
    c = pl.col("birth_date")
    return (found.join(latest, on="entity", how="left").join(earliest, on="entity", how="left")
            .join(born.rename({"entity": "candidate"}), on="candidate", how="left")
            .filter((c.is_null() | pl.col("latest").is_null() | (c <= pl.col("latest")))
                    & (c.is_null() | pl.col("earliest").is_null() | (c >= pl.col("earliest"))))
            .select("entity", "candidate"))


def context_links(mentions: pl.DataFrame, entity_of: pl.DataFrame,
                  entities: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Links (and ambiguous candidates) of name-only mentions via their row-partners.

    Returns ``(links, ambiguous)``, both ``left, right, weight``.
    """
    homes = _households(mentions, entity_of)
    pairs = _loose_with_partners(mentions, entity_of, entities)
    members = homes.rename({"entity": "candidate"})
    housemates = (pairs.join(homes.rename({"entity": "partner"}), on="partner")
                  .join(members, on="household_id")
                  .filter((pl.col("candidate") != pl.col("partner"))
                          & (pl.col("candidate") != pl.col("entity")))
                  .select("entity", "candidate"))
    stated = stated_parents(mentions, entity_of)
    parents = _other_parents(pairs.select("entity").unique(), stated)
    found = _ages_fit(pl.concat([housemates, parents]).unique(), stated, entities)
    attrs = entities.select("entity", "name", "name_key", "sex", "birth_date")
    found = found.join(attrs, on="entity").join(attrs, left_on="candidate",
                                                right_on="entity", suffix="_c")
    similarity = process.cpdist(found["name"].fill_null("").to_list(),
                                found["name_c"].fill_null("").to_list(),
                                scorer=JaroWinkler.normalized_similarity, workers=1)
    found = found.with_columns(pl.Series("sim", similarity, dtype=pl.Float64)).filter(
        ((pl.col("name_key") == pl.col("name_key_c")) | (pl.col("sim") >= NAME_SIMILAR))
        & (pl.col("sex").is_null() | pl.col("sex_c").is_null()
           | (pl.col("sex") == pl.col("sex_c")))
        & (pl.col("birth_date").is_null() | pl.col("birth_date_c").is_null()
           | ((pl.col("birth_date") - pl.col("birth_date_c")).dt.total_days().abs() <= 3))
    ).with_columns((pl.col("name") == pl.col("name_c")).alias("exact"))
    return _decide(found)


def _decide(found: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    per = found.group_by("entity").agg(pl.len().alias("n"),
                                       pl.col("exact").sum().alias("n_exact"))
    found = found.join(per, on="entity")
    unique = (pl.col("n") == 1) | ((pl.col("n_exact") == 1) & pl.col("exact"))
    weight = pl.lit(CONTEXT_LINK_WEIGHT).alias("weight")
    links = found.filter(unique).select(pl.col("entity").alias("left"),
                                        pl.col("candidate").alias("right"), weight)
    resolved = links.select(pl.col("left").alias("entity"))
    ambiguous = (found.join(resolved, on="entity", how="anti")
                 .select(pl.col("entity").alias("left"), pl.col("candidate").alias("right"),
                         weight))
    return links, ambiguous
