"""A drop read one file at a time: its accepted rows spilled, then merged feed by feed."""

from __future__ import annotations

from pathlib import Path

from ingest.feeds.clean import CleanFeed
from ingest.pipeline import Staged
from ingest.store import Store
from tests.unit.ingest.conftest import by_feed


def test_spilled_files_give_each_feeds_rows_as_read_in_memory(
        tmp_path: Path, cleaned: dict[str, CleanFeed]) -> None:
    store = Store(tmp_path / "store")
    files = list(cleaned.values())
    with store.staging() as folder:
        staged = Staged(folder)
        for clean in files:
            staged.add(clean, "L1")
        assert staged.rows == sum(c.accepted.height for c in files)
        assert len(staged.quarantine) == len(files)
        expected = by_feed(files, "L1")  # every file's rows at once, as loads did
        assert set(staged.files) == set(expected)
        for feed, frame in expected.items():
            assert staged.feed(feed).equals(frame)
            assert staged.scans()[feed].collect().equals(frame)
        # The budget counts the keys over the spilled files as over the frames.
        assert store.rows_after(staged.scans()) == store.rows_after(expected)
