"""Shared fixtures: the hand-written feed files of ``tests/data/feeds``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.feeds.clean import CleanFeed, clean_feed
from ingest.feeds.read import FeedFile, discover, read_feed

FEEDS_DIR = Path(__file__).resolve().parents[2] / "data" / "feeds"
DROP = FEEDS_DIR / "drop"
BROKEN = FEEDS_DIR / "broken"


def feed_file(name: str, folder: Path = DROP) -> FeedFile:
    """The FeedFile of one file of a test folder."""
    return next(f for f in discover(folder) if f.name == name)


@pytest.fixture(scope="session")
def cleaned() -> dict[str, CleanFeed]:
    """Every file of the test drop, read and cleaned once."""
    return {f.name: clean_feed(read_feed(f)) for f in discover(DROP)}
