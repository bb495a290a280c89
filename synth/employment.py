"""Employment: social-insurance episodes of working-age people since the 1990s.

Employers belong to a county; a person works for employers in the county they are
registered in at the start of each job, so moves bring job changes.  Employers differ
in size as firms do: each draws a weight from a Pareto law
(:attr:`Workplaces.pareto_alpha`, cut at the 99.5th percentile so that a small drop
has no single employer of half its county), and a job goes to an employer of the
county with probability proportional to its weight: most employers have a handful of
workers, a few have hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import places
from synth.calendar import YEAR, day
from synth.marriage import NEVER
from synth.population import Population, county_at
from synth.profile import Profile

MAX_JOBS = 4
TRADES = ("贸易", "建筑工程", "农业开发", "旅游", "物流", "科技", "餐饮管理", "物业服务",
          "酒店管理", "热带作物", "渔业", "医药")


@dataclass(frozen=True)
class Jobs:
    """Employment episodes and employers (polars frames)."""

    episodes: pl.DataFrame  # person, employer, from_day, to_day (sorted by person)
    employers: pl.DataFrame  # employer, employer_code, employer_name, county

    def named(self) -> pl.DataFrame:
        """The episodes with their employer's code, name and county (joined on demand,
        so the whole province's episodes never carry the text)."""
        return self.episodes.join(self.employers, on="employer", how="left",
                                  maintain_order="left")


def employers(rng: np.random.Generator, n_persons: int, profile: Profile) -> pl.DataFrame:
    """A pool of employers per county, with unified social credit codes, names and the
    weight by which each draws workers."""
    work = profile.workplaces
    n_c = len(places.county_codes())
    per = max(n_persons // (work.persons_per_employer * n_c), 3)
    county = np.repeat(np.arange(n_c), per)
    serial = np.arange(county.size)
    codes = places.current_code(county)
    org = np.char.zfill((rng.integers(10**7, 10**8, county.size)).astype(str), 9)
    name = np.char.add(np.char.add(places.county_names()[county], np.array(TRADES)[
        serial % len(TRADES)]), np.char.add(np.char.zfill(serial.astype(str), 4), "有限公司"))
    code = np.char.add(np.char.add(np.char.add("91", codes), org), "X")
    weight = rng.pareto(work.pareto_alpha, county.size) + 1.0
    weight = np.minimum(weight, np.quantile(weight, work.pareto_cut))
    return pl.DataFrame({"employer": serial, "employer_code": code, "employer_name": name,
                         "county": county, "weight": weight})


def _pick(rng: np.random.Generator, table: pl.DataFrame, county: npt.NDArray[np.int64]
          ) -> npt.NDArray[np.int64]:
    """An employer of each given county, drawn by weight."""
    per = table.height // len(places.county_codes())
    cum = np.cumsum(table["weight"].to_numpy())  # employers are ordered by county
    low = np.concatenate([[0.0], cum])[county * per]
    high = cum[county * per + per - 1]
    picked = np.searchsorted(cum, low + rng.random(county.size) * (high - low), "right")
    return np.asarray(np.clip(picked, county * per, county * per + per - 1))


def employ(rng: np.random.Generator, pop: Population, profile: Profile) -> Jobs:
    """Draw jobs: participation by hukou type, job spells of a few years each.

    Args:
        rng: The stage's generator.
        pop: The population.
        profile: Coverage dates and rates.

    Returns:
        The jobs.
    """
    p, cov = pop.people, profile.coverage
    table = employers(rng, len(p), profile)
    share = np.where(p.agri, cov.employed_rural, cov.employed_urban)
    start = np.maximum(p.birth + int(20 * YEAR), day(cov.employment_from)) + (
        rng.random(len(p)) * 3 * YEAR).astype(np.int64)
    stop = np.minimum.reduce([p.death, p.birth + int(60 * YEAR), np.full(len(p), NEVER)])
    works = (rng.random(len(p)) < share) & (start < stop) & (start <= day(profile.as_of))
    who = np.flatnonzero(works)
    rows = []
    t = start[who]
    for _ in range(MAX_JOBS):
        end = t + (rng.exponential(cov.job_mean_years, who.size) * YEAR).astype(np.int64)
        end = np.minimum(end, stop[who])
        ok = t < end
        county = county_at(pop, who, t)
        emp = _pick(rng, table, county)
        rows.append(pl.DataFrame({"person": who[ok], "employer": emp[ok], "from_day": t[ok],
                                  "to_day": end[ok]}))
        t = end + (rng.random(who.size) * 200).astype(np.int64)
    ep = pl.concat(rows).filter(pl.col("from_day") <= day(profile.as_of))
    ep = ep.with_columns(pl.when(pl.col("to_day") > day(profile.as_of)).then(NEVER)
                         .otherwise("to_day").alias("to_day"))
    return Jobs(ep.sort(["person", "from_day"]), table)
