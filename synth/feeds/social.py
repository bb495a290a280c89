"""Self-collected kinship and social-security feeds: bloodline and employment."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import places
from synth.calendar import YEAR, day
from synth.feeds.common import ADOPTIVE, STEP, STEP_RAISED, who, with_ids
from synth.truth import Truth

Ints = npt.NDArray[np.int64]


#: A step relation the step-parent did not raise is stated less often than one lived
#: in a household (*assumed*: people name the relatives they live with).
STEP_STATED = 0.3


def _pairs(t: Truth) -> pl.DataFrame:
    """Every stated relation candidate of the part's persons: (person, relative, code),
    with what an ambiguous code means and the weight of the candidate.

    Rows are picked by their person before any column is built, so a part never
    makes arrays the size of the province.
    """
    p, u = t.pop.people, t.pop.unions
    me = np.arange(*t.span, dtype=np.int64)
    kids = np.flatnonzero(p.mother >= 0)
    child = np.array(["30", "20"])  # daughter, son: what the relative is to the person
    parts: list[tuple[Ints, Ints, str | npt.NDArray[np.str_], str]] = [
        (me, p.father[me], "51", ""), (me, p.mother[me], "52", "")]
    for parent in (p.father, p.mother):
        k = kids[t.owns(parent[kids])]
        parts.append((parent[k], k, child[p.sex[k] % 2], ""))
    h, w = np.flatnonzero(t.owns(u.husband)), np.flatnonzero(t.owns(u.wife))
    parts += [(u.husband[h], u.wife[h], "12", ""), (u.wife[w], u.husband[w], "11", "")]
    ad = np.flatnonzero(p.adoptive >= 0)
    for parent, code in ((u.husband[p.adoptive[ad]], "57"), (u.wife[p.adoptive[ad]], "58")):
        mine, theirs = t.owns(ad), t.owns(parent)
        parts += [(ad[mine], parent[mine], code, ADOPTIVE),
                  (parent[theirs], ad[theirs], np.where(p.sex[ad[theirs]] == 1, "27", "37"),
                   ADOPTIVE)]
    steps = t.bonds.steps
    kid, step = steps["child"].to_numpy(), steps["step_parent"].to_numpy()
    raised = steps["raised_day"].to_numpy() <= day(t.profile.as_of)
    for flag, kind in ((True, STEP_RAISED), (False, STEP)):
        sel = raised == flag
        mine, theirs = sel & t.owns(kid), sel & t.owns(step)
        parts += [(kid[mine], step[mine], np.where(p.sex[step[mine]] == 1, "57", "58"), kind),
                  (step[theirs], kid[theirs], np.where(p.sex[kid[theirs]] == 1, "27", "37"),
                   kind)]
    younger = me[t.elder[me] >= 0]
    parts.append((younger, t.elder[younger],
                  np.where(p.sex[t.elder[younger]] == 1, "71", "75"), ""))
    later = np.flatnonzero(t.elder >= 0)
    later = later[t.owns(t.elder[later])]
    parts.append((t.elder[later], later, np.where(p.sex[later] == 1, "73", "77"), ""))
    kept = []
    for a, b, rel, m in parts:
        ok = b >= 0
        kept.append((a[ok], b[ok], np.broadcast_to(np.asarray(rel), a.shape)[ok],
                     np.full(int(ok.sum()), m)))
    said = np.concatenate([k[3] for k in kept])
    return pl.DataFrame({"person": np.concatenate([a for a, _, _, _ in kept]),
                         "relative": np.concatenate([b for _, b, _, _ in kept]),
                         "relation": np.concatenate([c for _, _, c, _ in kept]),
                         "meaning": said,
                         "weight": np.where(said == STEP, STEP_STATED, 1.0)})


def bloodline(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """About two stated relations per person, collected from the living since 2010."""
    p, cov = t.pop.people, t.profile.coverage
    df = _pairs(t)
    keys = df["person"].to_numpy()
    start = np.maximum(day(cov.civil_marriage_from) + 365, p.birth[keys] + int(16 * YEAR))
    span = np.maximum(day(t.profile.as_of) - start, 1)
    when = start + (rng.random(keys.size) * span).astype(np.int64)
    ok = (when < p.death[keys]) & (when <= day(t.profile.as_of))
    ok &= rng.random(keys.size) < cov.bloodline_per_candidate * df["weight"].to_numpy()
    df = df.with_columns(pl.Series("collected_on", when)).filter(pl.Series(ok))
    person, rel = df["person"].to_numpy(), df["relative"].to_numpy()
    code = df["relation"].to_numpy()
    other = np.where(code == "51", p.mother[person], np.where(code == "52", p.father[person], -1))
    frame = pl.DataFrame({"_other_parent": t.ids(other),**who(t, person, "person_", "person"),
                          **who(t, rel, "relative_", "relative"),
                          "relation": df["relation"], "collected_on": df["collected_on"],
                          "^meaning": df["meaning"],
                          "_relative_numbered": t.id_number[rel] != b""})
    cols = ["person_id_number", "person_name", "relative_id_number", "relative_name",
            "relation", "collected_on", "@person", "@relative", "_other_parent", "^meaning",
            "_relative_numbered"]
    return [with_ids(frame.select(cols), "bloodline", "self_collected")]


def employment(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Social-insurance enrolment episodes; some enrolled twice with the same employer
    (:attr:`Coverage.reenrolled`): the spell split in two rows at a random day."""
    named = t.jobs.named()
    ep = named.filter(pl.Series(rng.random(named.height) < 0.95))
    end = np.minimum(ep["to_day"].to_numpy(), day(t.profile.as_of))
    cut = ep["from_day"].to_numpy() + (rng.random(ep.height) * (
        end - ep["from_day"].to_numpy())).astype(np.int64)
    twice = (rng.random(ep.height) < t.profile.coverage.reenrolled) & (
        cut > ep["from_day"].to_numpy() + 30) & (cut < end - 30)
    second = ep.filter(pl.Series(twice)).with_columns(pl.Series("from_day", cut[twice]))
    ep = pl.concat([ep.with_columns(pl.Series("to_day", np.where(twice, cut, ep["to_day"]))),
                    second]).sort("person", "from_day", maintain_order=True)
    keys = ep["person"].to_numpy()
    frm = ep["from_day"].to_numpy()
    frame = pl.DataFrame({**who(t, keys, "", "person"),
                          "employer_code": ep["employer_code"],
                          "employer_name": ep["employer_name"],
                          "division_code": places.code_at(ep["county"].to_numpy(), frm),
                          "from_date": frm, "to_date": ep["to_day"]})
    cols = ["id_number", "name", "employer_code", "employer_name", "division_code",
            "from_date", "to_date", "@person"]
    return [with_ids(frame.select(cols), "employment", "social_security")]
