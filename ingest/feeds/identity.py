"""Identifying the people of a row: ID number and name columns, sex, cross-checks.

For each ID number column ``c`` the frame gains ``c`` (normalised, usable only),
``c_raw``, ``c_status``, ``c_birth_date``, ``c_sex`` (:mod:`ingest.feeds.id_numbers`); for
each name column ``c``: ``c`` (normalised), ``c_key``, ``c_initials``,
``c_placeholder``, ``c_partial`` (:mod:`ingest.feeds.names`).  For each role ``r``:
``r_sex`` and the cross-checks ``r_id_birth_mismatch``, ``r_id_sex_mismatch``.
Each distinct ID number and name of a file is worked out once and joined back.
"""

from __future__ import annotations

import polars as pl

from ingest.feeds import id_numbers, names
from ingest.feeds.definitions import Feed, Kind, Role


def _joined(frame: pl.DataFrame, table: pl.DataFrame, column: str, key: str) -> pl.DataFrame:
    renamed = table.rename({n: f"{column}_{n}" for n in table.columns if n != key})
    return frame.join(renamed, left_on=column, right_on=key, how="left", maintain_order="left")


def id_columns(frame: pl.DataFrame, definition: Feed) -> pl.DataFrame:
    """Replace each ID number column by its normalised number, adding status columns."""
    columns = [c.name for c in definition.of_kind(Kind.ID_NUMBER)]
    table = id_numbers.lookup(pl.concat([frame[c] for c in columns]))
    for c in columns:
        frame = _joined(frame, table, c, "raw_value")
        frame = frame.with_columns(
            pl.col(f"{c}_number").alias(c), pl.col(f"{c}_status").fill_null("empty")
        ).drop(f"{c}_number")
    return frame


def name_columns(frame: pl.DataFrame, definition: Feed) -> pl.DataFrame:
    """Replace each name column by its normalised name, adding keys and flags."""
    columns = [c.name for c in definition.of_kind(Kind.NAME)]
    table = names.lookup(pl.concat([frame[c] for c in columns]))
    for c in columns:
        frame = _joined(frame, table, c, "raw")
        frame = frame.with_columns(
            pl.col(f"{c}_name").alias(c), pl.col(f"{c}_placeholder").fill_null(True),
            pl.col(f"{c}_partial").fill_null(False),
        ).drop(f"{c}_name")
    return frame


def _role_sex(role: Role) -> pl.Expr:
    recorded = pl.col(role.sex) if role.sex else pl.lit(None, pl.String)
    known = pl.when(recorded.is_in(["1", "2"])).then(recorded)
    return pl.coalesce(known, pl.lit(role.implied_sex, pl.String)).alias(f"{role.name}_sex")


def _cross_checks(role: Role) -> list[pl.Expr]:
    id_birth = pl.col(f"{role.id_number}_birth_date")
    birth = pl.col(role.birth_date) if role.birth_date else pl.lit(None, pl.Date)
    return [
        (id_birth != birth).fill_null(False).alias(f"{role.name}_id_birth_mismatch"),
        (pl.col(f"{role.id_number}_sex") != pl.col(f"{role.name}_sex")).fill_null(False)
        .alias(f"{role.name}_id_sex_mismatch"),
    ]


def roles(frame: pl.DataFrame, definition: Feed) -> pl.DataFrame:
    """Add each role's sex and its ID-versus-record cross-checks (dates already typed).

    A cross-check is true only when both sides are known and disagree.
    """
    frame = frame.with_columns(_role_sex(r) for r in definition.roles)
    return frame.with_columns(e for r in definition.roles for e in _cross_checks(r))
