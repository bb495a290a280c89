"""Health and family-planning feeds: birth, screening, pregnancy, certificate, disability."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from synth import fertility, genetics, places, population
from synth.calendar import YEAR, day
from synth.feeds.common import digits, join_kinds, who, with_ids
from synth.marriage import NEVER
from synth.truth import Truth

Ints = npt.NDArray[np.int64]
GLORY_FROM, GLORY_TO = date(1980, 1, 1), date(2016, 1, 1)
CATEGORIES = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
CATEGORY_P = (0.12, 0.2, 0.02, 0.36, 0.07, 0.1, 0.13)


def birth_facts(t: Truth) -> pl.DataFrame:
    """The part's children with a mother in the data: key, birth order and plurality."""
    p = t.pop.people
    kids = np.arange(*t.span, dtype=np.int64)
    kids = kids[p.mother[kids] >= 0]
    return pl.DataFrame({"child": kids, "mother": p.mother[kids], "birth": p.birth[kids],
                         "birth_order": t.birth_order[kids], "plurality": t.plurality[kids]})


def birth(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Birth-platform rows since 2009 (child mostly unnamed), self-collected rows before."""
    p, cov = t.pop.people, t.profile.coverage
    f = birth_facts(t)
    kid, when = f["child"].to_numpy(), f["birth"].to_numpy()
    platform = when >= day(cov.birth_platform_from)
    mother_alive = p.death[p.mother[kid]] >= day(cov.birth_platform_from) - 9 * YEAR
    u = rng.random(kid.size)
    out = []
    for source, pick in (("birth_platform", platform & (u < cov.birth_platform)),
                         ("self_collected", ~platform & mother_alive & (u < cov.self_birth))):
        out.append(with_ids(_birth_rows(t, rng, f.filter(pl.Series(pick)), source),
                            "birth", source))
    return out


def _birth_rows(t: Truth, rng: np.random.Generator, f: pl.DataFrame, source: str
                ) -> pl.DataFrame:
    p, cov = t.pop.people, t.profile.coverage
    kid = f["child"].to_numpy()
    n = kid.size
    plat = np.full(n, source == "birth_platform")
    father = np.where(plat & (rng.random(n) >= cov.platform_father), -1, p.father[kid])
    # The birth certificate names the hospital's division; the village survey the home's.
    where = np.where(plat, t.records.born_in[kid], p.county[kid])
    frame = pl.DataFrame({
        "certificate_no": np.where(plat, np.char.add("N46", digits(kid, 8)),
                                   ""),
        "child_id_number": np.where(~plat | (rng.random(n) < cov.platform_child_id),
                                    t.ids(kid), ""),
        "child_name": np.where(~plat | (rng.random(n) < cov.platform_child_name),
                               t.names(kid), ""),
        "@child": kid, "_child_id_number": t.ids(kid), "_child_name": t.names(kid),
        "child_sex": p.sex[kid].astype(str), "birth_date": p.birth[kid],
        "birth_order": f["birth_order"], "plurality": f["plurality"],
        **who(t, p.mother[kid], "mother_", "mother"), **who(t, father, "father_", "father"),
        "division_code": places.code_at(where, p.birth[kid]),
        "hospital": np.char.add(places.county_names()[where],
                                np.where(kid % 3 == 0, "妇幼保健院", "人民医院")),
        "%child": newborn_facts(t, kid, where),
    })
    return frame.select("certificate_no", "child_id_number", "child_name", "child_sex",
                        "birth_date", "birth_order", "plurality", "mother_id_number",
                        "mother_name", "father_id_number", "father_name", "division_code",
                        "hospital", "@child", "@mother", "@father", "_child_id_number",
                        "_child_name", "%child")


def newborn_facts(t: Truth, kid: Ints, where: Ints) -> npt.NDArray[np.str_]:
    """Hard-case kinds a newborn's mention has by the facts alone (``;``-separated):
    ``twin`` (another baby of the mother that day), ``born_elsewhere`` (the row names
    another division than the one the child is registered in) and ``late_registration``
    (entered in the household register a year or more after birth)."""
    p = t.pop.people
    kinds = [np.where(t.plurality[kid] > 1, "twin", ""),
             np.where(where != p.county[kid], "born_elsewhere", ""),
             np.where(t.records.registered_on[kid] - p.birth[kid] >= 365,
                      "late_registration", "")]
    return join_kinds(*kinds)


def screening(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Pre-pregnancy thalassemia screening (19+1) of couples since 2011."""
    u, p, cov = t.pop.unions, t.pop.people, t.profile.coverage
    i = np.flatnonzero(t.owns(u.husband))
    h, w = u.husband[i], u.wife[i]
    test = np.maximum(u.start[i], day(cov.screening_from)) + (
        rng.random(i.size) * 2 * YEAR).astype(np.int64)
    age = (test - p.birth[w]) / YEAR
    ok = (test < np.minimum.reduce([u.end[i], p.death[w], p.death[h]])) & (
        test <= day(t.profile.as_of)) & (age >= 20) & (age < 49)
    pick = np.flatnonzero(ok & (rng.random(i.size) < cov.screening_couples))
    keys = np.concatenate([h[pick], w[pick]])
    when = np.concatenate([test[pick], test[pick]])
    hospital = np.concatenate([rng.random(pick.size) < 0.3] * 2)
    out = []
    for source, sel in (("eugenics_check", ~hospital), ("hospital", hospital)):
        out.append(with_ids(_screen_rows(t, rng, keys[sel], when[sel]), "screening", source))
    return out


def _screen_rows(t: Truth, rng: np.random.Generator, keys: Ints, when: Ints) -> pl.DataFrame:
    p = t.pop.people
    alpha, beta = p.alpha[keys], p.beta[keys]
    conc = genetics.conclusion(alpha, beta)
    lost = genetics.ALPHA_GENES_LOST[alpha].sum(axis=1)
    b = (beta > 0).sum(axis=1)
    mcv = rng.normal(88 - 7 * lost - 20 * np.minimum(b, 1), 4.0)
    hba2 = rng.normal(np.where(b > 0, 5.2, 2.7), np.where(b > 0, 0.6, 0.3))
    positive = (mcv < 82) | (hba2 > 3.5)
    typed = positive & (rng.random(keys.size) < t.profile.coverage.genotyped_positive)
    conc = np.where(typed, conc, np.where(positive, "suspected", "normal"))
    return pl.DataFrame({
        **who(t, keys, "", "person"), "sex": p.sex[keys].astype(str),
        "birth_date": p.birth[keys], "test_date": when,
        "institution": np.char.add(places.county_names()[p.county[keys]], "妇幼保健院"),
        "mcv": np.round(mcv, 1).astype(str), "hba2": np.round(hba2, 1).astype(str),
        "alpha_genotype": np.where(typed, genetics.genotype_text(alpha, genetics.ALPHA), ""),
        "beta_genotype": np.where(typed, genetics.genotype_text(beta, genetics.BETA), ""),
        "conclusion": conc,
    }).select("id_number", "name", "sex", "birth_date", "test_date", "institution", "mcv",
              "hba2", "alpha_genotype", "beta_genotype", "conclusion", "@person")


def pregnancy(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Pregnancy registrations since 2014: the platform in some divisions, others collected.

    Every registered delivery may come with an earlier registered pregnancy of the
    same woman that ended in a miscarriage or a termination.
    """
    p, u, prof = t.pop.people, t.pop.unions, t.profile
    cov = prof.coverage
    kid = np.arange(*t.span, dtype=np.int64)
    kid = kid[(p.mother[kid] >= 0) & (p.birth[kid] >= day(cov.pregnancy_from))]
    on_platform = np.isin(p.county[kid], places.index_of(prof.pregnancy_counties))
    kid = kid[rng.random(kid.size) < np.where(on_platform, cov.pregnancy_platform,
                                              cov.pregnancy_self)]
    lost = kid[rng.random(kid.size) < cov.pregnancy_lost_per_delivery]
    lmp, ended, status = _delivered(rng, p.birth[kid])
    lost_lmp, lost_end, lost_status = _lost(rng, p.birth[lost])
    kid = np.concatenate([kid, lost])
    lmp, ended = np.concatenate([lmp, lost_lmp]), np.concatenate([ended, lost_end])
    woman, husband, county = p.mother[kid], u.husband[p.natal[kid]], p.county[kid]
    reg = lmp + rng.integers(40, 90, kid.size)
    frame = pl.DataFrame({
        **who(t, woman, "woman_", "woman"), **who(t, husband, "husband_", "husband"),
        "lmp_date": lmp, "registered_on": reg, "expected_delivery_date": lmp + 280,
        "status": np.concatenate([status, lost_status]), "ended_on": ended,
        "division_code": places.code_at(county, reg),
        "platform": np.isin(county, places.index_of(prof.pregnancy_counties))})
    cols = ["woman_id_number", "woman_name", "husband_id_number", "husband_name", "lmp_date",
            "registered_on", "expected_delivery_date", "status", "ended_on", "division_code",
            "@woman", "@husband"]
    return [with_ids(frame.filter(pl.col("platform") == flag).select(cols).sort(
        "lmp_date", maintain_order=True), "pregnancy", source)
        for source, flag in (("pregnancy_platform", True), ("self_collected", False))]


def _delivered(rng: np.random.Generator, birth: Ints
               ) -> tuple[Ints, Ints, npt.NDArray[np.str_]]:
    """Last menstrual period, end and status of pregnancies ending in the given births."""
    lmp = birth - 280 + rng.integers(-14, 14, birth.size)
    return lmp, birth.copy(), np.full(birth.size, "delivered", dtype="<U10")


def _lost(rng: np.random.Generator, birth: Ints) -> tuple[Ints, Ints, npt.NDArray[np.str_]]:
    """Earlier pregnancies, miscarried or terminated 1.2-2 years before the given births."""
    lmp = birth - 280 - (1.2 * YEAR + rng.random(birth.size) * 300).astype(np.int64)
    ended = lmp + rng.integers(50, 120, birth.size)
    status = np.where(rng.random(birth.size) < 0.6, "miscarried", "terminated")
    return lmp, ended, status.astype("<U10")


def certificate(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Birth-service permits (生育服务证 / 生育登记) and one-child glory certificates.

    The permit system holds a permit for a share of the births the policy allowed
    (:attr:`Coverage.permit`; a birth over the quota never had one), issued 7-10 months
    before the birth; permits for children never born (:attr:`Coverage.permit_unused`,
    most revoked), issued only where the rules in force allowed the couple another child;
    and second permits a department issued in error for a couple and child it had already
    approved (:attr:`Coverage.permit_duplicate`, half of them revoked once found).
    ``child_order`` is the child's order among the couple's children together (孩次);
    the truth file also states it among all children of either spouse.
    """
    born = _born_permits(t, rng)
    unused = _unused_permits(t, rng, _expected_unused(t))
    permits = pl.concat([born, unused])
    permits = pl.concat([permits, _duplicates(t, rng, permits)])
    glory = _glory(t, rng)
    frame = pl.concat([permits, glory], how="diagonal_relaxed")
    u = t.pop.unions
    union = frame["union"].to_numpy()
    when = frame["issued_on"].to_numpy()
    frame = pl.DataFrame({
        "type": frame["type"], "certificate_no": frame["certificate_no"],
        **who(t, u.husband[union], "husband_", "husband"),
        **who(t, u.wife[union], "wife_", "wife"),
        "child_order": frame["child_order"].cast(pl.String).fill_null(""),
        "issued_on": when, "revoked_on": frame["revoked_on"],
        "division_code": places.code_at(u.county_at(union, when), when),
        "^order_all": frame["order_all"], "^child": frame["child"],
        "^kind": frame["kind"].fill_null(""), "^rule": frame["rule"].fill_null("")})
    return [with_ids(frame, "certificate", "permit_system")]


def _born_permits(t: Truth, rng: np.random.Generator) -> pl.DataFrame:
    """Permits for children born under the policy since the permit system began."""
    p, cov = t.pop.people, t.profile.coverage
    kid = birth_facts(t)["child"].to_numpy()
    rule = p.birth_rule[kid]
    lawful = (rule > 0) & (rule < len(fertility.RULES) - 1) & (p.natal[kid] >= 0)
    pick = lawful & (p.birth[kid] >= day(cov.permit_from)) & (rng.random(kid.size) < cov.permit)
    k = kid[pick]
    issued = p.birth[k] - rng.integers(200, 320, k.size)
    return pl.DataFrame({
        "type": np.full(k.size, "birth_service"),
        "certificate_no": np.char.add("SY", digits(k, 9)), "union": p.natal[k],
        "child_order": t.couple_order[k], "order_all": t.order_all[k], "child": k,
        "kind": np.full(k.size, "birth"),
        "rule": np.array(fertility.RULES)[rule[pick]], "issued_on": issued,
        "revoked_on": np.full(k.size, NEVER)})


def _expected_unused(t: Truth) -> int:
    """Unused permits of the couples whose husband is in the part: a share of the permits
    for their born children (counted by husband, as unused permits are)."""
    p, cov = t.pop.people, t.profile.coverage
    kids = np.flatnonzero((p.father >= 0) & (p.birth >= day(cov.permit_from)))
    kids = kids[t.owns(p.father[kids])]
    rule = p.birth_rule[kids]
    lawful = int(((rule > 0) & (rule < len(fertility.RULES) - 1)).sum())
    return int(round(lawful * cov.permit * cov.permit_unused))


def _unused_permits(t: Truth, rng: np.random.Generator, n: int) -> pl.DataFrame:
    """About ``n`` permits for a next child that was never born, where the rules in force
    allowed the couple one."""
    u, p, prof = t.pop.unions, t.pop.people, t.profile
    cov = prof.coverage
    mine = np.flatnonzero(t.owns(u.husband))
    lo = np.maximum(u.start[mine], day(cov.permit_from))
    hi = np.minimum.reduce([u.end[mine], p.death[u.wife[mine]], p.death[u.husband[mine]],
                            p.birth[u.wife[mine]] + int(45 * YEAR), np.full(mine.size,
                                                                              day(prof.as_of))])
    open_ = mine[lo < hi]
    # Three candidates per permit wanted: the rules refuse many (a second child in the
    # one-child era); the first n the rules allow are kept.
    pick = np.sort(rng.choice(open_, size=min(3 * n, open_.size), replace=False))
    lo_p = np.maximum(u.start[pick], day(cov.permit_from))
    hi_p = np.minimum.reduce([u.end[pick], p.death[u.wife[pick]], p.death[u.husband[pick]],
                              p.birth[u.wife[pick]] + int(45 * YEAR),
                              np.full(pick.size, day(prof.as_of))])
    issued = lo_p + (rng.random(pick.size) * np.maximum(hi_p - lo_p, 1)).astype(np.int64)
    born, girls, disabled = population.children_before(t.pop, pick, issued)
    clauses = fertility._clauses(issued, population.couples(t.pop, pick, prof), girls,
                                 disabled)
    rule = fertility.rule_of(born, clauses)
    ok = np.flatnonzero(rule < len(fertility.RULES) - 1)
    ok = np.sort(rng.permutation(ok)[:n])
    pick, issued, born, rule = pick[ok], issued[ok], born[ok], rule[ok]
    lapse = issued + ((0.5 + rng.random(pick.size)) * YEAR).astype(np.int64)
    lapse = np.minimum(lapse, u.end[pick])
    revoked = np.where((rng.random(pick.size) < cov.permit_unused_revoked)
                       & (lapse <= day(prof.as_of)), lapse, NEVER)
    return pl.DataFrame({
        "type": np.full(pick.size, "birth_service"),
        "certificate_no": np.char.add("SN", digits(pick * 10 + np.minimum(born, 9), 9)),
        "union": pick, "child_order": born + 1, "order_all": np.full(pick.size, -1),
        "child": np.full(pick.size, -1), "kind": np.full(pick.size, "unused"),
        "rule": np.array(fertility.RULES)[rule], "issued_on": issued, "revoked_on": revoked})


def _duplicates(t: Truth, rng: np.random.Generator, permits: pl.DataFrame) -> pl.DataFrame:
    """Second permits issued in error for the same couple and child."""
    cov = t.profile.coverage
    dup = permits.filter(pl.Series(rng.random(permits.height) < cov.permit_duplicate))
    n = dup.height
    issued = dup["issued_on"].to_numpy() + rng.integers(10, 400, n)
    found = issued + rng.integers(30, 700, n)
    revoked = np.where((rng.random(n) < cov.permit_duplicate_revoked)
                       & (found <= day(t.profile.as_of)), found, NEVER)
    return dup.with_columns(
        pl.lit("SZ").add(pl.col("certificate_no").str.slice(2)).alias("certificate_no"),
        pl.lit("duplicate").alias("kind"), pl.lit("duplicate").alias("rule"),
        pl.Series("issued_on", issued), pl.Series("revoked_on", revoked)).filter(
        pl.col("issued_on") <= day(t.profile.as_of))


def _glory(t: Truth, rng: np.random.Generator) -> pl.DataFrame:
    """One-child glory certificates of couples whose first child was born 1980-2015,
    revoked when a second child came."""
    p, cov = t.pop.people, t.profile.coverage
    f = birth_facts(t)
    kid, order = f["child"].to_numpy(), f["birth_order"].to_numpy()
    first = (order == 1) & (p.birth[kid] >= day(GLORY_FROM)) & (p.birth[kid] < day(GLORY_TO))
    first &= p.natal[kid] >= 0
    g = kid[first & (rng.random(kid.size) < cov.glory)]
    issued = p.birth[g] + ((0.5 + rng.random(g.size) * 2.5) * YEAR).astype(np.int64)
    second = _second_births(t, p.mother[g])
    revoked = np.where(second > issued, second, NEVER)
    ok = issued <= day(t.profile.as_of)
    return pl.DataFrame({"type": np.full(int(ok.sum()), "one_child_glory"),
                         "certificate_no": np.char.add("DZ", digits(g[ok], 9)),
                         "union": p.natal[g][ok], "issued_on": issued[ok],
                         "revoked_on": revoked[ok]})


def _second_births(t: Truth, mothers: Ints) -> Ints:
    """Birth date of each mother's second child, NEVER if she has none."""
    p = t.pop.people
    kids = np.flatnonzero(t.birth_order == 2)
    second = np.full(len(p), NEVER, dtype=np.int64)
    second[p.mother[kids]] = p.birth[kids]
    return np.asarray(second[mothers])


def disability(t: Truth, rng: np.random.Generator) -> list[pl.DataFrame]:
    """Disability certificates of people certified since the federation's register began."""
    p, cov = t.pop.people, t.profile.coverage
    k = np.arange(*t.span, dtype=np.int64)
    cert = np.maximum(p.disabled_on[k], day(cov.disability_from)) + (
        rng.random(k.size) * 2 * YEAR).astype(np.int64)
    ok = (cert < p.death[k]) & (cert <= day(t.profile.as_of)) & (p.disabled_on[k] < NEVER)
    pick = ok & (rng.random(k.size) < cov.disability_certified)
    keys, cert = k[pick], cert[pick]
    frame = pl.DataFrame({
        **who(t, keys, "", "person"), "sex": p.sex[keys].astype(str),
        "birth_date": p.birth[keys], "certified_on": cert,
        "revoked_on": np.where(p.death[keys] <= day(t.profile.as_of), p.death[keys], NEVER),
        "category": rng.choice(CATEGORIES, size=keys.size, p=CATEGORY_P),
        "grade": rng.integers(1, 5, keys.size).astype(str)})
    cols = ["id_number", "name", "sex", "birth_date", "certified_on", "revoked_on",
            "category", "grade", "@person"]
    return [with_ids(frame.select(cols), "disability", "disabled_persons_federation")]
