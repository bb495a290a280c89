"""Permit events besides issuance and closure: revocation, flagging, and the one-child glory
certificate's findings, each from the law, on couples written into the graph.

* A Li couple with two daughters may have a third child under the 2003 Hainan rules
  (minorities under ten million: a third child after two girls); a permit is issued.
  When both spouses turn out to be Han (a corrected ethnicity), an urban Han couple
  with two children may not have a third: the permit is revoked.
* A rural couple with one child may have a second (2003: rural couples); a permit is
  issued. When the husband's hukou type turns out to be unknown, the text cannot be
  applied (the husband's hukou decides): the permit is flagged for review, not revoked.
* A couple holding the glory certificate who have a second child must return it:
  ``glory_revoke``, only once the child is born. Holders whose only delivery was twins
  are referred: ``glory_review``.

Every event is recorded once: a second run on the same day records nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import neo4j
import pytest

from graphdb.connection import read, write
from queries.eligibility import permits
from tests.integration.queries import case_graph
from tests.unit.queries.eligibility_cases import (
    AGRI,
    ELIGIBLE,
    GIRL,
    LI,
    REVIEW,
    case,
    child,
    couple,
    husband,
    twins,
    wife,
)

RULES_2003, RULES_2003_LATER = date(2008, 6, 1), date(2010, 6, 1)
CLEAR = "MATCH (n) WHERE n:Permit OR n:PermitEvent DETACH DELETE n"
EVENTS_OF = """
MATCH (e:PermitEvent) WHERE e.husband = $husband AND e.wife = $wife
RETURN e.kind AS kind, e.on AS on, e.permit_no AS permit_no ORDER BY e.on, e.kind
"""
PERMITS_OF = """
MATCH (p:Permit)-[:FOR {role: 'husband'}]->(:Person {pid: $husband})
RETURN p.permit_no AS permit_no, p.child_order AS child_order, p.revoked_on AS revoked_on,
       p.revoke_reason AS reason, p.flag AS flag
"""
SET_ETHNICITY = "MATCH (p:Person {pid: $pid}) SET p.ethnicity = $value"
FORGET_HUKOU = "MATCH (p:Person {pid: $pid}) REMOVE p.hukou_type"

# The outcomes are those of the permit each couple is decided for on the first day (the
# glory couples' permits are not what this test is about).
CASES = [
    case("li_two_girls", couple(child("2001-03-01", GIRL), child("2004-03-01", GIRL),
                                h=husband(ethnicity=LI), w=wife(ethnicity=LI)),
         "2008-06-01", ELIGIBLE, 3),
    case("rural_one_child", couple(child("2002-03-01"), h=husband(**AGRI), w=wife(**AGRI)),
         "2008-06-01", ELIGIBLE, 2),
    case("glory_then_second", couple(child("2002-03-01"), child("2009-03-01"), pledged=True),
         "2010-06-01", REVIEW, None),
    case("glory_twins_only", couple(*twins("2002-03-01", "1", "2"), pledged=True),
         "2008-06-01", REVIEW, None),
]


@pytest.fixture(scope="module")
def couples(driver: neo4j.Driver,
            database: str) -> Iterator[dict[str, case_graph.LoadedCase]]:
    """The four couples in the graph, no permit anywhere."""
    write(driver, database, "clear_permits", CLEAR)
    loaded = case_graph.load(driver, database, CASES)
    yield {c.case.name: c for c in loaded}
    case_graph.unload(driver, database)
    write(driver, database, "clear_permits", CLEAR)


def _events(driver: neo4j.Driver, database: str,
            c: case_graph.LoadedCase) -> list[tuple[str, date]]:
    return [(r["kind"], r["on"].to_native()) for r in read(
        driver, database, "events_of", EVENTS_OF, husband=c.husband, wife=c.wife)]


def _permits(driver: neo4j.Driver, database: str,
             c: case_graph.LoadedCase) -> list[dict[str, Any]]:
    return [r.data() for r in read(driver, database, "permits_of", PERMITS_OF,
                                   husband=c.husband)]


def test_revocation_flagging_and_glory_findings(couples: dict[str, case_graph.LoadedCase],
                                                driver: neo4j.Driver, database: str) -> None:
    li, rural = couples["li_two_girls"], couples["rural_one_child"]
    second, only_twins = couples["glory_then_second"], couples["glory_twins_only"]
    permits.issue(driver, database, RULES_2003)
    assert _events(driver, database, li) == [("issued", RULES_2003)]
    assert [(p["child_order"], p["revoked_on"], p["flag"]) for p in _permits(
        driver, database, li)] == [(3, None, None)]
    assert _events(driver, database, rural) == [("issued", RULES_2003)]
    # The twins' only delivery is referred at once; the second child is not born yet.
    assert ("glory_review", RULES_2003) in _events(driver, database, only_twins)
    assert not any(k.startswith("glory") for k, _ in _events(driver, database, second))

    # Corrections: both Li spouses are Han; the rural husband's hukou type is unknown.
    for pid in (li.husband, li.wife):
        write(driver, database, "set_ethnicity", SET_ETHNICITY, pid=pid, value="01")
    write(driver, database, "forget_hukou", FORGET_HUKOU, pid=rural.husband)
    again = permits.issue(driver, database, RULES_2003)
    assert again.events["revoked"] >= 1 and again.events["flagged"] >= 1
    [revoked] = _permits(driver, database, li)
    assert (revoked["revoked_on"].to_native(), revoked["reason"]) == (RULES_2003, "revoked")
    assert _events(driver, database, li) == [("issued", RULES_2003), ("revoked", RULES_2003)]
    [flagged] = _permits(driver, database, rural)
    assert (flagged["revoked_on"], flagged["flag"]) == (None, "needs_review")
    assert _events(driver, database, rural) == [("flagged", RULES_2003),
                                                ("issued", RULES_2003)]

    # Nothing is recorded twice.
    assert permits.issue(driver, database, RULES_2003).events == {}

    # Two years on, the holders' second child has been born: the certificate goes back.
    permits.issue(driver, database, RULES_2003_LATER)
    assert [k for k, on in _events(driver, database, second) if k.startswith("glory")] == [
        "glory_revoke"]
    assert [k for k, _ in _events(driver, database, only_twins)
            if k.startswith("glory")] == ["glory_review"]
    # The flagged permit stays flagged (no second flag) while the facts are unchanged.
    assert [k for k, _ in _events(driver, database, rural)].count("flagged") == 1
