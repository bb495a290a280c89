"""The ground-truth population: founders, then generation after generation of
marriages and births, with deaths, adoption, genotypes and disability.

Persons are keyed by their index (``person_key``); parents always have smaller keys
than their children.  Everything is held in numpy arrays (:class:`People`,
:class:`Unions`) and grown one generation at a time with vector operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

import numpy as np
import numpy.typing as npt

from synth import fertility, genetics, marriage, mortality, places
from synth.calendar import YEAR, Days, day
from synth.marriage import NEVER
from synth.profile import LI_COUNTIES, MIAO_COUNTIES, Marriage, Profile

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Progress = Callable[[str, float], None]
WINDOW = 5  # birth years per marriage cohort
WIFE_OFFSET = 2  # women's window starts this many years after men's


@dataclass
class People:
    """One array per attribute, indexed by person key."""

    sex: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # 1 male, 2 female
    birth: Days = field(default_factory=lambda: np.zeros(0, np.int64))
    death: Days = field(default_factory=lambda: np.zeros(0, np.int64))  # NEVER if alive
    ethnicity: npt.NDArray[np.str_] = field(default_factory=lambda: np.zeros(0, "<U2"))
    agri: Bools = field(default_factory=lambda: np.zeros(0, bool))
    county: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # own, if no natal
    village: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # the father's
    father: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    mother: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    natal: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # union index or -1
    adoptive: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # union or -1
    adopted_on: Days = field(default_factory=lambda: np.zeros(0, np.int64))
    alpha: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros((0, 2), np.int8))
    beta: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros((0, 2), np.int8))
    #: Alleles at each simulated condition's locus, ``(n, conditions, 2)`` (genetics).
    traits: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros((0, 0, 2), np.int8))
    #: Which clause of the birth policy allowed the birth (:data:`fertility.RULES`), -1
    #: for persons not born in the simulation (founders and immigrants).
    birth_rule: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    disabled_on: Days = field(default_factory=lambda: np.zeros(0, np.int64))
    generation: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    arrived: Days = field(default_factory=lambda: np.zeros(0, np.int64))
    immigrant: Bools = field(default_factory=lambda: np.zeros(0, bool))

    def __len__(self) -> int:
        return int(self.sex.size)

    def extend(self, **columns: npt.NDArray[np.generic]) -> Ints:
        """Append persons; returns their new keys."""
        first = len(self)
        for f in fields(self):
            old = getattr(self, f.name)
            new = columns[f.name]
            setattr(self, f.name, np.concatenate([old, new]) if first else new)
        return np.arange(first, len(self), dtype=np.int64)

    def take(self, keep: Ints) -> None:
        """Keep only these persons (sorted keys), renumbering parent keys."""
        remap = np.full(len(self) + 1, -1, dtype=np.int64)
        remap[keep] = np.arange(keep.size)
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name)[keep])
        self.father, self.mother = remap[self.father], remap[self.mother]


@dataclass
class Unions:
    """One array per attribute, indexed by marriage index."""

    husband: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    wife: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    start: Days = field(default_factory=lambda: np.zeros(0, np.int64))
    end: Days = field(default_factory=lambda: np.zeros(0, np.int64))
    reason: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    kind: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # 0 first 1 re 2 复婚
    county0: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    move_on: Days = field(default_factory=lambda: np.zeros(0, np.int64))
    county1: Ints = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return int(self.husband.size)

    def extend(self, **columns: npt.NDArray[np.generic]) -> Ints:
        """Append marriages; returns their indices."""
        first = len(self)
        for f in fields(self):
            setattr(self, f.name, np.concatenate([getattr(self, f.name), columns[f.name]]))
        return np.arange(first, len(self), dtype=np.int64)

    def county_at(self, union: Ints, when: Days) -> Ints:
        """The county of each union's household on each date."""
        moved = when >= self.move_on[union]
        return np.where(moved, self.county1[union], self.county0[union])


@dataclass
class Population:
    """The simulated province: persons and marriages."""

    people: People
    unions: Unions


def county_at(pop: Population, keys: Ints, when: Days) -> Ints:
    """Registered county of persons on a date, following their parents' household."""
    home = np.where(pop.people.adoptive[keys] >= 0, pop.people.adoptive[keys],
                    pop.people.natal[keys])
    has = home >= 0
    out = pop.people.county[keys].copy()
    out[has] = pop.unions.county_at(home[has], when[has])
    return out


