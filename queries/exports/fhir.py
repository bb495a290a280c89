"""A person's family as HL7 FHIR R4 resources: ``RelatedPerson`` and ``FamilyMemberHistory``.

One ``collection`` Bundle: for each relative a ``RelatedPerson`` (``patient`` the
proband, ``relationship`` coded in the HL7 v3 RoleCode system: FTH, MTH, BRO, SIS,
PGRMTH, MAUNT, COUSN, NIECE, HUSB, …; FAMMEMB where no code fits) and a
``FamilyMemberHistory`` (status ``completed``, the same relationship, ``sex``, born and
deceased dates, and each ``condition`` known from the relative's results: thalassemia
disease or trait (ICD-10 D56.x), and conditions of the conditions table diagnosed as
affected, by their ICD-10 code).  Ids are pids or, for researchers, pseudonyms; the
pseudonymised form carries no names and years only.  The tests validate every resource
with the ``fhir.resources`` models (R4B, whose RelatedPerson and FamilyMemberHistory are
R4's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from queries.kinship import Relation, Relatives

ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
GENDER = {"1": "male", "2": "female"}
GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender"
B, S = ("ob", "yb", "xb"), ("os", "ys", "xs")

# Canonical kinship paths (queries.kinship.appellations) to v3 RoleCode.
ROLES: dict[tuple[str, ...], tuple[str, str]] = {
    ("f",): ("FTH", "father"), ("m",): ("MTH", "mother"), ("s",): ("SONC", "son"),
    ("d",): ("DAUC", "daughter"), ("h",): ("HUSB", "husband"), ("w",): ("WIFE", "wife"),
    ("f", "f"): ("PGRFTH", "paternal grandfather"), ("f", "m"): ("PGRMTH",
                                                                 "paternal grandmother"),
    ("m", "f"): ("MGRFTH", "maternal grandfather"), ("m", "m"): ("MGRMTH",
                                                                 "maternal grandmother"),
    ("s", "s"): ("GRNDSON", "grandson"), ("d", "s"): ("GRNDSON", "grandson"),
    ("s", "d"): ("GRNDDAU", "granddaughter"), ("d", "d"): ("GRNDDAU", "granddaughter"),
    ("h", "f"): ("FTHINLAW", "father-in-law"), ("w", "f"): ("FTHINLAW", "father-in-law"),
    ("h", "m"): ("MTHINLAW", "mother-in-law"), ("w", "m"): ("MTHINLAW", "mother-in-law"),
    ("s", "w"): ("DAUINLAW", "daughter in-law"), ("d", "h"): ("SONINLAW", "son in-law"),
    ("m", "h"): ("STPFTH", "stepfather"), ("f", "w"): ("STPMTH", "stepmother"),
} | {(t,): ("BRO", "brother") for t in B} | {(t,): ("SIS", "sister") for t in S} | {
    ("f", t): ("PUNCLE", "paternal uncle") for t in B} | {
    ("m", t): ("MUNCLE", "maternal uncle") for t in B} | {
    ("f", t): ("PAUNT", "paternal aunt") for t in S} | {
    ("m", t): ("MAUNT", "maternal aunt") for t in S} | {
    (t, "s"): ("NEPHEW", "nephew") for t in B + S} | {
    (t, "d"): ("NIECE", "niece") for t in B + S} | {
    (p, t, c): ("COUSN", "cousin") for p in "fm" for t in B + S for c in "sd"}
HALF = {"BRO": ("HBRO", "half-brother"), "SIS": ("HSIS", "half-sister")}


@dataclass(frozen=True)
class FhirOptions:
    """How persons appear: ids (pseudonyms for researchers), names, full dates."""

    ident: Callable[[str], str] = str
    names: bool = True
    years_only: bool = False


@dataclass(frozen=True)
class KnownCondition:
    """A condition a relative is known to have (or carry: a trait)."""

    icd10: str
    text: str


def role(rel: Relation) -> tuple[str, str]:
    """The v3 RoleCode of a relative's canonical path (FAMMEMB when none fits)."""
    found = ROLES.get(rel.path, ("FAMMEMB", "family member"))
    return HALF.get(found[0], found) if rel.half else found


def fhir_id(ref: str) -> str:
    """A FHIR logical id for a reference: [A-Za-z0-9.-] only (others as -hex-), 64 long."""
    return re.sub(r"[^A-Za-z0-9.-]", lambda m: f"-{ord(m.group()):x}-", ref)[:64]


def _day(value: date | None, years_only: bool) -> str | None:
    if value is None:
        return None
    return str(value.year) if years_only else value.isoformat()


def _coding(rel: Relation) -> dict[str, Any]:
    code, display = role(rel)
    return {"coding": [{"system": ROLE_SYSTEM, "code": code, "display": display}],
            "text": rel.term.zh}


def family_bundle(found: Relatives, known: Mapping[str, Sequence[KnownCondition]],
                  options: FhirOptions | None = None) -> dict[str, Any]:
    """The relatives as a FHIR R4 collection Bundle of RelatedPerson and
    FamilyMemberHistory resources (JSON-ready dicts)."""
    opts = options or FhirOptions()
    patient = f"Patient/{fhir_id(opts.ident(found.person.pid))}"
    entries: list[dict[str, Any]] = []
    for rel in found.relatives:
        person = found.persons[rel.pid]
        ref = opts.ident(rel.pid)
        rid = fhir_id(ref)
        related: dict[str, Any] = {
            "resourceType": "RelatedPerson", "id": f"rp-{rid}", "active": True,
            "patient": {"reference": patient}, "relationship": [_coding(rel)],
            "identifier": [{"system": "urn:kingraph:person", "value": ref}]}
        history: dict[str, Any] = {
            "resourceType": "FamilyMemberHistory", "id": f"fmh-{rid}", "status": "completed",
            "patient": {"reference": patient}, "relationship": _coding(rel)}
        gender = GENDER.get(person.sex or "", "unknown")
        related["gender"] = gender
        history["sex"] = {"coding": [{"system": GENDER_SYSTEM, "code": gender}]}
        if opts.names and person.name:
            related["name"] = [{"text": person.name}]
            history["name"] = person.name
        born = _day(person.birth_date, opts.years_only)
        if born:
            related["birthDate"] = born
            history["bornDate"] = born
        died = _day(person.death_date, opts.years_only)
        if died:
            history["deceasedDate"] = died
        conditions = [{"code": {"coding": [{"system": ICD10, "code": c.icd10}], "text": c.text}}
                      for c in known.get(rel.pid, ())]
        if conditions:
            history["condition"] = conditions
        entries += [{"fullUrl": f"urn:kingraph:RelatedPerson/{rid}", "resource": related},
                    {"fullUrl": f"urn:kingraph:FamilyMemberHistory/{rid}",
                     "resource": history}]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
