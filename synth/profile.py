"""The ``hainan`` profile: every rate and table the generator uses, as frozen data.

Nothing here executes; :mod:`synth.generator` runs the stages with these numbers.
Rates marked *assumed* are plausible guesses, kept here so an operator can change
them without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

HAIKOU = ("460105", "460106", "460107", "460108")
SANYA = ("460202", "460203", "460204", "460205")
LI_COUNTIES = ("469001", "469025", "469026", "469027", "469028", "469029", "469030", "469007")
MIAO_COUNTIES = ("469029", "469030")
OUTSIDE_CODES = ("440105", "440882", "430102", "450103", "360102", "510104", "230103", "410105")

#: Share of the province's people per current county code (2015 census, rounded).
COUNTY_WEIGHTS: dict[str, float] = {
    "460105": 0.04, "460106": 0.07, "460107": 0.05, "460108": 0.07,
    "460202": 0.02, "460203": 0.03, "460204": 0.03, "460205": 0.02,
    "460400": 0.10, "469001": 0.012, "469002": 0.055, "469005": 0.06,
    "469006": 0.06, "469007": 0.045, "469021": 0.035, "469022": 0.03,
    "469023": 0.055, "469024": 0.05, "469025": 0.02, "469026": 0.025,
    "469027": 0.05, "469028": 0.035, "469029": 0.017, "469030": 0.022,
}


@dataclass(frozen=True)
class Fertility:
    """Desired family size by the mother's birth decade, before policy limits.

    Hainan's fertility stayed above the national level through the one-child era
    (rural couples allowed two, the Li two or three, and many births over quota):
    these values give women born 1950-1985 about 1.8-2.4 children and crude birth
    rates of about 14 per 1,000 in 2009 and 11-12 in 2012-2015 (Hainan reported
    about 14.6).  Lower values (1.3-1.5 children per woman) had left the 2009-2015
    population too old, with half the province's birth and marriage rates.
    """

    desired_mean: dict[int, float] = field(default_factory=lambda: {
        1900: 5.5, 1920: 5.2, 1930: 5.0, 1940: 4.6, 1950: 4.0, 1960: 3.3,
        1970: 2.8, 1980: 2.3, 1990: 2.0, 2000: 1.8, 2010: 1.7,
    })
    rural_minority_bonus: float = 0.8
    infertile: float = 0.03
    twin_rate: float = 0.011
    over_quota_rural: float = 0.6
    over_quota_urban: float = 0.15
    male_share_policy_era: float = 0.535  # sex ratio at birth ~1.15 in 1990-2015
    male_share_other: float = 0.513
    max_mother_age: float = 45.0
    adoption_rate: float = 0.35  # of infertile couples


@dataclass(frozen=True)
class PolicyEra:
    """Children a couple may have from ``start``; ``None`` means no limit."""

    start: date
    name: str
    urban_han: int | None
    rural_han: int | None
    minority: int | None


POLICY_ERAS: tuple[PolicyEra, ...] = (
    PolicyEra(date(1900, 1, 1), "pre_1980", None, None, None),
    PolicyEra(date(1980, 1, 1), "one_child", 1, 2, 2),
    PolicyEra(date(2016, 1, 1), "two_child", 2, 2, 2),
    PolicyEra(date(2021, 8, 20), "three_child", 3, 3, 3),  # Hainan date unconfirmed
)
DOUBLE_ONLY_CHILD_FROM = date(2003, 10, 22)  # 双独
SINGLE_ONLY_CHILD_FROM = date(2014, 5, 30)  # 单独二孩


@dataclass(frozen=True)
class Marriage:
    """Marriage market and marital careers.

    Candidates look first in the market of their village, the county or the province
    (shares below); whoever stays unmatched moves on to the wider markets, and
    waits one more cohort in the province market.  China's censuses count under
    1 % of women and about 4 % of men never married by their forties.
    """

    marry_share_men: float = 0.95
    marry_share_women: float = 0.98
    village_share: float = 0.8  # look for a spouse first within the village
    cross_county_share: float = 0.1  # first across the province (the rest: the county)
    village_founders: int = 10  # founders of one group in one county per village
    #: Couples share no ancestor this many generations up.  The Civil Code forbids
    #: shared parents and grandparents (2); custom also avoids shared
    #: great-grandparents (second cousins), which local marriage would otherwise
    #: make common.
    kin_generations: int = 3
    age_gap_mean_years: float = 2.5
    age_gap_sd_years: float = 2.5
    new_law_from: date = date(1981, 1, 1)
    legal_age_old: tuple[int, int] = (20, 18)  # husband, wife
    legal_age_new: tuple[int, int] = (22, 20)
    divorce_by_decade: dict[int, float] = field(default_factory=lambda: {
        1900: 0.02, 1970: 0.04, 1980: 0.08, 1990: 0.14, 2000: 0.24, 2010: 0.32,
    })
    remarry_men: float = 0.65
    remarry_women: float = 0.5
    remarry_same_couple: float = 0.07  # 复婚 among divorces


@dataclass(frozen=True)
class Families:
    """Who children live with after a marriage ends, and the step relations remarriage makes.

    Children under :attr:`adult_age` when their parents divorce stay with one of them
    (:attr:`custody_mother`, *assumed*: Chinese courts give infants to the mother and
    mothers get most custody awards; fathers keep more in rural areas, so a little over
    half), and move with that parent into the parent's next household: a one-parent
    household after a divorce, the new spouse's household after a remarriage.  A child
    whose parent dies stays with the other.  A new spouse of the parent the child lives
    with, for at least :attr:`raised_min_years` before the child turns 18, has raised the
    child (形成抚养教育关系: Civil Code art. 1072 gives that step-parent a parent's rights
    and duties); a new spouse of the other parent, or of a parent whose child is already
    grown, is a step-parent by marriage only.
    """

    custody_mother: float = 0.55
    adult_age: float = 18.0
    raised_min_years: float = 1.0
    #: Marriages registered in the wife's household, the husband coded 11 (入赘 / 招婿,
    #: *assumed* a few percent in southern China); the rest in the husband's, the wife
    #: coded 12 or 10.
    wife_head: float = 0.04
    #: First marriages across counties in which the wife keeps her registration in her
    #: parents' household (出嫁女户口不迁: rural women keep their village's land rights);
    #: she lives with her husband, and their children are registered with him.  *Assumed*;
    #: the marriage then shows in no household.
    wife_apart: float = 0.2


@dataclass(frozen=True)
class Ethnicity:
    """GB/T 3304 shares by county group."""

    li_share_li_county: float = 0.55
    li_share_elsewhere: float = 0.015
    miao_share_miao_county: float = 0.06
    miao_share_elsewhere: float = 0.002
    other_share: float = 0.004
    other_codes: tuple[str, ...] = ("08", "03", "02", "07")  # 壮 回 蒙古 彝
    under_ten_million: frozenset[str] = frozenset({"19", "06", "03", "02", "07"})
    #: Share of the children of a Han and a minority parent registered in the minority.
    #: 0.5 keeps the Li near 16 % of the living at the as-of day and 17-19 % of the
    #: births of each decade since 1980 (Hainan: about 15 %); 0.9 had the Li grow to
    #: 26 % of the living and 40 % of the births by the 2020s, because the market
    #: beyond the village marries most Li outside Li villages to Han.
    mixed_child_minority: float = 0.5


@dataclass(frozen=True)
class VillageType:
    """A kind of village: its share of its ethnic group's villages and, per chromosome,
    the chance that a founder's alpha or beta locus carries a thalassemia variant."""

    share: float
    alpha_freq: float
    beta_freq: float


