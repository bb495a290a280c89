"""From person mentions to entities: the first, deterministic step of fusion.

A valid ID number is strong evidence, not proof.  A mention is *anchored* on its
number only when the number is usable and agrees with the row itself (the birth
date and sex the number encodes match the row's, where the row states them) and
with the other mentions of the same number (the name is compatible with their
consensus).  A mother's number in her child's field fails the first check; a
relative's number on a bloodline row, or the two numbers of a row swapped, fail the
second.  Such mentions lose their number for linking (it is kept as ``id_claimed``)
and go to the probabilistic step with everything else that has no usable number.

Entity frame columns (one row per entity, ``entity`` = 0..n-1):
``entity, anchor, id_number, id_raw, name, name_key, name_initials,
name_placeholder, birth_date, sex, county, prefecture, mention_count``.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from kingraph import divisions

# How much a source's spelling of a name counts towards the consensus of an ID number.
SOURCE_NAME_WEIGHT = {"public_security": 3, "civil_affairs": 2, "birth_platform": 2}
NAME_COMPATIBLE = 0.75


def _county_maps(codes: pl.Series) -> pl.DataFrame:
    unique = [c for c in codes.unique().to_list() if c]
    return pl.DataFrame({
        "division_code": unique,
        "county": [divisions.current(c) for c in unique],
        "prefecture": [divisions.prefecture(c) for c in unique],
    }, schema={"division_code": pl.String, "county": pl.String, "prefecture": pl.String})


def with_places(mentions: pl.DataFrame) -> pl.DataFrame:
    """Add today's ``county`` and ``prefecture`` for each mention's division code.

    Two columns are added and the others are kept as they are: a join would copy every
    column of the province's mentions (2.7 GiB at 1 M persons, held to the end of fusion).
    """
    maps = _county_maps(mentions["division_code"])
    code = pl.col("division_code")
    return mentions.with_columns(
        code.replace_strict(maps["division_code"], maps[place], default=None,
                            return_dtype=pl.String).alias(place)
        for place in ("county", "prefecture"))


def consistent_ids(mentions: pl.DataFrame) -> pl.Expr:
    """True where the usable number agrees with the row's own birth date and sex."""
    date_ok = pl.col("birth_date").is_null() | (pl.col("birth_date") == pl.col("id_birth_date"))
    sex_ok = ~pl.col("sex").is_in(["1", "2"]).fill_null(False) | (
        pl.col("sex") == pl.col("id_sex"))
    return (pl.col("id_number").is_not_null() & date_ok.fill_null(False)
            & sex_ok.fill_null(False))


# Pairs of names compared at once (each is a Python string while rapidfuzz reads it).
SIMILARITY_CHUNK = 500_000


def name_similarity(a: pl.Series, b: pl.Series) -> pl.Series:
    """Jaro-Winkler similarity of each pair of names (a missing name counts as empty),
    ``SIMILARITY_CHUNK`` pairs at a time."""
    parts = [pl.Series(process.cpdist(a.slice(i, SIMILARITY_CHUNK).fill_null("").to_list(),
                                      b.slice(i, SIMILARITY_CHUNK).fill_null("").to_list(),
                                      scorer=JaroWinkler.normalized_similarity, workers=1),
                       dtype=pl.Float64)
             for i in range(0, len(a), SIMILARITY_CHUNK)]
    return pl.concat(parts) if parts else pl.Series(dtype=pl.Float64)


# What anchoring reads: it works on these columns alone and adds its two to the whole
# frame at the end, so that its joins never copy the rows' other columns (a province's
# addresses and codes: at 10 M mentions each copy of the whole frame is about 1.4 GiB).
ANCHOR_COLUMNS = ("mention_id", "rec", "source", "id_number", "id_birth_date", "id_sex",
                  "birth_date", "sex", "name", "name_key", "name_placeholder")
# What entities are made of (:func:`build_entities`).
ENTITY_COLUMNS = ("mention_id", "anchor", "id_claimed", "id_raw", "id_birth_date", "id_sex",
                  "name", "name_key", "name_initials", "name_placeholder", "birth_date",
                  "sex", "county", "prefecture")


def anchor_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """Add ``anchor`` (the number a mention is linked on, or null) and ``id_claimed``.

    The result is ``mentions`` in ``mention_id`` order with the two columns added.
    """
    found = _anchors(mentions.select(ANCHOR_COLUMNS)).sort("mention_id")
    whole = mentions if mentions["mention_id"].is_sorted() else mentions.sort("mention_id")
    return whole.with_columns(found["anchor"], found["id_claimed"])


