"""A couple on an officer's list: what the thalassemia and the conditions couple lists
share (:class:`queries.thalassemia.couples.Couple`,
:class:`queries.conditions.worklists.Couple`).

A current marriage or a registered pregnancy, both partners' facts (anything with the day
of the partner's latest result), the risk its room computes, and the division the couple
is listed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar

from kingraph import divisions


class PartnerFacts(Protocol):
    """What a couple list needs of a partner's facts."""

    @property
    def tested_on(self) -> date | None:
        """The day of the partner's latest result."""
        ...


RiskT = TypeVar("RiskT")
FactsT = TypeVar("FactsT", bound=PartnerFacts)


@dataclass(frozen=True)
class CoupleRecord(Generic[RiskT, FactsT]):
    """A couple with its risk per pregnancy and both partners' facts."""

    husband: str
    wife: str
    risk: RiskT
    husband_facts: FactsT
    wife_facts: FactsT
    division: str | None
    married_on: date | None = None
    pregnancy: str | None = None  # the Pregnancy record key
    pregnancy_status: str | None = None
    registered_on: date | None = None

    @property
    def ongoing(self) -> bool:
        """A registered pregnancy still ongoing."""
        return self.pregnancy_status == "ongoing"

    def latest_event(self) -> date | None:
        """The couple's latest event: a pregnancy registered, the marriage, a partner's
        latest result."""
        days = [d for d in (self.registered_on, self.married_on,
                            self.husband_facts.tested_on, self.wife_facts.tested_on) if d]
        return max(days) if days else None

    def listed(self, division: str | None = None, since: date | None = None) -> bool:
        """Listed in ``division`` (a county or prefecture code of any period; None: any)
        with an event on or after ``since`` (None: any)."""
        return divisions.within(self.division, division) and (
            since is None or (self.latest_event() or date.min) >= since)
