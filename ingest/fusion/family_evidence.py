"""Family context as evidence for fusion.

A newborn on a birth certificate (or a newborn-screening row of the ``diagnosis`` feed:
every mention that points at its mother) usually has neither name nor ID number; it is the
same person as a child registered later when the mother is the same person, the
birth date agrees and the sex agrees (and the birth order, where both rows state
it).  Mothers come from the rows that state them: birth rows (the child's mother)
and bloodline rows (relation 52, or a child code on a woman's row).

Impossibilities veto: a candidate whose birth date is more than a day off, whose
sex differs, or whose name (when both are named) is unlike the newborn's is not a
candidate.  More than one surviving candidate (same-sex twins, say) is not guessed:
it becomes a possible match for review.
"""

from __future__ import annotations

import polars as pl

MOTHER_CODES = ("52",)
CHILD_CODES = tuple(f"{c}" for c in (*range(20, 28), *range(30, 38)))
HEAD_CHILD_CODES = tuple(f"{c}" for c in (*range(20, 27), *range(30, 37)))
HEAD_OR_SPOUSE = ("02", "10", "11", "12")
FAMILY_LINK_WEIGHT = 30.0


def mother_edges(mentions: pl.DataFrame, entity_of: pl.DataFrame,
                 entities: pl.DataFrame) -> pl.DataFrame:
    """(child entity, mother entity, support) from birth and bloodline rows."""
    # Only the columns read: a join copies every column it carries (the province's).
    m = mentions.select("mention_id", "mother_mention", "relation", "relative_mention",
                        "household_id", "relation_to_head").join(entity_of, on="mention_id")
    ent = entity_of.rename({"mention_id": "other", "entity": "other_entity"})
    births = (
        m.filter(pl.col("mother_mention").is_not_null())
        .join(ent, left_on="mother_mention", right_on="other")
        .select(pl.col("entity").alias("child"), pl.col("other_entity").alias("mother"))
    )
    blood = m.filter(pl.col("relation").is_not_null() & pl.col("relative_mention").is_not_null())
    blood = blood.join(ent, left_on="relative_mention", right_on="other")
    stated_mother = blood.filter(pl.col("relation").is_in(MOTHER_CODES)).select(
        pl.col("entity").alias("child"), pl.col("other_entity").alias("mother"))
    women = entities.filter(pl.col("sex") == "2").select("entity")
    stated_child = (
        blood.filter(pl.col("relation").is_in(CHILD_CODES))
        .join(women, on="entity", how="semi")
        .select(pl.col("other_entity").alias("child"), pl.col("entity").alias("mother"))
    )
    return (
        pl.concat([births, stated_mother, stated_child, _household_mothers(m, women)])
        .filter(pl.col("child") != pl.col("mother"))
        .group_by("child", "mother").agg(pl.len().alias("support"))
    )


def _household_mothers(m: pl.DataFrame, women: pl.DataFrame) -> pl.DataFrame:
    """A head's children and the woman who is the head or the head's spouse (inferred)."""
    h = m.filter(pl.col("household_id").is_not_null()).select(
        "entity", "household_id", "relation_to_head")
    kids = h.filter(pl.col("relation_to_head").is_in(HEAD_CHILD_CODES))
    parents = (h.filter(pl.col("relation_to_head").is_in(HEAD_OR_SPOUSE))
               .join(women, on="entity", how="semi"))
    return kids.join(parents, on="household_id", suffix="_p").select(
        pl.col("entity").alias("child"), pl.col("entity_p").alias("mother"))


def mother_of(edges: pl.DataFrame) -> pl.DataFrame:
    """The best-supported mother entity per child entity: ``entity, mother_entity``."""
    return (
        edges.sort(["support", "mother"], descending=[True, False])
        .group_by("child", maintain_order=True).first()
        .select(pl.col("child").alias("entity"), pl.col("mother").alias("mother_entity"))
    )


def newborn_links(mentions: pl.DataFrame, entity_of: pl.DataFrame, entities: pl.DataFrame,
                  edges: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Links of unnamed newborn entities to the later registered child.

    Returns ``(links, ambiguous)``, both with ``left, right, weight``; ``ambiguous``
    holds every candidate of a newborn that had more than one.
    """
    newborn = (
        mentions.select("mention_id", "mother_mention", "birth_order")
        .filter(pl.col("mother_mention").is_not_null())
        .join(entity_of, on="mention_id")
        .join(entities.filter(pl.col("anchor").is_null()).select("entity"), on="entity",
              how="semi")
        .select("entity", "birth_order").unique("entity")
    )
    attrs = entities.select("entity", "birth_date", "sex", "name", "name_key",
                            "name_placeholder")
    left = (newborn.join(edges, left_on="entity", right_on="child")
            .join(attrs, on="entity"))
    right = edges.join(attrs, left_on="child", right_on="entity").join(
        newborn.select(pl.col("entity").alias("child"), pl.col("birth_order").alias("order_c"),
                       pl.lit(True).alias("newborn_c")), on="child", how="left")
    pairs = left.join(right, on="mother", suffix="_c").filter(
        (pl.col("child") != pl.col("entity"))
        & ((pl.col("birth_date") - pl.col("birth_date_c")).dt.total_days().abs() <= 1)
        & (pl.col("sex").is_null() | pl.col("sex_c").is_null()
           | (pl.col("sex") == pl.col("sex_c")))
        & (pl.col("name_placeholder") | pl.col("name").is_null()
           | pl.col("name_placeholder_c") | pl.col("name_c").is_null()
           | (pl.col("name_key") == pl.col("name_key_c")))
        # Twins: two newborn rows of one delivery differ in birth order.
        & (pl.col("birth_order").is_null() | pl.col("order_c").is_null()
           | (pl.col("birth_order") == pl.col("order_c")))
    ).select(pl.col("entity").alias("left"), pl.col("child").alias("right"),
             pl.col("newborn_c").fill_null(False)).unique()
    # Ambiguity is counted over registered children only: two birth rows of one
    # newborn (platform and self-collected) agree with each other.
    counts = pairs.filter(~pl.col("newborn_c")).group_by("left").agg(pl.len().alias("n"))
    pairs = pairs.join(counts, on="left", how="left").with_columns(
        pl.col("n").fill_null(0), pl.lit(FAMILY_LINK_WEIGHT).alias("weight"))
    ambiguous = pairs.filter((pl.col("n") > 1) & ~pl.col("newborn_c"))
    links = pairs.filter((pl.col("n") <= 1) | pl.col("newborn_c"))
    return links.select("left", "right", "weight"), ambiguous.select("left", "right", "weight")