@dataclass(frozen=True)
class Carriers:
    """Founder variant frequencies by ethnic group and village type, and allele spectra.

    ``domain.md``'s rates among people of childbearing age add up only when read as
    exclusive classes (Li: alpha-only 40-46 + beta-only 1.3-2.4 + both 6-7 = 47-55 %;
    Han: 7-10 + 1.3-2.4 + under 1 = 9-13 %).  With the two loci inherited
    independently, a population in which everyone draws from the same frequencies
    has both = alpha x beta (about 4 % for the Li), and beta-only would have to pass
    2.4 % before both reached 6 %.  Real populations get the association from their
    structure: villages with different frequencies that marry mostly among
    themselves.  So Li founders live in two kinds of village (three in ten where
    alpha variants are nearly universal and beta variants common, seven in ten with
    few beta variants), and marriages look first within the village
    (:attr:`Marriage.village_share`); a child belongs to the father's village.
    Half the children of a Li and a Han parent are registered Li
    (:attr:`Ethnicity.mixed_child_minority`), so Han carry Li variants too: Han
    founder frequencies sit below the Han targets.  Fitted on seeds 11-18 at 100 k
    persons, among everyone alive and aged 15-49 on some day since 2011: Li
    alpha-only 42.9 %, beta-only 1.8 %, both 6.6 %, any 51.2 %; Han 8.2 %, 2.0 %,
    0.6 %, 10.8 %.  Villages drift, so single drops spread around these (seed 3:
    Li 41.6 %, 1.2 %, 5.6 %, 48.4 %), and more in small drops, whose thin marriage
    markets also mix villages more.
    """

    villages: dict[str, tuple[VillageType, ...]] = field(default_factory=lambda: {
        "han": (VillageType(1.0, 0.024, 0.01),),
        "li": (VillageType(0.3, 0.88, 0.185), VillageType(0.7, 0.23, 0.004)),
    })
    alpha_alleles: dict[str, dict[str, float]] = field(default_factory=lambda: {
        "han": {"--SEA": 0.55, "-α3.7": 0.25, "-α4.2": 0.08, "αCSα": 0.07, "αWSα": 0.05},
        "li": {"-α3.7": 0.5, "-α4.2": 0.3, "--SEA": 0.1, "αCSα": 0.05, "αWSα": 0.05},
    })
    beta_alleles: dict[str, dict[str, float]] = field(default_factory=lambda: {
        "han": {"βCD41-42": 0.43, "βIVS-II-654": 0.25, "βCD17": 0.15, "β-28": 0.12,
                "βCD26(E)": 0.03, "βCD71-72": 0.02},
        "li": {"βCD41-42": 0.9, "βIVS-II-654": 0.04, "βCD17": 0.03, "β-28": 0.03},
    })


