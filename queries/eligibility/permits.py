"""Automatic issuance of birth permits and review of glory certificates, on the graph.

:func:`issue` decides, as of a day, for every couple married on that day (new
marriages, new pregnancies and couples without a permit for their next child are
all among them), in batches: one read of the couples, then per batch of couples one
read of their permits (:data:`PERMITS_OF`), :data:`queries.eligibility.from_graph.SPOUSE_FACTS`
for their spouses, and the writes; every read and write starts from an index seek per
couple or event, so a run grows linearly with the number of couples (stage times in
:attr:`IssueReport.seconds`).  A permit is ``(:Permit {permit_no, kind, child_order,
issued_on, revoked_on, rule_id, policy_version, decision})-[:FOR]->(:Person)`` for both
spouses; its number is derived from the couple, the child order and how many permits
that couple had for it, so a second run issues nothing.  A permit whose basis changed
is closed (the child it covered was born), revoked (the couple is no longer eligible
for that child) or flagged (the decision now needs review).  Every issuance, revocation,
flag and glory finding is a ``(:PermitEvent {event_id, kind, permit_no, on,
decision, run})`` node, merged on its unique id (idempotent); ``run`` names the call
that recorded it.  A permit records the policy version (the era) and the policy table's
version and digest it was decided under.

Permits a department issued (:mod:`queries.eligibility.department`) count as held: no
permit is issued for a child a department permit in force already covers, and a
department permit the rules in force on its date refuse, or a duplicate, is recorded as
a ``department_contradicts`` or ``department_duplicate`` event (``permit_no`` is then the
certificate record's key), once.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import neo4j

from graphdb.connection import read, write
from queries.eligibility import department, glory
from queries.eligibility.department import ByCouple, DepartmentPermit
from queries.eligibility.evaluator import Decision, Outcome, decide
from queries.eligibility.from_graph import couple_facts, spouse_rows
from queries.eligibility.spouse_rows import Row

BATCH = 1000  # couples per read/write batch

COUPLES_ON = """
MATCH (h:Person)-[m:MARRIED]->(w:Person)
WHERE m.married_on <= $as_of AND (m.ended_on IS NULL OR m.ended_on > $as_of)
RETURN DISTINCT h.pid AS husband, w.pid AS wife ORDER BY husband, wife
"""

# Every permit each couple holds (revoked ones included: they count the attempts).
PERMITS_OF = """
UNWIND $couples AS c
MATCH (:Person {pid: c.husband})<-[:FOR {role: 'husband'}]-(p:Permit)
      -[:FOR {role: 'wife'}]->(:Person {pid: c.wife})
RETURN c.husband AS husband, c.wife AS wife, p.permit_no AS permit_no,
       p.child_order AS child_order, p.revoked_on IS NOT NULL AS revoked, p.flag AS flag
"""

WRITE_PERMITS = """
UNWIND $rows AS row
MERGE (p:Permit {permit_no: row.permit_no})
ON CREATE SET p.kind = row.kind, p.child_order = row.child_order, p.issued_on = row.on,
  p.rule_id = row.rule_id, p.policy_version = row.policy_version, p.decision = row.decision,
  p.table_version = row.table_version, p.child_order_couple = row.child_order_couple
WITH p, row
MATCH (h:Person {pid: row.husband}) MATCH (w:Person {pid: row.wife})
MERGE (p)-[:FOR {role: 'husband'}]->(h)
MERGE (p)-[:FOR {role: 'wife'}]->(w)
"""

WRITE_CHANGES = """
UNWIND $rows AS row
MATCH (p:Permit {permit_no: row.permit_no})
SET p.revoked_on = CASE WHEN row.kind IN ['revoked', 'closed'] THEN row.on ELSE p.revoked_on END,
    p.revoke_reason = CASE WHEN row.kind IN ['revoked', 'closed'] THEN row.kind
                      ELSE p.revoke_reason END,
    p.flag = CASE WHEN row.kind = 'flagged' THEN 'needs_review' ELSE p.flag END
"""

# MERGE on the unique event_id (graphdb.schema); only the events this call created carry
# its run id, so those are the new ones.
WRITE_EVENTS = """
UNWIND $rows AS row
MERGE (e:PermitEvent {event_id: row.event_id})
ON CREATE SET e.kind = row.kind, e.permit_no = row.permit_no, e.on = row.on,
  e.husband = row.husband, e.wife = row.wife, e.child_order = row.child_order,
  e.decision = row.decision, e.recorded = datetime(), e.run = $run
