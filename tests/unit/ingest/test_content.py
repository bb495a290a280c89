"""Content hashes: stable, format-blind, sensitive to content."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from ingest.feeds.clean import clean_feed
from ingest.feeds.read import discover, read_feed

HEAD = ("record_id,source,id_number,name,employer_code,employer_name,division_code,"
        "from_date,to_date\n")


def _hashes(folder: Path, rows: str, name: str = "employment.csv") -> list[str]:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(HEAD + rows, encoding="utf-8")
    clean = clean_feed(read_feed(discover(folder)[0]))
    return clean.accepted.sort("line")["content_hash"].to_list()


def test_hash_is_sha1_of_the_documented_canonical_string(tmp_path: Path) -> None:
    fields = ["e1", "social_security", "", "张三", "X1", "", "460106", "2010-01-01", ""]
    canonical = "\x1f".join(["kingraph-row-v1", "employment", *fields])
    expected = hashlib.sha1(canonical.encode("utf-8")).hexdigest()
    assert _hashes(tmp_path, ",".join(fields) + "\n") == [expected]


def test_date_format_spaces_file_and_line_do_not_change_the_hash(tmp_path: Path) -> None:
    a = _hashes(tmp_path / "a", "e1,social_security,,张三,X1,,460106,2010-01-01,\n")
    b = _hashes(tmp_path / "b", "\ne1 , social_security,,张三 ,X1,,460106,2010/1/1,\n",
                "employment_2.csv")
    assert a == b


def test_a_changed_value_changes_the_hash(tmp_path: Path) -> None:
    a = _hashes(tmp_path / "a", "e1,social_security,,张三,X1,,460106,2010-01-01,\n")
    b = _hashes(tmp_path / "b", "e1,social_security,,张三,X1,,460106,2010-01-01,2012-01-01\n")
    assert a != b


def test_csv_and_parquet_deliveries_hash_alike(tmp_path: Path) -> None:
    rows = "e1,social_security,,张三,X1,,460106,2010-01-01,\n"
    from_csv = _hashes(tmp_path / "csv", rows)
    frame = read_feed(discover(tmp_path / "csv")[0]).frame.drop("line")
    typed = frame.with_columns(pl.col("from_date").str.to_date())
    (tmp_path / "pq").mkdir()
    typed.write_parquet(tmp_path / "pq" / "employment.parquet")
    clean = clean_feed(read_feed(discover(tmp_path / "pq")[0]))
    assert clean.accepted["content_hash"].to_list() == from_csv