def simulate(n_persons: int, profile: Profile, seeds: dict[str, np.random.SeedSequence],
             progress: Progress | None = None) -> Population:
    """Simulate exactly ``n_persons`` persons (alive and dead) to ``profile.as_of``.

    A first pass measures how many descendants the founders have; the second pass
    scales the founders so that immigrants (or trimming) close only a small gap.

    Args:
        n_persons: Persons in the truth table.
        profile: The province profile.
        seeds: One seed per stage name (``founders``, ``marriage``, ``births``, ...).
        progress: Called with a stage name and a fraction done.

    Returns:
        The population.
    """
    founders = max(int(n_persons * profile.founder_share), 4)
    trial = _grow(founders, profile, seeds, None)
    founders = max(int(founders * n_persons / max(len(trial.people), 1) * 0.97), 4)
    pop = _grow(founders, profile, seeds, progress)
    rngs = {k: np.random.default_rng(v) for k, v in seeds.items()}
    _adopt(pop, rngs["adoption"], profile)
    _fit(pop, n_persons, rngs["immigration"], profile)
    _disable(pop, rngs["disability"], profile)
    if progress:
        progress("population", 1.0)
    return pop


def _grow(founders: int, profile: Profile, seeds: dict[str, np.random.SeedSequence],
          progress: Progress | None) -> Population:
    """Founders, then marriage cohorts of five birth years with their children."""
    rngs = {k: np.random.default_rng(v) for k, v in seeds.items()}
    pop = Population(People(), Unions())
    _founders(pop, rngs["founders"], founders, profile)
    windows = range(profile.founders_from - WIFE_OFFSET, profile.as_of.year - 15, WINDOW)
    waiting = np.zeros(0, dtype=np.int64)
    for i, year in enumerate(windows):
        if progress:
            progress("population", i / len(windows))
        cand = _candidates(pop.people, _cohort(pop.people, year), rngs["marriage"], profile)
        new_unions, unmatched = _marry(pop, cand, waiting, rngs["marriage"], profile)
        waiting = unmatched
        _bear(pop, new_unions, rngs["births"], profile)
    return pop


def _cohort(p: People, year: int) -> Ints:
    """Men born in ``[year, year+5)`` and women born two years later: one marriage market."""
    lo = np.where(p.sex == 1, day(date(year, 1, 1)), day(date(year + WIFE_OFFSET, 1, 1)))
    hi = lo + int(WINDOW * YEAR)
    return np.flatnonzero((p.birth >= lo) & (p.birth < hi) & ~p.immigrant)


def _founders(pop: Population, rng: np.random.Generator, n: int, profile: Profile) -> Ints:
    lo, hi = profile.founders_from, profile.founders_to
    years = lo + (hi - lo) * rng.random(n) ** 0.7
    birth = ((years - 1970) * YEAR).astype(np.int64)
    county = places.draw(rng, n, profile)
    return _add(pop, rng, profile, birth=birth, county=county, gen=0, immigrant=False)


def _ethnicity(rng: np.random.Generator, county: Ints, profile: Profile
               ) -> npt.NDArray[np.str_]:
    e = profile.ethnicity
    li_c, miao_c = np.isin(county, places.index_of(LI_COUNTIES)), np.isin(
        county, places.index_of(MIAO_COUNTIES))
    u = rng.random(county.size)
    p_li = np.where(li_c, e.li_share_li_county, e.li_share_elsewhere)
    p_miao = np.where(miao_c, e.miao_share_miao_county, e.miao_share_elsewhere)
    out = np.full(county.size, "01", dtype="<U2")
    out[u < p_li + p_miao + e.other_share] = rng.choice(
        e.other_codes, size=int((u < p_li + p_miao + e.other_share).sum()))
    out[u < p_li + p_miao] = "06"
    out[u < p_li] = "19"
    return out


def _agri(rng: np.random.Generator, county: Ints, profile: Profile) -> Bools:
    r = profile.residence
    urban = np.isin(county, places.index_of(r.urban_counties))
    share = np.where(urban, r.urban_nonagri_share, r.rural_nonagri_share)
    return np.asarray(rng.random(county.size) >= share)


