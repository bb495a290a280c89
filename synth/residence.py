"""Households (户), dwellings, moves and 人户分离, as membership episodes.

A person belongs to the household of the marriage they were born (or adopted)
into until they marry, to their own marriage's household while it lasts for them,
and to a one-person household in every gap (founders before marriage, divorcees,
adults whose parents' household ended).  A household that moves becomes a new
household in the destination county.  Actual residence follows the registered
household except for 人户分离: adults living in a dormitory elsewhere.

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
from synth.marriage import DIVORCE, NEVER
from synth.population import Population, county_at
from synth.profile import Profile

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Registry:
    """Household membership episodes and actual residences (polars frames)."""

    episodes: pl.DataFrame  # person, household, county, from_day, to_day, cause, relation
    residences: pl.DataFrame  # person, county, dwelling_id, from_day, to_day, separated


def _next_start(pop: Population) -> pl.DataFrame:
    u = pop.unions
    idx = np.arange(len(u), dtype=np.int64)
    df = pl.DataFrame({"person": np.concatenate([u.husband, u.wife]),
                       "union": np.concatenate([idx, idx]),
                       "start": np.concatenate([u.start, u.start])})
    df = df.sort(["person", "start", "union"])
    return df.with_columns(pl.col("start").shift(-1).over("person").fill_null(NEVER)
                           .alias("next_start"))


def _union_spells(pop: Population) -> pl.DataFrame:
    """Husband and wife spells in their marriage's household."""
    u, p = pop.unions, pop.people
    nxt = _next_start(pop)
    role_next = {r: nxt.join(pl.DataFrame({"person": who, "union": np.arange(len(u))}),
                             on=["person", "union"]).sort("union")["next_start"].to_numpy()
                 for r, who in (("h", u.husband), ("w", u.wife))}
    h_end = np.minimum(p.death[u.husband], role_next["h"])
    divorced = np.where(u.reason == DIVORCE, u.end, NEVER)
    w_end = np.minimum.reduce([p.death[u.wife], role_next["w"], divorced])
    idx = np.arange(len(u), dtype=np.int64)
    rel_w = np.where(idx % 3 == 0, "12", "10")
    return pl.DataFrame({
        "person": np.concatenate([u.husband, u.wife]),
        "household": np.concatenate([idx, idx]),
        "from_day": np.concatenate([u.start, u.start]),
        "to_day": np.concatenate([h_end, w_end]),
        "relation": np.concatenate([np.full(len(u), "02"), rel_w]),
    })


def _child_spells(pop: Population, hh_end: Ints) -> pl.DataFrame:
    """Children in their parents' (or adoptive parents') household until they leave."""
    p = pop.people
    nxt = _next_start(pop).group_by("person", maintain_order=True).agg(pl.col("start").min())
    first_marriage = np.full(len(p), NEVER, dtype=np.int64)
    first_marriage[nxt["person"].to_numpy()] = nxt["start"].to_numpy()
    kids = np.flatnonzero(p.natal >= 0)
    leave = np.minimum(first_marriage[kids], p.death[kids])
    adopted = p.adoptive[kids] >= 0
    bio_to = np.where(adopted, np.minimum(leave, p.adopted_on[kids]), leave)
    bio = pl.DataFrame({"person": kids, "household": p.natal[kids], "from_day": p.birth[kids],
                        "to_day": np.minimum(bio_to, hh_end[p.natal[kids]]),
                        "relation": np.where(p.sex[kids] == 1, "20", "30")})
    ak = kids[adopted]
    adopt = pl.DataFrame({"person": ak, "household": p.adoptive[ak],
                          "from_day": p.adopted_on[ak],
                          "to_day": np.minimum(leave[adopted], hh_end[p.adoptive[ak]]),
                          "relation": np.where(p.sex[ak] == 1, "27", "37")})
    return pl.concat([bio, adopt]).filter(pl.col("to_day") > pl.col("from_day"))


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


def _households(rng: np.random.Generator, pop: Population, solo: pl.DataFrame,
                profile: Profile) -> pl.DataFrame:
    """County and move of each household: unions from the population, solos drawn here."""
    u = pop.unions
    n = solo.height
    start = solo["from_day"].to_numpy()
    move = (rng.random(n) < profile.residence.solo_move)
    move_on = np.where(move, start + ((0.5 + rng.random(n) * 10) * YEAR).astype(np.int64),
                       NEVER)
    move_on = np.where(move_on > day(profile.as_of), NEVER, move_on)
    county0 = county_at(pop, solo["person"].to_numpy(), start)
    return pl.DataFrame({
        "household": np.concatenate([np.arange(len(u)), solo["household"].to_numpy()]),
        "county0": np.concatenate([u.county0, county0]),
        "move_on": np.concatenate([u.move_on, move_on]),
        "county1": np.concatenate([u.county1, places.destinations(rng, n, profile)]),
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


def register(rng: np.random.Generator, pop: Population, profile: Profile) -> Registry:
    """Build every household membership episode and every actual residence.

    Args:
        rng: The stage's generator.
        pop: The population.
        profile: Moves, 人户分离 and emigration rates.

    Returns:
        The registry of episodes and residences.
    """
    unions = _union_spells(pop)
    hh_end = unions.group_by("household").agg(pl.col("to_day").max()).sort("household")
    ends = np.full(len(pop.unions), NEVER, dtype=np.int64)
    ends[hh_end["household"].to_numpy()] = hh_end["to_day"].to_numpy()
    spells = pl.concat([unions, _child_spells(pop, ends)]).sort(["person", "from_day"])
    solo = _gaps(pop, spells, len(pop.unions))
    spells = pl.concat([spells, solo.select(spells.columns)])
    episodes = _split(spells, _households(rng, pop, solo, profile))
    episodes = _close(rng, pop, episodes, profile)
    return Registry(episodes, _residences(rng, pop, episodes, profile))


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
    """Actual residence: the household's dwelling, or a dormitory elsewhere (人户分离)."""
    birth = pop.people.birth[ep["person"].to_numpy()]
    age = (ep["from_day"].to_numpy() - birth) / YEAR
    sep = (age >= 18) & (age < 45) & (rng.random(ep.height) < profile.residence.separated_share)
    where = places.destinations(rng, ep.height, profile)
    # A dormitory is one building in one county: its number says which county.
    per_county = max(ep.height // 40 // len(places.county_codes()), 1)
    dorm = where * per_county + rng.integers(0, per_county, ep.height)
    county = np.where(sep, where, ep["county"].to_numpy())
    dwelling = pl.when(pl.Series(sep)).then(pl.format("W{}", pl.Series(dorm))).otherwise(
        pl.format("H{}", "household"))  # polars text: numpy's <U arrays take 88 B a row
    return ep.select("person", "from_day", "to_day", dwelling.alias("dwelling_id")).with_columns(
        pl.Series("county", county), pl.Series("separated", sep)).select(
        "person", "from_day", "to_day", "county", "dwelling_id", "separated")
