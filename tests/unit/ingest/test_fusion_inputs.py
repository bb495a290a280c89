"""What a load hands the fusion worker: every stored mention, in mention-id order."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingest.feeds.catalogue import FEEDS
from ingest.feeds.clean import CleanFeed
from ingest.feeds.mentions import to_mentions
from ingest.fusion.child_process import write_mentions
from ingest.fusion.resolution import RESOLVER_COLUMNS
from ingest.pipeline import mention_parts
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
    assert given.columns == list(RESOLVER_COLUMNS)
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
