"""Which entity pairs fusion looks at, declared as data.

Comparing all pairs of ten million people is impossible and pointless; a blocking
rule names a key (polars expressions over the entity frame), and only entities that
share a key are compared.  Rules are unioned; a pair found by several rules is scored
once.  Blocks larger than ``max_block`` (a very common name on a common date) are
skipped and counted, never silently truncated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
                    rules: tuple[BlockingRule, ...] = BLOCKING_RULES, *,
                    folder: Path, memory: str = "1GB",
                    ) -> tuple[pl.DataFrame, list[BlockStats]]:
    """Distinct (left, right) entity index pairs with left < right, and per-rule stats.

    ``entities`` must have an ``entity`` column (UInt32, 0..n-1) and the columns the
    rules use.  Pairs of two entities that are both anchored on different valid ID
    numbers are kept: a typo can produce another valid number.  The self-join runs in
    DuckDB over the long keys (:data:`PAIRS_SQL`), within ``memory`` and spilling to
    ``folder`` beyond it (docs/architecture.md: why DuckDB).
    """
    import duckdb  # only fusion needs it

    keys_file = folder / "keys.parquet"
    pairs_file = folder / "pairs.parquet"
    blocking_keys(entities, rules).write_parquet(keys_file)
    with duckdb.connect() as con:
        con.execute(f"SET memory_limit = '{memory}'")
        con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        con.execute("SET preserve_insertion_order = false")
        con.read_parquet(str(keys_file)).create_view("keys")
        con.register("limits", rule_limits(rules).to_arrow())
        per_rule = {r: (p, s) for r, p, s in con.execute(STATS_SQL).fetchall()}
        con.execute(f"COPY ({PAIRS_SQL}) TO '{pairs_file}' (FORMAT parquet)")
    pairs = pl.read_parquet(pairs_file).select(pl.col("left").cast(pl.UInt32),
                                               pl.col("right").cast(pl.UInt32))
    keys_file.unlink()
    pairs_file.unlink()
    return pairs.sort("left", "right"), block_stats(rules, per_rule)


def block_stats(rules: tuple[BlockingRule, ...],
                per_rule: dict[int, tuple[float | None, float | None]]) -> list[BlockStats]:
    """Each rule's figures from the rows of :data:`STATS_SQL` (``rule: (pairs,
    skipped)``; a rule no entity has a key for has no row)."""
    return [BlockStats(rule.name, int(per_rule.get(i, (0, 0))[0] or 0),
                       int(per_rule.get(i, (0, 0))[1] or 0)) for i, rule in enumerate(rules)]


# The long form of the blocking keys: one row per (rule, key, entity).  Any relational
# engine (polars, DuckDB, Spark SQL) turns it into candidate pairs with one generic
# group-by and one self-join (:data:`PAIRS_SQL`), with no knowledge of the rules.
KEY_SCHEMA = {"rule": pl.UInt8, "key": pl.String, "entity": pl.UInt32}
KEY_SEPARATOR = "\x1f"


def blocking_keys(entities: pl.DataFrame,
                  rules: tuple[BlockingRule, ...] = BLOCKING_RULES) -> pl.DataFrame:
    """``rule, key, entity``: every entity's key under every rule (none of its parts null).

    ``rule`` is the rule's position in ``rules``; ``key`` joins the key's parts as text.
    """
    parts = []
    for number, rule in enumerate(rules):
        key = pl.concat_str([k.cast(pl.String) for k in rule.keys], separator=KEY_SEPARATOR)
        parts.append(entities.select(pl.lit(number, pl.UInt8).alias("rule"), key.alias("key"),
                                     pl.col("entity").cast(pl.UInt32)).drop_nulls("key"))
    if not parts:
        return pl.DataFrame(schema=KEY_SCHEMA)
    return pl.concat(parts)


def rule_limits(rules: tuple[BlockingRule, ...] = BLOCKING_RULES) -> pl.DataFrame:
    """``rule, max_block``: the rules' block bounds as data (for a join)."""
    return pl.DataFrame({"rule": list(range(len(rules))),
                         "max_block": [r.max_block for r in rules]},
                        schema={"rule": pl.UInt8, "max_block": pl.UInt32})


# Candidate pairs from the long keys (tables ``keys`` and ``limits``), in portable SQL.
PAIRS_SQL = """
WITH sizes AS (
    SELECT rule, key, count(*) AS n FROM keys GROUP BY rule, key
), kept AS (
    SELECT k.rule, k.key, k.entity
    FROM keys k JOIN sizes s ON k.rule = s.rule AND k.key = s.key
    JOIN limits l ON k.rule = l.rule
    WHERE s.n > 1 AND s.n <= l.max_block
)
SELECT DISTINCT a.entity AS "left", b.entity AS "right"
FROM kept a JOIN kept b ON a.rule = b.rule AND a.key = b.key AND a.entity < b.entity
"""

# Per rule: the pairs its blocks hold and the blocks skipped as too large.
STATS_SQL = """
WITH sizes AS (
    SELECT rule, key, count(*) AS n FROM keys GROUP BY rule, key
)
SELECT s.rule,
       sum(CASE WHEN s.n > 1 AND s.n <= l.max_block THEN s.n * (s.n - 1) / 2 ELSE 0 END),
       sum(CASE WHEN s.n > l.max_block THEN 1 ELSE 0 END)
FROM sizes s JOIN limits l ON s.rule = l.rule
GROUP BY s.rule
"""
