"""The quarantine file and the reason codes."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingest.feeds.clean import CleanFeed
from ingest.feeds.quarantine import QUARANTINE_SCHEMA, Reason, write_quarantine


def test_every_reason_has_a_one_line_description() -> None:
    for reason in Reason:
        assert reason.description and "\n" not in reason.description


def test_write_quarantine_writes_every_row_of_a_load(
    cleaned: dict[str, CleanFeed], tmp_path: Path
) -> None:
    frame = pl.concat([c.quarantine for c in cleaned.values()])
    path = tmp_path / "load-1" / "quarantine.parquet"
    assert write_quarantine(frame, path) == frame.height == 22
    back = pl.read_parquet(path)
    assert back.schema == pl.Schema(QUARANTINE_SCHEMA)
    assert back.filter(pl.col("file") == "marriage.csv")["reason"].to_list() == [
        "bad_date", "unknown_code", "no_identity"]
    assert back["reason"].is_in([r.value for r in Reason]).all()