@dataclass(frozen=True)
class Coverage:
    """Which truth a department's feed holds, as shares.

    Set so that a drop's feed sizes land within about 10 % of the 2015 counts
    (``TARGETS_2015``, scaled by persons; see ``bench/results/synth.md``).  The
    drop runs to the profile's as-of day, ten years past those counts, so flows
    such as platform births take less than the platform's real coverage.
    """

    # The digital household register begins here: the export holds every membership that
    # was current on this day or began later (with its true registered_on), and none that
    # had ended before it.  Trajectories are compared with truth from here on.
    household_from: date = date(1990, 1, 1)
    id_numbers_from: date = date(1985, 1, 1)
    civil_marriage_from: date = date(2009, 1, 1)
    civil_marriage: float = 0.98
    self_marriage: float = 0.58
    self_divorce: float = 0.3
    birth_platform_from: date = date(2009, 1, 1)
    birth_platform: float = 0.8
    platform_child_id: float = 0.15
    platform_child_name: float = 0.4
    platform_father: float = 0.7
    self_birth: float = 0.48
    #: Births in a Haikou or Sanya hospital by mothers registered elsewhere (*assumed*:
    #: the two cities hold the province's referral maternity hospitals); the birth row
    #: names the hospital's division, the child is registered at home.
    birth_in_city: float = 0.15
    #: Children registered in the household years after birth (补登户口).  The 2010
    #: census found about 13 million unregistered people (1 % of China), most of them
    #: births over the quota, registered once school needs a hukou; *assumed* three in
    #: ten over-quota births and one in fifty others, 1-8 years late.
    late_registration_over_quota: float = 0.3
    late_registration_other: float = 0.02
    cohabitation_separated: float = 0.8
    cohabitation_other: float = 0.2
    bloodline_per_candidate: float = 0.68
    screening_from: date = date(2011, 1, 1)
    screening_couples: float = 0.4
    genotyped_positive: float = 0.85
    pregnancy_from: date = date(2014, 1, 1)
    pregnancy_platform: float = 0.95
    pregnancy_self: float = 0.6
    pregnancy_lost_per_delivery: float = 0.4  # registered miscarriages and terminations
    permit_from: date = date(2003, 1, 1)
    #: Births under the policy that the permit system holds a permit for: births over
    #: the quota never had one.
    permit: float = 0.13
    #: Permits issued for a child that was never born (the couple changed its plans,
    #: the pregnancy ended, the marriage did), per permit for a born child; most are
    #: revoked (:attr:`permit_unused_revoked`), the rest simply lapse.
    permit_unused: float = 0.12
    permit_unused_revoked: float = 0.7
    #: A second permit the department issued in error for the same couple and child
    #: (re-entered after a move between divisions, or twice by one office), per permit;
    #: half are found and revoked.  *Assumed*; issue 16 reports that automatic issuance
    #: would otherwise grant a couple a permit the department already gave.
    permit_duplicate: float = 0.015
    permit_duplicate_revoked: float = 0.5
    glory: float = 0.1
    disability_from: date = date(1995, 1, 1)
    disability_certified: float = 0.85
    employment_from: date = date(1995, 1, 1)
    employed_urban: float = 0.75
    employed_rural: float = 0.3
    job_mean_years: float = 6.0
    #: A job spell enrolled twice with the same employer (contributions interrupted and
    #: resumed, or re-entered when a county system was merged): two employment rows.
    #: *Assumed*.
    reenrolled: float = 0.15


