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


def test_corrupt_line_in_utf8_file_is_quarantined_not_a_gb18030_guess() -> None:
    raw = read_feed(feed_file("pregnancy_corrupt.csv", BROKEN))
    line_2 = (BROKEN / "pregnancy_corrupt.csv").read_bytes().split(b"\n")[1].decode("utf-8")
    assert raw.encoding == "utf-8"
    assert raw.frame["woman_name"].to_list() == [line_2.split(",")[3]]
    assert raw.rejects.select("line", "record_id", "reason").rows() == [
        (3, None, Reason.UNDECODABLE.value)]


def test_a_file_of_binary_junk_is_refused() -> None:
    with pytest.raises(FeedError, match=r"employment_junk\.csv line 2"):
        read_feed(feed_file("employment_junk.csv", BROKEN))


def test_junk_appended_to_a_good_file_is_quarantined_line_by_line(tmp_path: Path) -> None:
    good = (DROP / "employment.csv").read_bytes()
    (tmp_path / "employment.csv").write_bytes(good + b"\x00\x01PK\x03\x04\xff\xfe\n\x1b[0m\n")
    raw = read_feed(discover(tmp_path)[0])
    clean = read_feed(feed_file("employment.csv"))
    assert raw.frame.equals(clean.frame)
    lines = good.count(b"\n")
    assert raw.rejects.select("line", "reason").rows()[-2:] == [
        (lines + 1, Reason.UNDECODABLE.value), (lines + 2, Reason.BINARY_CONTENT.value)]


def test_nul_bytes_quarantine_their_line() -> None:
    raw = read_feed(feed_file("cohabitation_nul.csv", BROKEN))
    assert raw.frame["record_id"].to_list() == ["c1"]
    assert raw.rejects.select("line", "reason").rows() == [(3, Reason.BINARY_CONTENT.value)]


def test_wrong_header_names_missing_columns_and_unknown_positions() -> None:
    with pytest.raises(FeedError, match=r"household_badheader\.csv line 1: .*'id_number'.*"
                       r"unknown columns at positions \[4\]"):
        read_feed(feed_file("household_badheader.csv", BROKEN))


EMPLOYMENT = ("record_id,source,id_number,name,employer_code,employer_name,division_code,"
              "from_date,to_date")
ROW = "e1,social_security,,张三,X1,某公司,460106,2010-01-01,"


def test_header_maps_by_name_whatever_the_case_spaces_and_order(tmp_path: Path) -> None:
    names = EMPLOYMENT.split(",")
    header = [" Source", "RECORD_ID", "Id Number", "name\u3000", *names[4:]]
    (tmp_path / "employment.csv").write_text(",".join(header) + "\n" + ",".join(
        ["social_security", "e1", "", "张三", *ROW.split(",")[4:]]) + "\n")
    raw = read_feed(discover(tmp_path)[0])
    assert raw.frame.columns == [*names, "line"]
    assert raw.frame.row(0)[:4] == ("e1", "social_security", None, "张三")
    assert raw.notes == ()


def test_an_extra_column_is_ignored_and_noted_by_position(tmp_path: Path) -> None:
    (tmp_path / "employment.csv").write_text(
        f"{EMPLOYMENT},王某的备注\n{ROW},460106198503120019\n")
    raw = read_feed(discover(tmp_path)[0])
    assert raw.frame.drop("line").row(0) == tuple(v or None for v in ROW.split(","))
    assert raw.rejects.height == 0
    assert raw.notes == ("1 column(s) not in the contract ignored, at positions [10]",)


def test_a_repeated_column_refuses_the_file(tmp_path: Path) -> None:
    (tmp_path / "employment.csv").write_text(f"{EMPLOYMENT},name\n{ROW},李四\n")
    with pytest.raises(FeedError, match=r"repeated at \[10\]"):
        read_feed(discover(tmp_path)[0])


def test_headerless_file_is_refused_without_echoing_its_first_row(tmp_path: Path) -> None:
    (tmp_path / "employment.csv").write_text(
        "e1,social_security,460106198503120019,陈伟,X1,,460106,2010-01-01,\n", encoding="utf-8")
    with pytest.raises(FeedError, match="no header row") as caught:
        read_feed(discover(tmp_path)[0])
    assert "4601" not in str(caught.value) and "陈伟" not in str(caught.value)


def test_missing_drop_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="not a directory"):
        discover(tmp_path / "nowhere")


def test_empty_file_is_read_as_no_rows_and_noted() -> None:
    raw = read_feed(feed_file("certificate_empty.csv", BROKEN))
    assert raw.rows_read == 0 and raw.frame.columns[-1] == "line"
    assert raw.notes == ("empty file: no header and no rows",)


def test_quote_opened_mid_file_quarantines_its_line_and_the_rest_is_read() -> None:
    raw = read_feed(feed_file("bloodline_openquote.csv", BROKEN))
    assert raw.frame["record_id"].to_list() == ["l2", "l3"]
    assert raw.rejects.select("line", "reason").rows() == [(2, Reason.BAD_QUOTING.value)]


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


def test_parquet_extra_column_is_ignored_and_noted(tmp_path: Path) -> None:
    frame = read_feed(feed_file("marriage.csv")).frame.drop("line")
    frame.with_columns(remark=frame["record_id"]).write_parquet(tmp_path / "marriage.parquet")
    raw = read_feed(discover(tmp_path)[0])
    assert raw.frame.drop("line").equals(frame)
    assert raw.notes == (f"1 column(s) not in the contract ignored, at positions "
                         f"[{frame.width + 1}]",)


def test_unreadable_parquet_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "birth.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(FeedError, match=r"birth\.parquet: unreadable parquet"):
        read_feed(discover(tmp_path)[0])
