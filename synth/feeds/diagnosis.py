"""The diagnosis feed: newborn screening and hospital diagnoses of inherited conditions.

Newborn screening (source ``newborn_screening``) tests the babies born since each
screened condition's start (:attr:`Condition.screened_from`) with a coverage that rises
to nearly all births (:class:`synth.profile.Diagnosis`): a screening row three days
after birth (``suspected`` or ``normal``), for the recalled positives a confirmation
row two to six weeks later (``affected`` or ``normal``), and for some confirmed babies
a genotyping row, which tells ``carrier`` from ``affected``.  The baby rarely has an ID
number then, and is often unnamed; the mother's number and name stand beside.

Hospitals (source ``hospital``) diagnose affected people seen for haemolysis,
bleeding or developmental delay, and genotype the parents of an affected person
(mothers of an X-linked case; both parents of an autosomal recessive one).  A
relative's row belongs to the part of the affected person it was prompted by.

What a row reads follows the genotype and the method: a fluorescent spot test finds
hemizygous boys and homozygous girls, few heterozygous girls, and some false
positives; an enzyme assay finds about a third of heterozygous women deficient (their
row says ``affected``); only genotyping says ``carrier``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import genetics, places
from synth.calendar import YEAR, day
from synth.feeds.common import with_ids
from synth.profile import Condition
from synth.truth import Truth

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
SCREEN_CENTRE = "海南省新生儿疾病筛查中心"
#: Methods by condition: (screen, confirmation, hospital diagnosis).
METHODS = {
    "g6pd_deficiency": ("fluorescent spot test", "G6PD/6PGD ratio", "G6PD enzyme activity"),
    "pku": ("fluorometric phenylalanine", "plasma phenylalanine (HPLC)",
            "plasma phenylalanine (HPLC)"),
    "hemophilia_a": ("", "", "FVIII:C activity"),
}
GENOTYPING = "genotyping (melting-curve PCR)"
#: Chance that a hospital diagnoses an affected person of a condition (on top of
#: :attr:`Diagnosis.hospital_affected`, which is for G6PD deficiency): severe
#: haemophilia bleeds in infancy; untreated phenylketonuria shows as delay.
HOSPITAL_SHARE = {"hemophilia_a": 0.9, "pku": 0.5}


@dataclass
class _Rows:
    """Diagnosis rows under construction, one list element per batch of rows."""

    person: list[Ints]
    mother: list[Ints]
    condition: list[str]
    when: list[Ints]
    method: list[str]
    result: list[npt.NDArray[np.str_]]
    sizes: list[int]

    def add(self, person: Ints, mother: Ints, cond: Condition, when: Ints, method: str,
            result: npt.NDArray[np.str_]) -> None:
        """Append a batch of rows of one condition and method."""
        self.person.append(person)
        self.mother.append(mother)
        self.condition.append(cond.code)
        self.when.append(when)
        self.method.append(method)
        self.result.append(result)
        self.sizes.append(person.size)


def diagnosis(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Newborn screening and hospital rows whose person (or, for a relative's test, whose
    affected relative) belongs to the part."""
    newborn, found = _newborn(t, rng)
    hospital = _hospital(t, rng, found)
    return [with_ids(_frame(t, rng, newborn, baby=True), "diagnosis", "newborn_screening"),
            with_ids(_frame(t, rng, hospital, baby=False), "diagnosis", "hospital")]


def _empty() -> _Rows:
    return _Rows([], [], [], [], [], [], [])


def _coverage(t: Truth, when: Ints) -> npt.NDArray[np.float64]:
    """Share of births screened on each day: a ramp from the first screened year."""
    d = t.profile.diagnosis
    start = min(day(c.screened_from) for c in t.profile.conditions if c.screened_from)
    full = day(d.screen_full_from)
    ramp = np.clip((when - start) / max(full - start, 1), 0.0, 1.0)
    return np.asarray(d.screen_coverage_start + ramp * (d.screen_coverage_full
                                                        - d.screen_coverage_start))


