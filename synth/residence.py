"""Households (户), dwellings, moves and 人户分离, as membership episodes.

A person belongs to the household of the marriage they were born (or adopted)
into until they marry, to their own marriage's household while it lasts for them,
and to a one-person household in every gap (founders before marriage, divorcees,
adults whose parents' household ended).  A marriage is registered in the husband's
household (the wife coded 12 or 10) or, for a few, in the wife's (the husband coded
11).  When a marriage ends, a minor child stays with one parent (custody after a
divorce, the survivor after a death) and moves with that parent: into a one-parent
household, or into the parent's next marriage's household, where the child is the
head's child (20/30) or, when the new spouse heads it, a step-child (27/37, the
codes that also mean adopted).  A household that moves becomes a new household in
the destination county.  Actual residence follows the registered household except
for 人户分离: adults living in a dormitory, a room in another family's home, or a
shared flat elsewhere.

In the truth table ``residences`` the ``division_code`` is today's county code
(the canonical place); feeds carry the code in force on their own dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import places
from synth.calendar import YEAR, day
from synth.marriage import DIVORCE, NEVER, WIDOWED
from synth.population import Population, county_at
from synth.profile import Profile

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Registry:
    """Household membership episodes and actual residences (polars frames)."""

    episodes: pl.DataFrame  # person, household, county, from_day, to_day, cause, relation
    residences: pl.DataFrame  # person, county, dwelling_id, from_day, to_day, separated


@dataclass(frozen=True)
class Bonds:
    """Family facts the households carry beyond parents and marriages.

    Attributes:
        custody: ``child, on_day, custodian, reason``: who a minor child stayed with when
            the parents' marriage ended (``divorce``) or a parent died (``death``).
        steps: ``child, step_parent, parent, union, raised_day``: every marriage of a
            child's (legal) parent to someone else that the child lived through;
            ``raised_day`` is the day the step-parent had raised the child for
            :attr:`Families.raised_min_years` while a minor (NEVER: never).
        shown: Per union: husband and wife were registered in one household together on
            or after the day the digital register begins.
        wife_head: Per union: registered in the wife's household (husband coded 11).
        wife_apart: Per union: the wife kept her registration in her parents' household
            (出嫁女户口不迁) and lives with her husband unregistered there.
    """

    custody: pl.DataFrame
    steps: pl.DataFrame
    shown: npt.NDArray[np.bool_]
    wife_head: npt.NDArray[np.bool_]
    wife_apart: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Roles:
    """Per union: when the husband's (column 0) and the wife's (column 1) membership of
    its household ends, and which of them heads it."""

    end: Ints  # (unions, 2)
    head: Ints  # 0 husband, 1 wife
    apart: npt.NDArray[np.bool_]  # the wife stays registered in her parents' household

    def household_end(self) -> Ints:
        """When the last of the two leaves."""
        return np.asarray(self.end.max(axis=1))


def _next_start(pop: Population) -> pl.DataFrame:
    u = pop.unions
    idx = np.arange(len(u), dtype=np.int64)
    df = pl.DataFrame({"person": np.concatenate([u.husband, u.wife]),
                       "union": np.concatenate([idx, idx]),
                       "start": np.concatenate([u.start, u.start])})
    df = df.sort(["person", "start", "union"])
    return df.with_columns(pl.col("start").shift(-1).over("person").fill_null(NEVER)
                           .alias("next_start"))


def _roles(rng: np.random.Generator, pop: Population, profile: Profile) -> _Roles:
    """Membership ends and heads: each spouse leaves at death or their next marriage; at a
    divorce the spouse who does not head the household leaves."""
    u, p = pop.unions, pop.people
    nxt = _next_start(pop)
    role_next = {r: nxt.join(pl.DataFrame({"person": who, "union": np.arange(len(u))}),
                             on=["person", "union"]).sort("union")["next_start"].to_numpy()
                 for r, who in (("h", u.husband), ("w", u.wife))}
    head = (rng.random(len(u)) < profile.families.wife_head).astype(np.int64)
    divorced = np.where(u.reason == DIVORCE, u.end, NEVER)
    h_end = np.minimum(p.death[u.husband], role_next["h"])
    w_end = np.minimum(p.death[u.wife], role_next["w"])
    end = np.stack([np.where(head == 1, np.minimum(h_end, divorced), h_end),
                    np.where(head == 0, np.minimum(w_end, divorced), w_end)], axis=1)
    first = _first_marriage(pop)
    away = (p.natal[u.wife] >= 0) & (county_at(pop, u.wife, u.start) != u.county0)
    apart = ((u.kind == 0) & (head == 0) & (first[u.wife] == u.start) & away
             & (rng.random(len(u)) < profile.families.wife_apart))
    return _Roles(end, head, apart)


def _union_spells(pop: Population, roles: _Roles) -> pl.DataFrame:
    """Husband and wife spells in their marriage's household (the head coded 02)."""
    u = pop.unions
    idx = np.arange(len(u), dtype=np.int64)
    rel_w = np.where(roles.head == 1, "02", np.where(idx % 3 == 0, "12", "10"))
    rel_h = np.where(roles.head == 1, "11", "02")
    spells = pl.DataFrame({
        "person": np.concatenate([u.husband, u.wife]),
        "household": np.concatenate([idx, idx]),
        "from_day": np.concatenate([u.start, u.start]),
        "to_day": np.concatenate([roles.end[:, 0], roles.end[:, 1]]),
        "relation": np.concatenate([rel_h, rel_w]),
    })
    # A wife who keeps her registration at home lives here without a row.
    return spells.filter(~pl.Series(np.concatenate([np.zeros(len(u), bool), roles.apart])))


