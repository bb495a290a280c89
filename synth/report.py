"""Counts of a drop beside the 2015 counts the province reported, scaled to its size."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from synth.profile import TARGET_POPULATION, TARGETS_2015


@dataclass(frozen=True)
class Count:
    """One line of the report."""

    name: str
    generated: int
    target: float


def counts(n_persons: int, feeds: dict[str, list[pl.DataFrame]],
           households: int) -> tuple[Count, ...]:
    """Generated counts per feed and source next to the scaled 2015 targets."""
    scale = n_persons / TARGET_POPULATION
    rows = {f: sum(x.height for x in frames) for f, frames in feeds.items()}
    by_source = {f"{f}_{x['source'][0][:5] if x.height else ''}": x.height
                 for f, frames in feeds.items() for x in frames}
    got = {
        "households": households, "cohabitation": rows.get("cohabitation", 0),
        "bloodline": rows.get("bloodline", 0), "marriage": rows.get("marriage", 0),
        "marriage_civil": by_source.get("marriage_civil", 0),
        "marriage_self": by_source.get("marriage_self_", 0),
        "birth": rows.get("birth", 0), "birth_platform": by_source.get("birth_birth", 0),
        "birth_self": by_source.get("birth_self_", 0),
        "pregnancy": rows.get("pregnancy", 0), "certificate": rows.get("certificate", 0),
    }
    return tuple(Count(k, got[k], TARGETS_2015[k] * scale) for k in TARGETS_2015)