def _newborn(t: Truth, rng: np.random.Generator) -> tuple[_Rows, list[tuple[Ints, Ints, int]]]:
    """Screening, confirmation and genotyping rows of the part's babies; and per condition
    the babies confirmed affected with the day (they prompt their mothers' tests)."""
    p, d, as_of = t.pop.people, t.profile.diagnosis, day(t.profile.as_of)
    kid = np.arange(*t.span, dtype=np.int64)
    kid = kid[(p.mother[kid] >= 0) & (p.death[kid] > p.birth[kid] + 3)
              & (p.birth[kid] + 3 <= as_of)]
    kid = kid[rng.random(kid.size) < _coverage(t, p.birth[kid])]
    rows, found = _empty(), []
    for c, cond in enumerate(t.profile.conditions):
        if cond.screened_from is None:
            continue
        k = kid[p.birth[kid] >= day(cond.screened_from)]
        alleles = p.traits[k, c]
        aff, het = genetics.affected(alleles, cond), genetics.heterozygous(alleles)
        x_linked = cond.mode == "x_linked_recessive"
        sens = np.where(aff, d.fst_sensitivity, np.where(het & x_linked, d.fst_heterozygote,
                                                         d.fst_false_positive))
        if not x_linked:
            sens = np.where(aff, 0.99, 0.003)
        positive = rng.random(k.size) < sens
        screen, confirm, _ = METHODS[cond.code]
        rows.add(k, p.mother[k], cond, p.birth[k] + 3, screen,
                 np.where(positive, "suspected", "normal"))
        back = positive & (rng.random(k.size) < d.recall)
        deficient = aff | (het & x_linked & (rng.random(k.size) < d.enzyme_heterozygote))
        when = p.birth[k] + rng.integers(14, 43, k.size)
        back &= when <= as_of
        rows.add(k[back], p.mother[k[back]], cond, when[back], confirm,
                 np.where(deficient[back], "affected", "normal"))
        typed = back & deficient & (rng.random(k.size) < d.genotyped)
        gwhen = when + rng.integers(14, 90, k.size)
        typed &= gwhen <= as_of
        rows.add(k[typed], p.mother[k[typed]], cond, gwhen[typed], GENOTYPING,
                 _genotyped(aff[typed], het[typed]))
        hit = back & aff
        found.append((k[hit], when[hit], c))
    return rows, found


def _genotyped(aff: Bools, het: Bools) -> npt.NDArray[np.str_]:
    return np.asarray(np.where(aff, "affected", np.where(het, "carrier", "normal")))


def _hospital(t: Truth, rng: np.random.Generator,
              found: list[tuple[Ints, Ints, int]]) -> _Rows:
    """Hospital diagnoses of the part's affected people, and their parents' genotyping."""
    p, d, as_of = t.pop.people, t.profile.diagnosis, day(t.profile.as_of)
    me = np.arange(*t.span, dtype=np.int64)
    rows = _empty()
    prompts = list(found)
    since = day(t.profile.coverage.screening_from) - int(6 * YEAR)  # hospital records
    for c, cond in enumerate(t.profile.conditions):
        alleles = p.traits[me, c]
        aff = genetics.affected(alleles, cond)
        x_linked = cond.mode == "x_linked_recessive"
        if cond.code == "g6pd_deficiency":
            deficient = aff | (x_linked & genetics.heterozygous(alleles)
                               & (rng.random(me.size) < d.enzyme_heterozygote))
            seen = deficient & (rng.random(me.size) < d.hospital_affected)
        else:
            seen = aff & (rng.random(me.size) < HOSPITAL_SHARE.get(cond.code, 0.5))
            if cond.screened_from is not None:
                seen &= p.birth[me] < day(cond.screened_from)
        onset = p.birth[me] + ((0.5 + rng.random(me.size) * 4) * YEAR).astype(np.int64)
        lo = np.maximum(onset, since)
        hi = np.minimum(p.death[me], as_of)
        when = lo + (rng.random(me.size) * np.maximum(hi - lo, 0) * 0.3).astype(np.int64)
        seen &= (when < hi) & (when >= lo)
        k = me[seen]
        rows.add(k, np.full(k.size, -1), cond, when[seen], METHODS[cond.code][2],
                 np.full(k.size, "affected"))
        prompts.append((me[seen & aff], when[seen & aff], c))
    for index, when, c in prompts:
        _parents(t, rng, rows, index, when, c)
    return rows