def _anchors(mentions: pl.DataFrame) -> pl.DataFrame:
    """``mention_id, anchor, id_claimed`` from the :data:`ANCHOR_COLUMNS`.

    The numbers a mention may be anchored on are worked with as integer codes (their
    rank among the candidates), never as text: every group-by and join of anchoring
    hashes four bytes instead of an 18-character number, and the numbers are put back
    only in the answer.
    """
    candidate = pl.when(consistent_ids(mentions)).then(pl.col("id_number"))
    numbers = mentions.select(candidate.alias("n")).drop_nulls().unique().sort("n")["n"]
    m = mentions.with_columns(
        (candidate.rank("dense") - 1).cast(pl.UInt32).alias("candidate"),
        pl.col("source").replace_strict(SOURCE_NAME_WEIGHT, default=1).alias("_w"),
    )
    named = m.select("candidate", "name", "name_key", "name_placeholder", "_w").filter(
        pl.col("candidate").is_not_null() & pl.col("name").is_not_null()
        & ~pl.col("name_placeholder"))
    consensus = (
        named.group_by("candidate", "name", "name_key").agg(pl.col("_w").sum())
        .sort("_w", "name", descending=[True, False])
        .group_by("candidate", maintain_order=True).first()
        .select("candidate", pl.col("name").alias("c_name"), pl.col("name_key").alias("c_key"))
    )
    del named
    m = _added(m, "candidate", consensus)
    m = m.with_columns(_similarity_where_needed(m).alias("_sim"))
    compatible = (
        pl.col("name").is_null() | pl.col("name_placeholder") | pl.col("c_name").is_null()
        | (pl.col("name_key") == pl.col("c_key")) | (pl.col("_sim") >= NAME_COMPATIBLE)
    )
    m = m.with_columns(pl.when(compatible).then(pl.col("candidate")).alias("anchor"))
    m = _swapped(m)
    m = _one_anchor_per_record(m)
    return m.select(
        "mention_id",
        numbers.gather(m["anchor"]).alias("anchor"),
        pl.when(pl.col("anchor").is_null()).then(pl.col("id_number")).alias("id_claimed"),
    )


def _added(m: pl.DataFrame, on: str | list[str], found: pl.DataFrame) -> pl.DataFrame:
    """``m`` with the other columns of ``found`` (unique on ``on``) where they match, in
    ``m``'s order: a left join of the keys alone, so ``m``'s other columns are not copied
    (at 10 M mentions a copy of the anchoring frame is about 2 GiB)."""
    keys = [on] if isinstance(on, str) else on
    joined = m.select(keys).join(found, on=keys, how="left", maintain_order="left")
    return m.with_columns(joined.drop(keys))


def _similarity_where_needed(m: pl.DataFrame) -> pl.Series:
    """Name similarity to the consensus, computed only where the pinyin differs
    (identical pinyin already counts as compatible): a few per cent of the rows."""
    needed = (pl.col("name").is_not_null() & pl.col("c_name").is_not_null()
              & (pl.col("name_key") != pl.col("c_key")).fill_null(True))
    index = (m.select("name", "c_name", "name_key", "c_key").with_row_index("_i")
             .filter(needed)["_i"])
    out = pl.Series("_sim", dtype=pl.Float64).extend_constant(None, m.height)
    if len(index) == 0:
        return out
    scores = name_similarity(m["name"].gather(index), m["c_name"].gather(index))
    return out.scatter(index, scores)


def _swapped(m: pl.DataFrame) -> pl.DataFrame:
    """Two numbers of one row exchanged: each name fits the *other* number's person."""
    record = ["rec"]
    lost = m.filter(pl.col("anchor").is_null() & pl.col("candidate").is_not_null()
                    & pl.col("name").is_not_null() & ~pl.col("name_placeholder"))
    if lost.height == 0:
        return m
    # Only the rows a lost mention is on, not a copy of every numbered mention's row.
    rows = lost["rec"].unique().implode()
    other = m.select(
        *record, pl.col("mention_id").alias("other"), pl.col("candidate").alias("o_id"),
        pl.col("c_name").alias("o_name"), pl.col("c_key").alias("o_key"),
    ).filter(pl.col("o_id").is_not_null() & pl.col("rec").is_in(rows))
    pairs = lost.select("mention_id", *record, "name", "name_key").join(other, on=record)
    pairs = pairs.filter(pl.col("other") != pl.col("mention_id"))
    sim = name_similarity(pairs["name"], pairs["o_name"])
    fits = pairs.with_columns(sim.alias("s")).filter(
        (pl.col("name_key") == pl.col("o_key")) | (pl.col("s") >= NAME_COMPATIBLE))
    # A name that fits several other numbers of its row takes the best fit (ties: the
    # smaller mention), never whichever the join produced first.
    fits = (fits.sort(["mention_id", "s", "other"], descending=[False, True, False],
                      nulls_last=True)
            .unique("mention_id", keep="first", maintain_order=True)
            .select("mention_id", pl.col("o_id").alias("swap")))
    return _added(m, "mention_id", fits).with_columns(
        pl.coalesce("anchor", "swap").alias("anchor")).drop("swap")


