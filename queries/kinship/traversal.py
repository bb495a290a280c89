"""Kinship on the graph: relatives, the relationship of two persons, a pedigree.

One Cypher round trip extracts the local family from an indexed start: the
ancestors up to a bound, their descendants within the remaining depth (for
``relatives`` also the lines that join a member's other parent to the start's lineage,
so that r counts every common ancestor), every ``CHILD_OF`` edge among them (kind,
inferred, records, disputed) and their ``MARRIED`` episodes. The mathematics (φ, r,
degree, Wright's paths, terms, the marriage check) then runs in Python on the
extracted pedigree (:mod:`queries.kinship.relations`).

Variable-length bounds cannot be parameters: each bound gets its own query text,
built from a template with checked integers only and named after the bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import neo4j
import polars as pl

from graphdb.connection import read, read_async
from kingraph.errors import InvalidArgument, PersonNotFound
from queries.kinship import family as fam
from queries.kinship.coefficients import Pedigree
from queries.kinship.family import Family
from queries.kinship.pedigree_export import ExportOptions, to_fam, to_linkage
from queries.kinship.relations import (
    MAX_DEGREE,
    Relating,
    Relation,
    Relationship,
    check_degree,
)
from queries.persons.lookup import PersonRecord

PERSON_FIELDS = ("pid", "id_number", "name", "sex", "birth_date", "death_date", "ethnicity")
_PERSON_MAP = "{" + ", ".join(f".{f}" for f in PERSON_FIELDS) + "}"


# Ancestors of the starts up to {up}; each ancestor's descendants within
# $reach + $slope * depth generations (the starts' own within $own); with $elders, the
# starts' lineage (their ancestors up to {lineage}) and every person on a line from a
# member's parent outside the members up to the lineage ({above} generations above that
# parent), so that each member's φ with the starts counts every common ancestor; the
# edges and marriages among them all.
FAMILY_TEMPLATE = """
MATCH (p:Person) WHERE p.pid IN $starts
CALL (p) {
  OPTIONAL MATCH (p)-[:MARRIED]-(s:Person) WHERE $with_spouses
  RETURN collect(DISTINCT s) AS spouses
}
UNWIND [p] + spouses AS start
WITH collect(DISTINCT start) AS starts
CALL (starts) {
  UNWIND starts AS start
  MATCH (start)-[:CHILD_OF*0..{lineage}]->(l:Person) WHERE $elders
  RETURN collect(DISTINCT l) AS lineage
}
UNWIND starts AS start
MATCH up = (start)-[:CHILD_OF*0..{up}]->(a:Person)
WITH lineage, a, min(length(up)) AS depth
MATCH down = (a)<-[:CHILD_OF*0..{down}]-(x:Person)
WHERE length(down) = 0
   OR length(down) <= CASE depth WHEN 0 THEN $own ELSE $reach + $slope * depth END
