"""Each person's latest thalassemia screening result and current residence, from the graph.

:func:`facts` reads, in one round trip, every person's latest ``:Screening`` result
(parsed by :func:`queries.thalassemia.screening.from_feed`) and the division of their
current registration or residence.  The cascade, the couple lists and the yields
(:mod:`queries.thalassemia.worklists`) build on it, and so does
:func:`screened_pedigree`: the kinship pedigree with each member's screening status as
its thalassemia phenotype (the PED/.fam phenotype column).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import neo4j

from graphdb.connection import read
from graphdb.values import day
from kingraph import divisions
from kingraph.errors import InvalidArgument
from queries.kinship.traversal import PedigreeView, pedigree_family, pedigree_view
from queries.thalassemia.screening import Screening, Status, from_feed

FACTS = """
UNWIND $pids AS pid
MATCH (x:Person {pid: pid})
CALL (x) {
  OPTIONAL MATCH (s:Screening)-[:MENTIONS {role: 'person'}]->(x)
  WITH s ORDER BY coalesce(s.test_date, date('0001-01-01')) DESC LIMIT 1
  RETURN s {.key, .test_date, .alpha_genotype, .beta_genotype, .conclusion} AS screening
}
CALL (x) {
  OPTIONAL MATCH (x)-[e:MEMBER_OF|LIVED_AT]->()
  WITH e ORDER BY e.to_date IS NULL DESC, coalesce(e.to_date, e.from_date) DESC LIMIT 1
  RETURN e.division_code AS division
}
RETURN x.pid AS pid, screening, division
"""


@dataclass(frozen=True)
class Facts:
    """A person's latest screening result (if any) and current residence division."""

    result: Screening | None
    tested_on: date | None
    record: str | None
    division: str | None  # today's code

    @property
    def division_name(self) -> str | None:
        """The division's name."""
        return divisions.name(self.division) if self.division else None

    @property
    def status(self) -> Status | None:
        """The result's status, None when never screened."""
        return self.result.status if self.result else None


NO_FACTS = Facts(None, None, None, None)


def _result(row: Mapping[str, Any] | None) -> Screening | None:
    if not row:
        return None
    try:
        return from_feed(row.get("alpha_genotype"), row.get("beta_genotype"),
                         row.get("conclusion"))
    except InvalidArgument:
        return None  # an unreadable stored result counts as not screened


def facts(driver: neo4j.Driver, database: str, pids: Iterable[str]) -> dict[str, Facts]:
    """Latest screening result and current residence of each person (one round trip)."""
    rows = read(driver, database, "thalassemia_facts", FACTS, pids=list(dict.fromkeys(pids)))
    out: dict[str, Facts] = {}
    for row in rows:
        shot = row["screening"]
        code = row["division"]
        out[str(row["pid"])] = Facts(
            _result(shot), day(shot["test_date"]) if shot else None,
            str(shot["key"]) if shot else None, divisions.current(code) if code else None)
    return out


def screened_pedigree(driver: neo4j.Driver, database: str, pid: str, up: int = 3,
                      down: int = 3) -> PedigreeView:
    """The pedigree around a person with each member's latest screening status.

    :func:`queries.kinship.traversal.pedigree` (the same arguments and errors) with the
    ``thalassemia`` attribute of every screened member set to its status (the LINKAGE
    PED / PLINK .fam phenotype); a second round trip.
    """
    family = pedigree_family(driver, database, pid, up, down)
    status = {p: f.status for p, f in facts(driver, database, family.persons).items()}
    family = replace(family, attrs={p: {"thalassemia": s.value} for p, s in status.items()
                                    if s is not None})
    return pedigree_view(family, pid)