def _one_anchor_per_record(m: pl.DataFrame) -> pl.DataFrame:
    """Two mentions of one row can never be one person: keep the number on the better one
    (the name closest to the number's consensus; ties: the smaller mention id).

    Only rows with a number on two mentions are looked at (a few in a thousand): the
    others are found by one hash of ``rec`` and the number's code packed in 64 bits."""
    pair = (pl.col("rec").cast(pl.UInt64) * (1 << 32) + pl.col("anchor").cast(pl.UInt64))
    twice = m.select((pair.is_duplicated() & pl.col("anchor").is_not_null())
                     .fill_null(False).alias("_twice"))["_twice"]
    if not twice.any():
        return m
    best = (
        m.select("rec", "anchor", "mention_id", "_sim").filter(twice)
        .group_by("rec", "anchor")
        .agg(pl.col("mention_id").sort_by([pl.col("_sim").fill_null(0.0), "mention_id"],
                                          descending=[True, False]).first().alias("_best"))
    )
    return _added(m, ["rec", "anchor"], best).with_columns(
        pl.when(pl.col("_best").is_null() | (pl.col("_best") == pl.col("mention_id")))
        .then(pl.col("anchor")).alias("anchor"),
    ).drop("_best")


def build_entities(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Entities (anchored groups and loose mentions) and the mention -> entity map.

    ``mentions`` must already carry ``anchor`` (see :func:`anchor_mentions`) and the
    places (:func:`with_places`), in ``mention_id`` order.  Returns ``(entities,
    mention_entity)`` where ``mention_entity`` has ``mention_id, entity`` in
    ``mention_id`` order.

    Entities are numbered on stable keys only: anchored ones by their number, then loose
    ones by their mention (whose integer id is the rank of its mention id), so two
    entities keep their relative order whatever else a load holds, and the clustering's
    ties (broken on entity numbers) never depend on input order.  The numbers are ranks
    and positions, not joins on text keys, and each group-by of the anchored mentions
    reads only its own columns (a copy of the anchored mentions' 14 columns was about
    3 GiB at 1 M persons).
    """
    if not mentions["mention_id"].is_sorted():
        mentions = mentions.sort("mention_id")
    anchor = pl.col("anchor")
    anchored = mentions.lazy().filter(anchor.is_not_null())
    groups = _anchor_groups(anchored).sort("anchor").collect()
    loose = mentions.select(ENTITY_COLUMNS).filter(anchor.is_null())
    singles = loose.select(
        pl.lit(None, pl.String).alias("anchor"),
        pl.lit(None, pl.String).alias("id_number"),
        pl.coalesce("id_raw", "id_claimed").alias("id_raw"),
        "name", "name_key", "name_initials", "name_placeholder", "birth_date", "sex",
        "county", "prefecture", pl.lit(1, pl.UInt32).alias("mention_count"),
    )
    del loose
    entities = pl.concat([groups, singles], how="diagonal_relaxed").with_row_index("entity")
    # An anchored mention's entity is its number's rank among the numbers (the groups'
    # order); a loose one's follows the groups in the order of the mentions.
    first_loose = groups.height
    mention_entity = mentions.select(
        "mention_id",
        pl.when(anchor.is_not_null()).then(anchor.rank("dense").cast(pl.Int64) - 1)
        .otherwise(anchor.is_null().cast(pl.Int64).cum_sum() - 1 + first_loose)
        .cast(pl.UInt32).alias("entity"))
    return entities, mention_entity


def _anchor_groups(anchored: pl.LazyFrame) -> pl.LazyFrame:
    named = anchored.filter(pl.col("name").is_not_null() & ~pl.col("name_placeholder"))
    best_name = (
        named.group_by("anchor", "name", "name_key", "name_initials").agg(pl.len().alias("n"))
        .sort("n", "name", descending=[True, False])
        .group_by("anchor", maintain_order=True).first().drop("n")
    )
    places = (
        anchored.filter(pl.col("county").is_not_null())
        .group_by("anchor", "county", "prefecture").agg(pl.len().alias("n"))
        .sort("n", "county", descending=[True, False])
        .group_by("anchor", maintain_order=True).first().drop("n")
    )
    base = anchored.group_by("anchor").agg(
        pl.first("id_birth_date").alias("birth_date"), pl.first("id_sex").alias("sex"),
        pl.len().cast(pl.UInt32).alias("mention_count"),
    )
    return (
        base.join(best_name, on="anchor", how="left").join(places, on="anchor", how="left")
        .select(
            "anchor", pl.col("anchor").alias("id_number"),
            pl.lit(None, pl.String).alias("id_raw"), "name", "name_key", "name_initials",
            pl.col("name").is_null().alias("name_placeholder"), "birth_date", "sex",
            "county", "prefecture", "mention_count",
        )
    )
