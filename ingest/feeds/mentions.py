"""Person mentions: one row per person a cleaned source row speaks of.

Columns (``MENTION_SCHEMA``, in order):

- ``mention_id`` (``feed|source|record_id|role``), ``feed``, ``source``,
  ``record_id``, ``role``, ``file``, ``line``, ``content_hash`` (of the source row);
- identity: ``id_number`` (normalised, only when usable), ``id_raw`` (cleaned text
  when present but unusable), ``id_status``, ``name``, ``name_key``,
  ``name_initials``, ``name_placeholder``, ``name_partial``;
- ``sex`` (``1``/``2``: the record's, else the one the role implies, else null),
  ``birth_date`` (the record's), ``id_birth_date`` and ``id_sex`` (encoded in the
  ID number), ``id_birth_mismatch`` and ``id_sex_mismatch``;
- ``division_code`` and ``event_date`` (the date the row speaks of) of the row;
- family context, pointing at other mentions of the same row: ``mother_mention``
  and ``father_mention`` (on a birth row's child), ``spouse_mention`` (couples),
  ``relative_mention`` and ``relation`` (on a bloodline row's *person*: what the
  relative is to the person, GB/T 4761; the relative's mention carries neither),
  ``birth_order`` and ``plurality`` (child);
- grouping context: ``household_id`` and ``relation_to_head`` (household rows),
  ``dwelling_id`` (cohabitation), ``employer_code`` (employment), ``address``
  (household and cohabitation rows: the address text, compared within its division);
- ``deregistered_on`` and ``deregistered_reason`` (household rows: a deregistration
  for ``death`` dates the person's death).

A role that may be absent (a birth row's father, a pregnancy's husband, a
certificate's spouses) yields no mention when the row gives it neither an ID number
nor a real name; pointers to an absent mention are null.  Every other role always
yields a mention (a newborn without ID or name is still a person).
"""

from __future__ import annotations

import polars as pl

from ingest.feeds.clean import CleanFeed
from ingest.feeds.definitions import Feed, Role
from ingest.feeds.row_checks import identifiable

MENTION_SCHEMA: dict[str, pl.DataType] = {
    "mention_id": pl.String(), "feed": pl.String(), "source": pl.String(),
    "record_id": pl.String(), "role": pl.String(), "file": pl.String(), "line": pl.Int64(),
    "content_hash": pl.String(), "id_number": pl.String(), "id_raw": pl.String(),
    "id_status": pl.String(), "name": pl.String(), "name_key": pl.String(),
    "name_initials": pl.String(), "name_placeholder": pl.Boolean(),
    "name_partial": pl.Boolean(), "sex": pl.String(), "birth_date": pl.Date(),
    "id_birth_date": pl.Date(), "id_sex": pl.String(), "id_birth_mismatch": pl.Boolean(),
    "id_sex_mismatch": pl.Boolean(), "division_code": pl.String(), "event_date": pl.Date(),
    "mother_mention": pl.String(), "father_mention": pl.String(),
    "spouse_mention": pl.String(), "relative_mention": pl.String(), "relation": pl.String(),
    "birth_order": pl.Int32(), "plurality": pl.Int32(), "household_id": pl.String(),
    "relation_to_head": pl.String(), "dwelling_id": pl.String(), "employer_code": pl.String(),
    "address": pl.String(), "deregistered_on": pl.Date(), "deregistered_reason": pl.String(),
}

_ROW_COLUMNS = ("feed", "source", "record_id", "file", "line", "content_hash")


def record_key(feed: str = "feed") -> pl.Expr:
    """``feed|source|record_id``, the key of a Record node."""
    return pl.concat_str(pl.col(feed), pl.col("source"), pl.col("record_id"), separator="|")


def birth_evidence(anchored: pl.Expr) -> pl.Expr:
    """What a mention says of its person's birth date, as the golden date counts it: the
    date in its number when the mention is anchored, else the row's own date when the
    row gives the person no other number (a number that failed anchoring may be
    someone else's, and so may the date beside it).  Survivorship's golden
    date (:mod:`ingest.derive.survivorship`) and fusion's age veto
    (:mod:`ingest.fusion.lifetimes`) read the same evidence."""
    return (pl.when(anchored).then(pl.coalesce("id_birth_date", "birth_date"))
            .when(pl.col("id_birth_date").is_null()).then(pl.col("birth_date")))


def mention_id(role: str) -> pl.Expr:
    """The mention id of a role in each row: ``feed|source|record_id|role``."""
    return pl.concat_str([pl.col("feed"), pl.col("source"), pl.col("record_id"),
                          pl.lit(role)], separator="|")


def record_of(mention: pl.Expr) -> pl.Expr:
    """The record key (``feed|source|record_id``) of each mention id: all but its role,
    the last part, which holds no ``|``."""
    return mention.str.replace(r"\|[^|]*$", "")


def role_of(mention: pl.Expr) -> pl.Expr:
    """The role of each mention id (its last part)."""
    return mention.str.extract(r"\|([^|]*)$", 1)


def _present(role: Role) -> pl.Expr:
    return pl.lit(True) if role.always_present else identifiable(role)


def _identity(role: Role) -> dict[str, pl.Expr]:
    number, name = role.id_number, role.person_name
    return {
        "id_number": pl.col(number), "id_raw": pl.col(f"{number}_raw"),
        "id_status": pl.col(f"{number}_status"), "id_birth_date": pl.col(f"{number}_birth_date"),
        "id_sex": pl.col(f"{number}_sex"), "name": pl.col(name),
        "name_key": pl.col(f"{name}_key"), "name_initials": pl.col(f"{name}_initials"),
        "name_placeholder": pl.col(f"{name}_placeholder"),
        "name_partial": pl.col(f"{name}_partial"), "sex": pl.col(f"{role.name}_sex"),
        "id_birth_mismatch": pl.col(f"{role.name}_id_birth_mismatch"),
        "id_sex_mismatch": pl.col(f"{role.name}_id_sex_mismatch"),
    }


def _context(definition: Feed, role: Role) -> dict[str, pl.Expr]:
    roles = {r.name: r for r in definition.roles}
    out = {"mention_id": mention_id(role.name), "role": pl.lit(role.name),
           "event_date": pl.col(definition.event_date)}
    if role.birth_date:
        out["birth_date"] = pl.col(role.birth_date)
    if definition.division:
        out["division_code"] = pl.col(definition.division)
    for link in (k for k in definition.links if k.role == role.name):
        target = roles[link.target]
        out[link.column] = pl.when(_present(target)).then(mention_id(target.name))
    out.update((name, pl.col(column)) for name, column in role.extra)
    return out


def _role_mentions(clean: CleanFeed, role: Role) -> pl.DataFrame:
    exprs = {n: pl.col(n) for n in _ROW_COLUMNS}
    exprs |= _identity(role) | _context(clean.definition, role)
    return clean.accepted.filter(_present(role)).select(
        exprs.get(name, pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in MENTION_SCHEMA.items()
    )


def to_mentions(clean: CleanFeed) -> pl.DataFrame:
    """Explode a cleaned feed into one row per person mention.

    Args:
        clean: a feed cleaned by :func:`ingest.feeds.clean.clean_feed`.

    Returns:
        A frame with ``MENTION_SCHEMA``, ordered by line then role order.
    """
    parts = [_role_mentions(clean, role).with_columns(pl.lit(rank).alias("_rank"))
             for rank, role in enumerate(clean.definition.roles)]
    return pl.concat(parts).sort("line", "_rank").drop("_rank")