@dataclass(frozen=True)
class Residence:
    """Moves and 人户分离."""

    pull: dict[str, float] = field(default_factory=lambda: {"haikou": 0.4, "sanya": 0.22})
    household_move_before_1990: float = 0.06
    household_move_after_1990: float = 0.22
    solo_move: float = 0.3
    separated_share: float = 0.14  # 人户分离 among adults 18-45
    emigrated_share: float = 0.01
    urban_nonagri_share: float = 0.65
    rural_nonagri_share: float = 0.15
    hukou_reform: date = date(2016, 1, 1)
    urban_counties: tuple[str, ...] = HAIKOU + SANYA


@dataclass(frozen=True)
class Workplaces:
    """Employers and where people who live away from their household sleep.

    Firm sizes follow a Pareto law with an exponent near 1 (Zipf; Axtell 2001, *Science*
    293:1818, for US firms; China's economic censuses show the same shape): each
    employer draws workers with a Pareto(:attr:`pareto_alpha`) weight, cut at the
    :attr:`pareto_cut` quantile so that a drop of a few thousand people has no single
    employer of half its county.  Most employers then have a handful of workers and a
    few have hundreds.  People living apart from their household
    (人户分离) sleep in their employer's dormitory (:attr:`dormitory`), rent a room from a
    family (:attr:`lodger`, a dwelling shared with non-kin), or share a rented flat with a
    few others (the rest).  *Assumed* shares.
    """

    persons_per_employer: int = 100
    pareto_alpha: float = 1.1
    pareto_cut: float = 0.995
    dormitory: float = 0.35
    lodger: float = 0.25
    flatmates_mean: float = 3.0


