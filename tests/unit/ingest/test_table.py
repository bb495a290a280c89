"""CSV splitting: the vectorised path agrees with an RFC 4180 reader and places bad rows."""

from __future__ import annotations

import csv
import io

from ingest.feeds.table import header, split_rows

TEXT = (
    'record_id,name,address\n'
    'r1,"陈伟","海口市,龙华区"\n'
    'r2,,"他说""你好"""\n'
    '"r3","",plain\n'
    '\n'
    'r4,林小红,"通什"镇\n'
    'r5,only two\n'
    'r6,王芳,三亚\n'
)


def test_balanced_quotes_match_the_standard_library_reader() -> None:
    split = split_rows(TEXT, header(TEXT), "t.csv")
    records = [r for r in csv.reader(io.StringIO(TEXT)) if len(r) == 3][1:]
    expected = [[v or None for v in r] for r in records if r[0] != "r4"]
    assert [list(r) for r in split.rows.drop("line").rows()] == expected
    assert split.rows["line"].to_list() == [2, 3, 4, 8]


def test_misplaced_quote_and_short_row_are_rejected_with_their_lines() -> None:
    split = split_rows(TEXT, header(TEXT), "t.csv")
    assert split.rejects.select("line", "record_id", "reason").rows() == [
        (6, "r4", "bad_quoting"), (7, "r5", "field_count")]


def test_quoted_newline_takes_the_record_reader_with_the_same_values() -> None:
    text = TEXT.replace('"海口市,龙华区"', '"海口市\n龙华区"')
    split = split_rows(text, header(text), "t.csv")
    assert split.rows.filter(split.rows["record_id"] == "r1")["address"][0] == "海口市\n龙华区"
    assert split.rows["line"].to_list() == [2, 4, 5, 9]
    assert split.rejects.select("line", "reason").rows() == [
        (7, "bad_quoting"), (8, "field_count")]