def _add(pop: Population, rng: np.random.Generator, profile: Profile, *, birth: Days,
         county: Ints, gen: int, immigrant: bool) -> Ints:
    """Add persons without parents in the data (founders and immigrants)."""
    n = birth.size
    eth = _ethnicity(rng, county, profile)
    li_like = np.isin(eth, ("19", "06"))
    first = int(pop.people.village.max(initial=-1)) + 1
    village, alpha_freq, beta_freq = _villages(rng, county, li_like, first, profile)
    alpha, beta = genetics.founder_haplotypes(rng, li_like, alpha_freq, beta_freq,
                                              profile.carriers)
    none = np.full(n, -1, dtype=np.int64)
    arrived = birth + (immigrant * (18 + rng.random(n) * 20) * YEAR).astype(np.int64)
    sex = rng.integers(1, 3, n)
    traits = genetics.condition_founders(rng, li_like, sex == 1, profile.conditions)
    return pop.people.extend(
        sex=sex, birth=birth,
        death=np.maximum(mortality.death_days(rng, birth, adult=True), arrived + 1),
        ethnicity=eth, agri=_agri(rng, county, profile), county=county, village=village,
        father=none, mother=none, natal=none, adoptive=none, adopted_on=np.full(n, NEVER),
        alpha=alpha, beta=beta, traits=traits, birth_rule=np.full(n, -1, dtype=np.int8),
        disabled_on=np.full(n, NEVER),
        generation=np.full(n, gen), arrived=arrived, immigrant=np.full(n, immigrant))