def _first_marriage(pop: Population) -> Ints:
    nxt = _next_start(pop).group_by("person", maintain_order=True).agg(pl.col("start").min())
    first = np.full(len(pop.people), NEVER, dtype=np.int64)
    first[nxt["person"].to_numpy()] = nxt["start"].to_numpy()
    return first


SON, DAUGHTER, STEP_SON, STEP_DAUGHTER = "20", "30", "27", "37"


@dataclass
class _Follow:
    """Minor children leaving a household with the parent they live with: child, parent,
    day, and the county they leave (one element each)."""

    child: Ints
    parent: Ints
    when: Ints
    county: Ints


def _home_spells(rng: np.random.Generator, pop: Population, roles: _Roles, leave: Ints,
                 adult: Ints, profile: Profile) -> tuple[pl.DataFrame, _Follow, pl.DataFrame]:
    """Children in the household of the marriage they were born or adopted into.

    At a divorce a minor child stays with the mother or the father
    (:attr:`Families.custody_mother`); a child who stays with the parent who leaves the
    household leaves with them.  Otherwise the child stays while either parent does.

    Returns:
        The spells (biological household before an adoption, then the home), the
        children who leave with a parent, and the custody facts.
    """
    p, u = pop.people, pop.unions
    hh_end = roles.household_end()
    kids = np.flatnonzero(p.natal >= 0)
    adopted = p.adoptive[kids] >= 0
    home = np.where(adopted, p.adoptive[kids], p.natal[kids])
    start = np.where(adopted, p.adopted_on[kids], p.birth[kids])
    bio_end = np.minimum.reduce([leave[kids], p.adopted_on[kids], hh_end[p.natal[kids]]])
    bio = pl.DataFrame({"person": kids[adopted], "household": p.natal[kids[adopted]],
                        "from_day": p.birth[kids[adopted]], "to_day": bio_end[adopted],
                        "relation": np.where(p.sex[kids[adopted]] == 1, SON, DAUGHTER)})
    end = np.minimum(leave[kids], hh_end[home])
    e = u.end[home]
    at_home = (start < e) & (leave[kids] > e) & (e < hh_end[home] + 1)
    minor = e < adult[kids]
    divorce = (u.reason[home] == DIVORCE) & at_home & minor
    to_mother = rng.random(kids.size) < profile.families.custody_mother
    keeper = np.where(to_mother, 1, 0)  # 0 husband, 1 wife of the home union
    with_leaver = divorce & (keeper != roles.head[home])
    end = np.where(with_leaver, e, end)
    head_end = roles.end[home, roles.head[home]]
    end = np.where(divorce & ~with_leaver, np.minimum(leave[kids], head_end), end)
    # Whom the child is with when it leaves: the keeper after a divorce, else the last
    # parent in the household.
    last = np.argmax(roles.end[home], axis=1)
    parent_col = np.where(divorce, keeper, last)
    parent = np.where(parent_col == 0, u.husband[home], u.wife[home])
    moves = (end < leave[kids]) & (end < adult[kids]) & (p.death[parent] > end) & (end < NEVER)
    moves &= end > start
    follow = _Follow(kids[moves], parent[moves], end[moves],
                     u.county_at(home[moves], end[moves]))
    widowed = (u.reason[home] == WIDOWED) & at_home & minor
    survivor = np.where(p.death[u.husband[home]] <= e, u.wife[home], u.husband[home])
    facts = pl.DataFrame({
        "child": np.concatenate([kids[divorce], kids[widowed]]),
        "on_day": np.concatenate([e[divorce], e[widowed]]),
        "custodian": np.concatenate([parent[divorce], survivor[widowed]]),
        "reason": np.concatenate([np.full(int(divorce.sum()), "divorce"),
                                  np.full(int(widowed.sum()), "death")]),
    })
    spells = pl.DataFrame({"person": kids, "household": home, "from_day": start, "to_day": end,
                           "relation": np.where(adopted, np.where(p.sex[kids] == 1, STEP_SON,
                                                                  STEP_DAUGHTER),
                                                np.where(p.sex[kids] == 1, SON, DAUGHTER))})
    return pl.concat([bio, spells]), follow, facts


