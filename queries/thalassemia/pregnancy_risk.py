"""Couple risk per pregnancy, by Mendel's gamete combinations.

Each parent passes one of its two alleles (haplotypes for α) with probability ½,
independently; α and β lie on different chromosomes and segregate apart. A child
genotype whose class pair appears in the table's severe outcomes is a risk: α⁰/α⁰
Hb Bart's hydrops fetalis, α⁰/α⁺ HbH disease, β/β β-thalassemia major or
intermedia. Where a partner was not genotyped, every genotype their conclusion
leaves possible is tried; the couple is certain to be at risk only if all are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import product

from queries.thalassemia.genotypes import ClassPair, Gene, Genotype, Outcome, genotype_of
from queries.thalassemia.screening import Screening

QUARTER = Fraction(1, 4)


class CoupleClass(StrEnum):
    """Which list an officer puts the couple on."""

    PRENATAL_DIAGNOSIS = "prenatal_diagnosis"  # every possibility carries a severe risk
    GENOTYPING = "genotyping"  # both screened positive; genotypes decide whether at risk
    PARTNER_SCREENING = "partner_screening"  # one carrier, the other unscreened
    NONE = "none"


@dataclass(frozen=True)
class Child:
    """One child genotype of a couple with its probability per pregnancy."""

    genotype: Genotype
    probability: Fraction
    outcome: Outcome | None


@dataclass(frozen=True)
class Risk:
    """Chance per pregnancy of one severe outcome.

    ``exact`` is False when a partner was not genotyped: the probability is then
    the largest over the genotypes their result leaves possible.
    """

    gene: Gene
    outcome: Outcome
    probability: Fraction
    exact: bool


@dataclass(frozen=True)
class CoupleRisk:
    """The classification, the risks, and the child genotypes of typed genes."""

    classification: CoupleClass
    risks: tuple[Risk, ...] = ()
    children: tuple[Child, ...] = ()

    @property
    def severe_probability(self) -> Fraction:
        """Chance per pregnancy of any severe outcome (genes segregate independently)."""
        spared = Fraction(1)
        for gene in Gene:
            spared *= 1 - sum((r.probability for r in self.risks if r.gene is gene), Fraction(0))
        return 1 - spared


def children(a: Genotype, b: Genotype) -> tuple[Child, ...]:
    """Every child genotype of two parents' genotypes of one gene, with its probability."""
    chances: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    kept: dict[tuple[str, str], Genotype] = {}
    for x, y in product(a.alleles, b.alleles):
        child = Genotype(a.gene, *sorted((x, y), key=lambda allele: allele.name))
        key = (child.first.name, child.second.name)
        chances[key] += QUARTER
        kept[key] = child
    return tuple(Child(kept[k], p, kept[k].outcome) for k, p in sorted(chances.items()))


def outcome_chances(a: Genotype, b: Genotype) -> dict[Outcome, Fraction]:
    """Chance per pregnancy of each severe outcome for two genotypes of one gene."""
    chances: dict[Outcome, Fraction] = defaultdict(Fraction)
    for child in children(a, b):
        if child.outcome is not None:
            chances[child.outcome] += child.probability
    return dict(chances)


def gene_risks(gene: Gene, a: Screening, b: Screening) -> tuple[list[Risk], bool]:
    """The risks of one gene and whether every possibility carries one."""
    hypotheses = list(product(_genotypes(gene, a), _genotypes(gene, b)))
    per = [outcome_chances(x, y) for x, y in hypotheses]
    best: dict[Outcome, Fraction] = {}
    for chances in per:
        for outcome, p in chances.items():
            best[outcome] = max(p, best.get(outcome, Fraction(0)))
    exact = len(hypotheses) == 1
    risks = [Risk(gene, o, p, exact) for o, p in sorted(best.items())]
    return risks, all(per)


def _genotypes(gene: Gene, person: Screening) -> list[Genotype]:
    typed = person.genotype(gene)
    if typed is not None:
        return [typed]
    return [genotype_of(gene, *pair) for pair in person.candidates(gene)]


def couple_risk(a: Screening | None, b: Screening | None) -> CoupleRisk:
    """Risk per pregnancy of a severely affected child, and the couple's list.

    Args:
        a: One partner's latest screening result; None if never screened.
        b: The other partner's.

    Returns:
        ``prenatal_diagnosis`` when every possibility carries a severe risk,
        ``genotyping`` when some do and a genotype is missing, ``partner_screening``
        when one is a carrier (or screen positive) and the other unscreened, else
        ``none``; with each risk and, for genes typed in both, the child genotypes.
    """
    if a is None or b is None:
        known = a or b
        positive = known is not None and any(known.carries(g) is not False for g in Gene)
        return CoupleRisk(CoupleClass.PARTNER_SCREENING if positive else CoupleClass.NONE)
    risks: list[Risk] = []
    certain = False
    for gene in Gene:
        gene_list, always = gene_risks(gene, a, b)
        risks += gene_list
        certain = certain or (always and bool(gene_list))
    return CoupleRisk(_classify(certain, bool(risks)), tuple(risks), _typed_children(a, b))


def _classify(certain: bool, possible: bool) -> CoupleClass:
    if certain:
        return CoupleClass.PRENATAL_DIAGNOSIS
    return CoupleClass.GENOTYPING if possible else CoupleClass.NONE


def _typed_children(a: Screening, b: Screening) -> tuple[Child, ...]:
    found: list[Child] = []
    for gene in Gene:
        x, y = a.genotype(gene), b.genotype(gene)
        if x is not None and y is not None:
            found += children(x, y)
    return tuple(found)


def class_pairs_at_risk(gene: Gene, a: ClassPair, b: ClassPair) -> bool:
    """True when two class pairs of one gene can have a severely affected child."""
    return bool(outcome_chances(genotype_of(gene, *a), genotype_of(gene, *b)))
