"""Splitting decoded CSV text (RFC 4180) into fields, keeping physical line numbers.

Two paths give the same result.  When every line holds an even number of quotes
(no quoted newline, no quote left open), each physical line is one record: field
counts and quote placement are checked with polars string expressions and the
good lines are parsed by polars' CSV reader.  Otherwise the text goes through the
C ``csv`` module in strict mode, which tracks the lines a quoted field spans.

``split_rows`` returns the rows with the header's number of fields (every column a
string, empty cells null, plus ``line``) and the rejects (``line``, ``record_id``
when the fields allow it and it is no longer than a record id may be, ``reason``,
``detail``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import polars as pl

from ingest.feeds.definitions import RECORD_ID_MAX_LENGTH
from ingest.feeds.quarantine import Reason

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


_QUOTED = r'"(?:[^"]|"")*"'
_MISPLACED_QUOTE = r'[^,]"|"[^,]'  # once quoted segments are collapsed to one quote


def _data_lines(text: str) -> tuple[pl.DataFrame, int]:
    """Non-blank physical lines after the header, and the number of an unterminated last line."""
    lines = pl.DataFrame({"text": text.split("\n")}).with_row_index("line", offset=1)
    last = -1 if text.endswith("\n") else lines.height
    rows = lines.slice(1).with_columns(pl.col("text").str.strip_suffix("\r"),
                                       pl.col("line").cast(pl.Int64))
    return rows.filter(pl.col("text") != ""), last


def _parsed(good: pl.DataFrame, names: list[str]) -> pl.DataFrame | None:
    """Parse lines known to hold one record each with the right field count."""
    if good.height == 0:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String) | {"line": pl.Int64})
    body = "\n".join(good["text"].to_list()).encode("utf-8")
    frame = pl.read_csv(body, has_header=False, new_columns=names, infer_schema=False,
                        quote_char='"')
    if frame.height != good.height:
        return None
    return frame.with_columns(pl.col(n).replace("", None) for n in names).with_columns(
        good["line"])


def _rejects(bad: pl.DataFrame, names: list[str], last: int) -> pl.DataFrame:
    short = (pl.col("line") == last) & (pl.col("fields") < len(names))
    reason = (pl.when(pl.col("misquoted")).then(pl.lit(Reason.BAD_QUOTING.value))
              .when(short).then(pl.lit(Reason.TRUNCATED.value))
              .otherwise(pl.lit(Reason.FIELD_COUNT.value)))
    detail = (pl.when(pl.col("misquoted")).then(pl.lit("quote inside an unquoted field"))
              .otherwise(pl.format("{} fields, expected {}", pl.col("fields"),
                                   pl.lit(len(names)))))
    out = bad.with_columns(record_id=_first_field(names), reason=reason, detail=detail)
    return out.select(pl.col(n).cast(t) for n, t in REJECT_SCHEMA.items())


def _vectorised(text: str, names: list[str]) -> Split | None:
    """Every line one record (no quoted newline): checked and split without a Python loop.

    Returns None when some line has an odd number of quotes (a quoted newline or a
    quote left open), which only the record-by-record reader can place.
    """
    rows, last = _data_lines(text)
    if (rows["text"].str.count_matches('"', literal=True) % 2 == 1).any():
        return None
    collapsed = pl.col("text").str.replace_all(_QUOTED, '"')
    rows = rows.with_columns(fields=collapsed.str.count_matches(",", literal=True) + 1,
                             misquoted=collapsed.str.contains(_MISPLACED_QUOTE))
    fits = (pl.col("fields") == len(names)) & ~pl.col("misquoted")
    parsed = _parsed(rows.filter(fits), names)
    if parsed is None:
        return None
    return Split(parsed, _rejects(rows.filter(~fits), names, last))


def _first_field(names: list[str]) -> pl.Expr:
    index = names.index("record_id")
    field = pl.col("text").str.split(",").list.get(index, null_on_oob=True)
    value = field.str.strip_chars().str.strip_chars('"')
    return pl.when(value.str.len_chars().is_between(1, RECORD_ID_MAX_LENGTH)).then(value)


@dataclass
class _Collector:
    names: list[str]
    last_line: int
    records: list[list[str]]
    lines: list[int]
    rejects: list[tuple[int, str | None, str, str]]

    def record_id(self, fields: list[str]) -> str | None:
        index = self.names.index("record_id")
        value = fields[index].strip() if index < len(fields) else ""
        return value if 0 < len(value) <= RECORD_ID_MAX_LENGTH else None

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


def _physical_lines(text: str) -> list[str]:
    """The text's lines, each with its newline (the csv module joins quoted ones)."""
    pieces = text.split("\n")
    return [p + "\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


def _records(lines: list[str], offset: int, out: _Collector, last: int) -> int | None:
    """Read the records starting after line ``offset``.

    Returns:
        None at the end of the text; or, after a quoting error in a record that
        starts on some line (a quote never closed would swallow every later line, one
        closed in mid-field may have swallowed a few), that line's number: it is
        quarantined and reading starts again on the line after it.
    """
    reader = csv.reader((lines[i] for i in range(offset, len(lines))), strict=True)
    start = offset + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            return _quote_error(out, exc, start, last)
        out.add(fields, start, offset + reader.line_num)
        start = offset + reader.line_num + 1


def _quoted(text: str, names: list[str]) -> Split:
    last = text.rstrip("\r\n").count("\n") + 1
    out = _Collector(names, last if not text.endswith("\n") else -1, [], [], [])
    lines = _physical_lines(text)
    offset: int | None = 1  # the header
    while offset is not None:
        offset = _records(lines, offset, out, last)
    return _collected(out)


def _quote_error(out: _Collector, exc: csv.Error, start: int, last: int) -> int | None:
    """Quarantine the record starting on line ``start``; where to read on from."""
    if "unexpected end of data" in str(exc) and start == last:
        out.rejects.append((start, None, Reason.TRUNCATED.value, "file ends inside a quote"))
        return None
    detail = ("a quote opened here is never closed" if "unexpected end of data" in str(exc)
              else "quote not closed by a comma")
    out.rejects.append((start, None, Reason.BAD_QUOTING.value, detail))
    return start


def _collected(out: _Collector) -> Split:
    columns = list(zip(*out.records, strict=True)) if out.records else [()] * len(out.names)
    rows = pl.DataFrame(
        {n: pl.Series(n, c, pl.String) for n, c in zip(out.names, columns, strict=True)}
    ).with_columns(pl.Series("line", out.lines, pl.Int64))
    rows = rows.with_columns(pl.col(n).replace("", None) for n in out.names)
    rejects = pl.DataFrame(out.rejects, schema=REJECT_SCHEMA, orient="row")
    return Split(rows, rejects)


def split_rows(text: str, names: list[str]) -> Split:
    """Split the data rows of a CSV text (header on the first line).

    A quote opened on a line and never closed quarantines that line
    (``bad_quoting``), and reading goes on with the next.

    Args:
        text: the decoded file.
        names: the header's column names, in the file's order.

    Returns:
        The split rows and the rejected ones.
    """
    return _vectorised(text, names) or _quoted(text, names)