def _unions_by_person(pop: Population) -> tuple[Ints, Ints]:
    """Sorted search keys ``person * 2**25 + start + 2**24`` and the union of each."""
    u = pop.unions
    idx = np.arange(len(u), dtype=np.int64)
    person = np.concatenate([u.husband, u.wife])
    key = person * 2**25 + np.concatenate([u.start, u.start]) + 2**24
    order = np.argsort(key, kind="stable")
    return key[order], np.concatenate([idx, idx])[order]


def _follow(pop: Population, roles: _Roles, leave: Ints, adult: Ints, first: _Follow,
            first_id: int, hops: int = 4) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Children moving with their parent: into the parent's next marriage's household, or
    into a one-parent household until that marriage (or for good).

    Returns:
        The children's spells and the one-parent households (``household, person,
        from_day, to_day, county``) with their heads' spells.
    """
    p, u = pop.people, pop.unions
    keys, union_of = _unions_by_person(pop)
    spells: list[pl.DataFrame] = []
    singles: list[pl.DataFrame] = []
    f, next_id = first, first_id
    for _ in range(hops):
        if f.child.size == 0:
            break
        pos = np.minimum(np.searchsorted(keys, f.parent * 2**25 + f.when + 2**24),
                         keys.size - 1)
        found = keys[pos] // 2**25 == f.parent
        v = np.where(found, union_of[pos], -1)
        v_start = np.where(found, u.start[np.maximum(v, 0)], NEVER)
        into_union = found & (v_start <= f.when)
        # Into the next marriage's household: the child of the head or a step-child.
        vi = np.maximum(v, 0)
        col = np.where(u.husband[vi] == f.parent, 0, 1)
        parent_end = roles.end[vi, col]
        head = np.where(roles.head[vi] == 0, u.husband[vi], u.wife[vi])
        own = (head == p.father[f.child]) | (head == p.mother[f.child])
        boy = p.sex[f.child] == 1
        # The head's own child (20/30), else adopted by or a step-child of the head (27/37).
        rel = np.where(own, np.where(boy, SON, DAUGHTER),
                       np.where(boy, STEP_SON, STEP_DAUGHTER))
        m = into_union
        end_u = np.minimum(leave[f.child], parent_end)
        spells.append(pl.DataFrame({"person": f.child[m], "household": v[m],
                                    "from_day": f.when[m], "to_day": end_u[m],
                                    "relation": rel[m]}))
        # Otherwise a one-parent household, one per parent and day, until the next marriage.
        s = ~into_union & (p.death[f.parent] > f.when)
        sp_end = np.minimum(p.death[f.parent], v_start)
        key = pl.DataFrame({"parent": f.parent[s], "when": f.when[s], "end": sp_end[s],
                            "county": f.county[s]})
        known = pl.concat(singles) if singles else None
        fresh = key.unique(["parent", "when"], keep="first", maintain_order=True)
        if known is not None:
            fresh = fresh.join(known, on=["parent", "when"], how="anti")
        fresh = fresh.with_columns((pl.int_range(pl.len()) + next_id).alias("household"))
        next_id += fresh.height
        singles.append(fresh)
        heads = pl.concat(singles)
        kid = key.with_columns(pl.Series("child", f.child[s])).join(
            heads.select("parent", "when", "household"), on=["parent", "when"])
        end_s = np.minimum(leave[kid["child"].to_numpy()], kid["end"].to_numpy())
        boy_s = p.sex[kid["child"].to_numpy()] == 1
        spells.append(pl.DataFrame({"person": kid["child"], "household": kid["household"],
                                    "from_day": kid["when"], "to_day": end_s,
                                    "relation": np.where(boy_s, SON, DAUGHTER)}))
        # Who moves on again: still a minor, still home, the parent alive when they leave.
        child = np.concatenate([f.child[m], kid["child"].to_numpy()])
        parent = np.concatenate([f.parent[m], kid["parent"].to_numpy()])
        when = np.concatenate([end_u[m], end_s])
        county = np.concatenate([u.county_at(vi[m], np.minimum(end_u[m], NEVER - 1)),
                                 kid["county"].to_numpy()])
        again = (when < leave[child]) & (when < adult[child]) & (p.death[parent] > when) & (
            when < NEVER)
        f = _Follow(child[again], parent[again], when[again], county[again])
    single = pl.concat(singles) if singles else pl.DataFrame()
    cols = ["person", "household", "from_day", "to_day", "relation"]
    moved = pl.concat([x.select(cols) for x in spells]) if spells else pl.DataFrame()
    return moved.filter(pl.col("to_day") > pl.col("from_day")), single


def _steps(pop: Population, roles: _Roles, spells: pl.DataFrame, profile: Profile
           ) -> pl.DataFrame:
    """Step relations: each later marriage of a child's legal parent to someone else that
    began while the child lived, and whether that step-parent raised the child."""
    p, u = pop.people, pop.unions
    kids = np.flatnonzero(p.natal >= 0)
    home = np.where(p.adoptive[kids] >= 0, p.adoptive[kids], p.natal[kids])
    parents = pl.DataFrame({"child": np.concatenate([kids, kids]),
                            "parent": np.concatenate([u.husband[home], u.wife[home]]),
                            "home": np.concatenate([home, home])})
    idx = np.arange(len(u), dtype=np.int64)
    marriages = pl.DataFrame({"parent": np.concatenate([u.husband, u.wife]),
                              "union": np.concatenate([idx, idx]),
                              "step_parent": np.concatenate([u.wife, u.husband]),
                              "start": np.concatenate([u.start, u.start])})
    birth, death = pl.Series(p.birth), pl.Series(p.death)
    steps = parents.join(marriages, on="parent").filter(pl.col("union") != pl.col("home"))
    steps = steps.with_columns(
        pl.col("child").map_batches(lambda s: birth.gather(s)).alias("born"),
        pl.col("child").map_batches(lambda s: death.gather(s)).alias("died"),
        pl.col("home").map_batches(lambda s: pl.Series(u.husband).gather(s)).alias("h0"),
        pl.col("home").map_batches(lambda s: pl.Series(u.wife).gather(s)).alias("w0"))
    steps = steps.filter((pl.col("start") > pl.col("born")) & (pl.col("start") < pl.col("died"))
                         & (pl.col("step_parent") != pl.col("h0"))
                         & (pl.col("step_parent") != pl.col("w0")))
    # Raised: the child lived in that marriage's household, as a minor, with the step-parent
    # there, for long enough.
    step_col = np.where(u.husband[steps["union"].to_numpy()] == steps["step_parent"].to_numpy(),
                        0, 1)
    steps = steps.with_columns(pl.Series("step_end", roles.end[steps["union"].to_numpy(),
                                                               step_col]))
    lived = spells.select(pl.col("person").alias("child"), pl.col("household").alias("union"),
                          "from_day", "to_day")
    adult = int(profile.families.adult_age * YEAR)
    need = int(profile.families.raised_min_years * YEAR)
    raised = steps.join(lived, on=["child", "union"], how="left").with_columns(
        pl.min_horizontal("to_day", "step_end", pl.col("born") + adult).alias("until"))
    raised = raised.with_columns(
        pl.when((pl.col("until") - pl.col("from_day")) >= need)
        .then(pl.col("from_day") + need).otherwise(NEVER).alias("raised_day"))
    raised = raised.group_by("child", "step_parent", "union", maintain_order=True).agg(
        pl.col("parent").first(), pl.col("raised_day").fill_null(NEVER).min())
    return raised.select("child", "step_parent", "parent", "union", "raised_day")


def _gaps(pop: Population, spells: pl.DataFrame, first_solo: int) -> pl.DataFrame:
    """One-person households filling every gap in each person's registration."""
    p = pop.people
    keys = np.arange(len(p), dtype=np.int64)  # only the three columns the gaps need
    bounds = pl.DataFrame({"person": keys, "from_day": p.arrived, "to_day": p.arrived})
    ends = pl.DataFrame({"person": keys, "from_day": p.death, "to_day": p.death})
    allp = pl.concat([bounds, spells.select(bounds.columns), ends]).sort(
        ["person", "from_day", "to_day"])
    reach = pl.col("to_day").cum_max().over("person")
    gaps = allp.with_columns(reach.alias("reach")).with_columns(  # nested over() is quadratic
        pl.col("reach").shift(1).over("person").alias("gap_from")).filter(
        pl.col("gap_from").is_not_null() & (pl.col("from_day") > pl.col("gap_from")))
    gaps = gaps.select("person", pl.col("gap_from").alias("from_day"),
                       pl.col("from_day").alias("to_day"))
    return gaps.with_columns(
        (pl.int_range(pl.len()) + first_solo).alias("household"),
        pl.lit("02").alias("relation"))