@dataclass(frozen=True)
class Condition:
    """A simulated inherited condition (the diagnosis feed's ``condition`` code).

    Attributes:
        code: The conditions table's code.
        column: The genotype column of ``truth/persons.parquet``.
        icd10: ICD-10 code written on diagnosis rows.
        mode: ``x_linked_recessive`` or ``autosomal_recessive``.
        alleles: Variant alleles and their shares among variant chromosomes.
        freq: Per ethnic group (``han``, ``li``), the chance that a founder chromosome
            carries a variant.
        published: Per ethnic group, the published variant frequency among the living
            (what ``freq`` is fitted to; the report compares the two).
        mutation: New variants per transmitted chromosome per generation.
        screened_from: Newborn screening tests it from this date (None: never).
        source: Where the frequencies come from.
    """

    code: str
    column: str
    icd10: str
    mode: str
    alleles: dict[str, float]
    freq: dict[str, float]
    published: dict[str, float]
    mutation: float = 0.0
    screened_from: date | None = None
    source: str = ""


CONDITIONS: tuple[Condition, ...] = (
    # Hainan: 7.45 % G6PD deficient by fluorescent spot test among 5,622 people tested in
    # 11 counties 2009-2011, higher in men and in the Li than in women and the Han (Zeng W
    # et al., Front Public Health 2022;10:1010172); Chengmai (mostly Han), Zinkham assay on
    # 1,299 people: men 6.62 % (43/650), women 4.47 % (29/649); variants c.1376G>T 33 %,
    # c.1388G>A 26 %, c.1024C>T 8 %, c.95A>G 6 %, c.392G>T 6 %, c.871G>A 4 %, unidentified
    # 15 % (Basic & Clinical Medicine 2016;36(9):1222-6).  A man's deficiency rate is the
    # allele frequency; so Han 0.065 and, for the Li, *assumed* 0.10 (the published rate
    # is "significantly higher"; 7.45 % overall with a Li-heavy sample).  Founders get
    # 0.062 and 0.112: mixed marriages move the living towards each other (100 k, seed 1:
    # living men 6.6 % Han, 10.0 % Li).
    Condition("g6pd_deficiency", "g6pd_genotype", "D55.0", "x_linked_recessive",
              {"c.1376G>T": 0.39, "c.1388G>A": 0.31, "c.1024C>T": 0.10, "c.95A>G": 0.07,
               "c.392G>T": 0.07, "c.871G>A": 0.06},
              {"han": 0.062, "li": 0.112}, {"han": 0.065, "li": 0.10},
              screened_from=date(2010, 1, 1),
              source="Zeng 2022 (Front Public Health 10:1010172); Chengmai 2016"),
    # Phenylketonuria: about 1 in 11,000 births in China, far rarer in the south (north
    # Guangdong 2009-2012: 1 in 78,707); *assumed* 1 in 50,000 for Hainan, so q = 1/224.
    # PAH alleles of southern Chinese patients: R243Q the most common.
    Condition("pku", "pku_genotype", "E70.0", "autosomal_recessive",
              {"R243Q": 0.3, "EX6-96A>G": 0.15, "V399V": 0.1, "R241C": 0.1, "Y356X": 0.1,
               "R111X": 0.1, "other": 0.15},
              {"han": 1 / 224, "li": 1 / 224}, {"han": 1 / 224, "li": 1 / 224},
              screened_from=date(2010, 1, 1),
              source="national newborn screening; north Guangdong 2014"),
    # Haemophilia A: about 1 in 5,000 male births in every population (World Federation
    # of Hemophilia); a third of cases are new mutations, so (Haldane) mu = incidence / 3.
    Condition("hemophilia_a", "hemophilia_a_genotype", "D66", "x_linked_recessive",
              {"F8-inv22": 0.45, "F8-other": 0.55}, {"han": 2e-4, "li": 2e-4},
              {"han": 2e-4, "li": 2e-4},
              mutation=6.7e-5, source="WFH; Haldane's rule"),
)


