"""Finding and reading feed files: encodings, headers, broken files, line numbers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ingest.feeds.quarantine import Reason
from ingest.feeds.read import discover, read_feed, stray_files
from kingraph.errors import FeedError

from .conftest import BROKEN, DROP, feed_file


def test_discover_finds_every_feed_file_and_ignores_truth(tmp_path: Path) -> None:
    for name in ("household.csv", "birth_2015-04.csv", "marriage.parquet", "notes.txt",
                 "unknownfeed.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "household.csv").write_text("x")
    found = {(f.name, f.feed, f.format) for f in discover(tmp_path)}
    assert found == {("household.csv", "household", "csv"),
                     ("birth_2015-04.csv", "birth", "csv"),
                     ("marriage.parquet", "marriage", "parquet")}
    assert [p.name for p in stray_files(tmp_path)] == ["notes.txt", "unknownfeed.csv"]


def test_test_drop_holds_all_eleven_feeds() -> None:
    assert {f.feed for f in discover(DROP)} == {
        "household", "marriage", "birth", "cohabitation", "bloodline", "screening",
        "pregnancy", "certificate", "disability", "employment", "diagnosis"}


def test_every_column_is_read_as_string_with_physical_line() -> None:
    raw = read_feed(feed_file("household.csv"))
    assert all(t == pl.String for n, t in raw.frame.schema.items() if n != "line")
    assert raw.frame["line"].to_list()[:3] == [2, 3, 4]
    assert raw.rows_read == 14  # 15 lines minus the header


def test_quoted_field_with_newline_keeps_physical_lines() -> None:
    raw = read_feed(feed_file("cohabitation.csv"))
    lines = dict(zip(raw.frame["record_id"], raw.frame["line"], strict=True))
    # c2's address spans lines 3-4, so c3 starts on line 5.
    assert lines["c1"] == 2 and lines["c2"] == 3 and lines["c3"] == 5
    assert raw.frame.filter(pl.col("record_id") == "c1")["address"][0] == "海口市,龙华区滨海大道1号"


def test_gb18030_file_is_detected_and_decoded() -> None:
    raw = read_feed(feed_file("household_gb18030.csv"))
    assert raw.encoding == "gb18030"
    assert raw.frame["name"].to_list() == ["王芳", "符海"]


def test_utf8_bom_is_detected_and_stripped() -> None:
    raw = read_feed(feed_file("marriage_2018-08.csv"))
    assert raw.encoding == "utf-8-sig"
    assert raw.frame.columns[0] == "record_id"
    assert raw.frame["record_id"].to_list() == ["m10"]


def test_declared_encoding_is_used() -> None:
    assert read_feed(feed_file("household_gb18030.csv"), "gb18030").frame.height == 2


def test_gb18030_declared_as_utf8_is_an_error_naming_the_line() -> None:
    with pytest.raises(FeedError, match=r"marriage_gbk_as_utf8\.csv line 2: .*utf-8"):
        read_feed(feed_file("marriage_gbk_as_utf8.csv", BROKEN), "utf-8")


def test_utf8_declared_as_gb18030_is_refused() -> None:
    with pytest.raises(FeedError, match="declared gb18030 but the file is UTF-8"):
        read_feed(feed_file("household.csv"), "gb18030")


def test_corrupt_byte_in_utf8_file_is_an_error_not_a_gb18030_guess() -> None:
    with pytest.raises(FeedError, match=r"pregnancy_corrupt\.csv line 3"):
        read_feed(feed_file("pregnancy_corrupt.csv", BROKEN))


def test_binary_junk_is_an_error() -> None:
    with pytest.raises(FeedError, match=r"employment_junk\.csv line 2"):
        read_feed(feed_file("employment_junk.csv", BROKEN))


def test_nul_bytes_are_binary_content() -> None:
    with pytest.raises(FeedError, match=r"cohabitation_nul\.csv line 3: binary content"):
        read_feed(feed_file("cohabitation_nul.csv", BROKEN))


def test_wrong_header_names_missing_columns_and_unknown_positions() -> None:
    with pytest.raises(FeedError, match=r"household_badheader\.csv line 1: .*'id_number'.*"
                       r"unknown columns at positions \[4\]"):
        read_feed(feed_file("household_badheader.csv", BROKEN))


def test_headerless_file_does_not_echo_its_first_row(tmp_path: Path) -> None:
    (tmp_path / "employment.csv").write_text(
        "e1,social_security,460106198503120019,陈伟,X1,,460106,2010-01-01,\n", encoding="utf-8")
    with pytest.raises(FeedError) as caught:
        read_feed(discover(tmp_path)[0])
    assert "4601" not in str(caught.value) and "陈伟" not in str(caught.value)


def test_missing_drop_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="not a directory"):
        discover(tmp_path / "nowhere")


def test_empty_file_is_an_error() -> None:
    with pytest.raises(FeedError, match=r"certificate_empty\.csv line 1: empty file"):
        read_feed(feed_file("certificate_empty.csv", BROKEN))


def test_quote_opened_mid_file_is_an_error_at_its_line() -> None:
    with pytest.raises(FeedError, match=r"bloodline_openquote\.csv line 2: .*never closed"):
        read_feed(feed_file("bloodline_openquote.csv", BROKEN))


def test_truncated_last_row_inside_quote_is_quarantined_and_the_rest_kept() -> None:
    raw = read_feed(feed_file("screening_truncated.csv", BROKEN))
    assert raw.frame["record_id"].to_list() == ["s1"]
    assert raw.rejects.select("line", "reason").rows() == [(3, Reason.TRUNCATED.value)]


def test_truncated_last_row_without_quotes_is_quarantined() -> None:
    raw = read_feed(feed_file("disability_cut.csv", BROKEN))
    assert raw.frame["record_id"].to_list() == ["d1"]
    assert raw.rejects.select("line", "record_id", "reason").rows() == [
        (3, "d2", Reason.TRUNCATED.value)]


def test_short_row_mid_file_is_a_field_count_reject() -> None:
    raw = read_feed(feed_file("household.csv"))
    assert raw.rejects.select("line", "record_id", "reason", "detail").rows() == [
        (15, "h13", Reason.FIELD_COUNT.value, "8 fields, expected 17")]


def test_bad_quoting_is_a_row_reject_and_reading_goes_on() -> None:
    raw = read_feed(feed_file("cohabitation.csv"))
    assert (6, Reason.BAD_QUOTING.value) in raw.rejects.select("line", "reason").rows()
    assert "c5" in raw.frame["record_id"].to_list()


def test_columns_in_another_order_are_put_in_spec_order(tmp_path: Path) -> None:
    path = tmp_path / "employment.csv"
    path.write_text("source,record_id,name,id_number,employer_code,employer_name,"
                    "division_code,from_date,to_date\n"
                    "social_security,e9,张三,,91460100MA5T000009,某公司,460106,2010-01-01,\n")
    raw = read_feed(discover(tmp_path)[0])
    assert raw.frame.columns[:4] == ["record_id", "source", "id_number", "name"]
    assert raw.frame.row(0)[:2] == ("e9", "social_security")


def test_crlf_line_endings_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "employment.csv"
    path.write_bytes(b"record_id,source,id_number,name,employer_code,employer_name,"
                     b"division_code,from_date,to_date\r\n\r\n"
                     b"e1,social_security,,A,X1,,460106,2010-01-01,\r\n")
    raw = read_feed(discover(tmp_path)[0])
    assert raw.frame.select("record_id", "to_date", "line").rows() == [("e1", None, 3)]
    assert raw.rejects.height == 0


def test_parquet_feed_reads_as_strings_numbered_like_csv(tmp_path: Path) -> None:
    csv_raw = read_feed(feed_file("marriage.csv"))
    typed = csv_raw.frame.drop("line").with_columns(pl.col("event_date").str.to_date(strict=False))
    typed.write_parquet(tmp_path / "marriage.parquet")
    raw = read_feed(discover(tmp_path)[0])
    assert raw.frame["line"].to_list() == list(range(2, 2 + typed.height))
    assert raw.frame["event_date"][0] == "2009-05-01"
    assert raw.frame.schema["event_date"] == pl.String


def test_unreadable_parquet_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "birth.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(FeedError, match=r"birth\.parquet: unreadable parquet"):
        read_feed(discover(tmp_path)[0])
