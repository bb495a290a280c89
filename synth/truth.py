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

from synth import fertility, genetics, places
from synth.calendar import day
from synth.employment import Jobs
from synth.marriage import NEVER
from synth.population import Population
from synth.profile import Profile
from synth.records import Records
from synth.residence import Bonds, Registry

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
    bonds: Bonds
    records: Records
    birth_order: Ints  # per person: order among the mother's live births, 0 if no mother
    plurality: Ints  # per person: babies of the mother born that day, 0 if no mother
    elder: Ints  # per person: the mother's previous child (an elder sibling), -1 if none
    couple_order: Ints  # per person: order among the children of father and mother together
    order_all: Ints  # per person: order among all children of the father or the mother
    span: tuple[int, int]  # the person keys whose rows this (part of the) truth renders
    wide: tuple[pl.Schema, pl.Schema] | None = None  # registry types a part restores

    @classmethod
    def compact(cls, profile: Profile, pop: Population, id_number: npt.NDArray[np.bytes_],
                name: Strings, registry: Registry, jobs: Jobs, bonds: Bonds,
                records: Records) -> Truth:
        """The whole truth, its registry held narrow (Int32 numbers, categorical text).

        The registry is the largest table a drop holds whole (about two episodes and
        two residences per person); :meth:`part` gives renderers its original types.
        """
        ep, res = (_by_person(f) for f in (registry.episodes, registry.residences))
        return cls(profile, pop, id_number, name, Registry(_narrow(ep), _narrow(res)), jobs,
                   bonds, records, *births(pop), *family_orders(pop),
                   span=(0, len(pop.people)), wide=(ep.schema, res.schema))

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


def _order_by(group: Ints, birth: Ints) -> Ints:
    """1-based order of each child among the children of its group (a parent, or a pair
    of parents), by birth day then key; 0 where the group is -1 (unknown)."""
    kids = np.flatnonzero(group >= 0)
    kids = kids[np.lexsort((kids, birth[kids], group[kids]))]
    g = group[kids]
    first = np.ones(kids.size, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    starts = np.flatnonzero(first)
    out = np.zeros(group.size, dtype=np.int64)
    out[kids] = np.arange(kids.size) - starts[np.cumsum(first) - 1] + 1
    return out


def family_orders(pop: Population) -> tuple[Ints, Ints]:
    """Each child's order among the children of its father and mother together (the
    couple's 孩次) and among all children of either parent (a remarried couple's order
    counts the spouses' earlier children): |F ∪ M| = |F| + |M| - |F ∩ M|."""
    p = pop.people
    f_order = _order_by(p.father, p.birth)
    m_order = _order_by(p.mother, p.birth)
    both = (p.father >= 0) & (p.mother >= 0)
    pair = _order_by(np.where(both, p.father * (len(p) + 1) + p.mother, -1), p.birth)
    order_all = np.where(both, f_order + m_order - pair, np.maximum(f_order, m_order))
    return np.where(both, pair, m_order), order_all


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
        **{cond.column: genetics.condition_text(p.traits[k, c], cond)
           for c, cond in enumerate(t.profile.conditions)},
        "hukou_registered_on": as_date(np.where(p.mother[k] >= 0, _by(
            t.records.registered_on[k], t.profile.as_of), NEVER)),
        "birth_policy_rule": pl.select(pl.when(pl.Series(p.birth_rule[k] >= 0)).then(
            pl.Series(np.array(fertility.RULES)[np.maximum(p.birth_rule[k], 0)]))).to_series(),
    })


def _by(days: Ints, as_of: date) -> Ints:
    """Days on or before the drop's date; NEVER for later ones (a death drawn at birth
    that has not happened by then: the person is alive)."""
    return np.where(days <= day(as_of), days, NEVER)


def _nullable(keys: Ints) -> pl.Series:
    return pl.select(pl.when(pl.Series(keys >= 0)).then(pl.Series(keys))).to_series()


def marriages_frame(t: Truth) -> pl.DataFrame:
    """``truth/marriages.parquet`` rows of the part's husbands (复婚 is a second row).

    Besides the marriage itself: ``recorded`` (a marriage-feed row names the couple's
    marriage or 复婚), ``in_household`` (husband and wife were registered together in one
    household on or after the day the digital register begins), ``head`` (whose
    household it is: ``husband`` or ``wife``) and ``wife_registered_apart`` (she kept her
    registration in her parents' household: the marriage shows in no household).
    ``in_household & ~recorded`` are the marriages known only from household
    registration.
    """
    u, b = t.pop.unions, t.bonds
    i = np.flatnonzero(t.owns(u.husband))
    return pl.DataFrame({
        "husband_key": u.husband[i], "wife_key": u.wife[i], "married_on": as_date(u.start[i]),
        "ended_on": as_date(u.end[i]),
        "end_reason": pl.Series(END_REASONS[u.reason[i]], dtype=pl.String).replace("", None),
        "recorded": t.records.marriage_row[i], "in_household": b.shown[i],
        "head": np.where(b.wife_head[i], "wife", "husband"),
        "wife_registered_apart": b.wife_apart[i],
    })


