"""The simulated population: villages, their types, and who marries."""

from __future__ import annotations

import numpy as np
import pytest

from synth import population
from synth.calendar import YEAR
from synth.generator import STAGES
from synth.profile import HAINAN


@pytest.fixture(scope="module")
def pop() -> population.Population:
    seeds = dict(zip(STAGES, np.random.SeedSequence(9).spawn(len(STAGES)), strict=True))
    return population.simulate(20_000, HAINAN, seeds)


def test_children_belong_to_their_fathers_village(pop: population.Population) -> None:
    p = pop.people
    kids = np.flatnonzero(p.father >= 0)
    assert kids.size > 5000
    assert (p.village[kids] == p.village[p.father[kids]]).all()


def test_li_villages_take_each_type_in_its_share() -> None:
    # 2,000 Li founders of one county make 200 villages of 10 (village_founders);
    # the stratified draw gives the first type exactly 30 % of them: 60 villages.
    li_types = HAINAN.carriers.villages["li"]
    assert HAINAN.marriage.village_founders == 10 and li_types[0].share == 0.3
    county = np.zeros(2000, dtype=np.int64)
    village, alpha, beta = population._villages(
        np.random.default_rng(1), county, np.ones(2000, dtype=bool), 0, HAINAN)
    first, index = np.unique(village, return_index=True)
    assert first.size == 200
    assert (alpha[index] == li_types[0].alpha_freq).sum() == 60
    assert (beta[index] == li_types[0].beta_freq).sum() == 60


def test_han_and_li_founders_never_share_a_village() -> None:
    county = np.repeat(np.arange(3, dtype=np.int64), 100)
    li = np.tile(np.array([True, False]), 150)
    village, _, _ = population._villages(np.random.default_rng(2), county, li, 7, HAINAN)
    assert village.min() >= 7
    for v in np.unique(village):
        assert np.unique(li[village == v]).size == 1
        assert np.unique(county[village == v]).size == 1


def test_nearly_all_women_who_reach_45_have_married(pop: population.Population) -> None:
    # Unmatched candidates move on to the county and province markets and wait one
    # more cohort; China's 2010 census counted under 1 % of women 40-44 never married.
    p, u = pop.people, pop.unions
    born = p.birth // YEAR + 1970
    women = np.flatnonzero((p.sex == 2) & (born >= 1950) & (born < 1980) & ~p.immigrant
                           & (p.death > p.birth + 45 * YEAR))
    married = np.isin(women, u.wife)
    assert women.size > 1000
    assert married.mean() > 0.9


def test_marriages_look_first_within_the_village(pop: population.Population) -> None:
    # With 80 % looking first at home, far more couples share a village than random
    # pairing across the province would give (about one in a few hundred).
    u, p = pop.unions, pop.people
    first = u.kind == 0
    same = p.village[u.husband[first]] == p.village[u.wife[first]]
    assert same.mean() > 0.2


def _ancestors(p: population.People, key: int, generations: int) -> set[int]:
    """Self and every known ancestor up to ``generations`` back, walked one by one."""
    found, level = {key}, [key]
    for _ in range(generations):
        level = [int(x) for k in level for x in (p.father[k], p.mother[k]) if x >= 0]
        found |= set(level)
    return found


def test_no_couple_shares_an_ancestor_up_to_great_grandparents(
        pop: population.Population) -> None:
    # The Civil Code (art. 1048) bars shared parents and grandparents; the profile
    # also avoids shared great-grandparents (second cousins).  复婚 is the same couple.
    p, u = pop.people, pop.unions
    couples = np.flatnonzero(u.kind != 2)[::5]
    assert couples.size > 500
    for i in couples:
        assert not (_ancestors(p, int(u.husband[i]), 3) & _ancestors(p, int(u.wife[i]), 3))