def _villages(rng: np.random.Generator, county: Ints, li_like: Bools, first: int,
              profile: Profile) -> tuple[Ints, npt.NDArray[np.float64],
                                         npt.NDArray[np.float64]]:
    """Villages of new founders and each founder's variant frequencies (its village's type).

    Founders of one ethnic group (Li-like or not) in one county are spread over
    villages of about ``village_founders`` each, numbered from ``first``.  The
    villages of a group take the types of its mix in :class:`synth.profile.Carriers`
    in their shares (stratified: a random order, cut at the shares), so that the mix
    does not depend on a small number of draws.
    """
    key = county * 2 + li_like
    groups, inverse, size = np.unique(key, return_inverse=True, return_counts=True)
    n_villages = np.maximum(size // profile.marriage.village_founders, 1)
    offset = np.concatenate([[0], np.cumsum(n_villages)[:-1]])
    village = offset[inverse] + (rng.random(key.size) * n_villages[inverse]).astype(np.int64)
    li_village = np.repeat(groups % 2 == 1, n_villages)
    alpha_v, beta_v = np.zeros(li_village.size), np.zeros(li_village.size)
    for name, mask in (("han", ~li_village), ("li", li_village)):
        types = profile.carriers.villages[name]
        edges = np.cumsum([t.share for t in types])
        rank = (rng.permutation(int(mask.sum())) + 0.5) / max(int(mask.sum()), 1)
        kind = np.minimum(np.searchsorted(edges / edges[-1], rank, "right"), len(types) - 1)
        alpha_v[mask] = np.array([t.alpha_freq for t in types])[kind]
        beta_v[mask] = np.array([t.beta_freq for t in types])[kind]
    return village + first, alpha_v[village], beta_v[village]


def _lineage(people: People, keys: Ints, generations: int) -> Ints:
    """Per person: self and the ancestors ``generations`` up (-1 unknown), one per column."""
    out = [keys[:, None]]
    level = keys
    for g in range(1, generations + 1):
        has = level >= 0
        up = np.full((level.size, 2), -1, dtype=np.int64)
        up[has, 0], up[has, 1] = people.father[level[has]], people.mother[level[has]]
        out.append(up.reshape(keys.size, 2**g))  # each person's ancestors stay together
        level = up.ravel()
    return np.concatenate(out, axis=1)


def _candidates(p: People, pool: Ints, rng: np.random.Generator, profile: Profile) -> Ints:
    """Those of a cohort who will look for a spouse (and live to 20)."""
    rules = profile.marriage
    share = np.where(p.sex[pool] == 1, rules.marry_share_men, rules.marry_share_women)
    adult = p.death[pool] > p.birth[pool] + int(20 * YEAR)
    return pool[(rng.random(pool.size) < share) & adult]


def _marry(pop: Population, cand: Ints, waiting: Ints, rng: np.random.Generator,
           profile: Profile) -> tuple[Ints, Ints]:
    """First marriages of a cohort's candidates, then remarriages and 复婚 of those who ended.

    ``waiting`` are the previous cohort's unmatched candidates: they try once more,
    in the province-wide market, beside this cohort.

    Returns:
        The new unions, and this cohort's candidates left unmatched.
    """
    p, rules = pop.people, profile.marriage
    county = np.full(len(p), -1, dtype=np.int64)
    county[cand] = county_at(pop, cand, p.birth[cand] + int(20 * YEAR))
    u = rng.random(cand.size)
    tier = np.where(u < rules.village_share, 0,
                    np.where(u < rules.village_share + rules.cross_county_share, 2, 1))
    everyone = np.concatenate([cand, waiting])
    tier = np.concatenate([tier, np.full(waiting.size, 2)])
    men, women = _cascade(pop, rng, everyone, tier, (p.village, county,
                                                     np.zeros_like(county)), rules)
    start = marriage.wedding_dates(rng, p.birth[men], p.birth[women], rules)
    first = _register(pop, rng, profile, men, women, start, 0)
    again = _remarry(pop, rng, profile, first)
    return np.concatenate([first, again]), np.setdiff1d(cand, np.concatenate([men, women]))


def _cascade(pop: Population, rng: np.random.Generator, cand: Ints, tier: Ints,
             markets: tuple[Ints, ...], rules: Marriage) -> tuple[Ints, Ints]:
    """Match candidates market by market, from the narrowest they look in first.

    A candidate starts in the market of their ``tier`` (an index into ``markets``:
    market ids per person key) and moves on to the next, wider one while unmatched.
    Pairs of close kin are not kept; both go on looking.
    """
    p = pop.people
    men, women = [], []
    left = np.zeros(0, dtype=np.int64)
    for level, market in enumerate(markets):
        here = np.union1d(left, cand[tier == level])
        m, w = marriage.match(rng, here[p.sex[here] == 1], here[p.sex[here] == 2], p.birth,
                              market, rules)
        ok = ~marriage.kin(_lineage(p, m, rules.kin_generations),
                           _lineage(p, w, rules.kin_generations))
        men.append(m[ok])
        women.append(w[ok])
        left = np.setdiff1d(here, np.concatenate([m[ok], w[ok]]))
    return np.concatenate(men), np.concatenate(women)


def _register(pop: Population, rng: np.random.Generator, profile: Profile, men: Ints,
              women: Ints, start: Days, kind: int) -> Ints:
    """Keep lawful, non-kin, timely couples and add them as unions."""
    p = pop.people
    ok = (start < np.minimum(p.death[men], p.death[women])) & (start <= day(profile.as_of))
    if kind != 2:
        depth = profile.marriage.kin_generations
        ok &= ~marriage.kin(_lineage(p, men, depth), _lineage(p, women, depth))
    men, women, start = men[ok], women[ok], start[ok]
    end, reason = marriage.endings(rng, start, p.death[men], p.death[women], profile)
    county0 = county_at(pop, men, start)
    r = profile.residence
    p_move = np.where(start < day(date(1990, 1, 1)),
                      r.household_move_before_1990, r.household_move_after_1990)
    move = rng.random(men.size) < p_move
    move_on = np.where(move, start + ((0.5 + rng.random(men.size) * 20) * YEAR).astype(
        np.int64), NEVER)
    move_on = np.where(move_on > day(profile.as_of), NEVER, move_on)
    return pop.unions.extend(
        husband=men, wife=women, start=start, end=end, reason=reason,
        kind=np.full(men.size, kind), county0=county0, move_on=move_on,
        county1=places.destinations(rng, men.size, profile))


def _remarry(pop: Population, rng: np.random.Generator, profile: Profile,
             ended_from: Ints) -> Ints:
    u, p, rules = pop.unions, pop.people, profile.marriage
    done = ended_from[u.reason[ended_from] > 0]
    again = done[(u.reason[done] == marriage.DIVORCE)
                 & (rng.random(done.size) < rules.remarry_same_couple)]
    gap = ((0.5 + rng.random(again.size) * 4) * YEAR).astype(np.int64)
    same = _register(pop, rng, profile, u.husband[again], u.wife[again],
                     u.end[again] + gap, 2)
    rest = np.setdiff1d(done, again)
    spouses = np.concatenate([u.husband[rest], u.wife[rest]])
    free_on = np.concatenate([u.end[rest], u.end[rest]])
    alive = p.death[spouses] > free_on
    young = free_on - p.birth[spouses] < int(55 * YEAR)
    want = np.where(p.sex[spouses] == 1, rules.remarry_men, rules.remarry_women)
    pick = alive & young & (rng.random(spouses.size) < want)
    spouses, free_on = spouses[pick], free_on[pick]
    market = np.full(len(p), -1, dtype=np.int64)
    market[spouses] = 0
    men, women = marriage.match(rng, spouses[p.sex[spouses] == 1],
                                spouses[p.sex[spouses] == 2], p.birth, market, rules)
    avail = np.full(len(p), 0, dtype=np.int64)
    avail[spouses] = free_on
    wanted = np.maximum(avail[men], avail[women]) + (
        (0.5 + rng.gamma(2.0, 1.0, men.size)) * YEAR).astype(np.int64)
    start = marriage.legal_date(p.birth[men], p.birth[women], wanted, rules)
    other = _register(pop, rng, profile, men, women, start, 1)
    return np.concatenate([same, other])


def _only_children(p: People) -> Bools:
    counts = np.bincount(p.mother[p.mother >= 0], minlength=len(p))
    has_mother = p.mother >= 0
    out = np.zeros(len(p), dtype=bool)
    out[has_mother] = counts[p.mother[has_mother]] == 1
    return out


def couples(pop: Population, unions: Ints, profile: Profile) -> fertility.Couples:
    """What the birth rules need to know about each of the given unions."""
    u, p = pop.unions, pop.people
    h, w = u.husband[unions], u.wife[unions]
    minority = np.isin(p.ethnicity[h], list(profile.ethnicity.under_ten_million)) | np.isin(
        p.ethnicity[w], list(profile.ethnicity.under_ten_million))
    only = _only_children(p)
    return fertility.Couples(
        start=u.start[unions], end=u.end[unions], wife_birth=p.birth[w],
        wife_death=p.death[w], husband_death=p.death[h], minority=minority,
        rural=p.agri[w], both_only=only[h] & only[w], one_only=only[h] | only[w],
        remarried=u.kind[unions] == 1)


def children_before(pop: Population, unions: Ints, when: Days
                    ) -> tuple[Ints, Ints, Bools]:
    """Per union and date: the couple's children born before it, the girls among them,
    and whether the first is certified disabled by then."""
    p, u = pop.people, pop.unions
    kids = np.flatnonzero((p.father >= 0) & (p.mother >= 0))
    pair = p.father[kids] * (len(p) + 1) + p.mother[kids]
    pairs, rank = np.unique(pair, return_inverse=True)
    order = np.lexsort((p.birth[kids], rank))
    kids, rank = kids[order], rank[order]
    key = rank * 2**25 + p.birth[kids] + 2**24
    want = u.husband[unions] * (len(p) + 1) + u.wife[unions]
    pos = np.clip(np.searchsorted(pairs, want), 0, max(pairs.size - 1, 0))
    has = (pairs.size > 0) & (pairs[pos] == want) if pairs.size else np.zeros(want.size, bool)
    lo = np.searchsorted(key, pos * 2**25)
    hi = np.searchsorted(key, pos * 2**25 + when + 2**24)
    born = np.where(has, hi - lo, 0)
    girl = np.concatenate([[0], np.cumsum(p.sex[kids] == 2)])
    girls = np.where(has, girl[hi] - girl[lo], 0)
    first = kids[np.minimum(lo, max(kids.size - 1, 0))]
    disabled = has & (born > 0) & (p.disabled_on[first] <= p.birth[first] + 1) & (
        p.disabled_on[first] <= when)
    return born, girls, disabled


def _bear(pop: Population, unions: Ints, rng: np.random.Generator, profile: Profile) -> Ints:
    """Children of the given unions; returns the new person keys."""
    b = fertility.simulate(rng, couples(pop, unions, profile), profile)
    order = np.lexsort((b.couple, b.when))
    return _children(pop, rng, profile, unions[b.couple[order]], b, order)


def _children(pop: Population, rng: np.random.Generator, profile: Profile, union: Ints,
              b: fertility.Births, order: Ints) -> Ints:
    p, u = pop.people, pop.unions
    f, m = u.husband[union], u.wife[union]
    when = b.when[order]
    n = when.size
    eth = np.where(p.ethnicity[m] != "01", p.ethnicity[m], p.ethnicity[f])
    mixed = (p.ethnicity[m] != p.ethnicity[f]) & ((p.ethnicity[m] == "01")
                                                  | (p.ethnicity[f] == "01"))
    han_pick = mixed & (rng.random(n) < 1 - profile.ethnicity.mixed_child_minority)
    eth = np.where(han_pick, "01", eth)
    alpha = genetics.inherit(rng, p.alpha[m], p.alpha[f])
    beta = genetics.inherit(rng, p.beta[m], p.beta[f])
    male = b.male[order]
    traits = genetics.inherit_conditions(rng, p.traits[m], p.traits[f], male,
                                         profile.conditions)
    death = mortality.death_days(rng, when)
    death = np.where(genetics.lethal(alpha), when, death)
    county = u.county_at(union, when)
    agri = p.agri[m] & ~(rng.random(n) < 0.08)
    none = np.full(n, -1, dtype=np.int64)
    return p.extend(
        sex=np.where(male, 1, 2), birth=when, death=death, ethnicity=eth,
        agri=agri, county=county, village=p.village[f], father=f, mother=m, natal=union,
        adoptive=none,
        adopted_on=np.full(n, NEVER), alpha=alpha, beta=beta, traits=traits,
        birth_rule=b.rule[order], disabled_on=np.where(b.disabled[order], when, NEVER),
        generation=np.maximum(p.generation[f], p.generation[m]) + 1, arrived=when,
        immigrant=np.zeros(n, bool))


def _adopt(pop: Population, rng: np.random.Generator, profile: Profile) -> None:
    """Childless couples adopt a young child of another family (kept rare)."""
    p, u = pop.people, pop.unions
    has_child = np.zeros(len(u), dtype=bool)
    has_child[p.natal[p.natal >= 0]] = True
    cand = np.flatnonzero(~has_child & (u.kind == 0))
    cand = cand[rng.random(cand.size) < profile.fertility.adoption_rate * 0.5]
    target = u.start[cand] + ((1 + rng.random(cand.size) * 5) * YEAR).astype(np.int64)
    kids = np.flatnonzero(p.mother >= 0)
    kids = kids[np.argsort(p.birth[kids], kind="stable")]
    pick = np.searchsorted(p.birth[kids], target - (rng.random(cand.size) * 3 * YEAR).astype(
        np.int64)).clip(0, kids.size - 1)
    child = kids[pick]
    ok = (target < np.minimum(u.end[cand], day(profile.as_of))) & (p.death[child] > target)
    ok &= (target > p.birth[child]) & (p.mother[child] != u.wife[cand])
    child, cand, target = child[ok], cand[ok], target[ok]
    _, first = np.unique(child, return_index=True)
    p.adoptive[child[first]] = cand[first]
    p.adopted_on[child[first]] = target[first]


def _fit(pop: Population, n_persons: int, rng: np.random.Generator, profile: Profile) -> None:
    """Trim childless unmarried persons at random, or add immigrants, to reach the size."""
    p, u = pop.people, pop.unions
    excess = len(p) - n_persons
    if excess < 0:
        birth = day(date(1950, 1, 1)) + (
            rng.random(-excess) * 50 * YEAR).astype(np.int64)
        county = places.destinations(rng, -excess, profile)
        _add(pop, rng, profile, birth=birth, county=county, gen=0, immigrant=True)
        return
    busy = np.zeros(len(p), dtype=bool)
    linked = np.concatenate([u.husband, u.wife, p.father, p.mother])
    busy[linked[linked >= 0]] = True
    busy[u.husband[p.adoptive[p.adoptive >= 0]]] = True
    busy[u.wife[p.adoptive[p.adoptive >= 0]]] = True
    free = np.flatnonzero(~busy)
    drop = rng.choice(free, size=min(excess, free.size), replace=False)
    keep = np.setdiff1d(np.arange(len(p)), drop)
    remap = np.full(len(p), -1, dtype=np.int64)
    remap[keep] = np.arange(keep.size)
    p.take(keep)
    u.husband, u.wife = remap[u.husband], remap[u.wife]


def _disable(pop: Population, rng: np.random.Generator, profile: Profile) -> None:
    """Adult-onset disability for a few percent of people over their lifetime."""
    p = pop.people
    onset = p.birth + ((20 + rng.random(len(p)) * 60) * YEAR).astype(np.int64)
    hit = (rng.random(len(p)) < 0.045) & (onset < p.death) & (p.disabled_on == NEVER)
    p.disabled_on = np.where(hit, onset, p.disabled_on)
