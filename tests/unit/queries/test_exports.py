"""GEDCOM 7 and FHIR R4 exports of a hand-made family, validated by third-party parsers
(``gedcom7``: the 7.0 grammar and pointers; ``fhir.resources``: the R4B models of
RelatedPerson and FamilyMemberHistory, unchanged from R4).  Expected relationship codes
are the HL7 v3 RoleCode meanings of each relative, written by hand."""

from __future__ import annotations

import json
from datetime import date

import gedcom7
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.familymemberhistory import FamilyMemberHistory
from fhir.resources.R4B.relatedperson import RelatedPerson

from queries.exports import FhirOptions, GedcomOptions, KnownCondition, family_bundle, to_gedcom
from queries.kinship import pedigree_view, relatives_in
from queries.kinship.family import Family, from_rows

M, F = "1", "2"
PEOPLE = {"gf": (M, 1940), "gm": (F, 1942), "dad": (M, 1965), "mum": (F, 1966),
          "uncle": (M, 1968), "me": (M, 1990), "sis": (F, 1992), "cousin": (M, 1988),
          "wife": (F, 1991), "wife_dad": (M, 1960), "son": (M, 2015)}
BIRTH = [("dad", "gf"), ("dad", "gm"), ("uncle", "gf"), ("uncle", "gm"), ("me", "dad"),
         ("me", "mum"), ("sis", "dad"), ("sis", "mum"), ("cousin", "uncle"), ("son", "me"),
         ("son", "wife"), ("wife", "wife_dad")]


def _family() -> Family:
    persons = [{"pid": p, "sex": s, "birth_date": date(y, 6, 1), "name": "陈" + p}
               for p, (s, y) in PEOPLE.items()]
    persons[0]["death_date"] = date(2010, 3, 4)
    edges = [{"child": c, "parent": p, "kind": "biological", "records": [f"birth|x|{c}"]}
             for c, p in BIRTH]
    marriages = [{"husband": "dad", "wife": "mum", "married_on": date(1988, 5, 1)},
                 {"husband": "me", "wife": "wife", "married_on": date(2014, 10, 1)},
                 {"husband": "gf", "wife": "gm", "ended_on": date(1970, 1, 1),
                  "end_reason": "divorce"}]
    return from_rows(persons, edges, marriages)


def test_gedcom_export_is_valid_gedcom_7_with_the_families_of_the_pedigree() -> None:
    view = pedigree_view(_family(), "me")
    text = to_gedcom(view)
    records = gedcom7.loads(text)
    assert gedcom7.validate(records) == []
    indi = {r.xref: r for r in records if r.tag == "INDI"}
    fams = {r.xref: r for r in records if r.tag == "FAM"}
    assert len(indi) == len(PEOPLE)

    def ref(rec: gedcom7.types.GedcomStructure) -> str:
        return next(c.text for c in rec.children if c.tag == "REFN")

    who = {ref(r): x for x, r in indi.items()}
    # my family record names my father, my mother and both of their children
    mine = next(f for f in fams.values()
                if {c.pointer for c in f.children if c.tag == "CHIL"} == {who["me"], who["sis"]})
    parents = {c.tag: c.pointer for c in mine.children if c.tag in ("HUSB", "WIFE")}
    assert parents == {"HUSB": who["dad"], "WIFE": who["mum"]}
    marr = next(c for c in mine.children if c.tag == "MARR")
    assert marr.children[0].value.year == 1988
    # the grandparents' marriage ended in divorce; the grandfather's death is dated
    grand = next(f for f in fams.values() if any(c.pointer == who["gf"] for c in f.children))
    assert any(c.tag == "DIV" for c in grand.children)
    gf = indi[who["gf"]]
    deat = next(c for c in gf.children if c.tag == "DEAT")
    assert (deat.children[0].value.day, deat.children[0].value.month) == (4, "MAR")
    assert next(c.text for c in indi[who["sis"]].children if c.tag == "SEX") == "F"


def test_pseudonymised_gedcom_has_no_names_and_years_only() -> None:
    view = pedigree_view(_family(), "me")
    text = to_gedcom(view, GedcomOptions(ident=lambda p: "R" + str(abs(hash(p)) % 10**8),
                                         names=False, years_only=True, id_type="pseudonym"))
    records = gedcom7.loads(text)
    assert gedcom7.validate(records) == []
    assert "陈" not in text and " NAME 陈" not in text
    assert "2 DATE 1990" in text and " JUN " not in text
    assert all(p not in text.split() for p in PEOPLE)


def test_fhir_related_persons_and_family_history_validate_with_codes_and_conditions() -> None:
    found = relatives_in(_family(), "me", 3, include_in_laws=True)
    known = {"sis": [KnownCondition("D56.3", "thalassemia trait (α)")],
             "son": [KnownCondition("D55.0", "G6PD deficiency")]}
    bundle = family_bundle(found, known)
    Bundle.model_validate(bundle)
    related, history = {}, {}
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "RelatedPerson":
            related[res["id"]] = RelatedPerson.model_validate(res)
        else:
            history[res["id"]] = FamilyMemberHistory.model_validate(res)
    codes = {i.removeprefix("rp-").replace("-5f-", "_"): r.relationship[0].coding[0].code
             for i, r in related.items()}
    assert {p: codes[p] for p in ("dad", "mum", "sis", "son", "gf", "gm", "uncle", "cousin",
                                  "wife", "wife_dad")} == {
        "dad": "FTH", "mum": "MTH", "sis": "SIS", "son": "SONC", "gf": "PGRFTH",
        "gm": "PGRMTH", "uncle": "PUNCLE", "cousin": "COUSN", "wife": "WIFE",
        "wife_dad": "FTHINLAW"}
    sis = history["fmh-sis"]
    assert sis.condition[0].code.coding[0].code == "D56.3" and sis.status == "completed"
    assert history["fmh-son"].condition[0].code.coding[0].code == "D55.0"
    assert history["fmh-gf"].deceasedDate.isoformat() == "2010-03-04"
    assert related["rp-sis"].patient.reference == "Patient/me"
    assert related["rp-sis"].gender == "female" and sis.name == "陈sis"


def test_pseudonymised_fhir_has_no_names_and_years_only() -> None:
    found = relatives_in(_family(), "me", 2)
    bundle = family_bundle(found, {}, FhirOptions(ident=lambda p: f"R{len(p)}x{p[::-1]}",
                                                  names=False, years_only=True))
    Bundle.model_validate(bundle)
    text = json.dumps(bundle, ensure_ascii=False)
    assert "陈" not in text and '"Patient/me"' not in text
    dad = next(e["resource"] for e in bundle["entry"]
               if e["resource"]["resourceType"] == "FamilyMemberHistory"
               and e["resource"]["relationship"]["coding"][0]["code"] == "FTH")
    assert dad["bornDate"] == "1965"
    FamilyMemberHistory.model_validate(dad)


@pytest.mark.parametrize(("path", "half", "code"), [
    (("f",), False, "FTH"), (("ob",), True, "HBRO"), (("m", "ys"), False, "MAUNT"),
    (("ys", "d"), False, "NIECE"), (("f", "f", "ob"), False, "FAMMEMB")])
def test_role_codes(path: tuple[str, ...], half: bool, code: str) -> None:
    from queries.exports import role
    from queries.kinship.kinterms import KinTerm

    class Rel:
        def __init__(self) -> None:
            self.path, self.half, self.term = path, half, KinTerm("x", "x", path)

    assert role(Rel())[0] == code  # type: ignore[arg-type]
