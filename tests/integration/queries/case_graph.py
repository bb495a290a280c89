"""Load the eligibility cases (tests/unit/queries/eligibility_cases.py) into Neo4j.

Each case becomes persons, MARRIED and CHILD_OF edges, households and fact records
with pids ``case-NN-...``: earlier marriages are edges to former spouses (the last
ending by death when the spouse is widowed; a 复婚 is an earlier edge of the same
couple), custody is where the child lives (the former spouse's household, the
couple's, or none: unknown), only-child status is the spouse's parents and their
other children, a deceased child has a death date, a disabled child a
``:Disability`` record, a glory pledge a ``:Certificate`` record naming both.
All data is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import neo4j

from graphdb.connection import write
from queries.eligibility.couple_facts import ChildFacts, CoupleFacts, Parentage, SpouseFacts
from tests.unit.queries.eligibility_cases import Case

PREFIX = "case-"
EVER = date(1900, 1, 1)

CREATE_PERSONS = "UNWIND $rows AS row CREATE (p:Person {pid: row.pid}) SET p += row.props"
CREATE_MARRIED = """
UNWIND $rows AS row
MATCH (h:Person {pid: row.husband}) MATCH (w:Person {pid: row.wife})
CREATE (h)-[:MARRIED {seq: row.seq, married_on: row.married_on, ended_on: row.ended_on,
                      end_reason: row.end_reason, records: [row.record]}]->(w)
"""
CREATE_CHILD_OF = """
UNWIND $rows AS row
MATCH (c:Person {pid: row.child}) MATCH (p:Person {pid: row.parent})
CREATE (c)-[:CHILD_OF {kind: row.kind, inferred: false, confidence: 1.0,
                       records: [row.record]}]->(p)
"""
CREATE_MEMBERS = """
UNWIND $rows AS row
MATCH (p:Person {pid: row.pid})
MERGE (h:Household {household_id: row.household})
CREATE (p)-[:MEMBER_OF {record: row.record, from_date: row.from_date}]->(h)
"""
CREATE_FACTS = """
UNWIND $rows AS row
CREATE (r:Record {key: row.key, feed: row.feed}) SET r += row.props
WITH r, row
CALL (r, row) { WITH r, row WHERE row.feed = 'disability' SET r:Disability }
CALL (r, row) { WITH r, row WHERE row.feed = 'certificate' SET r:Certificate }
WITH r, row
UNWIND row.mentions AS m
MATCH (p:Person {pid: m.pid})
CREATE (r)-[:MENTIONS {role: m.role}]->(p)
"""
DELETE_CASES = """
MATCH (n) WHERE n.pid STARTS WITH $prefix OR n.household_id STARTS WITH $prefix
   OR n.key STARTS WITH $prefix
DETACH DELETE n
"""


@dataclass
class Rows:
    """The rows one or more cases write."""

    persons: list[dict[str, Any]] = field(default_factory=list)
    married: list[dict[str, Any]] = field(default_factory=list)
    child_of: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class LoadedCase:
    """A case in the graph: the pids to decide and the expectations."""

    case: Case
    husband: str
    wife: str


def representable(case: Case) -> bool:
    """Cases whose facts the graph model can carry (infertility is not in any feed)."""
    return not case.facts.infertile_then_adopted


class _Builder:
    def __init__(self, rows: Rows, prefix: str) -> None:
        self.rows, self.prefix = rows, prefix

    def person(self, name: str, sex: str, born: date, **props: Any) -> str:
        pid = f"{self.prefix}{name}"
        self.rows.persons.append({"pid": pid, "props": {"sex": sex, "birth_date": born,
                                                        **props}})
        return pid

    def marry(self, h: str, w: str, seq: int, on: date, ended: date | None = None,
              reason: str | None = None) -> None:
        self.rows.married.append({"husband": h, "wife": w, "seq": seq, "married_on": on,
                                  "ended_on": ended, "end_reason": reason,
                                  "record": f"{self.prefix}marriage-{len(self.rows.married)}"})

    def parent(self, child: str, parent: str, kind: str = "biological") -> None:
        self.rows.child_of.append({"child": child, "parent": parent, "kind": kind,
                                   "record": f"{self.prefix}rel-{len(self.rows.child_of)}"})

    def home(self, pid: str, household: str) -> None:
        self.rows.members.append({"pid": pid, "household": f"{self.prefix}{household}",
                                  "record": f"{self.prefix}hh-{len(self.rows.members)}",
                                  "from_date": EVER})

    def fact(self, feed: str, props: dict[str, Any], *mentions: tuple[str, str]) -> None:
        self.rows.facts.append({"key": f"{self.prefix}{feed}-{len(self.rows.facts)}",
                                "feed": feed, "props": props,
                                "mentions": [{"pid": p, "role": r} for p, r in mentions]})


def _spouse(b: _Builder, s: SpouseFacts, role: str) -> str:
    props = {"ethnicity": s.ethnicity, "hukou_type": s.hukou_type.value if s.hukou_type
             else None}
    pid = b.person(role, s.sex, s.birth_date or date(1975, 1, 1), **props)
    b.home(pid, "home")
    if s.only_child is not None:
        father = b.person(f"{role}-father", "1", date(1950, 1, 1))
        mother = b.person(f"{role}-mother", "2", date(1950, 1, 1))
        b.parent(pid, father)
        b.parent(pid, mother)
        if not s.only_child:
            b.parent(b.person(f"{role}-sibling", "1", date(1977, 1, 1)), father)
    return pid


def _formers(b: _Builder, s: SpouseFacts, pid: str, role: str, fuhun: bool) -> list[str]:
    """Former spouses; in a 复婚 the couple's own first marriage is one of the priors."""
    out = []
    others = s.prior_marriages - (1 if fuhun else 0)
    for k in range(others):
        start = date(1999, 1, 1) if fuhun else date(1985 + 3 * k, 1, 1)
        end = date(2004, 1, 1) if fuhun else date(1987 + 3 * k, 1, 1)
        last = k == others - 1
        former_sex = "2" if role == "husband" else "1"
        died = end if last and s.widowed else None
        former = b.person(f"{role}-former-{k}", former_sex, date(1975, 1, 1), death_date=died)
        h, w = (pid, former) if role == "husband" else (former, pid)
        b.marry(h, w, 1, start, end, "death" if died else "divorce")
        b.home(former, f"former-{role}-{k}")
        out.append(former)
    return out


