"""Policy what-if: a draft policy table run over every couple on a date, beside the table
in force (issue 17).

Every couple married on the day (:data:`queries.eligibility.permits.COUPLES_ON`) is read
once, in batches (:func:`queries.eligibility.from_graph.spouse_rows`), and decided under
both tables; a couple *changes* when the outcome or the child order differs.  The result
counts every couple by (outcome before, outcome after), the changed ones by county of
residence (the wife's household on the day, else the husband's; retired codes mapped to
today's), lists the changed couples, and keeps a sample of decisions with their reasons
under both tables.  Nothing is written to the graph.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import neo4j

from graphdb.connection import read
from kingraph import divisions
from queries.eligibility.evaluator import Decision, decide
from queries.eligibility.from_graph import couple_facts, spouse_rows
from queries.eligibility.permits import COUPLES_ON
from queries.eligibility.policy import Policy, load

BATCH = 1000
NO_DIVISION = "unknown"

# The county each couple lives in on the day: the wife's household in force, else the
# husband's (the first by pid order when several are).
COUPLE_DIVISIONS = """
UNWIND $couples AS c
MATCH (h:Person {pid: c.husband}) MATCH (w:Person {pid: c.wife})
WITH c, [(w)-[m:MEMBER_OF]->() WHERE m.from_date <= $as_of
          AND (m.to_date IS NULL OR m.to_date > $as_of) | m.division_code] AS hers,
     [(h)-[m:MEMBER_OF]->() WHERE m.from_date <= $as_of
          AND (m.to_date IS NULL OR m.to_date > $as_of) | m.division_code] AS his