def custody_frame(t: Truth) -> pl.DataFrame:
    """``truth/custody.parquet``: whom each minor child lived with when the parents'
    marriage ended (``divorce``) or a parent died (``death``), rows of the part's children."""
    p = t.pop.people
    c = t.bonds.custody.filter(pl.Series(t.owns(t.bonds.custody["child"].to_numpy())))
    kid = c["child"].to_numpy()
    home = np.where(p.adoptive[kid] >= 0, p.adoptive[kid], p.natal[kid])
    u = t.pop.unions
    return pl.DataFrame({
        "child_key": kid, "father_key": u.husband[home], "mother_key": u.wife[home],
        "on_date": as_date(c["on_day"].to_numpy()), "custodian_key": c["custodian"],
        "reason": c["reason"]}, schema_overrides={"reason": pl.String})


def step_relations_frame(t: Truth) -> pl.DataFrame:
    """``truth/step_relations.parquet``: each marriage of a child's legal parent to
    someone else that began while the child lived, rows of the part's children.

    ``raised`` is true when the child lived in that marriage's household with the
    step-parent for :attr:`Families.raised_min_years` before turning 18 (形成抚养教育关系,
    Civil Code art. 1072: then the two have the rights and duties of parent and child);
    ``raised_on`` is the day that became true.
    """
    s = t.bonds.steps.filter(pl.Series(t.owns(t.bonds.steps["child"].to_numpy())))
    raised = s["raised_day"].to_numpy()
    married = t.pop.unions.start[s["union"].to_numpy()]
    return pl.DataFrame({
        "child_key": s["child"], "step_parent_key": s["step_parent"],
        "parent_key": s["parent"], "married_on": as_date(married),
        "raised": raised <= day(t.profile.as_of), "raised_on": as_date(_by(raised,
                                                                         t.profile.as_of))})


def register(t: Truth) -> pl.DataFrame:
    """The part's household register as it stands on the drop's date: its registration
    episodes (``person, household, county, from_day, to_day, relation, cause``), a child
    entered late (补登) from the day of entry and never before it; a child not entered by
    the drop's date is in no household yet."""
    entered = pl.Series(t.records.registered_on)
    ep = t.registry.episodes.with_columns(
        pl.col("person").map_batches(lambda s: entered.gather(s)).alias("in"))
    return ep.filter((pl.col("to_day") > pl.col("in")) & (pl.col("in") <= day(t.profile.as_of))
                     ).with_columns(pl.max_horizontal("from_day", "in").alias("from_day")
                                    ).drop("in")


def registrations_frame(t: Truth) -> pl.DataFrame:
    """``truth/registrations.parquet`` rows of the part: where each person was registered
    (the household feed's rows before noise, from the first household on, not only since
    the digital register began); ``division_code`` is today's code."""
    r = register(t)
    return pl.DataFrame({
        "person_key": r["person"], "household_key": r["household"],
        "division_code": places.current_code(r["county"].to_numpy()),
        "relation_to_head": r["relation"], "from_date": as_date(r["from_day"].to_numpy()),
        "to_date": as_date(r["to_day"].to_numpy()),
    })


def residences_frame(t: Truth) -> pl.DataFrame:
    """``truth/residences.parquet`` rows of the part; ``division_code`` is today's code.

    ``separated`` marks a stay away from the household the person is registered in
    (人户分离): a dormitory, a shared flat, a room in another family's home, or a wife
    registered apart living in her husband's home.  A stay with it false is in the
    household the person is registered in.
    """
    r = t.registry.residences
    return pl.DataFrame({
        "person_key": r["person"], "division_code": places.current_code(r["county"].to_numpy()),
        "dwelling_id": r["dwelling_id"], "from_date": as_date(r["from_day"].to_numpy()),
        "to_date": as_date(r["to_day"].to_numpy()), "separated": r["separated"],
    })


def employment_frame(t: Truth) -> pl.DataFrame:
    """``truth/employment.parquet`` rows of the part."""
    j = t.jobs.named()
    return pl.DataFrame({
        "person_key": j["person"], "employer_code": j["employer_code"],
        "from_date": as_date(j["from_day"].to_numpy()), "to_date": as_date(j["to_day"].to_numpy()),
    })
