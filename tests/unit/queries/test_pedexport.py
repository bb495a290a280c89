"""PLINK .fam / --pheno and LINKAGE PED export, parsed back."""

from __future__ import annotations

import pytest

from kingraph.errors import InvalidArgument
from queries.kinship.coefficients import Member, Pedigree
from queries.kinship.pedigree_export import ExportOptions, Trait, to_fam, to_linkage, to_pheno

KEY = "thalassemia"
PED = Pedigree([
    Member("G1", "1", attrs={KEY: "alpha_carrier"}),
    Member("G2", "2", attrs={KEY: "alpha_carrier"}),
    Member("A", "1", father="G1", mother="G2", attrs={KEY: "hbh_disease"}),
    Member("B", "2", father="G1", mother="G2", attrs={KEY: "suspected"}),
    Member("a1", None, father="A"),  # mother unknown, sex unknown, never screened
    Member("T", "1", attrs={KEY: "normal"}),
    Member("w", "2", adoptive_father="T", attrs={KEY: "beta_major"}),
])


def parse(text: str, sep: str | None = None) -> dict[str, list[str]]:
    table = [line.split(sep) for line in text.splitlines()]
    return {cells[1]: cells for cells in table}


def test_fam_columns_parents_sex_and_disease_phenotype() -> None:
    fam = parse(to_fam(PED))
    assert all(len(cells) == 6 for cells in fam.values())
    assert fam["A"][2:] == ["G1", "G2", "1", "2"]  # HbH disease: affected
    assert fam["G1"][2:] == ["0", "0", "1", "1"]   # a carrier is unaffected
    assert fam["B"][5] == "-9"                     # suspected: unknown
    assert fam["a1"][2:] == ["A", "0", "0", "-9"]  # unknown mother, sex, phenotype
    assert fam["T"][5] == "1"                      # normal: unaffected
    assert fam["w"][2:4] == ["0", "0"]             # adoption is not written as parentage
    assert fam["w"][5] == "2"                      # beta major: affected


def test_fam_carrier_trait_and_missing_code() -> None:
    fam = parse(to_fam(PED, trait=Trait.CARRIER, missing="0"))
    assert fam["G1"][5] == "2" and fam["T"][5] == "1" and fam["A"][5] == "2"
    assert fam["B"][5] == "0"


def test_families_and_order() -> None:
    lines = [line.split() for line in to_fam(PED).splitlines()]
    families = {cells[1]: cells[0] for cells in lines}
    assert families["A"] == families["G1"] == families["a1"]
    assert len({families["A"], families["T"], families["w"]}) == 3
    seen: set[str] = set()
    for _, iid, father, mother, *_ in lines:
        assert {father, mother} - {"0"} <= seen  # parents come first
        seen.add(iid)
    assert {c[0] for c in (line.split() for line in to_fam(
        PED, ExportOptions(family_id="FAM")).splitlines())} == {"FAM"}


def test_pseudonyms_hide_real_ids() -> None:
    code = {pid: f"R{n:03d}" for n, pid in enumerate(sorted(PED.members))}
    text = to_fam(PED, ExportOptions(pseudonym=code.__getitem__))
    fam = parse(text)
    assert set(fam) == set(code.values())
    assert fam[code["A"]][2:4] == [code["G1"], code["G2"]]
    for pid in PED.members:
        assert pid not in text.split()


@pytest.mark.parametrize("bad", [lambda pid: "same", lambda pid: "a b", lambda pid: "0"])
def test_bad_pseudonyms_rejected(bad: object) -> None:
    with pytest.raises(InvalidArgument):
        to_fam(PED, ExportOptions(pseudonym=bad))  # type: ignore[arg-type]


def test_linkage_has_both_parents_or_neither() -> None:
    ped = parse(to_linkage(PED), "\t")
    assert all(len(cells) == 6 for cells in ped.values())
    father, mother = ped["a1"][2:4]
    assert father == "A" and mother != "0"
    assert ped[mother][2:] == ["0", "0", "2", "0"]  # an unknown founder, female
    assert ped[mother][0] == ped["a1"][0]
    for cells in ped.values():
        assert (cells[2] == "0") == (cells[3] == "0")
        assert {cells[2], cells[3]} - {"0"} <= set(ped)
    assert ped["B"][5] == "0" and ped["A"][5] == "2" and ped["G2"][5] == "1"


def test_linkage_carrier_column() -> None:
    ped = parse(to_linkage(PED, carrier_column=True), "\t")
    assert ped["G2"][5:] == ["1", "2"]  # unaffected, carrier
    assert ped["T"][5:] == ["1", "1"]


def test_pheno_file() -> None:
    lines = [line.split() for line in to_pheno(PED).splitlines()]
    assert lines[0] == ["FID", "IID", "THAL_AFFECTED", "THAL_CARRIER"]
    values = {cells[1]: cells[2:] for cells in lines[1:]}
    assert values["G1"] == ["1", "2"] and values["A"] == ["2", "2"]
    assert values["B"] == ["-9", "-9"] and values["T"] == ["1", "1"]
