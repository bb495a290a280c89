"""Birth-service permits a department issued (the certificate feed's ``birth_service`` rows).

A department permit is a ``:Certificate {type: 'birth_service'}`` record naming both
spouses (roles ``husband`` and ``wife``), with ``child_order``, ``issued_on`` and
``revoked_on``.  Automatic issuance reads them as permits the couple already holds:
a permit in force on the run's day covers its child, and Kingraph never issues a second
one for it (:func:`covers`).  The feed's ``child_order`` is read as the order within the
couple; since a department may have counted each spouse's earlier children too, a
permit covers the decision's child when its order is either of the decision's two.

Each department permit is also checked against the rules in force on its own date
(:func:`checks`): the couple decided as of ``issued_on`` (their facts as the graph holds
them for that day) must be eligible for that child.  A permit the rules refuse
(ineligible, or eligible for another child), and a second permit in force for a child
another one already covers, become ``PermitEvent`` flags; a decision that needs review
flags nothing (the rules do not say the permit is wrong).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import neo4j

from graphdb.connection import read
from graphdb.values import day
from queries.eligibility.evaluator import Decision, Outcome, decide
from queries.eligibility.from_graph import couple_facts, spouse_rows_on
from queries.eligibility.policy import Policy

Couples = list[tuple[str, str]]

DEPARTMENT_PERMITS_OF = """
UNWIND $couples AS c
MATCH (:Person {pid: c.husband})<-[:MENTIONS {role: 'husband'}]-(r:Certificate)
      -[:MENTIONS {role: 'wife'}]->(:Person {pid: c.wife})
WHERE r.type = 'birth_service'
RETURN c.husband AS husband, c.wife AS wife, r.key AS key, r.certificate_no AS certificate_no,
       r.child_order AS child_order, r.issued_on AS issued_on, r.revoked_on AS revoked_on
ORDER BY husband, wife, issued_on, key
"""


@dataclass(frozen=True)
class DepartmentPermit:
    """One department-issued permit of a couple."""

    key: str  # the certificate record's key
    husband: str
    wife: str
    child_order: int | None
    issued_on: date | None
    revoked_on: date | None

    def in_force(self, on: date) -> bool:
        """Issued by ``on`` and not revoked by then."""
        return (self.issued_on is not None and self.issued_on <= on
                and (self.revoked_on is None or self.revoked_on > on))


ByCouple = dict[tuple[str, str], list[DepartmentPermit]]


def permits_of(driver: neo4j.Driver, database: str, couples: Couples) -> ByCouple:
    """Every department permit naming both spouses of each couple (one read)."""
    rows = read(driver, database, "department_permits_of", DEPARTMENT_PERMITS_OF,
                couples=[{"husband": h, "wife": w} for h, w in couples])
    out: ByCouple = {}
    for r in rows:
        order = r["child_order"]
        permit = DepartmentPermit(str(r["key"]), str(r["husband"]), str(r["wife"]),
                                  int(order) if order is not None else None,
                                  day(r["issued_on"]), day(r["revoked_on"]))
        out.setdefault((permit.husband, permit.wife), []).append(permit)
    return out


def orders(decision: Decision) -> set[int]:
    """The child orders a decision names (within the couple and in all)."""
    return {o for o in (decision.child_order_couple, decision.child_order) if o is not None}


def covers(permits: Iterable[DepartmentPermit], decision: Decision, on: date) -> bool:
    """Whether a department permit in force on ``on`` already covers the decision's child."""
    wanted = orders(decision)
    return any(p.in_force(on) and p.child_order in wanted for p in permits)


@dataclass(frozen=True)
class Finding:
    """A department permit the rules contradict, or a duplicate, with the decision."""

    kind: str  # department_contradicts | department_duplicate
    permit: DepartmentPermit
    decision: Decision | None  # as of the permit's date (None for a duplicate)


def duplicates(permits: list[DepartmentPermit]) -> list[Finding]:
    """Permits issued for a child another permit of the couple already covered that day."""
    out = []
    for later in permits:
        earlier = [p for p in permits if p is not later and p.child_order == later.child_order
                   and p.issued_on is not None and later.issued_on is not None
                   and (p.issued_on, p.key) < (later.issued_on, later.key)
                   and p.in_force(later.issued_on)]
        if earlier:
            out.append(Finding("department_duplicate", later, None))
    return out


def contradicts(permit: DepartmentPermit, decision: Decision) -> bool:
    """Whether the rules in force on the permit's date refuse it (ineligible, or another
    child than the permit's)."""
    if decision.outcome is Outcome.INELIGIBLE:
        return True
    return decision.outcome is Outcome.ELIGIBLE and permit.child_order not in orders(decision)


def checks(driver: neo4j.Driver, database: str, permits: ByCouple,
           policy: Policy | None = None) -> list[Finding]:
    """Every department permit of these couples decided as of its own date (one read).

    Args:
        driver: A Neo4j driver.
        database: The database name.
        permits: The couples' department permits (:func:`permits_of`).
        policy: The policy table; the active one by default.

    Returns:
        The permits the rules contradict and the duplicates, in the couples' order.
    """
    dated = [p for group in permits.values() for p in group
             if p.issued_on is not None and p.child_order is not None]
    rows = spouse_rows_on(driver, database, [(pid, p.issued_on) for p in dated
                                             for pid in (p.husband, p.wife)
                                             if p.issued_on is not None])
    out: list[Finding] = []
    for n, permit in enumerate(dated):
        assert permit.issued_on is not None
        facts = couple_facts(rows.get(2 * n), rows.get(2 * n + 1), permit.issued_on)
        decision = decide(facts, permit.issued_on, policy)
        if contradicts(permit, decision):
            out.append(Finding("department_contradicts", permit, decision))
    for group in permits.values():
        out += duplicates(group)
    return out


def event_row(finding: Finding) -> dict[str, Any]:
    """What an event about a finding carries besides the decision (see permits.Event)."""
    p = finding.permit
    return {"event_id": f"{finding.kind}|{p.key}", "kind": finding.kind, "permit_no": p.key,
            "husband": p.husband, "wife": p.wife, "child_order": p.child_order}
