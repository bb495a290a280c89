"""Self-collected kinship and social-security feeds: bloodline and employment."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth import places
from synth.calendar import YEAR, day
from synth.feeds.common import who, with_ids
from synth.truth import Truth


def _pairs(t: Truth) -> pl.DataFrame:
    """Every stated relation candidate of the part's persons: (person, relative, code)."""
    p, u = t.pop.people, t.pop.unions
    kids = np.flatnonzero(p.mother >= 0)
    son = np.where(p.sex[kids] == 1, "20", "30")
    parts = [(kids, p.father[kids], np.full(kids.size, "51")),
             (kids, p.mother[kids], np.full(kids.size, "52")),
             (p.father[kids], kids, son), (p.mother[kids], kids, son),
             (u.husband, u.wife, np.full(len(u), "12")),
             (u.wife, u.husband, np.full(len(u), "11"))]
    ad = np.flatnonzero(p.adoptive >= 0)
    for parent, code in ((u.husband[p.adoptive[ad]], "57"), (u.wife[p.adoptive[ad]], "58")):
        parts += [(ad, parent, np.full(ad.size, code)),
                  (parent, ad, np.where(p.sex[ad] == 1, "27", "37"))]
    younger = np.flatnonzero(t.elder >= 0)
    older = t.elder[younger]
    parts += [(older, younger, np.where(p.sex[younger] == 1, "73", "77")),
              (younger, older, np.where(p.sex[older] == 1, "71", "75"))]
    kept = [(a[m], b[m], c[m]) for a, b, c in parts for m in [t.owns(a) & (b >= 0)]]
    return pl.DataFrame({"person": np.concatenate([a for a, _, _ in kept]),
                         "relative": np.concatenate([b for _, b, _ in kept]),
                         "relation": np.concatenate([c for _, _, c in kept])})


def bloodline(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """About two stated relations per person, collected from the living since 2010."""
    p, cov = t.pop.people, t.profile.coverage
    df = _pairs(t)
    keys = df["person"].to_numpy()
    start = np.maximum(day(cov.civil_marriage_from) + 365, p.birth[keys] + int(16 * YEAR))
    span = np.maximum(day(t.profile.as_of) - start, 1)
    when = start + (rng.random(keys.size) * span).astype(np.int64)
    ok = (when < p.death[keys]) & (when <= day(t.profile.as_of))
    ok &= rng.random(keys.size) < cov.bloodline_per_candidate
    df = df.with_columns(pl.Series("collected_on", when)).filter(pl.Series(ok))
    person, rel = df["person"].to_numpy(), df["relative"].to_numpy()
    code = df["relation"].to_numpy()
    other = np.where(code == "51", p.mother[person], np.where(code == "52", p.father[person], -1))
    frame = pl.DataFrame({"_other_parent": t.ids(other),**who(t, person, "person_", "person"),
                          **who(t, rel, "relative_", "relative"),
                          "relation": df["relation"], "collected_on": df["collected_on"]})
    cols = ["person_id_number", "person_name", "relative_id_number", "relative_name",
            "relation", "collected_on", "@person", "@relative", "_other_parent"]
    return [with_ids(frame.select(cols), "bloodline", "self_collected")]


def employment(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Social-insurance enrolment episodes."""
    ep = t.jobs.episodes.filter(pl.Series(rng.random(t.jobs.episodes.height) < 0.95))
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