@dataclass(frozen=True)
class Diagnosis:
    """Who appears in the diagnosis feed, and how tests read.

    Newborn screening became routine under the health ministry's 新生儿疾病筛查管理办法
    (2009-06-01); coverage rose from :attr:`screen_coverage_start` in the first year to
    :attr:`screen_coverage_full` by :attr:`screen_full_from` (Huizhou went from 20 % in
    2003 to nearly all births).  G6PD is screened by fluorescent spot test, which finds
    hemizygous boys and homozygous girls (:attr:`fst_sensitivity`) and a few
    heterozygous girls (:attr:`fst_heterozygote`: Fujian 2010-2021 found 1.51 % of boys
    and 0.28 % of girls deficient, i.e. about one heterozygous girl in ten), with false
    positives (:attr:`fst_false_positive`); positives are recalled
    (:attr:`recall`: Huizhou 87 %) for an enzyme-ratio test, which finds about a third of
    heterozygous women deficient (Chengmai: 4.47 % of women at q = 0.066), and some for
    genotyping, which tells carriers.  Hospitals diagnose affected people seen for
    haemolysis or bleeding (:attr:`hospital_affected`), and test relatives of an
    affected child (:attr:`hospital_relatives`).
    """

    screen_coverage_start: float = 0.3
    screen_coverage_full: float = 0.97
    screen_full_from: date = date(2016, 1, 1)
    fst_sensitivity: float = 0.98
    fst_heterozygote: float = 0.1
    fst_false_positive: float = 0.01
    recall: float = 0.87
    enzyme_heterozygote: float = 0.33
    genotyped: float = 0.3
    hospital_affected: float = 0.2
    hospital_relatives: float = 0.5
    newborn_named: float = 0.1
    newborn_mother_given: float = 0.9


@dataclass(frozen=True)
class NoiseRates:
    """Per-cell (or per-row) rates of each noise kind at one level.

    The hard cases of issue 16 (:mod:`synth.hard_cases`), ``standard`` / ``harsh``:

    - ``relative_id_unusable`` 0.15 / 0.30 of the relatives named on bloodline rows
      (spouses aside): the survey asks the living about their relatives, and the
      respondent holds only the household booklet.  Self-collected data are gappy: the
      seed's 1.30 M self-collected marriage rows cover about six in ten of the older
      marriages (``Coverage.self_marriage``) against 0.98 for civil affairs.  The rate is
      *assumed*, then checked: with these rates today's engine loses recall on our own
      drops about as much as issue 16 saw on an independent province, where this class
      was most of the loss (``bench/results/ingest.md``).
    - ``cohabitant_id_unusable`` 0.15 / 0.30 of self-collected residence rows at home (the
      same argument; public security's registrations ask for the card and are spared).
    - ``employment_id_unusable`` 0.05 / 0.10 of second enrolments with one employer (typed
      again by hand; social insurance otherwise reads the card).
    - ``newborn_date_off`` 0.03 / 0.08, ``newborn_renamed`` 0.05 / 0.12 and
      ``newborn_mother_id_unusable`` 0.03 / 0.08 of birth-platform rows: *assumed*
      (births near midnight, certificates written at discharge, names changed before the
      registration a month later); newborns are 1.02 M of the seed's 3.27 M birth rows.
    - ``name_homophone`` 0.01 / 0.04 of name cells, now strictly a homophone: 2.25 M of the
      seed's 3.27 M birth rows, 1.30 M of 2.30 M marriage rows and all 20.6 M bloodline rows
      are self-collected, names dictated to a clerk.
    """

    name_homophone: float = 0.0
    name_traditional: float = 0.0
    name_space: float = 0.0
    name_rare_char: float = 0.0
    newborn_placeholder: float = 0.0
    id_legacy15: float = 0.0
    id_check_typo: float = 0.0
    id_transposed: float = 0.0
    id_zero_placeholder: float = 0.0
    id_lowercase_x: float = 0.0
    id_mother_in_child: float = 0.0
    id_other_relative: float = 0.0
    id_swapped: float = 0.0
    date_compact: float = 0.0
    date_slash: float = 0.0
    duplicate_within: float = 0.0
    duplicate_across: float = 0.0
    birth_date_conflict: float = 0.0
    father_missing: float = 0.0
    relative_id_unusable: float = 0.0
    cohabitant_id_unusable: float = 0.0
    employment_id_unusable: float = 0.0
    newborn_date_off: float = 0.0
    newborn_renamed: float = 0.0
    newborn_mother_id_unusable: float = 0.0
    gb18030_files: int = 0


