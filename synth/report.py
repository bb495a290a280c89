"""Counts of a drop beside the 2015 counts the province reported, scaled to its size,
and the counts of the hard classes (issues 16 and 17) beside what they are argued from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from synth import genetics
from synth.calendar import day
from synth.profile import TARGET_DAY, TARGET_POPULATION, TARGETS_2015
from synth.truth import Truth

#: The target of a line no published figure speaks to.
nan = float("nan")
#: Counts of one source of a feed: name -> (feed, source).
BY_SOURCE = {
    "marriage_civil": ("marriage", "civil_affairs"),
    "marriage_self": ("marriage", "self_collected"),
    "birth_platform": ("birth", "birth_platform"),
    "birth_self": ("birth", "self_collected"),
}


@dataclass(frozen=True)
class Count:
    """One line of the report; ``target`` is NaN where no published figure says what it
    should be (a class whose rate is assumed; see ``docs/truth.md``)."""

    name: str
    generated: float
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


def classes(t: Truth, kinds: Counter[str], facts: Counter[tuple[str, str]]) -> tuple[Count, ...]:
    """The hard classes of a drop: shares and counts beside their targets.

    Args:
        t: The whole truth.
        kinds: Mentions per hard-case kind (``truth/hard_cases.parquet``).
        facts: Rows per (row-truth file, kind or meaning).
    """
    out = [Count(f"mentions: {k}", n, nan) for k, n in sorted(kinds.items())]
    out += [Count(f"{stem}: {k}", n, nan) for (stem, k), n in sorted(facts.items())]
    out += list(_marriages(t)) + list(_families(t)) + list(_conditions(t))
    return tuple(out)


def _marriages(t: Truth) -> Iterator[Count]:
    """Class 4: marriages known only from household registration.

    Seed: of 2.30 M marriage rows, 1.00 M are civil affairs' (since 2009) and 1.30 M
    self-collected, for the marriages (and divorces) before 2009 of people alive to be
    asked.  Set against the older marriages this generator makes, that is the share of
    them with a row; the rest of those couples are known only as a head and a spouse
    (GB/T 4761 10/11/12) of one household.
    """
    u, r, b = t.pop.unions, t.records, t.bonds
    p = t.pop.people
    civil = day(t.profile.coverage.civil_marriage_from)
    scale = TARGET_POPULATION / len(p)
    asked = np.maximum(p.death[u.husband], p.death[u.wife]) >= civil
    old = (u.start < civil) & asked
    self_divorces = int((r.divorce_row & (u.end < civil)).sum())
    yield Count("marriages before 2009, a spouse alive in 2009 (scaled to 9 M)",
                int(old.sum()) * scale, nan)
    yield Count("share of them with a self-collected row", float(r.marriage_row[old].mean()),
                (TARGETS_2015["marriage_self"] - self_divorces * scale)
                / max(int(old.sum()) * scale, 1))
    on = day(TARGET_DAY)
    now = (u.start <= on) & (u.end > on)
    only = now & b.shown & ~r.marriage_row
    yield Count("share of couples of 2015 known only from the household", float(
        only.sum() / max(int(now.sum()), 1)), nan)
    yield Count("marriages ever: household only", int((b.shown & ~r.marriage_row).sum()), nan)
    yield Count("marriages ever: in the wife's household", int(b.wife_head.sum()), nan)


def _families(t: Truth) -> Iterator[Count]:
    """Step relations (raised or not) and custody facts."""
    steps = t.bonds.steps["raised_day"].to_numpy()
    yield Count("step relations", steps.size, nan)
    yield Count("step relations raised", int((steps <= day(t.profile.as_of)).sum()), nan)
    for reason, n in t.bonds.custody.group_by("reason").len().sort("reason").iter_rows():
        yield Count(f"custody after {reason}", n, nan)


def _conditions(t: Truth) -> Iterator[Count]:
    """Affected men (the allele frequency of an X-linked condition) among the living, by
    ethnic group, beside the profile's published frequency; carriers of the recessive."""
    p = t.pop.people
    alive = p.death > day(t.profile.as_of)
    li = np.isin(p.ethnicity, ("19", "06"))
    for c, cond in enumerate(t.profile.conditions):
        affected = genetics.affected(p.traits[:, c], cond)
        for group, mask in (("han", ~li), ("li", li)):
            men = alive & mask & (p.sex == 1)
            if cond.mode == "x_linked_recessive":
                yield Count(f"{cond.code}: affected men, {group}",
                            float(affected[men].mean()) if men.any() else nan,
                            cond.published[group])
            else:
                q = cond.published[group]
                everyone = alive & mask
                yield Count(f"{cond.code}: carriers, {group}", float(
                    genetics.heterozygous(p.traits[everyone, c]).mean()) if everyone.any()
                    else nan, 2 * q * (1 - q))
