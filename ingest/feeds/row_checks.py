"""Row checks, as polars expressions built from a feed's definition.

Each check yields ``"reason:column"`` where it fails and null elsewhere.  A check
on a required column (and the record_id, source, identity and duplicate checks)
is *fatal*: the row goes to the quarantine.  Date checks read the helper columns
of :func:`ingest.feeds.dates.with_parsed`.  A check on an optional column is
*soft*: the value is set to null and the item is kept in the row's ``flags``.

Checks, in the order of :class:`~ingest.feeds.quarantine.Reason` (most serious first):
record_id present; source allowed for the feed; required columns present; dates
readable; codes in their list (two-digit code lists accept ``1`` for ``01``),
divisions known to the division table; counts positive integers; measures
non-negative decimals; every required role, and at least one role, identifiable
(a usable or evidential ID number, or a name that is not a placeholder).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingest.feeds import dates
from ingest.feeds.definitions import Column, Feed, Kind, Role
from ingest.feeds.quarantine import Reason
from kingraph import divisions


@dataclass(frozen=True)
class Check:
    """One check of one column: where it fails, and whether failing quarantines the row."""

    reason: Reason
    column: str
    failed: pl.Expr
    fatal: bool = True

    @property
    def item(self) -> pl.Expr:
        """``reason:column`` where the check fails, else null."""
        label = pl.lit(f"{self.reason.value}:{self.column}")
        return pl.when(self.failed.fill_null(False)).then(label)


_check = Check


def _present(name: str) -> pl.Expr:
    return pl.col(name).is_not_null()


def _value_valid(column: Column) -> pl.Expr | None:
    value = pl.col(column.name)
    if column.kind is Kind.CODE and column.codes is not None:
        return value.is_in(sorted(column.codes.values))
    if column.kind is Kind.DIVISION:
        return value.is_in(sorted(divisions.table()))
    if column.kind is Kind.COUNT:
        return value.str.contains(r"^[1-9]\d{0,2}$")
    if column.kind is Kind.MEASURE:
        return (value.cast(pl.Float64, strict=False) >= 0).fill_null(False)
    return None


_VALUE_REASONS = {Kind.CODE: Reason.UNKNOWN_CODE, Kind.DIVISION: Reason.UNKNOWN_CODE,
                  Kind.COUNT: Reason.BAD_NUMBER, Kind.MEASURE: Reason.BAD_NUMBER}


def _column_checks(column: Column) -> list[Check]:
    out = []
    if column.required and column.name not in ("record_id", "source"):
        out.append(_check(Reason.MISSING_REQUIRED, column.name, ~_present(column.name)))
    if column.kind is Kind.DATE:
        unreadable = _present(column.name) & pl.col(dates.date_column(column.name)).is_null()
        out.append(_check(Reason.BAD_DATE, column.name, unreadable, column.required))
    valid = _value_valid(column)
    if valid is not None:
        failed = _present(column.name) & ~valid
        out.append(_check(_VALUE_REASONS[column.kind], column.name, failed, column.required))
    return out


def identifiable(role: Role) -> pl.Expr:
    """True where the row gives the role a usable or evidential ID number or a real name."""
    named = _present(role.person_name) & ~pl.col(f"{role.person_name}_placeholder")
    return _present(role.id_number) | _present(f"{role.id_number}_raw") | named


def _identity_checks(definition: Feed) -> list[Check]:
    out = [_check(Reason.NO_IDENTITY, r.name, ~identifiable(r))
           for r in definition.roles if r.required]
    anyone = pl.any_horizontal(identifiable(r) for r in definition.roles)
    out.append(_check(Reason.NO_IDENTITY, "row", ~anyone))
    return out


def checks(definition: Feed) -> list[Check]:
    """Every check of a feed, most serious reason first.

    Args:
        definition: the feed.

    Returns:
        The checks, to run on a frame whose ID and name columns are already identified.
    """
    head = [
        _check(Reason.MISSING_RECORD_ID, "record_id", ~_present("record_id")),
        _check(Reason.UNKNOWN_SOURCE, "source", ~pl.col("source").is_in(
            sorted(definition.sources))),
    ]
    per_column = [c for column in definition.columns for c in _column_checks(column)]
    order = list(Reason)
    per_column.sort(key=lambda c: order.index(c.reason))
    return head + per_column + _identity_checks(definition)
