"""Finding feed files in a drop and reading them into string frames.

A :class:`RawFeed` holds

- ``frame``: one row per data row that has the header's number of fields, every
  spec column as ``String`` (in the spec's order, whatever the file's order) plus
  ``line`` (``Int64``, the physical line where the row starts; header = line 1.
  Parquet rows are numbered as if written as CSV: first row = line 2);
- ``rejects``: a quarantine frame (:mod:`ingest.feeds.quarantine`) for lines and
  rows that could not be split into fields;
- ``notes``: what the load report should say of a file that was read anyway (empty,
  columns ignored).

What is read row by row, and what refuses the file:

- The header maps by name: names are compared without case, surrounding spaces
  (ASCII, full-width) or a stray BOM, and with spaces or hyphens inside read as
  ``_``; columns may come in any order.  A column the contract does not know is
  ignored and noted (by position: a headerless file's first row would otherwise put
  personal data into the report).
- Row quarantine: a line that does not decode (``undecodable``) or holds control
  bytes (``binary_content``), a row with too many or too few fields
  (``field_count``), a row that breaks RFC 4180 quoting or opens a quote never
  closed (``bad_quoting``; reading goes on with the next line), a last row cut short
  inside a quoted field or without its final fields and newline (``truncated``).
- An empty file (no bytes, or only blanks) is read as no rows and noted.
- :class:`~kingraph.errors.FeedError` (the file is not loaded; other files are
  unaffected): a wrongly declared encoding, a header or more than half of the data
  lines undecodable or binary (the file is not text in that encoding), a header
  lacking a contract column or repeating one, an unreadable Parquet file.
- Blank lines are not rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from ingest.feeds import quarantine, table
from ingest.feeds.catalogue import FEEDS
from ingest.feeds.definitions import Feed
from ingest.feeds.encodings import Encoding, decode
from ingest.feeds.quarantine import Reason
from kingraph.errors import FeedError

_NAME = re.compile(r"(?P<feed>[a-z]+)(_[^/]*)?\.(?P<fmt>csv|parquet)")
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FeedFile:
    """One feed file found in a drop."""

    path: Path
    feed: str
    format: Literal["csv", "parquet"]

    @property
    def name(self) -> str:
        """The file name, as errors and the quarantine cite it."""
        return self.path.name


@dataclass(frozen=True)
class RawFeed:
    """A feed file read into strings, before cleaning."""

    file: FeedFile
    definition: Feed
    encoding: str
    frame: pl.DataFrame
    rejects: pl.DataFrame
    notes: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        """Rows in the file (blank lines excluded)."""
        return self.frame.height + self.rejects.height


def _feed_file(path: Path) -> FeedFile | None:
    match = _NAME.fullmatch(path.name)
    if not path.is_file() or match is None or match["feed"] not in FEEDS:
        return None
    fmt: Literal["csv", "parquet"] = "csv" if match["fmt"] == "csv" else "parquet"
    return FeedFile(path, match["feed"], fmt)


def discover(drop_dir: Path | str) -> list[FeedFile]:
    """The feed files of a drop, sorted by name.

    Args:
        drop_dir: the drop directory; only its top level is searched, so ``truth/``
            and other sub-directories are ignored.

    Returns:
        One :class:`FeedFile` per ``<feed>.csv|parquet`` or ``<feed>_<suffix>.csv|parquet``.

    Raises:
        FeedError: the drop is not a directory.
    """
    folder = Path(drop_dir)
    if not folder.is_dir():
        raise FeedError(f"{folder}: drop is not a directory")
    found = (_feed_file(p) for p in sorted(folder.iterdir()))
    return [f for f in found if f is not None]


def stray_files(drop_dir: Path | str) -> list[Path]:
    """Top-level files of a drop that are not feed files (to report, not to read)."""
    return [p for p in sorted(Path(drop_dir).iterdir()) if p.is_file() and not _feed_file(p)]


@dataclass(frozen=True)
class Header:
    """How a file's columns map onto its feed's: a name for each position (a spec name,
    or ``_ignored_<position>``) and the 1-based positions ignored."""

    names: list[str]
    ignored: list[int]


def _normalised(name: str) -> str:
    text = name.strip(" \t\r\n\ufeff\u3000\"").lower()
    return re.sub(r"[\s\-]+", "_", text)


def map_header(found: list[str], definition: Feed, file: str) -> Header:
    """Map a file's column names onto its feed's by name.

    Args:
        found: the names on the header row (or the Parquet columns), in file order.
        definition: the feed.
        file: the file name, for errors.

    Returns:
        The name to use for each position, and the positions of unknown columns.

    Raises:
        FeedError: a contract column is missing or repeated (named), or the first line
            holds none of the feed's column names (no header row).
    """
    names = [_normalised(n) for n in found]
    known = set(definition.column_names)
    if not known.intersection(names):
        raise FeedError(f"{file} line 1: no header row (line 1 holds none of feed "
                        f"{definition.name}'s column names)")
    missing = [c for c in definition.column_names if c not in names]
    unknown = [i + 1 for i, n in enumerate(names) if n not in known]
    repeated = [i + 1 for i, n in enumerate(names) if n in known and names.index(n) != i]
    if missing or repeated:
        raise FeedError(
            f"{file} line 1: header does not match feed {definition.name}: missing "
            f"{missing}, unknown columns at positions {unknown}, repeated at {repeated}"
        )
    mapped = [n if n in known else f"_ignored_{i + 1}" for i, n in enumerate(names)]
    return Header(mapped, unknown)


def _ignored_note(header: Header) -> list[str]:
    if not header.ignored:
        return []
    return [f"{len(header.ignored)} column(s) not in the contract ignored, at positions "
            f"{header.ignored}"]


def _damaged_lines(text: str, undecodable: tuple[int, ...]) -> tuple[str, pl.DataFrame]:
    """Blank out lines holding control bytes; quarantine them and the undecodable ones."""
    rows = [(n, Reason.UNDECODABLE.value, "bytes not text in the file's encoding")
            for n in undecodable]
    if _BINARY.search(text):
        lines = text.split("\n")
        for number, line in enumerate(lines, 1):
            if _BINARY.search(line):
                lines[number - 1] = ""
                rows.append((number, Reason.BINARY_CONTENT.value, "control characters"))
        text = "\n".join(lines)
    frame = pl.DataFrame(rows, schema={"line": pl.Int64, "reason": pl.String,
                                       "detail": pl.String}, orient="row")
    return text, frame.with_columns(record_id=pl.lit(None, pl.String))


def _check_damage(text: str, damaged: pl.DataFrame, file: str) -> None:
    """Refuse a file whose header, or more than half of whose data lines, are damaged."""
    if damaged.height == 0:
        return
    first = damaged.sort("line").row(0, named=True)
    data_lines = sum(1 for line in text.split("\n")[1:] if line.strip()) + damaged.height
    if first["line"] == 1 or 2 * damaged.height > data_lines:
        what = ("binary content" if first["reason"] == Reason.BINARY_CONTENT.value
                else "bytes undecodable in the file's encoding")
        raise FeedError(f"{file} line {first['line']}: {what}")


def _empty(file: FeedFile, definition: Feed, encoding: str) -> RawFeed:
    frame = pl.DataFrame(schema=dict.fromkeys(definition.column_names, pl.String)
                         | {"line": pl.Int64})
    return RawFeed(file, definition, encoding, frame, quarantine.empty(),
                   ("empty file: no header and no rows",))


def _read_csv(file: FeedFile, definition: Feed, encoding: Encoding) -> RawFeed:
    decoded = decode(file.path.read_bytes(), file.name, encoding)
    text = decoded.text.rstrip("\x1a")  # DOS end-of-file marker
    if not text.strip():
        return _empty(file, definition, decoded.encoding)
    text, damaged = _damaged_lines(text, decoded.undecodable)
    _check_damage(text, damaged, file.name)
    header = map_header(table.header(text), definition, file.name)
    split = table.split_rows(text, header.names)
    frame = split.rows.select(*definition.column_names, "line")
    rejects = pl.concat([split.rejects, damaged.select(split.rejects.columns)]).with_columns(
        feed=pl.lit(definition.name), source=pl.lit(None, pl.String), file=pl.lit(file.name)
    ).sort("line")
    return RawFeed(file, definition, decoded.encoding, frame, quarantine.conform(rejects),
                   tuple(_ignored_note(header)))


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    def text(name: str, dtype: pl.DataType) -> pl.Expr:
        column = pl.col(name)
        if dtype == pl.Datetime:
            column = column.dt.date()
        return column.cast(pl.String)

    return frame.select(text(n, t) for n, t in frame.schema.items())


def _read_parquet(file: FeedFile, definition: Feed) -> RawFeed:
    try:
        frame = pl.read_parquet(file.path)
    except Exception as exc:  # polars raises several unrelated types for a bad file
        raise FeedError(f"{file.name}: unreadable parquet ({type(exc).__name__})") from None
    header = map_header(frame.columns, definition, file.name)
    frame = _as_text(frame.rename(dict(zip(frame.columns, header.names, strict=True)))
                     .select(definition.column_names)).with_row_index("line", offset=2)
    frame = frame.select(*definition.column_names, pl.col("line").cast(pl.Int64))
    return RawFeed(file, definition, "parquet", frame, quarantine.empty(),
                   tuple(_ignored_note(header)))


def read_feed(file: FeedFile, encoding: Encoding = "auto") -> RawFeed:
    """Read one feed file, every column as a string.

    Args:
        file: a file found by :func:`discover`.
        encoding: for CSV, ``auto`` (detect), ``utf-8`` or ``gb18030``.

    Returns:
        The rows that split into fields, the lines and rows quarantined while
        splitting, and notes for the report.

    Raises:
        FeedError: the file cannot be read at all (see the module docstring).
    """
    definition = FEEDS[file.feed]
    if file.format == "parquet":
        return _read_parquet(file, definition)
    return _read_csv(file, definition, encoding)
