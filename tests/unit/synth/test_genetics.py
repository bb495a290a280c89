"""Thalassemia carrier classes of a 100 k-person drop against the Hainan surveys.

``domain.md`` gives, among people of childbearing age, Li 47-55 % carriers in all,
alpha 40-46 %, beta 1.3-2.4 %, both 6-7 %; Han 9-13 %, 7-10 %, 1.3-2.4 %, under 1 %.
The parts add up to the totals only when read as exclusive classes (alpha only,
beta only, both), so they are checked that way, among everyone alive and aged 15-49
on some day since 2011 (the years of the 19+1 screening and of the surveys).

Tolerance: a rate measured on ``n`` people has a binomial standard error
``sqrt(p (1 - p) / n)``.  Relatives and villagers share alleles, and villages
drift, so rates vary more than that between seeds: over seeds 11-18 at 100 k
persons the standard deviation of a class was 1.3-2.8 times its binomial standard
error (Li any carrier the most; 1.4-4.0 before half the children of mixed couples
were registered Han).  A rate passes when it lies within the range widened by
three standard errors inflated by 4.5.  For Li double carriers (``n`` about 9,000)
that is about 3.4 points, so the 2 % that independent loci give (the generator
before village structure) fails.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from synth.generator import Result

SINCE, AS_OF = date(2011, 1, 1), date(2025, 6, 30)  # 19+1 screening; the profile's as-of
RANGES = {  # (group, class): (low, high) in domain.md, as shares
    ("li", "alpha_only"): (0.40, 0.46), ("li", "beta_only"): (0.013, 0.024),
    ("li", "both"): (0.06, 0.07), ("li", "any"): (0.47, 0.55),
    ("han", "alpha_only"): (0.07, 0.10), ("han", "beta_only"): (0.013, 0.024),
    ("han", "both"): (0.0, 0.01), ("han", "any"): (0.09, 0.13),
}
DESIGN_EFFECT_SD = 4.5


@pytest.fixture(scope="module")
def childbearing(province: tuple[Path, Result]) -> pl.DataFrame:
    """Han and Li people alive and aged 15-49 on some day since 2011, with carrier flags."""
    p = pl.read_parquet(province[0] / "truth" / "persons.parquet")
    born = pl.col("birth_date")
    start = pl.max_horizontal(born.dt.offset_by("15y"), pl.lit(SINCE))
    end = pl.min_horizontal(born.dt.offset_by("50y"), pl.lit(AS_OF))
    alive = pl.col("death_date").is_null() | (pl.col("death_date") > start)
    return p.filter((start < end) & alive & pl.col("ethnicity").is_in(["01", "19"]))\
        .select(pl.when(pl.col("ethnicity") == "19").then(pl.lit("li")).otherwise(pl.lit("han"))
                .alias("group"), (pl.col("alpha_genotype") != "αα/αα").alias("a"),
                (pl.col("beta_genotype") != "βN/βN").alias("b"))


def _rate(frame: pl.DataFrame, group: str, kind: str) -> tuple[float, int]:
    a, b = pl.col("a"), pl.col("b")
    flag = {"alpha_only": a & ~b, "beta_only": ~a & b, "both": a & b, "any": a | b}[kind]
    sub = frame.filter(pl.col("group") == group)
    return float(sub.select(flag.mean()).item()), sub.height


@pytest.mark.parametrize(("group", "kind"), sorted(RANGES))
def test_carrier_class_among_childbearing_age_is_in_survey_range(
        childbearing: pl.DataFrame, group: str, kind: str) -> None:
    rate, n = _rate(childbearing, group, kind)
    low, high = RANGES[(group, kind)]
    mid = min(max(rate, low), high)
    tolerance = 3 * DESIGN_EFFECT_SD * math.sqrt(max(mid * (1 - mid), 1e-4) / n)
    assert n > 5000
    assert low - tolerance <= rate <= high + tolerance, (rate, n, tolerance)


def test_li_double_carriers_exceed_what_independent_loci_give(
        childbearing: pl.DataFrame) -> None:
    # Independent loci give both = P(alpha) x P(beta); village structure gives more.
    li = childbearing.filter(pl.col("group") == "li")
    both, alpha, beta = (float(li.select(x.mean()).item())
                         for x in (pl.col("a") & pl.col("b"), pl.col("a"), pl.col("b")))
    assert both > 1.2 * alpha * beta, (both, alpha, beta)
