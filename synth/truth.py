"""The ground truth of a drop: persons with names and ID numbers, marriages,
residences and employment, and the ``truth/*.parquet`` frames written beside the feeds.

Feeds and truth files are written part by part: a part is a range of person keys
(:meth:`Truth.part`), and every row belongs to the part of its primary person (the
person a household, residence, job, screening or disability row is about; a
child for birth, pregnancy and permit rows; the husband for a marriage).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import genetics, places
from synth.calendar import day
from synth.employment import Jobs
from synth.marriage import NEVER
from synth.population import Population
from synth.profile import Profile
from synth.residence import Registry

Strings = npt.NDArray[np.str_]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
END_REASONS = np.array(["", "divorce", "death"])


@dataclass(frozen=True)
class Truth:
    """Everything the feeds render from."""

    profile: Profile
    pop: Population
    id_number: npt.NDArray[np.bytes_]  # ASCII, b"" for persons without a number
    name: Strings
    registry: Registry
    jobs: Jobs
    birth_order: Ints  # per person: order among the mother's live births, 0 if no mother
    plurality: Ints  # per person: babies of the mother born that day, 0 if no mother
    elder: Ints  # per person: the mother's previous child (an elder sibling), -1 if none
    span: tuple[int, int]  # the person keys whose rows this (part of the) truth renders
    wide: tuple[pl.Schema, pl.Schema] | None = None  # registry types a part restores

    @classmethod
    def compact(cls, profile: Profile, pop: Population, id_number: npt.NDArray[np.bytes_],
                name: Strings, registry: Registry, jobs: Jobs) -> Truth:
        """The whole truth, its registry held narrow (Int32 numbers, categorical text).

        The registry is the largest table a drop holds whole (about two episodes and
        two residences per person); :meth:`part` gives renderers its original types.
        """
        ep, res = (_by_person(f) for f in (registry.episodes, registry.residences))
        return cls(profile, pop, id_number, name, Registry(_narrow(ep), _narrow(res)), jobs,
                   *births(pop), span=(0, len(pop.people)), wide=(ep.schema, res.schema))

    def owns(self, keys: Ints) -> Bools:
        """True where a row's primary person belongs to this part."""
        lo, hi = self.span
        return (keys >= lo) & (keys < hi)

    def part(self, lo: int, hi: int) -> Truth:
        """The same truth, rendering only rows whose primary person is in ``[lo, hi)``.

        Registry and job episodes are sorted by person, so they are cut by slicing.
        """
        reg, jobs = self.registry, self.jobs
        ep, res = _cut(reg.episodes, lo, hi), _cut(reg.residences, lo, hi)
        if self.wide is not None:
            ep, res = ep.cast(self.wide[0]), res.cast(self.wide[1])
        return replace(self, span=(lo, hi), registry=Registry(ep, res), wide=None,
                       jobs=Jobs(_cut(jobs.episodes, lo, hi), jobs.employers))

    def ids(self, keys: Ints) -> Strings:
        """ID numbers of persons, ``""`` for key -1."""
        return np.where(keys >= 0, self.id_number[np.maximum(keys, 0)].astype(str), "")

    def names(self, keys: Ints) -> Strings:
        """Names of persons, ``""`` for key -1."""
        return np.where(keys >= 0, self.name[np.maximum(keys, 0)], "")


