"""Who meets whom (issue 17's contacts): dwellings shared by people who are not kin, and
employers of the sizes firms have, in ``truth/residences.parquet`` and
``truth/employment.parquet``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from synth.generator import Result
from tests.unit.synth.reading import truth

ON = date(2020, 6, 30)


def _current(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter((pl.col("from_date") <= ON)
                        & (pl.col("to_date").is_null() | (pl.col("to_date") > ON)))


@pytest.fixture(scope="module")
def homes(province: tuple[Path, Result]) -> pl.DataFrame:
    """Everyone's dwelling on the day, with its kind (H home, W dormitory, F shared flat)."""
    here = _current(truth(province[0], "residences"))
    return here.with_columns(pl.col("dwelling_id").str.slice(0, 1).alias("kind"))


def _kin(out: Path) -> pl.DataFrame:
    """Parent-child (biological, adoptive, step), spouse and sibling pairs, both ways."""
    p = truth(out, "persons")
    pairs = [p.select(pl.col("person_key").alias("a"), pl.col(c).alias("b"))
             for c in ("father_key", "mother_key", "adoptive_father_key",
                       "adoptive_mother_key")]
    m = truth(out, "marriages")
    pairs.append(m.select(pl.col("husband_key").alias("a"), pl.col("wife_key").alias("b")))
    s = truth(out, "step_relations")
    pairs.append(s.select(pl.col("child_key").alias("a"), pl.col("step_parent_key").alias("b")))
    by_mother = p.drop_nulls("mother_key").select("person_key", "mother_key")
    pairs.append(by_mother.join(by_mother, on="mother_key").select(
        pl.col("person_key").alias("a"), pl.col("person_key_right").alias("b")))
    kin = pl.concat(pairs).drop_nulls()
    return pl.concat([kin, kin.select(pl.col("b").alias("a"), pl.col("a").alias("b"))]).unique()


def test_people_living_away_share_dwellings_with_non_kin(
        province: tuple[Path, Result], homes: pl.DataFrame) -> None:
    pairs = homes.select("dwelling_id", "kind", "person_key").join(
        homes.select("dwelling_id", pl.col("person_key").alias("other")), on="dwelling_id"
    ).filter(pl.col("person_key") < pl.col("other"))
    strangers = pairs.join(_kin(province[0]), left_on=["person_key", "other"],
                           right_on=["a", "b"], how="anti")
    by_kind = dict(strangers.group_by("kind").len().iter_rows())
    assert by_kind.get("W", 0) > 1000 and by_kind.get("F", 0) > 500
    assert by_kind.get("H", 0) > 200  # lodgers in a family's home


def test_flats_and_dormitories_hold_realistic_numbers(homes: pl.DataFrame) -> None:
    size = homes.group_by("dwelling_id", "kind").len()
    flats = size.filter(pl.col("kind") == "F")["len"]
    dorms = size.filter(pl.col("kind") == "W")["len"]
    assert 2 <= (flats.median() or 0) <= 6 and (flats.max() or 0) <= 30
    assert 4 <= (dorms.median() or 0) <= 40
    homes_ = size.filter(pl.col("kind") == "H")["len"]
    assert 1 <= (homes_.median() or 0) <= 5


def test_employers_range_from_a_handful_of_workers_to_hundreds(
        province: tuple[Path, Result]) -> None:
    jobs = _current(truth(province[0], "employment"))
    size = jobs.group_by("employer_code").len()["len"].sort()
    assert size.len() > 300
    assert (size.median() or 0) <= 10 < (size.max() or 0) / 20
    top = size.tail(max(size.len() // 100, 1)).sum() / size.sum()
    assert top > 0.1  # the largest 1 % of employers hold a tenth of the workers or more
