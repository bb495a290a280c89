"""Which entity pairs fusion looks at, declared as data.

Comparing all pairs of ten million people is impossible and pointless; a blocking
rule names a key (polars expressions over the entity frame), and only entities that
share a key are compared.  Rules are unioned; a pair found by several rules is scored
once.  Blocks larger than ``max_block`` (a very common name on a common date) are
skipped and counted, never silently truncated.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class BlockingRule:
    """Entities sharing every key expression (none null) become candidate pairs."""

    name: str
    keys: tuple[pl.Expr, ...]
    max_block: int = 60


_ID_TEXT = pl.coalesce("id_number", "id_raw")

BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("name_birth", (pl.col("name_key"), pl.col("birth_date"))),
    BlockingRule("initials_birth_sex",
                 (pl.col("name_initials"), pl.col("birth_date"), pl.col("sex"))),
    BlockingRule("name_year_sex",
                 (pl.col("name_key"), pl.col("birth_date").dt.year(), pl.col("sex")),
                 max_block=40),
    # A mistyped ID number keeps most of its digits: address and birth date, or the
    # birth date and sequence.
    BlockingRule("id_head", (_ID_TEXT.str.slice(0, 14),), max_block=40),
    BlockingRule("id_tail_name", (_ID_TEXT.str.slice(6, 12), pl.col("name_key"))),
    # A name with no birth date on its row (bloodline, marriage) meets its person
    # through the name and the division the row was made in.
    BlockingRule("name_county", (pl.col("name_key"), pl.col("county")), max_block=25),
)


@dataclass(frozen=True)
class BlockStats:
    """How many pairs a rule produced and how many oversized blocks it skipped."""

    rule: str
    pairs: int
    skipped_blocks: int


def candidate_pairs(entities: pl.DataFrame,
                    rules: tuple[BlockingRule, ...] = BLOCKING_RULES,
                    ) -> tuple[pl.DataFrame, list[BlockStats]]:
    """Distinct (left, right) entity index pairs with left < right, and per-rule stats.

    ``entities`` must have an ``entity`` column (UInt32, 0..n-1) and the columns the
    rules use.  Pairs of two entities that are both anchored on different valid ID
    numbers are kept: a typo can produce another valid number.
    """
    found = []
    stats = []
    for rule in rules:
        keyed = entities.select(
            "entity", *[k.alias(f"k{i}") for i, k in enumerate(rule.keys)]
        ).drop_nulls()
        key_cols = [f"k{i}" for i in range(len(rule.keys))]
        sizes = keyed.group_by(key_cols).agg(pl.len().alias("n"))
        skipped = sizes.filter(pl.col("n") > rule.max_block).height
        keep = sizes.filter((pl.col("n") > 1) & (pl.col("n") <= rule.max_block))
        keyed = keyed.join(keep.select(key_cols), on=key_cols, how="semi")
        pairs = (
            keyed.join(keyed, on=key_cols, suffix="_r")
            .filter(pl.col("entity") < pl.col("entity_r"))
            .select(pl.col("entity").alias("left"), pl.col("entity_r").alias("right"))
        )
        stats.append(BlockStats(rule.name, pairs.height, skipped))
        found.append(pairs)
    if not found:
        return pl.DataFrame(schema={"left": pl.UInt32, "right": pl.UInt32}), stats
    return pl.concat(found).unique(maintain_order=False).sort("left", "right"), stats
