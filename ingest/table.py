"""Splitting decoded CSV text (RFC 4180) into fields, keeping physical line numbers.

Two paths give the same result: text without any double quote is split with
vectorised polars string operations (one physical line = one row); text with
quotes goes through the C ``csv`` module in strict mode, which tracks the lines a
quoted field with embedded newlines spans.

``split_rows`` returns the rows with the header's number of fields (every column a
string, empty cells null, plus ``line``) and the rejects (``line``, ``record_id``
when the first fields allow it, ``reason``, ``detail``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import polars as pl

from ingest.quarantine import Reason
from kingraph.errors import FeedError

REJECT_SCHEMA = {"line": pl.Int64, "record_id": pl.String, "reason": pl.String,
                 "detail": pl.String}


@dataclass(frozen=True)
class Split:
    """Rows split into fields, and rows that could not be."""

    rows: pl.DataFrame
    rejects: pl.DataFrame


def header(text: str) -> list[str]:
    """The column names on the first line, stripped of spaces."""
    first = text.split("\n", 1)[0].rstrip("\r")
    return [name.strip() for name in next(csv.reader([first]))]


def _count_detail(found: pl.Expr, expected: int) -> pl.Expr:
    return pl.format("{} fields, expected {}", found, pl.lit(expected))


def _plain(text: str, names: list[str]) -> Split:
    lines = pl.DataFrame({"text": text.split("\n")}).with_row_index("line", offset=1)
    last = -1 if text.endswith("\n") else lines.height  # a last line without newline
    rows = lines.slice(1).with_columns(pl.col("text").str.strip_suffix("\r"))
    rows = rows.filter(pl.col("text") != "").with_columns(
        fields=pl.col("text").str.count_matches(",", literal=True) + 1
    )
    good = rows.filter(pl.col("fields") == len(names))
    split = good.select(
        pl.col("text").str.split_exact(",", len(names) - 1).struct.rename_fields(names),
        pl.col("line").cast(pl.Int64),
    ).unnest("text")
    split = split.with_columns(pl.col(n).replace("", None) for n in names)
    bad = rows.filter(pl.col("fields") != len(names)).with_columns(
        record_id=_first_field(names),
        reason=pl.when((pl.col("line") == last) & (pl.col("fields") < len(names)))
        .then(pl.lit(Reason.TRUNCATED.value)).otherwise(pl.lit(Reason.FIELD_COUNT.value)),
        detail=_count_detail(pl.col("fields"), len(names)),
    )
    return Split(split, bad.select(pl.col(n).cast(t) for n, t in REJECT_SCHEMA.items()))


def _first_field(names: list[str]) -> pl.Expr:
    index = names.index("record_id")
    field = pl.col("text").str.split(",").list.get(index, null_on_oob=True)
    return field.str.strip_chars().replace("", None)


@dataclass
class _Collector:
    names: list[str]
    last_line: int
    records: list[list[str]]
    lines: list[int]
    rejects: list[tuple[int, str | None, str, str]]

    def record_id(self, fields: list[str]) -> str | None:
        index = self.names.index("record_id")
        return fields[index].strip() or None if index < len(fields) else None

    def add(self, fields: list[str], start: int, end: int) -> None:
        if fields == []:
            return
        if len(fields) == len(self.names):
            self.records.append(fields)
            self.lines.append(start)
            return
        cut = end == self.last_line and len(fields) < len(self.names)
        reason = Reason.TRUNCATED if cut else Reason.FIELD_COUNT
        detail = f"{len(fields)} fields, expected {len(self.names)}"
        self.rejects.append((start, self.record_id(fields), reason.value, detail))


def _quoted(text: str, names: list[str], file: str) -> Split:
    last = text.rstrip("\r\n").count("\n") + 1
    out = _Collector(names, last if not text.endswith("\n") else -1, [], [], [])
    reader = csv.reader(io.StringIO(text), strict=True)
    next(reader)
    start = reader.line_num + 1
    while True:
        try:
            out.add(next(reader), start, reader.line_num)
        except StopIteration:
            break
        except csv.Error as exc:
            _quote_error(out, exc, start, last, file)
        start = reader.line_num + 1
    return _collected(out)


def _quote_error(out: _Collector, exc: csv.Error, start: int, last: int, file: str) -> None:
    if "unexpected end of data" not in str(exc):
        out.rejects.append((start, None, Reason.BAD_QUOTING.value, "quote not closed by a comma"))
    elif start == last:
        out.rejects.append((start, None, Reason.TRUNCATED.value, "file ends inside a quote"))
    else:
        raise FeedError(f"{file} line {start}: a quote opened here is never closed") from None


def _collected(out: _Collector) -> Split:
    columns = list(zip(*out.records, strict=True)) if out.records else [()] * len(out.names)
    rows = pl.DataFrame(
        {n: pl.Series(n, c, pl.String) for n, c in zip(out.names, columns, strict=True)}
    ).with_columns(pl.Series("line", out.lines, pl.Int64))
    rows = rows.with_columns(pl.col(n).replace("", None) for n in out.names)
    rejects = pl.DataFrame(out.rejects, schema=REJECT_SCHEMA, orient="row")
    return Split(rows, rejects)


def split_rows(text: str, names: list[str], file: str) -> Split:
    """Split the data rows of a CSV text (header on the first line).

    Args:
        text: the decoded file.
        names: the header's column names, in the file's order.
        file: the file name, for errors.

    Returns:
        The split rows and the rejected ones.

    Raises:
        FeedError: a quote opened before the last line is never closed.
    """
    if '"' in text:
        return _quoted(text, names, file)
    return _plain(text, names)