WITH lineage, collect(DISTINCT x) AS members
CALL (members, lineage) {
  UNWIND members AS x
  MATCH (x)-[:CHILD_OF]->(q:Person) WHERE $elders AND NOT q IN members
  MATCH line = (q)-[:CHILD_OF*0..{above}]->(a:Person) WHERE a IN lineage
  UNWIND nodes(line) AS y
  RETURN collect(DISTINCT y) AS elders
}
CALL (members, lineage, elders) {
  UNWIND members + lineage + elders AS y
  RETURN collect(DISTINCT y) AS family
}
CALL (family) {
  UNWIND family AS x
  MATCH (x)-[e:CHILD_OF]->(y:Person) WHERE y IN family
  RETURN collect({child: x.pid, parent: y.pid, kind: e.kind, inferred: e.inferred,
                  records: e.records, disputed: e.disputed}) AS edges
}
CALL (family) {
  UNWIND family AS x
  MATCH (x)-[m:MARRIED]-(y:Person) WHERE $outside_spouses OR y IN family
  WITH collect({husband: startNode(m).pid, wife: endNode(m).pid, married_on: m.married_on,
                ended_on: m.ended_on, end_reason: m.end_reason, records: m.records,
                disputed: m.disputed})
       AS marriages, collect(DISTINCT y) AS spouses
  RETURN marriages, [z IN spouses WHERE NOT z IN family] AS outside
}
RETURN [x IN family + outside | x PERSON_MAP] AS persons, edges, marriages
""".replace("PERSON_MAP", _PERSON_MAP)

MAX_UP = MAX_DOWN = 6
DEFAULT_BOUND = 6  # generations searched above each person for common ancestors


@dataclass(frozen=True)
class Bounds:
    """How far a family extraction reaches; see ``FAMILY_TEMPLATE``."""

    up: int
    reach: int  # an ancestor at depth k reaches reach + slope * k generations down
    own: int  # generations below the starts
    slope: int = -1  # -1: a walk of at most ``reach`` steps; +1: down to a fixed generation
    with_spouses: bool = False  # start from the starts' spouses too
    outside_spouses: bool = False  # add spouses of members who are not members
    elders: int = 0  # add every member's ancestors up to this many generations (0: none)

    @property
    def down(self) -> int:
        """The literal bound of the downward match."""
        deepest = self.reach + self.slope * (1 if self.slope < 0 else self.up)
        return max(self.own, deepest, 0)


@dataclass(frozen=True)
class Relatives:
    """A person and their relatives within a degree, nearest first."""

    person: PersonRecord
    max_degree: int
    include_in_laws: bool
    relatives: tuple[Relation, ...]
    persons: dict[str, PersonRecord]

    def table(self) -> pl.DataFrame:
        """One row per relative: pid, kind, degree, r, φ, path, terms, records."""
        return pl.DataFrame([_relation_row(r) for r in self.relatives],
                            schema=RELATIVE_SCHEMA)


RELATIVE_SCHEMA: dict[str, Any] = {
    "pid": pl.String, "kind": pl.String, "degree": pl.Int64, "r": pl.Float64,
    "phi": pl.Float64, "path": pl.String, "walk": pl.String, "term": pl.String,
    "term_en": pl.String, "inverse_term": pl.String, "half": pl.Boolean,
    "inferred": pl.Boolean, "disputed": pl.Boolean, "records": pl.List(pl.String),
}


def _relation_row(rel: Relation) -> dict[str, object]:
    return {"pid": rel.pid, "kind": rel.kind.value, "degree": rel.degree, "r": float(rel.r),
            "phi": float(rel.phi), "path": ",".join(rel.path), "walk": ",".join(rel.walk),
            "term": rel.term.zh, "term_en": rel.term.en,
            "inverse_term": rel.inverse.zh if rel.inverse else None, "half": rel.half,
            "inferred": rel.inferred, "disputed": rel.disputed, "records": list(rel.records)}


@dataclass(frozen=True)
class PedigreeView:
    """An extracted pedigree around a person: the maths object, the family, a table."""

    proband: str
    pedigree: Pedigree
    family: Family
    generation: dict[str, int]  # 0 for the proband, +1 per generation down

    def table(self) -> pl.DataFrame:
        """The pedigree table (person fields, inbreeding, generation)."""
        frame = self.pedigree.table()
        gens = pl.DataFrame({"pid": list(self.generation), "generation": list(
            self.generation.values())}, schema={"pid": pl.String, "generation": pl.Int64})
        return frame.join(gens, on="pid", how="left")

    def fam(self, options: ExportOptions | None = None) -> str:
        """PLINK ``.fam`` text (thalassemia disease phenotype where known)."""
        return to_fam(self.pedigree, options)

    def ped(self, options: ExportOptions | None = None) -> str:
        """LINKAGE PED text."""
        return to_linkage(self.pedigree, options)


@cache
def family_cypher(up: int, down: int, elders: int = 0) -> str:
    """The extraction query for literal bounds (checked integers only)."""
    if not (0 <= up <= MAX_UP + 1 and 0 <= down <= 2 * MAX_DOWN + 1
            and 0 <= elders <= MAX_UP):
        raise InvalidArgument("family extraction: bound out of range", reason="out_of_range")
    return (FAMILY_TEMPLATE.replace("{up}", str(up)).replace("{down}", str(down))
            .replace("{lineage}", str(elders)).replace("{above}", str(max(elders - 1, 0))))


def _extraction(starts: list[str], bounds: Bounds) -> tuple[str, str, dict[str, Any]]:
    """The name, Cypher and parameters of one family extraction."""
    return (f"kinship_family_{bounds.up}_{bounds.down}_{bounds.elders}",
            family_cypher(bounds.up, bounds.down, bounds.elders),
            {"starts": starts, "reach": bounds.reach, "own": bounds.own, "slope": bounds.slope,
             "with_spouses": bounds.with_spouses, "outside_spouses": bounds.outside_spouses,
             "elders": bounds.elders > 0})


def _family(rows: list[neo4j.Record]) -> Family:
    if not rows:
        return Family({})
    row = rows[0]
    return fam.from_rows(row["persons"], row["edges"], row["marriages"])


def extract(driver: neo4j.Driver, database: str, starts: list[str], bounds: Bounds) -> Family:
    """The family around the starts within the bounds (one round trip)."""
    name, cypher, params = _extraction(starts, bounds)
    return _family(read(driver, database, name, cypher, **params))


async def extract_async(driver: neo4j.AsyncDriver, database: str, starts: list[str],
                        bounds: Bounds) -> Family:
    """:func:`extract` on the async driver (API routes: no worker thread for the read)."""
    name, cypher, params = _extraction(starts, bounds)
    return _family(await read_async(driver, database, name, cypher, **params))


def degree_bounds(max_degree: int, in_laws: bool = False) -> Bounds:
    """Bounds that reach every relative within the genetic degree.

    A lineal relative of degree d is d generations away; a collateral one through a
    single pair of ancestors is reached in at most d + 1 steps (full first cousins:
    2 up, 2 down, degree 3), never more than d of them up. Relatives doubly related
    (double first cousins: four paths of 4 steps, r = ¼, degree 2) need one step
    more, so the walk bound is d + 2; relatives whose r reaches the degree only
    through paths longer than that (quadruply related kin) are not extracted.

    r and φ of a relative who *is* extracted count every common ancestor within
    ``DEFAULT_BOUND`` generations, as :func:`relationship` does: the lineage above the
    walk and the lines from the relatives' other parents up to it are extracted too
    (a first cousin who is also a first cousin once removed through the other parent
    has r = ⅛ + 1/16 = 3/16, degree 2, at every degree bound).
    """
    d = check_degree(max_degree)
    return Bounds(up=d, reach=d + 2, own=d, with_spouses=in_laws, outside_spouses=in_laws,
                  elders=DEFAULT_BOUND)


def _found(family: Family, pid: str) -> None:
    if pid not in family.persons:
        raise PersonNotFound("no person with this identifier")


def relatives(driver: neo4j.Driver, database: str, pid: str, max_degree: int = 3,
              include_in_laws: bool = False) -> Relatives:
    """Every relative within the genetic degree, with path, r, terms and provenance.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        pid: the person (pid; see :func:`resolve` for ID numbers).
        max_degree: 1..6 (1: parents, children, full siblings; 3: first cousins).
        include_in_laws: add spouses of relatives and a spouse's blood relatives.

    Raises:
        InvalidArgument: the degree is outside 1..6.
        PersonNotFound: no person has this pid.
    """
    family = extract(driver, database, [pid], degree_bounds(max_degree, include_in_laws))
    return relatives_in(family, pid, max_degree, include_in_laws)


def relatives_in(family: Family, pid: str, max_degree: int = 3,
                 include_in_laws: bool = False) -> Relatives:
    """The maths of :func:`relatives` on a family already extracted with
    ``degree_bounds(max_degree, include_in_laws)`` (no database access).

    Raises:
        PersonNotFound: The person is not in the family (no person has this pid).
    """
    _found(family, pid)
    found = Relating(family).relatives(pid, max_degree, include_in_laws)
    return Relatives(family.persons[pid], max_degree, include_in_laws, tuple(found),
                     dict(family.persons))


def relationship(driver: neo4j.Driver, database: str, a: str, b: str,
                 bound: int = DEFAULT_BOUND) -> Relationship:
    """How a and b are related: φ, r, Wright's paths, common ancestors, terms, art. 1048.

    Args:
        driver: the Neo4j driver.
        database: the database name.
        a: one person's pid.
        b: the other's.
        bound: generations searched above each of them (1..6).

    Raises:
        InvalidArgument: the bound is outside 1..6, or a and b are the same person.
        PersonNotFound: a or b does not exist.
    """
    check_degree(bound)
    if a == b:
        raise InvalidArgument("relationship: a person and themselves", reason="same_person")
    # The ancestors of both and of their spouses, and the marriages among them (step
    # and in-law ties: a spouse of the other's blood relative, or a spouse's relative).
    family = extract(driver, database, [a, b],
                     Bounds(up=bound, reach=0, own=0, with_spouses=True))
    _found(family, a)
    _found(family, b)
    return Relating(family).relationship(a, b)


def pedigree(driver: neo4j.Driver, database: str, pid: str, up: int = 3,
             down: int = 3) -> PedigreeView:
    """The family around a person: ancestors up, everyone down to ``down`` below them.

    :func:`queries.thalassemia.screened_pedigree` adds each member's screening status
    (the PED/.fam phenotype).

    Args:
        driver: the Neo4j driver.
        database: the database name.
        pid: the proband.
        up: generations of ancestors (0..6).
        down: generations below the proband (0..6), collaterals included.

    Raises:
        InvalidArgument: a bound out of range.
        PersonNotFound: no person has this pid.
    """
    return pedigree_view(pedigree_family(driver, database, pid, up, down), pid)


def pedigree_family(driver: neo4j.Driver, database: str, pid: str, up: int = 3,
                    down: int = 3) -> Family:
    """The family :func:`pedigree` draws (one round trip), before it becomes a pedigree.

    Raises:
        InvalidArgument: a bound out of range.
        PersonNotFound: no person has this pid.
    """
    if not (0 <= up <= MAX_UP and 0 <= down <= MAX_DOWN):
        raise InvalidArgument(f"pedigree: up and down must be between 0 and {MAX_UP}",
                              reason="out_of_range")
    bounds = Bounds(up=up, reach=down, own=down, slope=1, outside_spouses=True)
    family = extract(driver, database, [pid], bounds)
    _found(family, pid)
    return family


def pedigree_view(family: Family, proband: str) -> PedigreeView:
    """The pedigree of an extracted family, with generations relative to the proband."""
    ped = family.pedigree()
    return PedigreeView(proband, ped, family, generations(ped, proband))


def generations(ped: Pedigree, proband: str) -> dict[str, int]:
    """Generation of every member relative to the proband (parents -1, children +1).

    Spouses outside the blood lines take their partner's generation.
    """
    graph = ped.graph.to_undirected(as_view=False)
    gen = {proband: 0}
    frontier = [proband]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for other in graph.neighbors(node):
                if other not in gen:
                    gen[other] = gen[node] + (1 if ped.graph.has_edge(node, other) else -1)
                    nxt.append(other)
            for spouse in ped.member(node).spouses:
                if spouse in ped and spouse not in gen:
                    gen[spouse] = gen[node]
                    nxt.append(spouse)
        frontier = nxt
    return gen


__all__ = ["MAX_DEGREE", "Bounds", "PedigreeView", "Relatives", "degree_bounds", "extract",
           "generations", "pedigree", "pedigree_family", "pedigree_view", "relationship",
           "relatives"]
