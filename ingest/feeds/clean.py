"""Cleaning a raw feed: typed values, identified people, quarantine, reconciliation.

``CleanFeed.accepted`` has one row per accepted source row:

- ``feed``, ``file``, ``line``, ``content_hash`` (:mod:`ingest.feeds.content_hash`), ``flags``
  (``list[str]`` of soft ``reason:column`` items, see :mod:`ingest.feeds.row_checks`);
- every spec column, stripped, empty -> null; dates as ``pl.Date``, counts as
  ``Int32``, measures as ``Float64``, codes as strings (``1`` padded to ``01`` in
  two-digit lists); a value failing a soft check is null;
- for each ID number column ``c``: ``c`` (normalised number, only when usable),
  ``c_raw`` (cleaned text when present but unusable), ``c_status``
  (:class:`kingraph.ids.IdStatus`), ``c_birth_date`` and ``c_sex`` (encoded in ``c``);
- for each name column ``c``: ``c`` (normalised), ``c_key``, ``c_initials``,
  ``c_placeholder``, ``c_partial`` (:mod:`ingest.feeds.names`);
- for each role ``r``: ``r_sex`` (``1``/``2`` from the record's sex column, else the
  sex the role implies, else null), ``r_id_birth_mismatch`` and ``r_id_sex_mismatch``
  (true only when both sides are known and disagree).

``CleanFeed.quarantine`` is a quarantine frame (:mod:`ingest.feeds.quarantine`) holding
the rows the reader could not split and the rows failing a fatal check.  A value
longer than its column allows (``docs/feeds.md``, "Limits Kingraph enforces") is
fatal in any column (``too_long``), and is set aside before any cleaning step reads
it; the quarantine then holds no record_id for that row when the record_id was the
long value.  Within a
file, a record_id repeated with identical content keeps its first row (the others
are ``duplicate_record``); repeated with different content, every copy is
``conflicting_record`` (which is the correction cannot be told).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingest.feeds import content_hash as content
from ingest.feeds import dates, identity, quarantine
from ingest.feeds import row_checks as problems
from ingest.feeds.definitions import Feed, Kind
from ingest.feeds.quarantine import Reason
from ingest.feeds.read import FeedFile, RawFeed


@dataclass(frozen=True)
class Counts:
    """Reconciliation of one file: ``read == accepted + quarantined``."""

    read: int
    accepted: int
    quarantined: int


@dataclass(frozen=True)
class CleanFeed:
    """One feed file after cleaning."""

    file: FeedFile
    definition: Feed
    accepted: pl.DataFrame
    quarantine: pl.DataFrame

    @property
    def counts(self) -> Counts:
        """Rows read, accepted and quarantined for this file."""
        accepted, held = self.accepted.height, self.quarantine.height
        return Counts(accepted + held, accepted, held)


def _two_digit(values: frozenset[str]) -> bool:
    return all(len(v) == 2 and v.isdigit() for v in values)


def _stripped(frame: pl.DataFrame, definition: Feed) -> pl.DataFrame:
    def tidy(column: str) -> pl.Expr:
        text = pl.col(column).str.strip_chars()
        return pl.when(text != "").then(text)

    return frame.with_columns(tidy(c) for c in definition.column_names)


def _length_checks(definition: Feed) -> list[problems.Check]:
    return [problems.Check(Reason.TOO_LONG, c.name,
                           pl.col(c.name).str.len_chars() > c.max_length)
            for c in definition.columns]


def _without_long_values(frame: pl.DataFrame, definition: Feed) -> pl.DataFrame:
    """Set aside every value longer than its column allows, before anything reads it.

    The row is quarantined (``too_long:<column>`` in ``_too_long``); the value is
    nulled so that no cleaning step works on a megabyte of junk.
    """
    checks = _length_checks(definition)
    frame = frame.with_columns(_listed(frame, checks, None, "_too_long"))
    return frame.with_columns(pl.when(~c.failed.fill_null(False)).then(pl.col(c.column))
                              .alias(c.column) for c in checks)


def _padded(frame: pl.DataFrame, definition: Feed) -> pl.DataFrame:
    padded = [c.name for c in definition.of_kind(Kind.CODE)
              if c.codes is not None and _two_digit(c.codes.values)]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(r"^\d$")).then(pl.col(c).str.zfill(2))
        .otherwise(pl.col(c)) for c in padded
    )


def _typed(definition: Feed) -> list[pl.Expr]:
    out = [pl.col(dates.date_column(c.name)).alias(c.name) for c in definition.of_kind(Kind.DATE)]
    out += [pl.col(c.name).cast(pl.Int32, strict=False) for c in definition.of_kind(Kind.COUNT)]
    out += [pl.col(c.name).cast(pl.Float64, strict=False).alias(c.name)
            for c in definition.of_kind(Kind.MEASURE)]
    return out


def _nulled(checks: list[problems.Check]) -> list[pl.Expr]:
    soft = [c for c in checks if not c.fatal and c.reason is not Reason.BAD_DATE]
    return [pl.when(~c.failed.fill_null(False)).then(pl.col(c.column)).alias(c.column)
            for c in soft]


def _duplicate_items(frame: pl.DataFrame) -> pl.Series:
    """``reason:record_id`` for repeated record_ids, computed on the repeated rows only."""
    group = ["source", "record_id"]
    repeated = pl.struct(group).is_duplicated() & pl.col("record_id").is_not_null()
    rows = frame.filter(repeated).select("line", *group, "content_hash")
    versions = pl.col("content_hash").n_unique().over(group)
    first = pl.col("line") == pl.col("line").min().over(group)
    rows = rows.with_columns(
        item=pl.when(versions > 1).then(pl.lit(f"{Reason.CONFLICTING_RECORD}:record_id"))
        .when(~first).then(pl.lit(f"{Reason.DUPLICATE_RECORD}:record_id"))
    )
    items = frame.select("line").join(rows.select("line", "item"), on="line", how="left",
                                      maintain_order="left")
    return items["item"].cast(pl.String)


def _listed(frame: pl.DataFrame, checks: list[problems.Check], extra: pl.Expr | None,
            name: str) -> pl.Series:
    """The failed items of each row as a list, built only for rows where something fails."""
    items = [c.item for c in checks] + ([extra] if extra is not None else [])
    failed = [c.failed.fill_null(False) for c in checks]
    failed += [extra.is_not_null()] if extra is not None else []
    empty = pl.lit([], pl.List(pl.String))
    if not items:
        return frame.select("line").with_columns(empty.alias(name))[name]
    hit = frame.filter(pl.any_horizontal(failed))
    listed = hit.select("line", pl.concat_list(items).list.drop_nulls().alias(name))
    joined = frame.select("line").join(listed, on="line", how="left", maintain_order="left")
    return joined.select(pl.col(name).fill_null(empty))[name]


def _problems(frame: pl.DataFrame, definition: Feed) -> pl.DataFrame:
    checks = problems.checks(definition)
    frame = frame.with_columns(_duplicate_items(frame).alias("_duplicate"))
    frame = frame.with_columns(
        _listed(frame, [c for c in checks if c.fatal], pl.col("_duplicate"), "problems"),
        _listed(frame, [c for c in checks if not c.fatal], None, "flags"),
    )
    frame = frame.with_columns(pl.concat_list("_too_long", "problems").alias("problems"))
    return frame.with_columns(_nulled(checks)).drop("_duplicate", "_too_long")


def _quarantined(frame: pl.DataFrame, raw: RawFeed) -> pl.DataFrame:
    held = frame.filter(pl.col("problems").list.len() > 0).with_columns(
        reason=pl.col("problems").list.first().str.split(":").list.first(),
        detail=pl.col("problems").list.join("; "),
    )
    return pl.concat([quarantine.conform(held), raw.rejects]).sort("line")


def clean_feed(raw: RawFeed) -> CleanFeed:
    """Clean one raw feed file.

    Args:
        raw: a file read by :func:`ingest.feeds.read.read_feed`.

    Returns:
        The accepted rows, the quarantined rows (with the reader's rejects), and counts.
    """
    definition = raw.definition
    date_columns = [c.name for c in definition.of_kind(Kind.DATE)]
    frame = _without_long_values(_stripped(raw.frame, definition), definition)
    frame = dates.with_parsed(frame, date_columns)
    frame = frame.with_columns(
        content_hash=content.content_hashes(frame, definition),
        feed=pl.lit(definition.name), file=pl.lit(raw.file.name),
    )
    frame = identity.name_columns(
        identity.id_columns(_padded(frame, definition), definition), definition)
    frame = _problems(frame, definition).with_columns(_typed(definition))
    frame = frame.drop(dates.iso_column(c) for c in date_columns).drop(
        dates.date_column(c) for c in date_columns)
    frame = identity.roles(frame, definition)
    accepted = frame.filter(pl.col("problems").list.len() == 0).drop("problems")
    return CleanFeed(raw.file, definition, accepted, _quarantined(frame, raw))
