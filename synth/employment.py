"""Employment: social-insurance episodes of working-age people since the 1990s.

Employers belong to a county; a person works for employers in the county they are
registered in at the start of each job, so moves bring job changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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


def employers(rng: np.random.Generator, n_persons: int) -> pl.DataFrame:
    """A pool of employers per county, with unified social credit codes and names."""
    per = max(n_persons // 3000, 3)
    n_c = len(places.county_codes())
    county = np.repeat(np.arange(n_c), per)
    serial = np.arange(county.size)
    codes = places.current_code(county)
    org = np.char.zfill((rng.integers(10**7, 10**8, county.size)).astype(str), 9)
    name = np.char.add(np.char.add(places.county_names()[county], np.array(TRADES)[
        serial % len(TRADES)]), np.char.add(np.char.zfill(serial.astype(str), 4), "有限公司"))
    code = np.char.add(np.char.add(np.char.add("91", codes), org), "X")
    return pl.DataFrame({"employer": serial, "employer_code": code, "employer_name": name,
                         "county": county})


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
    table = employers(rng, len(p))
    per = table.height // len(places.county_codes())
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
        emp = county * per + rng.integers(0, per, who.size)
        rows.append(pl.DataFrame({"person": who[ok], "employer": emp[ok], "from_day": t[ok],
                                  "to_day": end[ok]}))
        t = end + (rng.random(who.size) * 200).astype(np.int64)
    ep = pl.concat(rows).filter(pl.col("from_day") <= day(profile.as_of))
    ep = ep.with_columns(pl.when(pl.col("to_day") > day(profile.as_of)).then(NEVER)
                         .otherwise("to_day").alias("to_day"))
    return Jobs(ep.sort(["person", "from_day"]), table)