WITH e WHERE e.run = $run
RETURN e.kind AS kind
"""

RECENT_EVENTS = """
MATCH (e:PermitEvent) WHERE e.on >= $since
RETURN e.event_id AS event_id, e.kind AS kind, e.permit_no AS permit_no, e.on AS on,
       e.husband AS husband, e.wife AS wife, e.child_order AS child_order
ORDER BY e.on DESC, e.event_id SKIP $offset LIMIT $limit
"""


@dataclass(frozen=True)
class Event:
    """One issuance, revocation, closure, flag or glory finding."""

    event_id: str
    kind: str  # issued | revoked | closed | flagged | glory_revoke | glory_review
    permit_no: str | None
    on: date
    husband: str
    wife: str
    child_order: int | None
    decision: str  # the decision as JSON

    def row(self) -> dict[str, Any]:
        """The event as query parameters."""
        return asdict(self)


@dataclass
class IssueReport:
    """What a run decided and changed."""

    couples: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    decided: list[tuple[str, str]] = field(default_factory=list)  # (husband, wife) pids
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Add the wall time of the block to stage ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def decision_json(decision: Decision | glory.GloryDecision) -> str:
    """A decision as JSON (reasons in both languages, evidence keys)."""
    return json.dumps(asdict(decision), ensure_ascii=False, default=str, sort_keys=True)


def permit_no(husband: str, wife: str, child_order: int, attempt: int) -> str:
    """The permit number for a couple's ``attempt``-th permit for a child (stable)."""
    digest = hashlib.sha1(f"{husband}|{wife}|{child_order}".encode()).hexdigest()[:12].upper()
    return f"BS{child_order}-{digest}-{attempt}"


Active = dict[tuple[str, str], list[dict[str, Any]]]


def held_permits(driver: neo4j.Driver, database: str,
                 couples: list[tuple[str, str]]) -> Active:
    """Every permit each couple holds (one read), by (husband, wife)."""
    out: Active = {}
    rows = read(driver, database, "permits_of", PERMITS_OF,
                couples=[{"husband": h, "wife": w} for h, w in couples])
    for r in rows:
        out.setdefault((r["husband"], r["wife"]), []).append(r.data())
    return out


def plan(husband: str, wife: str, decision: Decision, held: list[dict[str, Any]],
         as_of: date, by_department: list[DepartmentPermit] | None = None) -> list[Event]:
    """The events one couple's decision calls for, given the permits it holds (its own and
    the department's)."""
    text = decision_json(decision)
    events = []
    active = [p for p in held if not p["revoked"]]
    for p in active:
        kind = _change(p, decision)
        if kind:
            events.append(Event(f"{kind}|{p['permit_no']}", kind, p["permit_no"], as_of, husband,
                                wife, p["child_order"], text))
    order = decision.child_order
    covered = (any(p["child_order"] == order for p in active)
               or department.covers(by_department or (), decision, as_of))
    if decision.outcome is Outcome.ELIGIBLE and order is not None and not covered:
        attempt = sum(1 for p in held if p["child_order"] == order) + 1
        number = permit_no(husband, wife, order, attempt)
        events.append(Event(f"issued|{number}", "issued", number, as_of, husband, wife, order,
                            text))
    return events


def _change(permit: dict[str, Any], decision: Decision) -> str | None:
    order = decision.child_order
    if order is not None and order > permit["child_order"]:
        return "closed"  # the child it covered has been born
    if decision.outcome is Outcome.NEEDS_REVIEW:
        return None if permit["flag"] else "flagged"
    if decision.outcome is Outcome.INELIGIBLE or order != permit["child_order"]:
        return "revoked"
    return None


def _glory(husband: str, wife: str, verdict: glory.GloryDecision, as_of: date) -> list[Event]:
    kinds = {glory.GloryOutcome.REVOKE: "glory_revoke",
             glory.GloryOutcome.NEEDS_REVIEW: "glory_review"}
    kind = kinds.get(verdict.outcome)
    if kind is None:
        return []
    certs = "+".join(k for k in verdict.evidence if k.startswith("certificate|"))
    return [Event(f"{kind}|{husband}|{wife}|{certs}", kind, None, as_of, husband, wife, None,
                  decision_json(verdict))]


