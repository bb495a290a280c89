"""Comparing graph trajectories with a synthetic drop's ``truth/residences.parquet``."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from kingraph import divisions
from queries.residence import Episode

DAY_SLACK = 1


def _near(a: date | None, b: date | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).days) <= DAY_SLACK


def episode_matches(got: Episode, want: dict[str, Any]) -> bool:
    """Same place (today's units, nesting allowed) and both dates within a day."""
    return (got.current_code is not None
            and divisions.same_place(got.current_code, want["division_code"])
            and _near(got.start, want["from_date"]) and _near(got.end, want["to_date"]))


def trajectory_matches(got: tuple[Episode, ...], want: list[dict[str, Any]]) -> bool:
    """Every truth episode matched in order, and no extra episode."""
    return len(got) == len(want) and all(episode_matches(g, w)
                                         for g, w in zip(got, want, strict=True))


def truth_episodes(residences: pl.DataFrame, person_key: int) -> list[dict[str, Any]]:
    """One truth person's residences, oldest first."""
    rows = residences.filter(pl.col("person_key") == person_key).sort("from_date")
    return rows.to_dicts()
