"""Invariants of the ground truth, checked against law and arithmetic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from pypinyin import lazy_pinyin

from kingraph import ids
from synth.generator import Result
from synth.identity import check_chars
from synth.profile import HAINAN, LI_COUNTIES


def _persons(drop: tuple[Path, Result]) -> pl.DataFrame:
    return pl.read_parquet(drop[0] / "truth" / "persons.parquet")


def test_exact_person_count_and_valid_unique_ids(drop: tuple[Path, Result]) -> None:
    p = _persons(drop)
    assert p.height == 4000
    numbers = [x for x in p["id_number"] if x]
    assert len(numbers) == len(set(numbers)) > 3000
    parsed = [ids.parse(x) for x in numbers]
    assert all(x.usable for x in parsed)
    by_number = dict(zip(p["id_number"], zip(p["birth_date"], p["sex"], strict=True),
                         strict=True))
    assert all((x.birth_date, x.sex) == by_number[x.number] for x in parsed)


def test_vector_check_char_matches_gb11643_examples() -> None:
    stems = np.array(["11010519491231002", "44052418800101001"])
    matrix = np.frombuffer(stems.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17)
    assert list(check_chars(matrix)) == ["X", "4"]


def test_mothers_aged_14_to_55_and_parents_born_first(drop: tuple[Path, Result]) -> None:
    p = _persons(drop)
    kids = p.join(p.select(pl.col("person_key").alias("mother_key"),
                           pl.col("birth_date").alias("mb")), on="mother_key").join(
        p.select(pl.col("person_key").alias("father_key"), pl.col("birth_date").alias("fb")),
        on="father_key", how="left")
    age = (kids["birth_date"] - kids["mb"]).dt.total_days() / 365.25
    assert kids.height > 1000
    assert age.min() >= 14 and age.max() <= 55  # type: ignore[operator]
    fage = ((kids["birth_date"] - kids["fb"]).dt.total_days() / 365.25).drop_nulls()
    assert fage.min() >= 15 and fage.max() <= 80  # type: ignore[operator]


def test_no_one_is_their_own_ancestor(drop: tuple[Path, Result]) -> None:
    p = _persons(drop)
    parent = {k: {f, m} - {None} for k, f, m in
              zip(p["person_key"], p["father_key"], p["mother_key"], strict=True)}
    for start in p["person_key"].to_list()[::7]:
        frontier, seen = set(parent[start]), set()
        while frontier:
            assert start not in frontier
            seen |= frontier
            frontier = {a for x in frontier for a in parent[x]} - seen


def test_marriages_respect_legal_ages(drop: tuple[Path, Result]) -> None:
    p = _persons(drop).select("person_key", "birth_date")
    m = pl.read_parquet(drop[0] / "truth" / "marriages.parquet")
    m = m.join(p.rename({"person_key": "husband_key", "birth_date": "hb"}), on="husband_key")
    m = m.join(p.rename({"person_key": "wife_key", "birth_date": "wb"}), on="wife_key")
    assert m.height > 500
    for on, hb, wb in m.select("married_on", "hb", "wb").iter_rows():
        h_age, w_age = (22, 20) if on >= date(1981, 1, 1) else (20, 18)
        assert on >= date(hb.year + h_age, hb.month, min(hb.day, 28))
        assert on >= date(wb.year + w_age, wb.month, min(wb.day, 28))


def test_genotypes_follow_mendel(drop: tuple[Path, Result]) -> None:
    p = _persons(drop)
    hap = {k: (a.split("/"), b.split("/")) for k, a, b in
           zip(p["person_key"], p["alpha_genotype"], p["beta_genotype"], strict=True)}
    kids = p.filter(pl.col("father_key").is_not_null() & pl.col("mother_key").is_not_null())
    for k, f, m in kids.select("person_key", "father_key", "mother_key").iter_rows():
        for locus in (0, 1):
            a, b = hap[k][locus]
            fm = set(hap[f][locus]), set(hap[m][locus])
            assert (a in fm[0] and b in fm[1]) or (a in fm[1] and b in fm[0])


def test_carrier_rates_differ_by_ethnicity(drop: tuple[Path, Result]) -> None:
    p = _persons(drop).with_columns(
        (pl.col("alpha_genotype") != "αα/αα").alias("alpha_carrier"))
    rates = dict(p.group_by("ethnicity").agg(pl.col("alpha_carrier").mean()).iter_rows())
    assert rates["19"] > 2 * rates["01"] > 0.06  # Li far above Han (founders: 43 % vs 8.5 %)


def test_no_one_is_named_after_a_parent_or_grandparent(drop: tuple[Path, Result]) -> None:
    # 避讳: a child's given name never sounds like an elder's (toneless pinyin, so a
    # homophone such as 军/俊 counts too).  Surnames here are one character.
    p = _persons(drop)
    sound = {k: lazy_pinyin(n[1:]) for k, n in zip(p["person_key"], p["name"], strict=True)}
    parents = {k: [x for x in (f, m) if x is not None] for k, f, m in
               p.select("person_key", "father_key", "mother_key").iter_rows()}
    checked = 0
    for k, ps in parents.items():
        elders = ps + [g for x in ps for g in parents[x]]
        checked += bool(elders)
        assert all(sound[e] != sound[k] for e in elders)
    assert checked > 2000


def test_truth_says_what_is_true_on_the_drop_date(drop: tuple[Path, Result]) -> None:
    # No truth file states a date after the drop's date (a death drawn at birth that
    # has not happened by then is no death: the person is alive).
    for path in sorted((drop[0] / "truth").glob("*.parquet")):
        frame = pl.read_parquet(path)
        for column in (c for c, kind in frame.schema.items() if kind == pl.Date):
            assert frame.filter(pl.col(column) > HAINAN.as_of).is_empty(), (path.name, column)
    p = _persons(drop)
    dead = p.filter(pl.col("death_date").is_not_null())
    assert 0 < dead.height < p.height / 2
    assert dead.filter(pl.col("death_date") < pl.col("birth_date")).is_empty()


def test_a_death_ends_marriages_and_residences(drop: tuple[Path, Result]) -> None:
    death = _persons(drop).select("person_key", "death_date")
    m = pl.read_parquet(drop[0] / "truth" / "marriages.parquet")
    m = m.join(death.rename({"person_key": "husband_key", "death_date": "hd"}),
               on="husband_key").join(
        death.rename({"person_key": "wife_key", "death_date": "wd"}), on="wife_key")
    widowed = m.filter(pl.col("end_reason") == "death")
    assert widowed.height > 100
    assert widowed.filter((pl.col("ended_on") == pl.col("hd")).fill_null(False)
                          | (pl.col("ended_on") == pl.col("wd")).fill_null(False)).height \
        == widowed.height  # on the day one of them died
    running = m.filter(pl.col("ended_on").is_null())
    assert running.height > 100
    assert running.filter(pl.col("hd").is_not_null() | pl.col("wd").is_not_null()).is_empty()
    r = pl.read_parquet(drop[0] / "truth" / "residences.parquet").join(death, on="person_key")
    assert r.filter(pl.col("death_date").is_not_null() & (
        pl.col("to_date").is_null() | (pl.col("from_date") > pl.col("death_date")))).is_empty()


def test_li_are_about_a_sixth_and_live_mostly_in_the_li_counties(
        province: tuple[Path, Result]) -> None:
    # domain.md: Li about 15 %, concentrated in the Li autonomous counties. The share
    # holds over time: no decade's births since 1980 runs away from it.
    truth = province[0] / "truth"
    p = pl.read_parquet(truth / "persons.parquet")
    li = (pl.col("ethnicity") == "19").mean()
    living = p.filter(pl.col("death_date").is_null())
    assert 0.13 <= living.select(li).item() <= 0.19
    decades = (p.filter(pl.col("birth_date") >= date(1980, 1, 1))
               .group_by(pl.col("birth_date").dt.year() // 10).agg(li)["ethnicity"])
    assert decades.len() == 5 and decades.min() >= 0.13 and decades.max() <= 0.22  # type: ignore[operator]
    here = pl.read_parquet(truth / "residences.parquet").filter(pl.col("to_date").is_null())
    home = living.join(here.unique("person_key"), on="person_key").with_columns(
        pl.col("division_code").is_in(list(LI_COUNTIES)).alias("li_county"))
    share = dict(home.group_by("li_county").agg(li).iter_rows())
    in_li_counties = home.filter(pl.col("ethnicity") == "19")["li_county"].mean()
    assert share[True] > 4 * share[False] and in_li_counties > 0.5  # type: ignore[operator]
