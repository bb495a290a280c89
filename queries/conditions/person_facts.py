"""Each person's ``:Diagnosis`` rows for one condition and current residence, from the graph."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import neo4j

from graphdb.connection import read
from graphdb.values import day
from kingraph import divisions
from kingraph.conditions import Condition
from queries.conditions.results import Finding, Result, combined

FINDINGS = """
UNWIND $pids AS pid
MATCH (x:Person {pid: pid})
CALL (x) {
  OPTIONAL MATCH (d:Diagnosis {condition: $condition})-[:MENTIONS {role: 'person'}]->(x)
  RETURN collect(d {.key, .result, .method, .test_date}) AS findings
}
CALL (x) {
  OPTIONAL MATCH (x)-[e:MEMBER_OF|LIVED_AT]->()
  WITH e ORDER BY e.to_date IS NULL DESC, coalesce(e.to_date, e.from_date) DESC LIMIT 1
  RETURN e.division_code AS division
}
RETURN x.pid AS pid, x.sex AS sex, findings, division
"""


@dataclass(frozen=True)
class Facts:
    """A person's results for one condition (oldest first) and current residence."""

    findings: tuple[Finding, ...]
    genotypes: frozenset[int] | None  # what the results allow together; None: no result
    division: str | None  # today's code

    @property
    def latest(self) -> Finding | None:
        """The latest result, if any."""
        return self.findings[-1] if self.findings else None

    @property
    def tested_on(self) -> date | None:
        """The day of the latest result."""
        return self.latest.tested_on if self.latest else None

    @property
    def division_name(self) -> str | None:
        """The division's name."""
        return divisions.name(self.division) if self.division else None


NO_FACTS = Facts((), None, None)


def _finding(row: dict[str, object]) -> Finding | None:
    try:
        result = Result(str(row.get("result") or ""))
    except ValueError:
        return None  # an unreadable stored result counts as no result
    method = row.get("method")
    return Finding(result, str(method) if method else None, day(row.get("test_date")),
                   str(row.get("key")))


def facts(driver: neo4j.Driver, database: str, condition: Condition,
          pids: Iterable[str]) -> dict[str, Facts]:
    """Results for the condition and current residence of each person (one round trip)."""
    rows = read(driver, database, "condition_facts", FINDINGS, condition=condition.code,
                pids=list(dict.fromkeys(pids)))
    out: dict[str, Facts] = {}
    for row in rows:
        found = [f for f in (_finding(dict(d)) for d in row["findings"]) if f is not None]
        found.sort(key=lambda f: (f.tested_on or date.min, f.record or ""))
        code = row["division"]
        out[str(row["pid"])] = Facts(tuple(found), combined(condition, found, row["sex"]),
                                     divisions.current(code) if code else None)
    return out
