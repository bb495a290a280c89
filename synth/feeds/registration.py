"""Public-security and civil-affairs feeds: household, cohabitation, marriage."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import places
from synth.calendar import YEAR, day
from synth.feeds.common import ADOPTIVE, STEP, STEP_RAISED, address, who, with_ids
from synth.marriage import DIVORCE, NEVER
from synth.truth import Truth

START_STATUS = np.array(["21", "22", "23"])


def _marital_events(t: Truth) -> pl.DataFrame:
    u = t.pop.unions
    h, w = t.owns(u.husband), t.owns(u.wife)  # the part's persons only
    he, we = h & (u.reason > 0), w & (u.reason > 0)
    end_status = np.where(u.reason == DIVORCE, "40", "30")
    return pl.DataFrame({
        "person": np.concatenate([u.husband[h], u.wife[w], u.husband[he], u.wife[we]]),
        "from_day": np.concatenate([u.start[h], u.start[w], u.end[he], u.end[we]]),
        "status": np.concatenate([START_STATUS[u.kind[h]], START_STATUS[u.kind[w]],
                                  end_status[he], end_status[we]]),
    }).sort(["person", "from_day"])


def household(t: Truth, rng: np.random.Generator) -> pl.DataFrame:
    """One row per person per household membership episode since the system began."""
    p, prof = t.pop.people, t.profile
    ep = t.registry.episodes.filter(pl.col("to_day") >= day(prof.coverage.household_from))
    # A child entered late (补登) has no row before that day.  Known bug, kept for now:
    # a child whose entry falls after the drop's date still has a row, dated then (the
    # register of truth.register and truth/registrations.parquet has none).  Dropping
    # those rows shifts every later draw of the drop, so it waits for a change of the
    # fixture the whole suite is measured on.
    entered = pl.Series(t.records.registered_on)
    ep = ep.with_columns(pl.col("person").map_batches(lambda s: entered.gather(s)).alias("in"))
    ep = ep.filter(pl.col("to_day") > pl.col("in")).with_columns(
        pl.max_horizontal("from_day", "in").alias("from_day")).drop("in")
    ep = ep.sort(["person", "from_day"]).join_asof(
        _marital_events(t), on="from_day", by="person", strategy="backward",
        check_sortedness=False)
    keys = ep["person"].to_numpy()
    frm, to = ep["from_day"].to_numpy(), ep["to_day"].to_numpy()
    county, hh = ep["county"].to_numpy(), ep["household"].to_numpy()
    adult = frm - p.birth[keys] >= 18 * YEAR
    status = ep["status"].fill_null("").to_numpy()
    status = np.where((status == "") & adult, "10", status)
    status = np.where(rng.random(keys.size) < 0.05, "", status)
    reformed = to >= day(prof.residence.hukou_reform)
    hukou = np.where(reformed, "resident", np.where(p.agri[keys], "agricultural",
                                                    "non_agricultural"))
    frame = pl.DataFrame({
        "household_id": np.char.add(places.current_code(county),
                                    np.char.zfill(hh.astype(str), 9)),
        **who(t, keys, "", "person"), "former_name": np.full(keys.size, ""),
        "sex": p.sex[keys].astype(str), "birth_date": p.birth[keys],
        "ethnicity": p.ethnicity[keys], "hukou_type": hukou, "marital_status": status,
        "relation_to_head": ep["relation"], "division_code": places.code_at(county, frm),
        "address": address(county, hh), "registered_on": frm, "deregistered_on": to,
        "deregistered_reason": ep["cause"],
        **_meaning(t, keys, hh, ep["relation"].to_numpy()),
    })
    return with_ids(frame, "household", "public_security")


def _meaning(t: Truth, keys: npt.NDArray[np.int64], household: npt.NDArray[np.int64],
             relation: npt.NDArray[np.str_]) -> dict[str, npt.NDArray[np.generic]]:
    """Hidden columns ``^meaning`` (what a 27/37 code, adopted *or* step child of the head,
    truly means on each row) and ``^head`` (the head of a marriage's household, else -1)."""
    p, u = t.pop.people, t.pop.unions
    union = household // 2  # a moved household keeps its union: ids 2h and 2h + 1
    ambiguous = np.isin(relation, ("27", "37")) & (union < len(u))
    v = np.minimum(union, len(u) - 1)
    head = np.where(t.bonds.wife_head[v], u.wife[v], u.husband[v])
    home = np.maximum(p.adoptive[keys], 0)
    adopted = ambiguous & (p.adoptive[keys] >= 0) & (
        (head == u.husband[home]) | (head == u.wife[home]))
    raised = pl.DataFrame({"child": keys, "step_parent": head}).join(
        t.bonds.steps.select("child", "step_parent", "raised_day"),
        on=["child", "step_parent"], how="left", maintain_order="left")["raised_day"]
    was_raised = raised.fill_null(NEVER).to_numpy() <= day(t.profile.as_of)
    meaning = np.where(~ambiguous, "", np.where(adopted, ADOPTIVE, np.where(
        was_raised, STEP_RAISED, STEP)))
    return {"^meaning": meaning, "^head": np.where(union < len(u), head, -1)}


def cohabitation(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Residence registrations: most 人户分离 (public security), some others (self-collected)."""
    cov = t.profile.coverage
    r = t.registry.residences.filter(pl.col("to_day") >= day(cov.birth_platform_from))
    sep = r["separated"].to_numpy()
    u = rng.random(r.height)
    out = []
    for source, pick in (("public_security", sep & (u < cov.cohabitation_separated)),
                         ("self_collected", ~sep & (u < cov.cohabitation_other))):
        sub = r.filter(pl.Series(pick))
        keys, county = sub["person"].to_numpy(), sub["county"].to_numpy()
        frm = sub["from_day"].to_numpy()
        dwell = sub["dwelling_id"].str.slice(1).cast(pl.Int64).to_numpy()
        frame = pl.DataFrame({
            **who(t, keys, "", "person"), "dwelling_id": sub["dwelling_id"],
            "division_code": places.code_at(county, frm),
            "address": address(county, dwell), "from_date": frm,
            "to_date": sub["to_day"]})
        out.append(with_ids(frame.select(["id_number", "name", "@person", "dwelling_id",
                                          "division_code", "address", "from_date",
                                          "to_date"]), "cohabitation", source))
    return out


def marriage(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Marriage, 复婚 and divorce events: civil affairs since 2009, self-collected before."""
    u, p, cov = t.pop.unions, t.pop.people, t.profile.coverage
    mine = np.flatnonzero(t.owns(u.husband))
    ended = mine[u.reason[mine] == DIVORCE]
    idx = np.concatenate([mine, ended])
    when = np.concatenate([u.start[mine], u.end[ended]])
    event = np.concatenate([np.where(u.kind[mine] == 2, "remarriage", "marriage"),
                            np.full(ended.size, "divorce")])
    civil_from = day(cov.civil_marriage_from)
    keep = np.concatenate([t.records.marriage_row[mine], t.records.divorce_row[ended]])
    out = []
    for source, pick in (("civil_affairs", keep & (when >= civil_from)),
                         ("self_collected", keep & (when < civil_from))):
        i, d = idx[pick], when[pick]
        h, w = u.husband[i], u.wife[i]
        frame = pl.DataFrame({
            "event": event[pick], "event_date": d, **who(t, h, "husband_", "husband"),
            "husband_birth_date": p.birth[h], **who(t, w, "wife_", "wife"),
            "wife_birth_date": p.birth[w],
            "division_code": places.code_at(u.county_at(i, d), d)})
        cols = ["event", "event_date", "husband_id_number", "husband_name",
                "husband_birth_date", "wife_id_number", "wife_name", "wife_birth_date",
                "division_code", "@husband", "@wife"]
        out.append(with_ids(frame.select(cols).sort("event_date", maintain_order=True),
                            "marriage", source))
    return out