RETURN c.husband AS husband, c.wife AS wife, head(hers + his) AS division
"""


@dataclass(frozen=True)
class Change:
    """A couple whose outcome or child order the draft changes."""

    husband: str
    wife: str
    division: str  # today's county code, or ``unknown``
    before: Decision
    after: Decision


@dataclass
class WhatIf:
    """What a draft table would change on a day."""

    as_of: date
    base: Policy
    draft: Policy
    couples: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        """How many couples change."""
        return len(self.changes)

    def by_division(self) -> dict[str, Counter[tuple[str, str]]]:
        """The changed couples per county: (outcome before, outcome after) counts."""
        out: dict[str, Counter[tuple[str, str]]] = {}
        for change in self.changes:
            out.setdefault(change.division, Counter())[
                (change.before.outcome.value, change.after.outcome.value)] += 1
        return dict(sorted(out.items()))

    def sample(self, n: int) -> list[Change]:
        """Up to ``n`` changed couples, spread over the kinds of change (round robin over
        the transitions, each in couple order): the same every run."""
        groups: dict[tuple[str, str], list[Change]] = {}
        for change in sorted(self.changes, key=lambda c: (c.husband, c.wife)):
            key = (change.before.outcome.value, change.after.outcome.value)
            groups.setdefault(key, []).append(change)
        picked: list[Change] = []
        queues = [groups[k] for k in sorted(groups)]
        while len(picked) < n and any(queues):
            for queue in queues:
                if queue and len(picked) < n:
                    picked.append(queue.pop(0))
        return picked

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Add the wall time of the block to stage ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


Progress = Callable[[int, int], None]  # (couples done, couples in all)


def differs(before: Decision, after: Decision) -> bool:
    """Whether a decision changes: another outcome or another child."""
    return (before.outcome, before.child_order) != (after.outcome, after.child_order)


def whatif(driver: neo4j.Driver, database: str, draft: Policy, as_of: date,
           base: Policy | None = None, batch: int = BATCH,
           progress: Progress | None = None) -> WhatIf:
    """Run ``draft`` over every couple married on ``as_of``, beside ``base``.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        draft: The draft table (checked: :func:`queries.eligibility.policy_file.read`).
        as_of: The day to decide on.
        base: The table to compare with; the active one by default.
        batch: Couples per read.
        progress: Called after each batch with (done, total).

    Returns:
        The counts, the changed couples and their divisions.
    """
    result = WhatIf(as_of, base or load(), draft)
    with result.stage("couples"):
        couples = [(str(r["husband"]), str(r["wife"]))
                   for r in read(driver, database, "couples_on", COUPLES_ON, as_of=as_of)]
    result.couples = len(couples)
    for start in range(0, len(couples), batch):
        part = couples[start:start + batch]
        with result.stage("spouse_facts"):
            rows = spouse_rows(driver, database, (p for c in part for p in c), as_of)
        with result.stage("decide"):
            changed = _decide(result, part, rows)
        with result.stage("divisions"):
            result.changes += _located(driver, database, changed, as_of)
        if progress is not None:
            progress(min(start + batch, len(couples)), len(couples))
    return result


Pending = list[tuple[str, str, Decision, Decision]]


def _decide(result: WhatIf, couples: list[tuple[str, str]],
            rows: dict[str, dict[str, object]]) -> Pending:
    changed: Pending = []
    for h, w in couples:
        facts = couple_facts(rows.get(h), rows.get(w), result.as_of)
        before = decide(facts, result.as_of, result.base)
        after = decide(facts, result.as_of, result.draft)
        result.transitions[(before.outcome.value, after.outcome.value)] += 1
        if differs(before, after):
            changed.append((h, w, before, after))
    return changed


def _located(driver: neo4j.Driver, database: str, changed: Pending,
             as_of: date) -> list[Change]:
    if not changed:
        return []
    rows = read(driver, database, "couple_divisions", COUPLE_DIVISIONS, as_of=as_of,
                couples=[{"husband": h, "wife": w} for h, w, _, _ in changed])
    where = {(r["husband"], r["wife"]): r["division"] for r in rows}
    return [Change(h, w, _county(where.get((h, w))), before, after)
            for h, w, before, after in changed]


def _county(code: str | None) -> str:
    if not code:
        return NO_DIVISION
    return divisions.current(code) or code


def _decision(d: Decision) -> dict[str, object]:
    return {"outcome": d.outcome.value, "child_order": d.child_order,
            "child_order_couple": d.child_order_couple, "rule_id": d.rule_id,
            "policy_version": d.policy_version,
            "reasons": [{"zh": r.zh, "en": r.en} for r in d.reasons]}


def _table(p: Policy) -> dict[str, object]:
    return {"table_version": p.table_version, "digest": p.digest, "source": p.source}


def summary(result: WhatIf, sample: int = 10) -> dict[str, object]:
    """The what-if as plain data (the CLI's JSON, the API's job result): counts by
    transition and county, every changed couple (pids, county, outcomes) and a sample of
    decisions with their reasons under both tables."""
    transitions = [{"before": b, "after": a, "couples": n}
                   for (b, a), n in sorted(result.transitions.items())]
    by_division = sorted(result.by_division().items(),
                         key=lambda item: (-sum(item[1].values()), item[0]))
    places = [{"division": code, "division_name": divisions.name(code)
               if code != NO_DIVISION else None, "changed": sum(counts.values()),
               "changes": [{"before": b, "after": a, "couples": n}
                           for (b, a), n in sorted(counts.items())]}
              for code, counts in by_division]
    changed = [{"husband": c.husband, "wife": c.wife, "division": c.division,
                "before": c.before.outcome.value, "before_order": c.before.child_order,
                "after": c.after.outcome.value, "after_order": c.after.child_order}
               for c in sorted(result.changes, key=lambda c: (c.husband, c.wife))]
    picked = [{"husband": c.husband, "wife": c.wife, "division": c.division,
               "before": _decision(c.before), "after": _decision(c.after)}
              for c in result.sample(sample)]
    return {"as_of": result.as_of.isoformat(), "couples": result.couples,
            "changed": result.changed, "base": _table(result.base),
            "draft": _table(result.draft), "transitions": transitions,
            "by_division": places,
            "changed_couples": changed, "sample": picked,
            "seconds": {**{k: round(v, 3) for k, v in result.seconds.items()},
                        "total": round(sum(result.seconds.values()), 3)}}