def _parents(t: Truth, rng: np.random.Generator, rows: _Rows, index: Ints, when: Ints,
             c: int) -> None:
    """Genotyping of the parents of affected people: the mother of an X-linked case, both
    parents of an autosomal recessive one."""
    p, d, as_of = t.pop.people, t.profile.diagnosis, day(t.profile.as_of)
    cond = t.profile.conditions[c]
    who = [p.mother[index]] if cond.mode == "x_linked_recessive" else [p.mother[index],
                                                                        p.father[index]]
    for parent in who:
        test = when + rng.integers(30, 366, index.size)
        ok = (parent >= 0) & (rng.random(index.size) < d.hospital_relatives)
        ok &= (test <= as_of) & (p.death[np.maximum(parent, 0)] > test)
        k = parent[ok]
        alleles = p.traits[k, c]
        rows.add(k, np.full(k.size, -1), cond, test[ok], GENOTYPING,
                 _genotyped(genetics.affected(alleles, cond), genetics.heterozygous(alleles)))


def _frame(t: Truth, rng: np.random.Generator, rows: _Rows, *, baby: bool) -> pl.DataFrame:
    """The rows as a feed frame: identity of the person tested (a baby mostly without a
    number and often unnamed, beside the mother's), condition, date, method, result."""
    p, d = t.pop.people, t.profile.diagnosis
    person = np.concatenate(rows.person) if rows.person else np.zeros(0, np.int64)
    mother = np.concatenate(rows.mother) if rows.mother else np.zeros(0, np.int64)
    when = np.concatenate(rows.when) if rows.when else np.zeros(0, np.int64)
    n = person.size
    code = np.repeat(np.array(rows.condition or [""], dtype=object), rows.sizes or [0])
    method = np.repeat(np.array(rows.method or [""], dtype=object), rows.sizes or [0])
    result = np.concatenate(rows.result) if rows.result else np.zeros(0, "<U1")
    icd = {c.code: c.icd10 for c in t.profile.conditions}
    if baby:
        # The family registers the baby and the number reaches the hospital weeks later.
        known = t.records.registered_on[person] + rng.integers(14, 61, n)
        numbered = (known <= when) & (rng.random(n) < 0.5)
        named = rng.random(n) < np.where(when - p.birth[person] > 7, 0.5, d.newborn_named)
        # A screening card always identifies someone (a clean card is never quarantined):
        # without the baby's name or number it is filed under the mother's, and a baby
        # whose mother is unknown is named.
        given = (rng.random(n) < d.newborn_mother_given) | ~(numbered | named)
        mother = np.where(given, mother, -1)
        named |= ~numbered & (mother < 0)
        institution = np.full(n, SCREEN_CENTRE)
    else:
        numbered = named = np.ones(n, dtype=bool)
        county = t.records.born_in[person]
        institution = np.char.add(places.county_names()[county], "人民医院")
    keys = np.where(numbered, person, -1)
    frame = pl.DataFrame({
        "id_number": t.ids(keys), "name": np.where(named, t.names(person), ""),
        "@person": person, "sex": p.sex[person].astype(str), "birth_date": p.birth[person],
        "mother_id_number": t.ids(mother), "mother_name": t.names(mother), "@mother": mother,
        "condition": code.astype(str), "test_date": when, "institution": institution,
        "method": method.astype(str), "result": result.astype(str),
    })
    frame = frame.with_columns(
        pl.col("condition").replace_strict(icd, default="", return_dtype=pl.String)
        .alias("icd10"))
    return frame.select("id_number", "name", "sex", "birth_date", "mother_id_number",
                        "mother_name", "condition", "icd10", "test_date", "institution",
                        "method", "result", "@person", "@mother").sort(
        "test_date", maintain_order=True)
