"""Birth-permit eligibility cases written from the policy text (domain.md, birth-policy eras).

Each :class:`Case` is a couple's facts, an application date and the outcome the law
gives, with the basis in words.  The builders make facts concisely; the same cases
can be loaded into Neo4j (persons ``husband``/``wife``/``child-N``, evidence refs as
record ids) and asserted against the graph.  All data is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from queries.eligibility.evaluator import (
    ChildFacts,
    CoupleFacts,
    HukouType,
    MarriageFacts,
    Outcome,
    Parentage,
    PermitKind,
    SpouseFacts,
)

ELIGIBLE, INELIGIBLE, REVIEW = Outcome.ELIGIBLE, Outcome.INELIGIBLE, Outcome.NEEDS_REVIEW
PERMIT, REGISTRATION = PermitKind.BIRTH_SERVICE, PermitKind.REGISTRATION
LI, HAN, ZHUANG = "19", "01", "08"
BOY, GIRL = "1", "2"


def spouse(sex: str, *, only_child: bool | None = False, hukou: str | None = "non_agricultural",
           ethnicity: str | None = HAN, prior_marriages: int = 0,
           widowed: bool = False) -> SpouseFacts:
    """A spouse: urban Han, not an only child, first marriage, unless told otherwise."""
    pid = "husband" if sex == BOY else "wife"
    return SpouseFacts(pid=pid, sex=sex, birth_date=date(1975, 1, 1), ethnicity=ethnicity,
                       hukou_type=HukouType(hukou) if hukou else None, only_child=only_child,
                       prior_marriages=prior_marriages, widowed=widowed,
                       evidence=(f"household:{pid}",))


def husband(**kw: Any) -> SpouseFacts:
    """A husband (see :func:`spouse`)."""
    return spouse(BOY, **kw)


def wife(**kw: Any) -> SpouseFacts:
    """A wife (see :func:`spouse`)."""
    return spouse(GIRL, **kw)


def child(born: str, sex: str = BOY, parents: str = "shared", *, alive: bool | None = True,
          adopted: bool = False, disabled: bool | None = False, with_former: bool | None = None,
          delivery: str | None = None) -> ChildFacts:
    """A child; ``couple`` gives it its id and evidence refs."""
    return ChildFacts(pid="", birth_date=date.fromisoformat(born), sex=sex,
                      parents=Parentage(parents), with_former_spouse=with_former, adopted=adopted,
                      alive=alive, disabled_certified=disabled, plurality_group=delivery)


def twins(born: str, *sexes: str) -> tuple[ChildFacts, ...]:
    """Shared children of one delivery."""
    return tuple(child(born, sex, delivery=f"delivery-{born}") for sex in sexes)


def _numbered(children: tuple[ChildFacts, ...]) -> tuple[ChildFacts, ...]:
    out = []
    for i, c in enumerate(children, start=1):
        refs = (f"birth:child-{i}",) + ((f"disability:child-{i}",) if c.disabled_certified else ())
        out.append(replace(c, pid=f"child-{i}", evidence=refs))
    return tuple(out)


def couple(*children: ChildFacts, h: SpouseFacts | None = None, w: SpouseFacts | None = None,
           married: str = "2000-01-01", remarried: str = "", fuhun: bool = False,
           conflicting: bool = False, infertile_then_adopted: bool = False,
           pledged: bool = False, no_husband: bool = False,
           no_marriage: bool = False) -> CoupleFacts:
    """A couple; ``remarried`` is "", "husband", "wife" or "both"."""
    marriage = MarriageFacts(
        registered_on=date.fromisoformat(married),
        husband_remarriage=remarried in ("husband", "both"),
        wife_remarriage=remarried in ("wife", "both"), fuhun=fuhun,
        conflicting_records=conflicting, evidence=("marriage:couple",))
    return CoupleFacts(
        husband=None if no_husband else (h or husband()), wife=w or wife(),
        marriage=None if no_marriage else marriage, children=_numbered(children),
        infertile_then_adopted=infertile_then_adopted, pledged_one_child=pledged,
        pledge_evidence=("certificate:glory",) if pledged else ())


@dataclass(frozen=True)
class Case:
    """A couple, an application date, and what the law says."""

    name: str
    facts: CoupleFacts
    as_of: date
    outcome: Outcome
    child_order: int | None
    rule_id: str | None = None
    permit_kind: PermitKind | None = None
    basis: str = ""


def case(name: str, facts: CoupleFacts, as_of: str, outcome: Outcome, order: int | None,
         rule_id: str | None = None, kind: PermitKind | None = None, basis: str = "") -> Case:
    """A :class:`Case`, dates as ISO text."""
    return Case(name, facts, date.fromisoformat(as_of), outcome, order, rule_id, kind, basis)


ERA2003, ERA2017 = "2008-06-01", "2017-06-01"
REMARRIED_H = husband(prior_marriages=1)
REMARRIED_W = wife(prior_marriages=1)
H_OWN = child("1998-05-01", parents="husband_only", with_former=True)
W_OWN = child("1999-05-01", GIRL, parents="wife_only", with_former=True)
AGRI = {"hukou": "agricultural"}


def _cases_2003() -> list[Case]:
    urban_one = "2003: urban couples one child"
    return [
        case("first_marriage_no_child_2003", couple(), ERA2003, ELIGIBLE, 1,
             "HN2003-URBAN-ONE-CHILD", PERMIT, urban_one),
        case("urban_one_child_2003", couple(child("2002-03-01")), ERA2003, INELIGIBLE, 2,
             basis=urban_one + ", no second-child condition met"),
        case("urban_two_children_2003", couple(child("2001-03-01"), child("2004-03-01")),
             ERA2003, INELIGIBLE, 3, basis=urban_one),
        case("remarried_husband_one_child_wife_none_2003",
             couple(H_OWN, h=REMARRIED_H, remarried="husband", married="2005-01-01"),
             ERA2003, ELIGIBLE, 2, "HN2003-REMARRIED-ONE-AND-NONE", PERMIT,
             "2003: remarriage, one spouse one child, the other none"),
        case("remarried_one_and_none_already_one_together_2003",
             couple(H_OWN, child("2006-01-01"), h=REMARRIED_H, remarried="husband",
                    married="2005-01-01"),
             ERA2003, INELIGIBLE, 3, basis="2003: the remarriage allowance is one child together"),
        case("remarried_each_one_child_with_former_spouses_2003",
             couple(H_OWN, W_OWN, h=REMARRIED_H, w=REMARRIED_W, remarried="both",
                    married="2005-01-01"),
             ERA2003, ELIGIBLE, 3, "HN2003-REMARRIED-EACH-ONE-WITH-FORMER-SPOUSE", PERMIT,
             "2003: each had one child who stayed with the former spouse, none together"),
        case("remarried_each_one_child_one_lives_with_couple_2003",
             couple(H_OWN, replace(W_OWN, with_former_spouse=False), h=REMARRIED_H,
                    w=REMARRIED_W, remarried="both", married="2005-01-01"),
             ERA2003, INELIGIBLE, 3, basis="2003: the custody condition fails"),
        case("remarried_each_one_child_custody_unknown_2003",
             couple(H_OWN, replace(W_OWN, with_former_spouse=None), h=REMARRIED_H,
                    w=REMARRIED_W, remarried="both", married="2005-01-01"),
             ERA2003, REVIEW, 3, basis="custody decides and is unknown"),
        case("disabled_first_child_2003", couple(child("2002-03-01", disabled=True)), ERA2003,
             ELIGIBLE, 2, "HN2003-DISABLED-FIRST-CHILD", PERMIT,
             "2003: second child when the first is certified disabled"),
        case("both_only_children_one_child_2003",
             couple(child("2002-03-01"), h=husband(only_child=True), w=wife(only_child=True)),
             ERA2003, ELIGIBLE, 2, "HN2003-BOTH-ONLY-CHILDREN", PERMIT, "2003: 双独"),
        case("one_only_child_one_child_2003",
             couple(child("2002-03-01"), h=husband(only_child=True)), ERA2003, INELIGIBLE, 2,
             basis="2003: 双独 needs both spouses only children"),
        case("only_child_unknown_other_not_only_child_2003",
             couple(child("2002-03-01"), h=husband(only_child=None)), ERA2003, INELIGIBLE, 2,
             basis="2003: 双独 fails on the wife whatever the husband is"),
        case("only_child_unknown_no_child_yet_2003",
             couple(h=husband(only_child=None)), ERA2003, ELIGIBLE, 1,
             "HN2003-URBAN-ONE-CHILD", PERMIT, "2003: the first child needs no condition"),
        case("infertile_couple_adopted_then_conceived_2003",
             couple(child("2003-01-01", adopted=True), infertile_then_adopted=True), ERA2003,
             ELIGIBLE, 2, "HN2003-INFERTILE-ADOPTED-CONCEIVED", PERMIT,
             "2003: infertile couple who adopted and then conceived"),
        case("adopted_child_counts_2003", couple(child("2003-01-01", adopted=True)), ERA2003,
             INELIGIBLE, 2, basis="an adopted child is a child in law and counts"),
        case("widowed_husband_one_child_wife_none_2003",
             couple(replace(H_OWN, with_former_spouse=False),
                    h=husband(prior_marriages=1, widowed=True), remarried="husband",
                    married="2005-01-01"),
             ERA2003, ELIGIBLE, 2, "HN2003-REMARRIED-ONE-AND-NONE", PERMIT,
             "2003: remarriage with one child on one side (widowhood or divorce alike)"),
        case("widowed_husband_one_child_wife_one_child_at_home_2003",
             couple(replace(H_OWN, with_former_spouse=False),
                    replace(W_OWN, with_former_spouse=False),
                    h=husband(prior_marriages=1, widowed=True), w=REMARRIED_W, remarried="both",
                    married="2005-01-01"),
             ERA2003, REVIEW, 3, basis="2003: the widowhood condition is silent on the other "
                                      "spouse's child"),
    ]


def _cases_minorities_rural() -> list[Case]:
    li_w = wife(ethnicity=LI)
    minority = "2003: minority under 10 million: two children, a third if both are girls"
    return [
        case("li_wife_han_husband_second_child_2003", couple(child("2002-03-01"), w=li_w),
             ERA2003, ELIGIBLE, 2, "HN2003-MINORITY-TWO-CHILDREN", PERMIT, minority),
        case("li_couple_third_child_after_two_girls_2003",
             couple(child("2001-03-01", GIRL), child("2004-03-01", GIRL),
                    h=husband(ethnicity=LI), w=li_w),
             ERA2003, ELIGIBLE, 3, "HN2003-MINORITY-THIRD-AFTER-TWO-GIRLS", PERMIT, minority),
        case("li_couple_third_child_after_boy_and_girl_2003",
             couple(child("2001-03-01", BOY), child("2004-03-01", GIRL),
                    h=husband(ethnicity=LI), w=li_w),
             ERA2003, INELIGIBLE, 3, basis=minority),
        case("li_couple_fourth_child_after_three_girls_2003",
             couple(child("2001-03-01", GIRL), child("2003-03-01", GIRL),
                    child("2005-03-01", GIRL), h=husband(ethnicity=LI), w=li_w),
             ERA2003, INELIGIBLE, 4, basis=minority),
        case("li_couple_twin_girls_third_child_2003",
             couple(*twins("2002-03-01", GIRL, GIRL), h=husband(ethnicity=LI), w=li_w),
             ERA2003, ELIGIBLE, 3, "HN2003-MINORITY-THIRD-AFTER-TWO-GIRLS", PERMIT,
             "twin girls are two children, both girls"),
        case("zhuang_couple_second_child_2003",
             couple(child("2002-03-01"), h=husband(ethnicity=ZHUANG),
                    w=wife(ethnicity=ZHUANG)),
             ERA2003, INELIGIBLE, 2, basis="壮 is over 10 million: urban one-child rule"),
        case("rural_couple_second_child_2003",
             couple(child("2002-03-01"), h=husband(**AGRI), w=wife(**AGRI)), ERA2003,
             ELIGIBLE, 2, "HN2003-RURAL-SECOND-CHILD", PERMIT,
             "2003: rural couples may apply for a second child"),
        case("rural_couple_third_child_2010",
             couple(child("2001-03-01"), child("2004-03-01"), h=husband(**AGRI),
                    w=wife(**AGRI)),
             "2010-06-01", INELIGIBLE, 3, basis="2003: rural couples: a second child only"),
        case("mixed_hukou_couple_second_child_2003",
             couple(child("2002-03-01"), h=husband(**AGRI)), ERA2003, REVIEW, 2,
             basis="a one-rural-spouse couple is not settled by the text"),
        case("hukou_unknown_rural_wife_second_child_2003",
             couple(child("2002-03-01"), h=husband(hukou=None), w=wife(**AGRI)), ERA2003,
             REVIEW, 2, basis="the husband's hukou decides and is unknown"),
    ]


def _cases_counting() -> list[Case]:
    return [
        case("deceased_only_child_2010", couple(child("2002-03-01", alive=False)),
             "2010-06-01", REVIEW, None,
             basis="the 2003 text does not say whether a deceased child counts"),
        case("deceased_one_of_two_urban_2010",
             couple(child("2001-03-01", alive=False), child("2004-03-01")), "2010-06-01",
             INELIGIBLE, None, basis="urban one child: ineligible whether or not it counts"),
        case("deceased_one_of_two_2017",
             couple(child("2001-03-01", alive=False), child("2004-03-01")), ERA2017, ELIGIBLE,
             2, "HN2016-TWO-CHILDREN", REGISTRATION, "2016: the couple plans anew"),
        case("twins_first_delivery_urban_2010", couple(*twins("2002-03-01", BOY, GIRL)),
             "2010-06-01", INELIGIBLE, 3, basis="twins are two children"),
        case("twins_first_delivery_2017", couple(*twins("2012-03-01", BOY, BOY)), ERA2017,
             INELIGIBLE, 3, basis="2016: two children; twins are two"),
        case("child_born_after_application_not_counted_2008", couple(child("2009-03-01")),
             ERA2003, ELIGIBLE, 1, "HN2003-URBAN-ONE-CHILD", PERMIT,
             "facts as of the application date"),
    ]


FUHUN_H = husband(prior_marriages=2)
FUHUN_W = wife(prior_marriages=1)
BETWEEN = child("2003-05-01", parents="husband_only", with_former=True)


def _cases_fuhun() -> list[Case]:
    return [
        case("fuhun_not_remarriage_one_side_child_2003",
             couple(BETWEEN, h=FUHUN_H, w=FUHUN_W, remarried="both", fuhun=True,
                    married="2005-01-01"),
             ERA2003, INELIGIBLE, 2, basis="复婚 is not a remarriage: urban one child"),
        case("fuhun_not_remarriage_one_side_one_together_2017",
             couple(child("1996-03-01"), BETWEEN, h=FUHUN_H, w=FUHUN_W, remarried="both",
                    fuhun=True, married="2005-01-01"),
             ERA2017, INELIGIBLE, 3, basis="2016: remarriage excludes 复婚"),
        case("remarried_one_and_none_one_together_2017",
             couple(H_OWN, child("2006-03-01"), h=REMARRIED_H, remarried="husband",
                    married="2005-01-01"),
             ERA2017, ELIGIBLE, 3, "HN2016-REMARRIED-ONE-AND-NONE-ONE-TOGETHER", PERMIT,
             "2016: one had one, other none, one together"),
    ]


def _cases_2016() -> list[Case]:
    return [
        case("first_child_2017", couple(), ERA2017, ELIGIBLE, 1, "HN2016-TWO-CHILDREN",
             REGISTRATION, "2016: two children, registration"),
        case("second_child_2017", couple(child("2012-03-01")), ERA2017, ELIGIBLE, 2,
             "HN2016-TWO-CHILDREN", REGISTRATION, "2016: two children, registration"),
        case("two_children_2017", couple(child("2010-03-01"), child("2013-03-01")), ERA2017,
             INELIGIBLE, 3, basis="2016: two children"),
        case("remarried_two_and_none_2017",
             couple(H_OWN, replace(H_OWN, birth_date=date(2000, 5, 1)), h=REMARRIED_H,
                    remarried="husband", married="2005-01-01"),
             ERA2017, ELIGIBLE, 3, "HN2016-REMARRIED-TWO-AND-NONE", PERMIT,
             "2016: one had two, other none"),
        case("remarried_two_and_one_none_together_2017",
             couple(H_OWN, replace(H_OWN, birth_date=date(2000, 5, 1)), W_OWN, h=REMARRIED_H,
                    w=REMARRIED_W, remarried="both", married="2005-01-01"),
             ERA2017, ELIGIBLE, 4, "HN2016-REMARRIED-EACH-AT-MOST-TWO", PERMIT,
             "2016: each at most two, none together"),
        case("disabled_one_of_two_2017",
             couple(child("2010-03-01"), child("2013-03-01", disabled=True)), ERA2017,
             ELIGIBLE, 3, "HN2016-DISABLED-ONE-OF-TWO", PERMIT,
             "2016: one of two children certified disabled"),
        case("only_child_unknown_irrelevant_2017",
             couple(child("2012-03-01"), h=husband(only_child=None)), ERA2017, ELIGIBLE, 2,
             "HN2016-TWO-CHILDREN", REGISTRATION, "2016: only-child status no longer matters"),
    ]


ONLY_H = husband(only_child=True)
REMARRIED_ONE_TOGETHER = couple(H_OWN, child("2006-03-01"), h=REMARRIED_H, remarried="husband",
                                married="2005-01-01")
LI_TWO_GIRLS = couple(child("2010-03-01", GIRL), child("2013-03-01", GIRL),
                      h=husband(ethnicity=LI), w=wife(ethnicity=LI))


def _cases_boundaries() -> list[Case]:
    two = couple(child("2010-03-01"), child("2013-03-01"))
    return [
        case("first_child_day_before_2003_regulation", couple(), "2003-10-21", REVIEW, None,
             basis="no rule text held before 2003-10-22"),
        case("first_child_day_of_2003_regulation", couple(), "2003-10-22", ELIGIBLE, 1,
             "HN2003-URBAN-ONE-CHILD", PERMIT, "2003 regulation in force"),
        case("one_only_child_day_before_2014_amendment",
             couple(child("2010-03-01"), h=ONLY_H), "2014-05-29", INELIGIBLE, 2,
             basis="2003: 双独 only"),
        case("one_only_child_day_of_2014_amendment", couple(child("2010-03-01"), h=ONLY_H),
             "2014-05-30", ELIGIBLE, 2, "HN2014-ONE-OR-BOTH-ONLY-CHILDREN", PERMIT, "单独二孩"),
        case("only_child_unknown_after_2014_amendment",
             couple(child("2010-03-01"), h=husband(only_child=None)), "2015-01-01", REVIEW, 2,
             basis="单独二孩: the unknown status decides"),
        case("second_child_day_before_two_child_law", couple(child("2010-03-01")),
             "2015-12-31", INELIGIBLE, 2, basis="urban one child"),
        case("second_child_day_of_two_child_law", couple(child("2010-03-01")), "2016-01-01",
             ELIGIBLE, 2, "CN2016-TWO-CHILDREN", REGISTRATION, "national two-child law"),
        case("remarried_one_together_day_before_hainan_2016", REMARRIED_ONE_TOGETHER,
             "2016-03-30", INELIGIBLE, 3, basis="before Hainan's amendment: two children"),
        case("remarried_one_together_day_of_hainan_2016", REMARRIED_ONE_TOGETHER, "2016-03-31",
             ELIGIBLE, 3, "HN2016-REMARRIED-ONE-AND-NONE-ONE-TOGETHER", PERMIT,
             "Hainan 2016 amendment"),
        case("li_two_girls_between_law_and_hainan_amendment", LI_TWO_GIRLS, "2016-02-01",
             REVIEW, 3, basis="whether the 2003 minority rule still reaches a third child"),
        case("li_two_girls_under_hainan_2016", LI_TWO_GIRLS, ERA2017, INELIGIBLE, 3,
             basis="the 2016 amendment's extra-child conditions do not name minorities"),
        case("third_child_day_before_2021", two, "2021-08-19", INELIGIBLE, 3,
             basis="2016: two children"),
        case("third_child_day_of_2021_date_unconfirmed", two, "2021-08-20", REVIEW, 3,
             basis="three children, but Hainan's date is unconfirmed and decides"),
        case("first_child_2022_date_unconfirmed_irrelevant", couple(), "2022-06-01", ELIGIBLE,
             1, "HN2021-THREE-CHILDREN", REGISTRATION, "any era allows a first child"),
    ]


def _cases_data() -> list[Case]:
    return [
        case("conflicting_marriage_records", couple(conflicting=True), ERA2017, REVIEW, None,
             basis="data cannot settle the marriage"),
        case("spouse_not_found", couple(no_husband=True), ERA2017, REVIEW, None,
             basis="a spouse is missing"),
        case("no_marriage_record", couple(no_marriage=True), ERA2017, REVIEW, None,
             basis="no marriage record"),
    ]


CASES: tuple[Case, ...] = tuple(
    _cases_2003() + _cases_minorities_rural() + _cases_counting() + _cases_fuhun()
    + _cases_2016() + _cases_boundaries() + _cases_data())
