"""Counts of a drop beside the 2015 counts the province reported, scaled to its size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from synth.profile import TARGET_POPULATION, TARGETS_2015

#: Counts of one source of a feed: name -> (feed, source).
BY_SOURCE = {
    "marriage_civil": ("marriage", "civil_affairs"),
    "marriage_self": ("marriage", "self_collected"),
    "birth_platform": ("birth", "birth_platform"),
    "birth_self": ("birth", "self_collected"),
}


@dataclass(frozen=True)
class Count:
    """One line of the report."""

    name: str
    generated: int
    target: float


def counts(n_persons: int, rendered: Counter[tuple[str, str]],
           households: int) -> tuple[Count, ...]:
    """Generated counts per feed and source next to the scaled 2015 targets.

    Args:
        n_persons: Persons in the truth (the scale: targets are per 9 million).
        rendered: Rows rendered per (feed, source), before noise adds duplicates.
        households: Households with a member on ``TARGET_DAY`` (the 2015 stock).
    """
    scale = n_persons / TARGET_POPULATION
    got: dict[str, int] = Counter()
    for (feed, source), n in rendered.items():
        got[feed] += n
        for name, key in BY_SOURCE.items():
            got[name] += n * (key == (feed, source))
    got["households"] = households
    return tuple(Count(k, got[k], TARGETS_2015[k] * scale) for k in TARGETS_2015)
