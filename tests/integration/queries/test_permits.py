"""Automatic permit issuance on the eligibility cases' couples: idempotent, and a new
birth closes the permit it covered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import neo4j
import pytest

from graphdb.connection import read, write
from queries.eligibility import permits
from tests.integration.queries import case_graph
from tests.unit.queries.eligibility_cases import CASES

AS_OF = date(2017, 6, 1)
PERMITS_OF = """
MATCH (p:Permit)-[:FOR]->(:Person {pid: $pid})
RETURN p.permit_no AS no, p.child_order AS child_order, p.revoked_on AS revoked_on,
       p.revoke_reason AS reason
"""
ADD_CHILD = """
MATCH (h:Person {pid: $husband}) MATCH (w:Person {pid: $wife})
CREATE (c:Person {pid: $child, sex: '1', birth_date: $born})
CREATE (c)-[:CHILD_OF {kind: 'biological', inferred: false, records: ['case-new-birth']}]->(h)
CREATE (c)-[:CHILD_OF {kind: 'biological', inferred: false, records: ['case-new-birth']}]->(w)
"""
CLEAR = "MATCH (n) WHERE n:Permit OR n:PermitEvent DETACH DELETE n"


@pytest.fixture(scope="module")
def cases(driver: neo4j.Driver, database: str) -> Iterator[dict[str, case_graph.LoadedCase]]:
    """The cases in the graph, without any permit."""
    write(driver, database, "clear_permits", CLEAR)
    loaded = case_graph.load(driver, database, list(CASES))
    yield {c.case.name: c for c in loaded}
    case_graph.unload(driver, database)
    write(driver, database, "clear_permits", CLEAR)


def test_issue_is_idempotent_and_a_birth_closes(
        cases: dict[str, case_graph.LoadedCase], driver: neo4j.Driver, database: str) -> None:
    first = permits.issue(driver, database, AS_OF)
    assert first.events["issued"] >= 1
    assert permits.issue(driver, database, AS_OF).events == {}
    # "second_child_2017": one child born 2012, eligible for child 2 in 2017
    item = cases["second_child_2017"]
    held = read(driver, database, "permits_of", PERMITS_OF, pid=item.husband)
    assert [(p["child_order"], p["revoked_on"]) for p in held] == [(2, None)]
    write(driver, database, "add_child", ADD_CHILD, husband=item.husband, wife=item.wife,
          child=f"{case_graph.PREFIX}new-child", born=date(2018, 3, 1))
    later = permits.issue(driver, database, date(2018, 6, 1))
    assert later.events["closed"] >= 1
    after = {p["no"]: p for p in read(driver, database, "permits_of", PERMITS_OF,
                                      pid=item.husband)}
    assert after[held[0]["no"]]["reason"] == "closed"
    # two children in 2018 (two-child era): no third permit
    assert all(p["child_order"] == 2 for p in after.values())
    write(driver, database, "drop_child", "MATCH (c:Person {pid: $pid}) DETACH DELETE c",
          pid=f"{case_graph.PREFIX}new-child")


def test_permit_numbers_are_stable() -> None:
    a = permits.permit_no("h", "w", 2, 1)
    assert a == permits.permit_no("h", "w", 2, 1)
    assert a != permits.permit_no("h", "w", 2, 2) != permits.permit_no("h", "w", 3, 1)
