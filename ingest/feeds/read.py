"""Finding feed files in a drop and reading them into string frames.

A :class:`RawFeed` holds

- ``frame``: one row per data row that has the header's number of fields, every
  spec column as ``String`` (in the spec's order, whatever the file's order) plus
  ``line`` (``Int64``, the physical line where the row starts; header = line 1.
  Parquet rows are numbered as if written as CSV: first row = line 2);
- ``rejects``: a quarantine frame (:mod:`ingest.feeds.quarantine`) for rows that could
  not be split into fields.

What is a file error and what is a row error:

- :class:`~kingraph.errors.FeedError` (the file is not loaded; other files are
  unaffected): undecodable bytes or wrongly declared encoding (see
  :mod:`ingest.feeds.encodings`), binary content (NUL or other control bytes), an empty
  file, a header with missing or unknown columns (order may differ), a quote left
  open that swallows the rest of the file, an unreadable Parquet file.
- Row quarantine: a row with too many or too few fields (``field_count``), a row
  that breaks RFC 4180 quoting (``bad_quoting``), a last row cut short inside a
  quoted field or without its final fields and newline (``truncated``).
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


def _check_header(names: list[str], definition: Feed, file: str) -> None:
    """Missing spec columns are named; unknown ones only by position (a headerless file's
    first row would otherwise put personal data into the message)."""
    missing = [c for c in definition.column_names if c not in names]
    known = set(definition.column_names)
    unknown = [i + 1 for i, n in enumerate(names) if n not in known]
    repeated = [i + 1 for i, n in enumerate(names) if n in known and names.index(n) != i]
    if missing or unknown or repeated:
        raise FeedError(
            f"{file} line 1: header does not match feed {definition.name}: missing "
            f"{missing}, unknown columns at positions {unknown}, repeated at {repeated}"
        )


def _check_text(text: str, file: str) -> str:
    text = text.rstrip("\x1a")  # DOS end-of-file marker
    junk = _BINARY.search(text)
    if junk:
        raise FeedError(f"{file} line {text.count(chr(10), 0, junk.start()) + 1}: binary content")
    if not text.strip():
        raise FeedError(f"{file} line 1: empty file, no header")
    return text


def _read_csv(file: FeedFile, definition: Feed, encoding: Encoding) -> RawFeed:
    text, used = decode(file.path.read_bytes(), file.name, encoding)
    text = _check_text(text, file.name)
    header = table.header(text)
    _check_header(header, definition, file.name)
    split = table.split_rows(text, header, file.name)
    frame = split.rows.select(*definition.column_names, "line")
    rejects = split.rejects.with_columns(
        feed=pl.lit(definition.name), source=pl.lit(None, pl.String), file=pl.lit(file.name)
    )
    return RawFeed(file, definition, used, frame, quarantine.conform(rejects))


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
    _check_header(frame.columns, definition, file.name)
    frame = _as_text(frame.select(definition.column_names)).with_row_index("line", offset=2)
    frame = frame.select(*definition.column_names, pl.col("line").cast(pl.Int64))
    return RawFeed(file, definition, "parquet", frame, quarantine.empty())


def read_feed(file: FeedFile, encoding: Encoding = "auto") -> RawFeed:
    """Read one feed file, every column as a string.

    Args:
        file: a file found by :func:`discover`.
        encoding: for CSV, ``auto`` (detect), ``utf-8`` or ``gb18030``.

    Returns:
        The rows that split into fields, plus the rows quarantined while splitting.

    Raises:
        FeedError: the file cannot be read at all (see the module docstring).
    """
    definition = FEEDS[file.feed]
    if file.format == "parquet":
        return _read_parquet(file, definition)
    return _read_csv(file, definition, encoding)
