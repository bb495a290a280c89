"""Shared fixtures: the hand-written feed files of ``tests/data/feeds``, and the mentions
of a 20,000-person synthetic drop."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ingest.feeds.clean import CleanFeed, clean_feed
from ingest.feeds.mentions import to_mentions
from ingest.feeds.read import FeedFile, discover, read_feed
from ingest.fusion.resolution import RESOLVER_COLUMNS
from synth.generator import generate

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


def synthetic_mentions(folder: Path, persons: int, seed: int) -> pl.DataFrame:
    """Every mention (the resolver's columns) of a noisy synthetic drop generated in
    ``folder``."""
    drop = folder / "drop"
    generate(persons, seed, drop)
    return pl.concat([to_mentions(clean_feed(read_feed(f, "auto"))).select(RESOLVER_COLUMNS)
                      for f in discover(drop)])


@pytest.fixture(scope="session")
def drop20k(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """Every mention of a noisy 20,000-person synthetic drop (seed 7)."""
    return synthetic_mentions(tmp_path_factory.mktemp("pieces"), 20_000, 7)


def by_feed(cleaned: list[CleanFeed], load_id: str) -> dict[str, pl.DataFrame]:
    """The accepted rows of the drop's files, one frame per feed, stamped ``load_id``:
    every file's rows in memory at once (what a load merged before it spilled them)."""
    frames: dict[str, list[pl.DataFrame]] = {}
    for clean in cleaned:
        frame = clean.accepted.with_columns(pl.lit(load_id).alias("load_id"))
        frames.setdefault(clean.definition.name, []).append(frame)
    return {feed: pl.concat(parts, how="diagonal_relaxed") for feed, parts in frames.items()}