def _child(b: _Builder, i: int, c: ChildFacts, h: str | None, w: str,
           formers: dict[str, list[str]]) -> None:
    died = c.birth_date + timedelta(days=365) if c.alive is False else None
    pid = b.person(f"child-{i}", c.sex, c.birth_date, death_date=died)
    kind = "adoptive" if c.adopted else "biological"
    sides = {Parentage.SHARED: ("husband", "wife"), Parentage.HUSBAND_ONLY: ("husband",),
             Parentage.WIFE_ONLY: ("wife",)}[c.parents]
    for side in sides:
        parent = h if side == "husband" else w
        if parent is not None:
            b.parent(pid, parent, kind)
    if c.parents is not Parentage.SHARED:
        side = sides[0]
        other = (formers[side] or [b.person(f"{side}-partner-{i}", "1" if side == "wife"
                                            else "2", date(1975, 1, 1))])[-1]
        b.parent(pid, other)
        if c.with_former_spouse is True:
            b.home(pid, f"child-{i}-with-former")
            b.home(other, f"child-{i}-with-former")
        elif c.with_former_spouse is False:
            b.home(pid, "home")
    if c.disabled_certified:
        b.fact("disability", {"certified_on": c.birth_date + timedelta(days=200)}, (pid, "person"))


def _marriage(b: _Builder, f: CoupleFacts, h: str, w: str) -> None:
    m = f.marriage
    if m is None:
        return
    seq = 1
    if m.fuhun:
        b.marry(h, w, 1, date(1995, 1, 1), date(1998, 1, 1), "divorce")
        seq = 2
    if m.conflicting_records:
        b.marry(h, w, seq, m.registered_on - timedelta(days=900))
        seq += 1
    b.marry(h, w, seq, m.registered_on)


def build(index: int, case: Case, rows: Rows) -> LoadedCase:
    """Add one case's rows; return the pids to decide."""
    b = _Builder(rows, f"{PREFIX}{index:02d}-")
    f = case.facts
    assert f.wife is not None
    fuhun = bool(f.marriage and f.marriage.fuhun)
    w = _spouse(b, f.wife, "wife")
    h = _spouse(b, f.husband, "husband") if f.husband else None
    formers = {"wife": _formers(b, f.wife, w, "wife", fuhun),
               "husband": _formers(b, f.husband, h, "husband", fuhun) if f.husband and h
               else []}
    if h is not None:
        _marriage(b, f, h, w)
    for i, c in enumerate(f.children, start=1):
        _child(b, i, c, h, w, formers)
    if f.pledged_one_child and h is not None:
        b.fact("certificate", {"type": "one_child_glory", "issued_on": date(2001, 1, 1)},
               (h, "husband"), (w, "wife"))
    return LoadedCase(case, h or f"{b.prefix}husband", w)


def load(driver: neo4j.Driver, database: str, cases: list[Case]) -> list[LoadedCase]:
    """Write every representable case into the graph (after deleting earlier case data)."""
    unload(driver, database)
    rows = Rows()
    loaded = [build(i, c, rows) for i, c in enumerate(cases) if representable(c)]
    for name, cypher, part in (("case_persons", CREATE_PERSONS, rows.persons),
                               ("case_married", CREATE_MARRIED, rows.married),
                               ("case_child_of", CREATE_CHILD_OF, rows.child_of),
                               ("case_members", CREATE_MEMBERS, rows.members),
                               ("case_facts", CREATE_FACTS, rows.facts)):
        write(driver, database, name, cypher, rows=part)
    return loaded


def unload(driver: neo4j.Driver, database: str) -> None:
    """Delete every node the cases wrote."""
    write(driver, database, "delete_cases", DELETE_CASES, prefix=PREFIX)
