"""What a load hands the fusion worker: every stored mention, in mention-id order."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingest.feeds.clean import CleanFeed
from ingest.feeds.mentions import to_mentions
from ingest.fusion.resolution import RESOLVER_COLUMNS
from ingest.pipeline import _by_feed, _mentions
from ingest.store import Store


def test_the_worker_gets_every_stored_mention_sorted_by_its_id(
        tmp_path: Path, cleaned: dict[str, CleanFeed]) -> None:
    # Sorted, the worker numbers the mentions without a sorted copy of the province's
    # frame beside the one it read (issue 13); the set of mentions is the same.
    store = Store(tmp_path)
    for feed, rows in _by_feed(list(cleaned.values()), "L1").items():
        store.upsert(feed, rows)
    given = _mentions(store)
    ids = given["mention_id"]
    assert len(store.feeds()) > 5
    assert ids.is_sorted() and ids.n_unique() == given.height
    expected = pl.concat([to_mentions(c).select(RESOLVER_COLUMNS) for c in cleaned.values()])
    assert sorted(ids.to_list()) == sorted(expected["mention_id"].to_list())
    assert given.columns == list(RESOLVER_COLUMNS)
