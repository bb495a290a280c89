"""Cascade-screening yield per division, from the worklist's outcome rows (pure polars).

One cascade row per (index case, relative): the relative's current division and
whether they were reached, screened and found to carry. A relative listed for
two index cases counts once per division (reached/screened/carrier if any row
says so). Couples come from the couple lists with their ``division`` and
``classification`` (see ``couples.CoupleClass``).
"""

from __future__ import annotations

import polars as pl

from kingraph.errors import InvalidArgument
from queries.thalassemia.pregnancy_risk import CoupleClass

CASCADE_SCHEMA: dict[str, pl.DataType] = {
    "index_pid": pl.String(),
    "relative_pid": pl.String(),
    "division": pl.String(),
    "reached": pl.Boolean(),
    "screened": pl.Boolean(),
    "carrier_found": pl.Boolean(),
}
COUPLE_SCHEMA: dict[str, pl.DataType] = {"division": pl.String(), "classification": pl.String()}
COUNTS = ("relatives", "reached", "screened", "carriers_found")


def _require(frame: pl.DataFrame, schema: dict[str, pl.DataType], name: str) -> pl.DataFrame:
    missing = sorted(set(schema) - set(frame.columns))
    if missing:
        raise InvalidArgument(f"{name}: missing_columns {','.join(missing)}",
                              reason="missing_columns")
    return frame.select(pl.col(c).cast(t) for c, t in schema.items())


def cascade_counts(cascade: pl.DataFrame) -> pl.DataFrame:
    """Index cases, relatives, reached, screened and carriers found per division."""
    rows = _require(cascade, CASCADE_SCHEMA, "cascade")
    per_relative = rows.group_by("division", "relative_pid").agg(
        pl.col("reached", "screened", "carrier_found").fill_null(False).any()
    )
    relatives = per_relative.group_by("division").agg(
        pl.len().alias("relatives"),
        pl.col("reached").sum(),
        pl.col("screened").sum(),
        pl.col("carrier_found").sum().alias("carriers_found"),
    )
    index_cases = rows.group_by("division").agg(pl.col("index_pid").n_unique().alias("index_cases"))
    return index_cases.join(relatives, on="division", how="full", coalesce=True)


def couple_counts(couples: pl.DataFrame) -> pl.DataFrame:
    """At-risk (prenatal diagnosis) and partner-screening couples per division."""
    rows = _require(couples, COUPLE_SCHEMA, "couples")
    kind = pl.col("classification")
    return rows.group_by("division").agg(
        (kind == CoupleClass.PRENATAL_DIAGNOSIS.value).sum().alias("at_risk_couples"),
        (kind == CoupleClass.GENOTYPING.value).sum().alias("genotyping_couples"),
        (kind == CoupleClass.PARTNER_SCREENING.value).sum().alias("partner_screening_couples"),
    )


def division_summary(cascade: pl.DataFrame, couples: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per division: index cases, relatives reached, screened, carriers found, yield, couples.

    Args:
        cascade: rows with the columns of ``CASCADE_SCHEMA``.
        couples: rows with ``division`` and ``classification``; None for no couples.

    Returns:
        One row per division, sorted by code. ``yield`` is carriers found per relative
        screened (null where nobody was screened); counts are zero, not null.

    Raises:
        InvalidArgument: A frame lacks a required column.
    """
    empty = pl.DataFrame(schema=COUPLE_SCHEMA)
    summary = cascade_counts(cascade).join(
        couple_counts(empty if couples is None else couples),
        on="division",
        how="full",
        coalesce=True,
    )
    counts = [c for c in summary.columns if c != "division"]
    summary = summary.with_columns(pl.col(counts).fill_null(0).cast(pl.Int64))
    screened = pl.col("screened")
    ratio = pl.when(screened > 0).then(pl.col("carriers_found") / screened)
    return summary.with_columns(ratio.alias("yield")).sort("division")