NOISE_LEVELS: dict[str, NoiseRates] = {
    "clean": NoiseRates(),
    "standard": NoiseRates(
        name_homophone=0.01, name_traditional=0.005, name_space=0.01, name_rare_char=0.002,
        newborn_placeholder=0.3, id_legacy15=0.01, id_check_typo=0.004, id_transposed=0.002,
        id_zero_placeholder=0.003, id_lowercase_x=0.3, id_mother_in_child=0.003,
        id_other_relative=0.003, id_swapped=0.003, date_compact=0.02, date_slash=0.02,
        duplicate_within=0.005, duplicate_across=0.05, birth_date_conflict=0.01,
        father_missing=0.05, relative_id_unusable=0.15, cohabitant_id_unusable=0.15,
        employment_id_unusable=0.05, newborn_date_off=0.03, newborn_renamed=0.05,
        newborn_mother_id_unusable=0.03, gb18030_files=3,
    ),
    "harsh": NoiseRates(
        name_homophone=0.04, name_traditional=0.02, name_space=0.04, name_rare_char=0.01,
        newborn_placeholder=0.6, id_legacy15=0.04, id_check_typo=0.015, id_transposed=0.008,
        id_zero_placeholder=0.01, id_lowercase_x=0.6, id_mother_in_child=0.01,
        id_other_relative=0.01, id_swapped=0.01, date_compact=0.08, date_slash=0.08,
        duplicate_within=0.02, duplicate_across=0.15, birth_date_conflict=0.04,
        father_missing=0.15, relative_id_unusable=0.3, cohabitant_id_unusable=0.3,
        employment_id_unusable=0.1, newborn_date_off=0.08, newborn_renamed=0.12,
        newborn_mother_id_unusable=0.08, gb18030_files=6,
    ),
}

#: 2015 counts the province reported, for 9 million persons.
TARGETS_2015: dict[str, float] = {
    "households": 2.55e6, "cohabitation": 2.76e6, "bloodline": 20.6e6,
    "marriage": 2.30e6, "marriage_civil": 1.00e6, "marriage_self": 1.30e6,
    "birth": 3.27e6, "birth_platform": 1.02e6, "birth_self": 2.25e6,
    "pregnancy": 1.04e6, "certificate": 0.36e6,
}
TARGET_POPULATION = 9_000_000
#: The day the 2015 stocks are counted on (households: those with a member that day).
TARGET_DAY = date(2015, 12, 31)


@dataclass(frozen=True)
class Profile:
    """Everything the generator needs to know about a province."""

    name: str
    as_of: date
    founders_from: int
    founders_to: int
    founder_share: float
    county_weights: dict[str, float]
    fertility: Fertility = Fertility()
    marriage: Marriage = Marriage()
    ethnicity: Ethnicity = Ethnicity()
    carriers: Carriers = Carriers()
    coverage: Coverage = Coverage()
    residence: Residence = Residence()
    families: Families = Families()
    workplaces: Workplaces = Workplaces()
    diagnosis: Diagnosis = Diagnosis()
    conditions: tuple[Condition, ...] = CONDITIONS
    pregnancy_counties: tuple[str, ...] = HAIKOU + SANYA + ("460400", "469002", "469005",
                                                           "469023", "469028")


HAINAN = Profile(
    name="hainan", as_of=date(2025, 6, 30), founders_from=1920, founders_to=1955,
    founder_share=0.30, county_weights=COUNTY_WEIGHTS,
)
PROFILES: dict[str, Profile] = {"hainan": HAINAN}
