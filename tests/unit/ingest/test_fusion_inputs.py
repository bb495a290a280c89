"""What a load hands the fusion worker: every stored mention, in mention-id order."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pytest

from ingest.feeds.catalogue import FEEDS
from ingest.feeds.clean import CleanFeed
from ingest.feeds.mentions import to_mentions
from ingest.fusion import child_process
from ingest.fusion.child_process import write_mentions
from ingest.fusion.resolution import RESOLVER_COLUMNS
from ingest.pipeline import ROW_HASH, mention_parts, refresh_mentions
from ingest.store import Store
from tests.unit.ingest.conftest import by_feed


def test_the_worker_gets_every_stored_mention_sorted_by_its_id(
        tmp_path: Path, cleaned: dict[str, CleanFeed]) -> None:
    # Sorted, the worker numbers the mentions without a sorted copy of the province's
    # frame beside the one it read (issue 13); the set of mentions is the same.
    store = Store(tmp_path / "store")
    for feed, rows in by_feed(list(cleaned.values()), "L1").items():
        store.upsert(feed, rows)
    count = write_mentions(tmp_path / "fusion", mention_parts(store))
    given = pl.read_parquet(tmp_path / "fusion" / "mentions.parquet")
    ids = given["mention_id"]
    assert len(store.feeds()) > 5
    assert count == given.height
    assert ids.is_sorted() and ids.n_unique() == given.height
    expected = pl.concat([to_mentions(c).select(RESOLVER_COLUMNS) for c in cleaned.values()])
    assert sorted(ids.to_list()) == sorted(expected["mention_id"].to_list())
    assert given.columns == [*RESOLVER_COLUMNS, ROW_HASH]
    assert not (tmp_path / "fusion" / "mention-parts").exists()  # the spill is gone


def test_parts_that_interleave_are_sorted_into_one_file(tmp_path: Path,
                                                        cleaned: dict[str, CleanFeed]) -> None:
    # Two parts whose ids interleave (never made by a load, whose parts are whole
    # feeds): the file is still in id order.
    mentions = pl.concat([to_mentions(c).select(RESOLVER_COLUMNS)
                          for c in cleaned.values()]).sort("mention_id")
    odd, even = mentions.gather_every(2, 1), mentions.gather_every(2)
    assert write_mentions(tmp_path, [odd, even]) == mentions.height
    assert pl.read_parquet(tmp_path / "mentions.parquet").equals(mentions)


def test_parts_of_a_few_rows_each_follow_one_another_in_mention_id_order(
        tmp_path: Path, cleaned: dict[str, CleanFeed]) -> None:
    # Rows taken by "record key|" make parts whose ids never interleave, so the file is
    # written from them as they come (no sort of the province's mentions).
    store = Store(tmp_path / "store")
    for feed, rows in by_feed(list(cleaned.values()), "L1").items():
        store.upsert(feed, rows)
    parts = list(mention_parts(store, chunk_rows=7))
    roles = max(len(FEEDS[feed].roles) for feed in store.feeds())
    assert all(p.height <= 7 * roles for p in parts) and len(parts) > len(store.feeds())
    ids = pl.concat(parts)["mention_id"]
    assert ids.is_sorted() and ids.n_unique() == len(ids)
    whole = pl.concat(list(mention_parts(store)))
    assert ids.to_list() == whole["mention_id"].to_list()


def _stored(tmp_path: Path, cleaned: dict[str, CleanFeed]) -> Store:
    store = Store(tmp_path / "store")
    for feed, rows in by_feed(list(cleaned.values()), "L1").items():
        store.upsert(feed, rows)
    return store


def test_a_refresh_after_a_correction_gives_the_file_a_whole_remake_gives(
        tmp_path: Path, cleaned: dict[str, CleanFeed],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A later load makes mentions only for the rows new or changed since the file was
    # made, and drops those of changed rows (issue 13: a correction drop re-reads its own
    # rows, not the province's).
    store = _stored(tmp_path, cleaned)
    folder = tmp_path / "fusion"
    first = refresh_mentions(store, folder)  # no file yet: made whole
    before = pl.read_parquet(folder / "mentions.parquet")
    assert first == before.height and ROW_HASH in before.columns
    rows = store.rows("household")
    assert rows is not None and rows.height > 4
    changed = rows.head(1).with_columns(pl.lit("改名字").alias("name"),
                                        pl.lit("corrected").alias("content_hash"))
    added = rows.slice(1, 1).with_columns(pl.lit("NEW-1").alias("record_id"),
                                          pl.lit("added").alias("content_hash"))
    store.upsert("household", pl.concat([changed, added]))

    def whole(*_: object) -> int:
        raise AssertionError("the file was made again whole")

    with monkeypatch.context() as patched:
        patched.setattr(child_process, "write_mentions", whole)
        count = refresh_mentions(store, folder)
        again = pl.read_parquet(folder / "mentions.parquet")
        assert refresh_mentions(store, folder) == count  # nothing changed: the same file
        assert pl.read_parquet(folder / "mentions.parquet").equals(again)
    remade = tmp_path / "remade"
    assert write_mentions(remade, mention_parts(store)) == count == before.height + 1
    assert again.equals(pl.read_parquet(remade / "mentions.parquet"))
    assert "改名字" in again["name"].to_list() and "改名字" not in before["name"].to_list()


def test_a_file_without_row_hashes_or_mostly_changed_is_made_again_whole(
        tmp_path: Path, cleaned: dict[str, CleanFeed],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = _stored(tmp_path, cleaned)
    folder = tmp_path / "fusion"
    write_mentions(folder, (p.drop(ROW_HASH) for p in mention_parts(store)))  # older file
    whole: list[int] = []

    def counted(where: Path, parts: Iterable[pl.DataFrame]) -> int:
        whole.append(1)
        return write_mentions(where, parts)

    monkeypatch.setattr(child_process, "write_mentions", counted)
    refresh_mentions(store, folder)
    assert whole == [1]
    assert pl.read_parquet(folder / "mentions.parquet").equals(
        pl.concat(list(mention_parts(store))))
    for feed in store.feeds():  # every row sent again, changed
        rows = store.rows(feed)
        assert rows is not None
        store.upsert(feed, rows.with_columns(pl.col("content_hash") + "'"))
    refresh_mentions(store, folder)
    assert whole == [1, 1]
    assert pl.read_parquet(folder / "mentions.parquet").equals(
        pl.concat(list(mention_parts(store))))
