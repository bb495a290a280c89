"""Thalassemia carrier rates of a 20 k-person drop against the Hainan surveys.

``domain.md`` gives, among people of childbearing age, Li 47-55 % carriers in all,
alpha 40-46 %, beta 1.3-2.4 %, both 6-7 %; Han 9-13 %, 7-10 %, 1.3-2.4 %, under 1 %.
The parts add up to the totals only when read as exclusive classes (alpha only,
beta only, both), so they are checked that way.  Li double carriers are not
checked: with the two loci inherited independently they cannot reach 6-7 % while
beta-only stays under 2.4 % (see :class:`synth.profile.Carriers`).

Tolerance: a rate measured on ``n`` people has a binomial standard error
``sqrt(p (1 - p) / n)``; relatives share alleles, and across twelve seeds the spread
of each rate was about twice that (a design effect of about 4).  A rate passes
when it lies within the range widened by three such doubled standard errors.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from synth.generator import generate

AS_OF = date(2025, 6, 30)  # the hainan profile's as-of day
RANGES = {  # (group, class): (low, high) in domain.md, as shares
    ("li", "alpha_only"): (0.40, 0.46), ("li", "beta_only"): (0.013, 0.024),
    ("li", "any"): (0.47, 0.55),
    ("han", "alpha_only"): (0.07, 0.10), ("han", "beta_only"): (0.013, 0.024),
    ("han", "both"): (0.0, 0.01), ("han", "any"): (0.09, 0.13),
}
DESIGN_EFFECT_SD = 2.0


@pytest.fixture(scope="module")
def childbearing(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """Living Han and Li people aged 15-49 on the as-of day, with carrier flags."""
    out = tmp_path_factory.mktemp("carriers")
    generate(20_000, 3, out, noise="clean")
    p = pl.read_parquet(out / "truth" / "persons.parquet")
    age = (pl.lit(AS_OF) - pl.col("birth_date")).dt.total_days() / 365.25
    alive = pl.col("death_date").is_null() | (pl.col("death_date") > AS_OF)
    return p.filter(alive & (age >= 15) & (age < 50) & pl.col("ethnicity").is_in(["01", "19"]))\
        .select(pl.when(pl.col("ethnicity") == "19").then(pl.lit("li")).otherwise(pl.lit("han"))
                .alias("group"), (pl.col("alpha_genotype") != "αα/αα").alias("a"),
                (pl.col("beta_genotype") != "βN/βN").alias("b"))


def _rate(frame: pl.DataFrame, group: str, kind: str) -> tuple[float, int]:
    a, b = pl.col("a"), pl.col("b")
    flag = {"alpha_only": a & ~b, "beta_only": ~a & b, "both": a & b, "any": a | b}[kind]
    sub = frame.filter(pl.col("group") == group)
    return float(sub.select(flag.mean()).item()), sub.height


@pytest.mark.parametrize(("group", "kind"), sorted(RANGES))
def test_carrier_rate_among_childbearing_age_is_in_survey_range(
        childbearing: pl.DataFrame, group: str, kind: str) -> None:
    rate, n = _rate(childbearing, group, kind)
    low, high = RANGES[(group, kind)]
    mid = min(max(rate, low), high)
    tolerance = 3 * DESIGN_EFFECT_SD * math.sqrt(max(mid * (1 - mid), 1e-4) / n)
    assert n > 1000
    assert low - tolerance <= rate <= high + tolerance, (rate, n, tolerance)
