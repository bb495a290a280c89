"""Golden attributes: the value most of a person's mentions state wins."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from ingest.derive.survivorship import golden
from ingest.feeds.clean import clean_feed
from ingest.feeds.mentions import to_mentions
from ingest.feeds.read import discover, read_feed
from ingest.fusion.resolution import RESOLVER_COLUMNS
from synth.generator import generate
from tests.factories import fuse, mention, mentions_frame


def test_the_majority_sex_and_birth_date_win_over_a_smaller_minority_value() -> None:
    # Three rows say a woman born 1969-11-12; one row (a typo) says a man born a year
    # earlier.  The majority must win, whatever order the values sort in.
    rows = [mention("household", f"H{i}", sex="2", birth_date=date(1969, 11, 12))
            for i in range(3)]
    rows.append(mention("household", "H9", sex="1", birth_date=date(1968, 11, 12)))
    mentions = mentions_frame(rows)
    assignments = pl.DataFrame({"mention_id": mentions["mention_id"], "pid": ["P1"] * 4,
                                "anchored": [False] * 4})
    person = golden(mentions, assignments, None).unnest("props").row(0, named=True)
    assert person["sex"] == "2"
    assert person["birth_date"] == date(1969, 11, 12)
    assert person["mentions"] == 4


def test_golden_persons_taken_in_parts_equal_them_taken_at_once(tmp_path: Path) -> None:
    # Every golden attribute depends on one person's mentions and household rows only,
    # so parts by pid hash (issue 13: derive's memory is a part's) change nothing.
    drop = tmp_path / "drop"
    generate(3_000, 11, drop)
    cleaned = {f.feed: clean_feed(read_feed(f, "auto")) for f in discover(drop)}
    mentions = pl.concat([to_mentions(c).select(RESOLVER_COLUMNS) for c in cleaned.values()])
    assignments = fuse(mentions).assignments
    households = cleaned["household"].accepted
    whole = golden(mentions, assignments, households, part_mentions=10**9)
    parted = golden(mentions, assignments, households, part_mentions=1_000)
    assert assignments.height > 10 * 1_000  # so there are more than ten parts
    assert whole.height == assignments["pid"].n_unique()
    assert whole.filter(pl.col("props").struct.field("death_date").is_not_null()).height > 0
    assert parted.equals(whole)
