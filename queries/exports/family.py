"""Standard exports read from the graph: the pedigree as GEDCOM 7, the family as FHIR R4."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import neo4j

from graphdb.connection import read
from kingraph import conditions
from queries import kinship, thalassemia
from queries.exports.fhir import FhirOptions, KnownCondition, family_bundle
from queries.exports.gedcom import GedcomOptions, to_gedcom

AFFECTED = """
UNWIND $pids AS pid
MATCH (d:Diagnosis {result: 'affected'})-[:MENTIONS {role: 'person'}]->(:Person {pid: pid})
RETURN pid, collect(DISTINCT d.condition) AS conditions
"""
# Thalassemia statuses as ICD-10: the diseases, and the trait of a carrier.
THALASSEMIA_ICD10 = {
    "hbh_disease": ("D56.0", "HbH disease (α-thalassemia)"),
    "hb_barts_hydrops": ("D56.0", "Hb Bart's hydrops fetalis (α-thalassemia)"),
    "beta_major": ("D56.1", "β-thalassemia major"),
    "beta_intermedia": ("D56.1", "β-thalassemia intermedia"),
    "alpha_carrier": ("D56.3", "thalassemia trait (α)"),
    "beta_carrier": ("D56.3", "thalassemia trait (β)"),
    "alpha_beta_carrier": ("D56.3", "thalassemia trait (α and β)"),
}


def gedcom(driver: neo4j.Driver, database: str, pid: str, up: int = 3, down: int = 3,
           options: GedcomOptions | None = None) -> tuple[str, list[str]]:
    """The pedigree around a person as GEDCOM 7.0 text, and the pids it names.

    Raises:
        InvalidArgument: a bound out of range.
        PersonNotFound: no person has this pid.
    """
    view = kinship.pedigree(driver, database, pid, up, down)
    return to_gedcom(view, options), list(view.family.persons)


def known_conditions(driver: neo4j.Driver, database: str, pids: Iterable[str]
                     ) -> dict[str, list[KnownCondition]]:
    """Each person's known conditions: thalassemia disease or trait from the latest
    screening, and conditions of the table diagnosed as affected."""
    wanted = list(dict.fromkeys(pids))
    out: dict[str, list[KnownCondition]] = {}
    for pid, facts in thalassemia.facts(driver, database, wanted).items():
        status = facts.status.value if facts.status else None
        if status in THALASSEMIA_ICD10:
            code, text = THALASSEMIA_ICD10[status]
            out.setdefault(pid, []).append(KnownCondition(code, text))
    table = conditions.table()
    for row in read(driver, database, "export_affected", AFFECTED, pids=wanted):
        for code in sorted(row["conditions"]):
            if code in table:
                c = table[code]
                out.setdefault(str(row["pid"]), []).append(KnownCondition(c.icd10, c.name_en))
    return out


def fhir(driver: neo4j.Driver, database: str, pid: str, max_degree: int = 3,
         options: FhirOptions | None = None) -> tuple[dict[str, Any], list[str]]:
    """The person's relatives (blood within the degree, and by marriage) as a FHIR R4
    Bundle of RelatedPerson and FamilyMemberHistory resources, and the pids it names.

    Raises:
        InvalidArgument: the degree is outside 1..6.
        PersonNotFound: no person has this pid.
    """
    found = kinship.relatives(driver, database, pid, max_degree, include_in_laws=True)
    pids = [r.pid for r in found.relatives]
    return family_bundle(found, known_conditions(driver, database, pids), options), [pid, *pids]
