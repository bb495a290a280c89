"""The days two episodes share within a window, and how close a contact is.

Episodes are ``[from, to]`` with both days included; an open end (still current) runs
to the window's end, an unknown start from the window's start.  A contact's closeness
is the sum over its links of the link kind's weight times the share of the window the
link covers: sharing a dwelling weighs most (同住), then a registered household (户籍:
people registered together do not always live together, 人户分离), close kin (degree 1
and the spouse, counted for the whole window while both live), then colleagues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """How a contact is linked to the index case."""

    HOUSEHOLD = "household"
    COHABITATION = "cohabitation"
    COLLEAGUE = "colleague"
    KIN = "kin"


KINDS = tuple(Kind)
WEIGHT = {Kind.COHABITATION: 1.0, Kind.HOUSEHOLD: 0.8, Kind.KIN: 0.6, Kind.COLLEAGUE: 0.4}


@dataclass(frozen=True)
class Link:
    """One way a contact shared something with the index case in the window."""

    kind: Kind
    days: int  # days of overlap within the window (kin: the days both were alive)
    place: str | None  # household id, dwelling id or employer code; kin: the relation
    place_name: str | None  # the employer's name or the dwelling's division
    division: str | None  # the division of the shared place (today's code)
    records: tuple[str, ...]  # the rows behind the link: the index's and the contact's
    first_day: date | None = None  # the first and last shared day in the window
    last_day: date | None = None


def overlap_days(window: tuple[date, date], *episodes: tuple[date | None, date | None]
                 ) -> tuple[date, date] | None:
    """The first and last day every episode and the window share, or None."""
    start, end = window
    for begin, finish in episodes:
        start = max(start, begin) if begin is not None else start
        end = min(end, finish) if finish is not None else end
    return (start, end) if start <= end else None


def closeness(links: list[Link], window_days: int) -> float:
    """Σ weight × share of the window, over a contact's links (at most one per kind)."""
    best: dict[Kind, int] = {}
    for link in links:
        best[link.kind] = max(best.get(link.kind, 0), link.days)
    return sum(WEIGHT[k] * min(d, window_days) / window_days for k, d in best.items())
