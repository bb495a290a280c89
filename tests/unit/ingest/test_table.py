"""CSV splitting: the vectorised path agrees with an RFC 4180 reader and places bad rows."""

from __future__ import annotations

import csv
import io

import pytest

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
    split = split_rows(TEXT, header(TEXT))
    records = [r for r in csv.reader(io.StringIO(TEXT)) if len(r) == 3][1:]
    expected = [[v or None for v in r] for r in records if r[0] != "r4"]
    assert [list(r) for r in split.rows.drop("line").rows()] == expected
    assert split.rows["line"].to_list() == [2, 3, 4, 8]


def test_misplaced_quote_and_short_row_are_rejected_with_their_lines() -> None:
    split = split_rows(TEXT, header(TEXT))
    assert split.rejects.select("line", "record_id", "reason").rows() == [
        (6, "r4", "bad_quoting"), (7, "r5", "field_count")]


def test_quoted_newline_takes_the_record_reader_with_the_same_values() -> None:
    text = TEXT.replace('"海口市,龙华区"', '"海口市\n龙华区"')
    split = split_rows(text, header(text))
    assert split.rows.filter(split.rows["record_id"] == "r1")["address"][0] == "海口市\n龙华区"
    assert split.rows["line"].to_list() == [2, 4, 5, 9]
    assert split.rejects.select("line", "reason").rows() == [
        (7, "bad_quoting"), (8, "field_count")]


@pytest.mark.parametrize(("last_row", "detail"), [
    ("r3,王芳,琼海\n", "a quote opened here is never closed"),
    ('r3,"王芳","琼海"\n', "quote not closed by a comma"),  # r3's first quote closes it
])
def test_a_stray_quote_quarantines_its_line_and_reading_goes_on(last_row: str,
                                                                 detail: str) -> None:
    # r1's name opens a quote: read as written it would swallow r2 (and r3).  Its line
    # is bad_quoting; the rows after it are read.
    text = 'record_id,name,address\nr1,"陈伟,海口\nr2,林小红,三亚\n' + last_row
    split = split_rows(text, header(text))
    assert split.rows.select("record_id", "line").rows() == [("r2", 3), ("r3", 4)]
    assert split.rejects.select("line", "reason", "detail").rows() == [
        (2, "bad_quoting", detail)]


def test_a_long_record_id_is_not_copied_into_a_reject() -> None:
    text = "record_id,name\n" + "x" * 100 + ",a,b\n" + "y" * 100 + ',"a\n'
    split = split_rows(text, header(text))
    assert split.rejects.select("line", "record_id").rows() == [(2, None), (3, None)]