def _households(rng: np.random.Generator, pop: Population, single: pl.DataFrame,
                solo: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """County and move of each household: unions from the population, one-parent
    households where the parent lived, solos drawn here."""
    u = pop.unions
    n = solo.height
    start = solo["from_day"].to_numpy()
    move = (rng.random(n) < profile.residence.solo_move)
    move_on = np.where(move, start + ((0.5 + rng.random(n) * 10) * YEAR).astype(np.int64),
                       NEVER)
    move_on = np.where(move_on > day(profile.as_of), NEVER, move_on)
    county0 = county_at(pop, solo["person"].to_numpy(), start)
    s_county = single["county"].to_numpy() if single.height else np.zeros(0, np.int64)
    s_id = single["household"].to_numpy() if single.height else np.zeros(0, np.int64)
    return pl.DataFrame({
        "household": np.concatenate([np.arange(len(u)), s_id, solo["household"].to_numpy()]),
        "county0": np.concatenate([u.county0, s_county, county0]),
        "move_on": np.concatenate([u.move_on, np.full(s_id.size, NEVER), move_on]),
        "county1": np.concatenate([u.county1, s_county,
                                   places.destinations(rng, n, profile)]),
    })


def _split(spells: pl.DataFrame, households: pl.DataFrame) -> pl.DataFrame:
    """Cut spells at their household's move: the moved household gets a new id."""
    df = spells.join(households, on="household", how="left", maintain_order="left")
    before = df.filter(pl.col("from_day") < pl.col("move_on")).with_columns(
        pl.min_horizontal("to_day", "move_on").alias("to_day"),
        (pl.col("household") * 2).alias("household"), pl.col("county0").alias("county"))
    after = df.filter(pl.col("to_day") > pl.col("move_on")).with_columns(
        pl.max_horizontal("from_day", "move_on").alias("from_day"),
        (pl.col("household") * 2 + 1).alias("household"), pl.col("county1").alias("county"))
    cols = ["person", "household", "county", "from_day", "to_day", "relation"]
    return pl.concat([before.select(cols), after.select(cols)])


def register(rng: np.random.Generator, pop: Population, profile: Profile
             ) -> tuple[Registry, Bonds]:
    """Build every household membership episode and every actual residence.

    Args:
        rng: The stage's generator.
        pop: The population.
        profile: Moves, 人户分离, emigration, custody and household-head rates.

    Returns:
        The registry of episodes and residences, and the family facts it carries.
    """
    p, u = pop.people, pop.unions
    roles = _roles(rng, pop, profile)
    leave = np.minimum(_first_marriage(pop), p.death)
    # A wife registered apart stays in her parents' household while her marriage lasts.
    apart = np.flatnonzero(roles.apart)
    leave[u.wife[apart]] = np.minimum(roles.end[apart, 1], p.death[u.wife[apart]])
    adult = p.birth + int(profile.families.adult_age * YEAR)
    unions = _union_spells(pop, roles)
    home, follow, custody = _home_spells(rng, pop, roles, leave, adult, profile)
    moved, single = _follow(pop, roles, leave, adult, follow, len(pop.unions))
    children = pl.concat([home, moved])
    steps = _steps(pop, roles, children, profile)
    heads = (single.select(pl.col("parent").alias("person"), "household",
                           pl.col("when").alias("from_day"), pl.col("end").alias("to_day"),
                           pl.lit("02").alias("relation"))
             if single.height else children.clear())
    spells = pl.concat([unions, children, heads]).filter(
        pl.col("to_day") > pl.col("from_day")).sort(["person", "from_day"])
    solo = _gaps(pop, spells, len(pop.unions) + single.height)
    spells = pl.concat([spells, solo.select(spells.columns)])
    households = _households(rng, pop, single, solo, profile)
    episodes = _close(rng, pop, _split(spells, households), profile)
    together = np.minimum(roles.end[:, 0], roles.end[:, 1])
    shown = (together > np.maximum(u.start, day(profile.coverage.household_from))) & (
        u.start <= day(profile.as_of)) & ~roles.apart
    bonds = Bonds(custody, steps, shown, roles.head == 1, roles.apart)
    lived = _split(pl.DataFrame({"person": u.wife[apart], "household": apart,
                                 "from_day": u.start[apart], "to_day": roles.end[apart, 1],
                                 "relation": np.full(apart.size, "12")}), households)
    residences = _lived_apart(_residences(rng, pop, episodes, profile), lived, profile)
    return Registry(episodes, residences), bonds


def _lived_apart(res: pl.DataFrame, lived: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """Residences of wives registered apart: their husband's home while the marriage lasts,
    whatever the register says (the stays the register gives are cut around it)."""
    as_of = day(profile.as_of)
    lived = lived.filter(pl.col("from_day") <= as_of).with_columns(
        pl.when(pl.col("to_day") > as_of).then(NEVER).otherwise("to_day").alias("to_day"))
    span = lived.group_by("person").agg(pl.col("from_day").min().alias("a"),
                                        pl.col("to_day").max().alias("b"))
    hit = res.join(span, on="person", how="left")
    outside = pl.col("a").is_null() | (pl.col("to_day") <= pl.col("a")) | (
        pl.col("from_day") >= pl.col("b"))
    keep = hit.filter(outside)
    cut = hit.filter(~outside)
    before = cut.filter(pl.col("from_day") < pl.col("a")).with_columns(
        pl.col("a").alias("to_day"))
    after = cut.filter(pl.col("to_day") > pl.col("b")).with_columns(pl.col("b").alias("from_day"))
    # Living where she is not registered is 人户分离: public security may record it.
    home = lived.select("person", "from_day", "to_day", "county",
                        pl.format("H{}", "household").alias("dwelling_id"),
                        pl.lit(True).alias("separated"))
    cols = res.columns
    out = pl.concat([keep.select(cols), before.select(cols), after.select(cols),
                     home.select(cols)], how="vertical_relaxed")
    return out.sort("person", "from_day", maintain_order=True)


def _close(rng: np.random.Generator, pop: Population, ep: pl.DataFrame,
           profile: Profile) -> pl.DataFrame:
    """Mark how each episode ends; some lone adults emigrate from the province."""
    as_of = day(profile.as_of)
    death = pl.Series(pop.people.death)
    ep = ep.filter(pl.col("to_day") > pl.col("from_day")).with_columns(
        pl.col("person").map_batches(lambda s: death.gather(s)).alias("death"))
    ep = ep.sort(["person", "from_day", "household"])
    last = pl.col("person") != pl.col("person").shift(-1)
    emig = rng.random(ep.height) < profile.residence.emigrated_share
    ep = ep.with_columns(pl.Series("emig", emig), last.fill_null(True).alias("last"))
    emigrate = (pl.col("emig") & pl.col("last") & (pl.col("relation") == "02")
                & (pl.col("to_day") > as_of) & (pl.col("from_day") < as_of - 400))
    ep = ep.with_columns(
        pl.when(emigrate).then((pl.col("from_day") + as_of) // 2).otherwise("to_day")
        .alias("to_day"),
        pl.when(emigrate).then(pl.lit("emigrated"))
        .when(pl.col("to_day") > as_of).then(pl.lit(""))
        .when(pl.col("to_day") >= pl.col("death")).then(pl.lit("death"))
        .otherwise(pl.lit("moved_out")).alias("cause"))
    ep = ep.with_columns(pl.when(pl.col("to_day") > as_of).then(NEVER)
                         .otherwise("to_day").alias("to_day"))
    return ep.filter(pl.col("from_day") <= as_of).drop("emig", "last", "death")


def _residences(rng: np.random.Generator, pop: Population, ep: pl.DataFrame,
                profile: Profile) -> pl.DataFrame:
    """Actual residence: the household's dwelling, or for 人户分离 a dwelling elsewhere: a
    dormitory, a room in another family's home, or a flat shared with a few others."""
    work = profile.workplaces
    birth = pop.people.birth[ep["person"].to_numpy()]
    age = (ep["from_day"].to_numpy() - birth) / YEAR
    sep = (age >= 18) & (age < 45) & (rng.random(ep.height) < profile.residence.separated_share)
    where = places.destinations(rng, ep.height, profile)
    kind = rng.random(ep.height)
    dorm, lodge = sep & (kind < work.dormitory), sep & (kind >= work.dormitory) & (
        kind < work.dormitory + work.lodger)
    flat = sep & ~dorm & ~lodge
    n_c = len(places.county_codes())
    # A dormitory is one building in one county: its number says which county.
    per_county = max(int(dorm.sum()) // 60 // n_c, 1)
    dorm_no = where * per_county + rng.integers(0, per_county, ep.height)
    flats = max(int(flat.sum() / work.flatmates_mean / n_c), 1)
    flat_no = where * flats + rng.integers(0, flats, ep.height)
    host = _host(ep, where, lodge)
    lodge &= host >= 0
    flat |= sep & ~dorm & ~lodge
    county = np.where(sep, where, ep["county"].to_numpy())
    dwelling = (pl.when(pl.Series(dorm)).then(pl.format("W{}", pl.Series(dorm_no)))
                .when(pl.Series(lodge)).then(pl.format("H{}", pl.Series(host)))
                .when(pl.Series(flat)).then(pl.format("F{}", pl.Series(flat_no)))
                .otherwise(pl.format("H{}", "household")))  # polars text: numpy's <U is 88 B
    return ep.select("person", "from_day", "to_day", dwelling.alias("dwelling_id")).with_columns(
        pl.Series("county", county), pl.Series("separated", sep)).select(
        "person", "from_day", "to_day", "county", "dwelling_id", "separated")


def _host(ep: pl.DataFrame, county: Ints, lodger: npt.NDArray[np.bool_]) -> Ints:
    """For each lodger, a household of that county whose head registered it most recently
    before the lodger moves in and still holds it (-1 if none)."""
    heads = ep.filter(pl.col("relation") == "02").select("household", "county", "from_day",
                                                         "to_day")
    key = heads["county"].to_numpy().astype(np.int64) * 2**26 + heads["from_day"].to_numpy()
    order = np.argsort(key, kind="stable")
    key = key[order]
    want = county[lodger].astype(np.int64) * 2**26 + ep["from_day"].to_numpy()[lodger]
    pos = np.searchsorted(key, want, "right") - 1
    ok = (pos >= 0) & (key[np.maximum(pos, 0)] // 2**26 == county[lodger])
    idx = order[np.maximum(pos, 0)]
    ok &= heads["to_day"].to_numpy()[idx] > ep["from_day"].to_numpy()[lodger]
    out = np.full(ep.height, -1, dtype=np.int64)
    out[lodger] = np.where(ok, heads["household"].to_numpy()[idx], -1)
    return out