def issue(driver: neo4j.Driver, database: str, as_of: date,
          batch: int = BATCH) -> IssueReport:
    """Decide for every married couple and issue, revoke, close or flag permits.

    Args:
        driver: A Neo4j driver.
        database: The database name.
        as_of: The day of the run; the rules in force that day apply.
        batch: Couples per read and write.

    Returns:
        Counts of couples, outcomes and events written.
    """
    report = IssueReport()
    with report.stage("couples"):
        couples = [(r["husband"], r["wife"])
                   for r in read(driver, database, "couples_on", COUPLES_ON, as_of=as_of)]
    report.couples, report.decided = len(couples), couples
    for start in range(0, len(couples), batch):
        part = couples[start:start + batch]
        held, by_department, rows = _read_batch(driver, database, part, as_of, report)
        events = _decide_batch(part, held, by_department, rows, as_of, report)
        with report.stage("department_checks"):
            events += department_events(driver, database, by_department, as_of)
        with report.stage("write"):
            report.events.update(record(driver, database, events))
    return report


def _read_batch(driver: neo4j.Driver, database: str, couples: list[tuple[str, str]],
                as_of: date, report: IssueReport) -> tuple[Active, ByCouple, dict[str, Row]]:
    with report.stage("permits_held"):
        held = held_permits(driver, database, couples)
        by_department = department.permits_of(driver, database, couples)
    with report.stage("spouse_facts"):
        rows = spouse_rows(driver, database, (p for c in couples for p in c), as_of)
    return held, by_department, rows


def _decide_batch(couples: list[tuple[str, str]], held: Active, by_department: ByCouple,
                  rows: dict[str, Row], as_of: date, report: IssueReport) -> list[Event]:
    events: list[Event] = []
    with report.stage("decide"):
        for h, w in couples:
            facts = couple_facts(rows.get(h), rows.get(w), as_of)
            decision = decide(facts, as_of)
            report.outcomes[decision.outcome.value] += 1
            events += plan(h, w, decision, held.get((h, w), []), as_of,
                           by_department.get((h, w)))
            if facts.pledged_one_child:
                events += _glory(h, w, glory.decide(facts, as_of), as_of)
    return events


def department_events(driver: neo4j.Driver, database: str, by_department: ByCouple,
                      as_of: date) -> list[Event]:
    """Flags for the department permits the rules refuse on their dates, and duplicates."""
    if not by_department:
        return []
    return [Event(**department.event_row(f), on=as_of,
                  decision=decision_json(f.decision) if f.decision else "{}")
            for f in department.checks(driver, database, by_department)]


def record(driver: neo4j.Driver, database: str, events: list[Event]) -> list[str]:
    """Write permits, their changes and the events (idempotent); the kinds of new events."""
    if not events:
        return []
    issued = [_permit_row(e) for e in events if e.kind == "issued"]
    changes = [e.row() for e in events if e.kind in ("revoked", "closed", "flagged")]
    if issued:
        write(driver, database, "write_permits", WRITE_PERMITS, rows=issued)
    if changes:
        write(driver, database, "write_permit_changes", WRITE_CHANGES, rows=changes)
    new = write(driver, database, "write_permit_events", WRITE_EVENTS,
                rows=[e.row() for e in events], run=uuid.uuid4().hex)
    return [str(r["kind"]) for r in new]


def _permit_row(event: Event) -> dict[str, Any]:
    decision = json.loads(event.decision)
    return {**event.row(), "kind": str(decision.get("permit_kind") or "birth_service"),
            "rule_id": decision["rule_id"], "policy_version": decision["policy_version"],
            "table_version": decision.get("table_version"),
            "child_order_couple": decision.get("child_order_couple")}


def issue_couple(driver: neo4j.Driver, database: str, husband: str, wife: str,
                 as_of: date) -> tuple[Decision, list[Event]]:
    """Decide for one couple and issue (or revoke) as :func:`issue` would.

    Returns:
        The decision and the events written (empty when nothing changed).
    """
    rows = spouse_rows(driver, database, (husband, wife), as_of)
    decision = decide(couple_facts(rows.get(husband), rows.get(wife), as_of), as_of)
    held = held_permits(driver, database, [(husband, wife)]).get((husband, wife), [])
    by_department = department.permits_of(driver, database, [(husband, wife)])
    events = plan(husband, wife, decision, held, as_of, by_department.get((husband, wife)))
    events += department_events(driver, database, by_department, as_of)
    record(driver, database, events)
    return decision, events


def recent(driver: neo4j.Driver, database: str, since: date, limit: int = 50,
           offset: int = 0) -> list[dict[str, Any]]:
    """Permit events on or after ``since``, newest first."""
    rows = read(driver, database, "recent_permit_events", RECENT_EVENTS, since=since,
                limit=limit, offset=offset)
    return [r.data() for r in rows]