def _by_person(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame ordered by person (parts slice it), kept as it is when it already is."""
    return frame if frame["person"].is_sorted() else frame.sort("person", maintain_order=True)


def _narrow(frame: pl.DataFrame) -> pl.DataFrame:
    """64-bit integers as 32-bit, text as categorical (the registry's values fit)."""
    return frame.with_columns(pl.col(pl.Int64).cast(pl.Int32),
                              pl.col(pl.String).cast(pl.Categorical))


def _cut(frame: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """Rows of a frame sorted by ``person`` whose person is in ``[lo, hi)``."""
    person = frame["person"]
    start, stop = person.search_sorted(lo, "left"), person.search_sorted(hi, "left")
    return frame.slice(int(start), int(stop) - int(start))


def births(pop: Population) -> tuple[Ints, Ints, Ints]:
    """Birth order (1-based, among the mother's children), plurality and the mother's
    previous child of every person.

    Persons without a mother in the data get 0, 0 and -1.
    """
    p = pop.people
    kids = np.flatnonzero(p.mother >= 0)
    kids = kids[np.lexsort((kids, p.birth[kids], p.mother[kids]))]
    mother, born = p.mother[kids], p.birth[kids]
    first = np.ones(kids.size, dtype=bool)
    first[1:] = mother[1:] != mother[:-1]
    starts = np.flatnonzero(first)
    order = np.zeros(len(p), dtype=np.int64)
    order[kids] = np.arange(kids.size) - starts[np.cumsum(first) - 1] + 1
    day_first = first.copy()
    day_first[1:] |= born[1:] != born[:-1]
    group = np.cumsum(day_first) - 1
    plurality = np.zeros(len(p), dtype=np.int64)
    plurality[kids] = np.bincount(group)[group]
    elder = np.full(len(p), -1, dtype=np.int64)
    elder[kids[1:][~first[1:]]] = kids[:-1][~first[1:]]
    return order, plurality, elder


def as_date(days: Ints) -> pl.Series:
    """Days since the epoch as a polars Date series, null for NEVER."""
    s = pl.Series(np.where(days >= NEVER, 0, days).astype(np.int32)).cast(pl.Date)
    return pl.select(pl.when(pl.Series(days < NEVER)).then(s)).to_series()


def persons_frame(t: Truth) -> pl.DataFrame:
    """``truth/persons.parquet`` rows of the part's persons."""
    p, u = t.pop.people, t.pop.unions
    k = np.arange(*t.span, dtype=np.int64)
    has_adopt = p.adoptive[k] >= 0
    adopt = np.maximum(p.adoptive[k], 0)
    return pl.DataFrame({
        "person_key": k, "id_number": t.id_number[k].astype(str),
        "name": t.name[k], "sex": p.sex[k].astype(str), "birth_date": as_date(p.birth[k]),
        "death_date": as_date(_by(p.death[k], t.profile.as_of)), "ethnicity": p.ethnicity[k],
        "hukou_type": np.where(p.agri[k], "agricultural", "non_agricultural"),
        "disabled": p.disabled_on[k] <= day(t.profile.as_of),
        "father_key": _nullable(p.father[k]), "mother_key": _nullable(p.mother[k]),
        "adoptive_father_key": _nullable(np.where(has_adopt, u.husband[adopt], -1)),
        "adoptive_mother_key": _nullable(np.where(has_adopt, u.wife[adopt], -1)),
        "alpha_genotype": genetics.genotype_text(p.alpha[k], genetics.ALPHA),
        "beta_genotype": genetics.genotype_text(p.beta[k], genetics.BETA),
    })


def _by(days: Ints, as_of: date) -> Ints:
    """Days on or before the drop's date; NEVER for later ones (a death drawn at birth
    that has not happened by then: the person is alive)."""
    return np.where(days <= day(as_of), days, NEVER)


def _nullable(keys: Ints) -> pl.Series:
    return pl.select(pl.when(pl.Series(keys >= 0)).then(pl.Series(keys))).to_series()


def marriages_frame(t: Truth) -> pl.DataFrame:
    """``truth/marriages.parquet`` rows of the part's husbands (复婚 is a second row)."""
    u = t.pop.unions
    i = np.flatnonzero(t.owns(u.husband))
    return pl.DataFrame({
        "husband_key": u.husband[i], "wife_key": u.wife[i], "married_on": as_date(u.start[i]),
        "ended_on": as_date(u.end[i]),
        "end_reason": pl.Series(END_REASONS[u.reason[i]], dtype=pl.String).replace("", None),
    })


def residences_frame(t: Truth) -> pl.DataFrame:
    """``truth/residences.parquet`` rows of the part; ``division_code`` is today's code."""
    r = t.registry.residences
    return pl.DataFrame({
        "person_key": r["person"], "division_code": places.current_code(r["county"].to_numpy()),
        "dwelling_id": r["dwelling_id"], "from_date": as_date(r["from_day"].to_numpy()),
        "to_date": as_date(r["to_day"].to_numpy()),
    })


def employment_frame(t: Truth) -> pl.DataFrame:
    """``truth/employment.parquet`` rows of the part."""
    j = t.jobs.named()
    return pl.DataFrame({
        "person_key": j["person"], "employer_code": j["employer_code"],
        "from_date": as_date(j["from_day"].to_numpy()), "to_date": as_date(j["to_day"].to_numpy()),
    })
