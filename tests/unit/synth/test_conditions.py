"""Inherited conditions other than thalassemia: Mendelian and X-linked inheritance over the
pedigree, frequencies against the published surveys, and the diagnosis feed's rows.

Rules written here, not read from the generator: a man has one X, from his mother; a
father passes his X to every daughter and to no son; a mother passes one of her two X
chromosomes; an autosomal child takes one allele from each parent.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from kingraph import ids
from synth import genetics
from synth.generator import Result
from synth.profile import CONDITIONS, HAINAN
from tests.unit.synth.reading import dates, truth, with_keys

X_LINKED = ("g6pd_genotype", "hemophilia_a_genotype")


def _alleles(text: str) -> tuple[str, str]:
    a, b = text.split("/")
    return a, b


def test_a_son_takes_his_x_from_his_mother_and_a_daughter_one_from_each_parent(
        drop: tuple[Path, Result]) -> None:
    p = truth(drop[0], "persons")
    geno = dict(zip(p["person_key"], p["g6pd_genotype"], strict=True))
    sex = dict(zip(p["person_key"], p["sex"], strict=True))
    kids = p.filter(pl.col("father_key").is_not_null() & pl.col("mother_key").is_not_null())
    sons = daughters = 0
    for k, f, m in kids.select("person_key", "father_key", "mother_key").iter_rows():
        child, mother, father = _alleles(geno[k]), _alleles(geno[m]), _alleles(geno[f])
        assert father[1] == "Y" and mother[1] != "Y"
        if sex[k] == "1":
            sons += 1
            assert child[1] == "Y" and child[0] in mother
        else:
            daughters += 1
            assert father[0] in child  # the father's one X goes to every daughter
            other = list(child)
            other.remove(father[0])
            assert other[0] in mother
    assert sons > 800 and daughters > 800


def test_an_affected_father_has_no_affected_son_through_himself() -> None:
    # Unit rule on hand-made parents: fathers all affected (variant 1 on their X), mothers
    # all normal: every son is normal, every daughter a carrier of the father's allele.
    cond = CONDITIONS[0]
    n = 2000
    mother = np.zeros((n, len(CONDITIONS), 2), dtype=np.int8)
    father = np.zeros((n, len(CONDITIONS), 2), dtype=np.int8)
    father[:, :, 0], father[:, :, 1] = 1, genetics.Y
    male = np.arange(n) % 2 == 0
    kids = genetics.inherit_conditions(np.random.default_rng(3), mother, father, male,
                                       CONDITIONS)
    assert (kids[male, 0, 1] == genetics.Y).all() and (kids[male, 0, 0] == 0).all()
    assert (kids[~male, 0, 1] == 1).all() and (kids[~male, 0, 0] == 0).all()
    assert not genetics.affected(kids[male, 0], cond).any()
    assert genetics.heterozygous(kids[~male, 0]).all()


def test_a_carrier_mother_passes_her_variant_to_half_her_children() -> None:
    n = 20000
    mother = np.zeros((n, len(CONDITIONS), 2), dtype=np.int8)
    mother[:, :, 0] = 2  # one variant X, one normal
    father = np.zeros((n, len(CONDITIONS), 2), dtype=np.int8)
    father[:, :, 1] = genetics.Y
    male = np.arange(n) % 2 == 0
    kids = genetics.inherit_conditions(np.random.default_rng(4), mother, father, male,
                                       CONDITIONS)
    affected_sons = genetics.affected(kids[male, 0], CONDITIONS[0]).mean()
    carrier_daughters = genetics.heterozygous(kids[~male, 0]).mean()
    se = math.sqrt(0.25 / (n / 2))
    assert abs(affected_sons - 0.5) < 4 * se and abs(carrier_daughters - 0.5) < 4 * se


def test_an_autosomal_child_takes_one_allele_from_each_parent(
        drop: tuple[Path, Result]) -> None:
    p = truth(drop[0], "persons")
    geno = dict(zip(p["person_key"], p["pku_genotype"], strict=True))
    kids = p.filter(pl.col("father_key").is_not_null() & pl.col("mother_key").is_not_null())
    for k, f, m in kids.select("person_key", "father_key", "mother_key").iter_rows():
        a, b = _alleles(geno[k])
        fa, ma = _alleles(geno[f]), _alleles(geno[m])
        assert (a in fa and b in ma) or (a in ma and b in fa)
        assert "Y" not in (a, b)


@pytest.mark.parametrize(("group", "codes", "published"),
                         [("han", ["01"], 0.065), ("li", ["19"], 0.10)])
def test_g6pd_deficiency_of_living_men_matches_the_hainan_surveys(
        province: tuple[Path, Result], group: str, codes: list[str], published: float) -> None:
    # Zeng 2022 and the Chengmai survey (synth/profile.py): a man's deficiency rate is the
    # allele frequency; Han 6.5 %, Li about 10 %.  Relatives share alleles, so the spread
    # is wider than binomial: three standard errors inflated by 3.
    p = truth(province[0], "persons").filter(pl.col("death_date").is_null()
                                             & pl.col("ethnicity").is_in(codes))
    men = p.filter(pl.col("sex") == "1")
    rate = float(men.select((pl.col("g6pd_genotype").str.slice(0, 1) != "N").mean()).item())
    se = math.sqrt(published * (1 - published) / men.height)
    assert men.height > 3000
    assert abs(rate - published) < 9 * se, (rate, men.height)
    women = p.filter(pl.col("sex") == "2")
    two = women.select(~pl.col("g6pd_genotype").str.contains("N")).to_series().mean()
    assert two is not None and float(two) < rate / 4  # q squared, against q for men


def test_diagnosis_rows_read_only_what_genotype_and_method_allow(
        noisy: tuple[Path, Result]) -> None:
    out = noisy[0]
    rows = with_keys(out, "diagnosis").join(
        truth(out, "persons").select(pl.col("person_key").alias("person"),
                                     pl.col("sex").alias("true_sex"), "g6pd_genotype",
                                     "pku_genotype", "hemophilia_a_genotype"), on="person")
    column = {c.code: c.column for c in CONDITIONS}
    genotype = pl.coalesce([pl.when(pl.col("condition") == code).then(pl.col(col))
                            for code, col in column.items()])
    rows = rows.with_columns(genotype.alias("genotype"))
    variants = pl.col("genotype").str.split("/").list.eval(
        (pl.element() != "N") & (pl.element() != "Y")).list.sum()
    man = pl.col("genotype").str.ends_with("/Y")
    rows = rows.with_columns(variants.alias("variants"), man.alias("man"))
    affected = (pl.col("variants") == 2) | (pl.col("man") & (pl.col("variants") == 1))
    carrier = (pl.col("variants") == 1) & ~pl.col("man")
    typed = pl.col("method").str.starts_with("genotyping")
    assert rows.height > 1000 and rows.filter(typed).height > 5
    # Genotyping tells carrier from affected, and never calls a man a carrier.
    assert rows.filter(typed & (pl.col("result") == "affected") & ~affected).is_empty()
    assert rows.filter(typed & (pl.col("result") == "carrier") & ~carrier).is_empty()
    assert rows.filter((pl.col("result") == "carrier") & pl.col("man")).is_empty()
    # An enzyme or phenylalanine test reads a deficiency only where there is a variant; an
    # affected person is never read normal on confirmation.
    confirm = ~typed & (pl.col("method") != "fluorescent spot test") & (
        pl.col("method") != "fluorometric phenylalanine")
    assert rows.filter(confirm & (pl.col("result") == "affected")
                       & (pl.col("variants") == 0)).is_empty()
    assert rows.filter(confirm & (pl.col("result") == "normal") & affected
                       & (pl.col("source") == "newborn_screening")).is_empty()
    assert set(rows["sex"]) == set(rows["true_sex"]) and (rows["sex"] == rows["true_sex"]).all()


def test_newborn_screening_names_the_mother_beside_a_baby_without_a_number(
        clean_drop: tuple[Path, Result]) -> None:
    out = clean_drop[0]
    rows = with_keys(out, "diagnosis").filter(pl.col("source") == "newborn_screening")
    persons = truth(out, "persons").select("person_key", "id_number", "mother_key",
                                           "birth_date")
    rows = rows.join(persons, left_on="person", right_on="person_key").with_columns(
        dates("test_date"), dates("birth_date"))
    assert rows.height > 200
    assert rows["id_number_right"].is_not_null().all()
    assert (rows["id_number"] == "").mean() > 0.8  # type: ignore[operator]
    given = rows.filter(pl.col("mother_id_number") != "")
    assert given.height / rows.height > 0.8
    assert (given["mother"] == given["mother_key"]).all()
    assert all(ids.parse(x).usable for x in given["mother_id_number"])
    assert (rows["birth_date"] >= date(2010, 1, 1)).all()  # screening began in 2010
    assert ((rows["test_date"] - rows["birth_date"]).dt.total_days() >= 3).all()
    assert set(rows["condition"]) == {c.code for c in HAINAN.conditions if c.screened_from}
