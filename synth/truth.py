"""The ground truth of a drop: persons with names and ID numbers, marriages,
residences and employment, and the ``truth/*.parquet`` frames written beside the feeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import genetics, places
from synth.employment import Jobs
from synth.marriage import NEVER
from synth.population import Population
from synth.profile import Profile
from synth.residence import Registry

Strings = npt.NDArray[np.str_]
Ints = npt.NDArray[np.int64]
END_REASONS = np.array(["", "divorce", "death"])


@dataclass(frozen=True)
class Truth:
    """Everything the feeds render from."""

    profile: Profile
    pop: Population
    id_number: Strings
    name: Strings
    registry: Registry
    jobs: Jobs

    def ids(self, keys: Ints) -> Strings:
        """ID numbers of persons, ``""`` for key -1."""
        return np.where(keys >= 0, self.id_number[np.maximum(keys, 0)], "")

    def names(self, keys: Ints) -> Strings:
        """Names of persons, ``""`` for key -1."""
        return np.where(keys >= 0, self.name[np.maximum(keys, 0)], "")


def as_date(days: Ints) -> pl.Series:
    """Days since the epoch as a polars Date series, null for NEVER."""
    s = pl.Series(np.where(days >= NEVER, 0, days).astype(np.int32)).cast(pl.Date)
    return pl.select(pl.when(pl.Series(days < NEVER)).then(s)).to_series()


def persons_frame(t: Truth) -> pl.DataFrame:
    """``truth/persons.parquet``."""
    p, u = t.pop.people, t.pop.unions
    has_adopt = p.adoptive >= 0
    adopt = np.maximum(p.adoptive, 0)
    return pl.DataFrame({
        "person_key": np.arange(len(p), dtype=np.int64), "id_number": t.id_number,
        "name": t.name, "sex": p.sex.astype(str), "birth_date": as_date(p.birth),
        "death_date": as_date(p.death), "ethnicity": p.ethnicity,
        "hukou_type": np.where(p.agri, "agricultural", "non_agricultural"),
        "disabled": p.disabled_on <= (t.profile.as_of.toordinal() - 719163),
        "father_key": _nullable(p.father), "mother_key": _nullable(p.mother),
        "adoptive_father_key": _nullable(np.where(has_adopt, u.husband[adopt], -1)),
        "adoptive_mother_key": _nullable(np.where(has_adopt, u.wife[adopt], -1)),
        "alpha_genotype": genetics.genotype_text(p.alpha, genetics.ALPHA),
        "beta_genotype": genetics.genotype_text(p.beta, genetics.BETA),
    })


def _nullable(keys: Ints) -> pl.Series:
    return pl.select(pl.when(pl.Series(keys >= 0)).then(pl.Series(keys))).to_series()


def marriages_frame(t: Truth) -> pl.DataFrame:
    """``truth/marriages.parquet`` (复婚 is a second row of the same couple)."""
    u = t.pop.unions
    return pl.DataFrame({
        "husband_key": u.husband, "wife_key": u.wife, "married_on": as_date(u.start),
        "ended_on": as_date(u.end),
        "end_reason": pl.Series(END_REASONS[u.reason]).replace("", None),
    })


def residences_frame(t: Truth) -> pl.DataFrame:
    """``truth/residences.parquet``; ``division_code`` is today's county code."""
    r = t.registry.residences
    return pl.DataFrame({
        "person_key": r["person"], "division_code": places.current_code(r["county"].to_numpy()),
        "dwelling_id": r["dwelling_id"], "from_date": as_date(r["from_day"].to_numpy()),
        "to_date": as_date(r["to_day"].to_numpy()),
    })


def employment_frame(t: Truth) -> pl.DataFrame:
    """``truth/employment.parquet``."""
    j = t.jobs.episodes
    return pl.DataFrame({
        "person_key": j["person"], "employer_code": j["employer_code"],
        "from_date": as_date(j["from_day"].to_numpy()), "to_date": as_date(j["to_day"].to_numpy()),
    })
