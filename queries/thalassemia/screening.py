"""One person's thalassemia screening result and the carrier status it implies.

A result carries up to two genotypes and a ``conclusion``. What is known about
each gene is kept as the set of class pairs still possible: one pair when the
gene was genotyped, several when only the conclusion speaks (``alpha_carrier``
may be α⁰/αα, α⁺/αα or α⁺/α⁺), all of them for ``suspected``. Status, carrier
evidence and couple risk are all read from these sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kingraph.errors import InvalidArgument
from queries.thalassemia.genotypes import (
    AlleleClass,
    ClassPair,
    Gene,
    Genotype,
    Outcome,
    parse_genotype,
    thalassemia_table,
)


class Status(StrEnum):
    """A person's thalassemia status: the feed's ``conclusion`` codes plus Hb Bart's."""

    NORMAL = "normal"
    SUSPECTED = "suspected"
    ALPHA_CARRIER = "alpha_carrier"
    BETA_CARRIER = "beta_carrier"
    ALPHA_BETA_CARRIER = "alpha_beta_carrier"
    HBH_DISEASE = "hbh_disease"
    BETA_MAJOR = "beta_major"
    BETA_INTERMEDIA = "beta_intermedia"
    HB_BARTS_HYDROPS = "hb_barts_hydrops"


_N, _A0, _AP = AlleleClass.NORMAL, AlleleClass.ALPHA0, AlleleClass.ALPHA_PLUS
_B0, _BP, _BE = AlleleClass.BETA0, AlleleClass.BETA_PLUS, AlleleClass.BETA_E

NORMAL_PAIR: ClassPair = (_N, _N)
TRAITS: dict[Gene, tuple[ClassPair, ...]] = {
    Gene.ALPHA: ((_A0, _N), (_AP, _N), (_AP, _AP)),
    Gene.BETA: ((_B0, _N), (_BP, _N), (_BE, _N)),
}
UNKNOWN: dict[Gene, tuple[ClassPair, ...]] = {g: (NORMAL_PAIR, *TRAITS[g]) for g in Gene}

# What each conclusion says about each gene when that gene was not genotyped.
_CARRIES: dict[Status, tuple[bool | None, bool | None]] = {
    Status.NORMAL: (False, False),
    Status.SUSPECTED: (None, None),
    Status.ALPHA_CARRIER: (True, False),
    Status.BETA_CARRIER: (False, True),
    Status.ALPHA_BETA_CARRIER: (True, True),
}
_DISEASE_GENE: dict[Status, Gene] = {
    Status.HBH_DISEASE: Gene.ALPHA,
    Status.HB_BARTS_HYDROPS: Gene.ALPHA,
    Status.BETA_MAJOR: Gene.BETA,
    Status.BETA_INTERMEDIA: Gene.BETA,
}


def conclusion_classes(status: Status, gene: Gene) -> tuple[ClassPair, ...]:
    """The class pairs of ``gene`` that a conclusion leaves possible."""
    if status in _DISEASE_GENE:
        if _DISEASE_GENE[status] is not gene:
            return UNKNOWN[gene]
        outcomes = thalassemia_table().outcomes
        return tuple(pair for pair, outcome in outcomes.items() if outcome.value == status.value)
    carries = _CARRIES[status][0 if gene is Gene.ALPHA else 1]
    return UNKNOWN[gene] if carries is None else TRAITS[gene] if carries else (NORMAL_PAIR,)


@dataclass(frozen=True)
class Screening:
    """A screening result: genotypes where typed, else the conclusion."""

    alpha: Genotype | None = None
    beta: Genotype | None = None
    conclusion: Status | None = None

    def genotype(self, gene: Gene) -> Genotype | None:
        """The typed genotype of ``gene``, if any."""
        return self.alpha if gene is Gene.ALPHA else self.beta

    def candidates(self, gene: Gene) -> tuple[ClassPair, ...]:
        """The class pairs of ``gene`` still possible for this person."""
        genotype = self.genotype(gene)
        if genotype is not None:
            return (genotype.classes,)
        if self.conclusion is None:
            return UNKNOWN[gene]
        return conclusion_classes(self.conclusion, gene)

    def mutant_counts(self, gene: Gene) -> frozenset[int]:
        """How many thalassemia alleles of ``gene`` this person may have (0-2)."""
        return frozenset(sum(c is not _N for c in pair) for pair in self.candidates(gene))

    def carries(self, gene: Gene) -> bool | None:
        """True or False when the result settles it, None when it does not."""
        counts = self.mutant_counts(gene)
        if counts == {0}:
            return False
        return None if 0 in counts else True

    def disease(self, gene: Gene) -> Outcome | None:
        """The severe outcome every remaining possibility of ``gene`` shares, if any."""
        outcomes = {thalassemia_table().outcomes.get(p) for p in self.candidates(gene)}
        return outcomes.pop() if len(outcomes) == 1 else None

    @property
    def status(self) -> Status:
        """The status the genotypes say, falling back on the conclusion gene by gene."""
        for gene in (Gene.BETA, Gene.ALPHA):
            disease = self.disease(gene)
            if disease is not None:
                return Status(disease.value)
        alpha, beta = self.carries(Gene.ALPHA), self.carries(Gene.BETA)
        if alpha is None or beta is None:
            return Status.SUSPECTED
        return _CARRIER_STATUS[(alpha, beta)]

    @property
    def conflicting(self) -> bool:
        """True when a typed genotype contradicts the reported conclusion."""
        return self.conclusion is not None and any(
            (typed := self.genotype(gene)) is not None
            and typed.classes not in conclusion_classes(self.conclusion, gene)
            for gene in Gene
        )


_CARRIER_STATUS: dict[tuple[bool, bool], Status] = {
    (False, False): Status.NORMAL,
    (True, False): Status.ALPHA_CARRIER,
    (False, True): Status.BETA_CARRIER,
    (True, True): Status.ALPHA_BETA_CARRIER,
}


def parse_status(raw: str | None, where: str = "") -> Status | None:
    """Parse a ``conclusion`` cell; empty means not concluded.

    Raises:
        InvalidArgument: An unknown code; the message names ``where`` only.
    """
    if raw is None or not raw.strip():
        return None
    try:
        return Status(raw.strip().lower())
    except ValueError:
        raise InvalidArgument(f"{where or 'conclusion'}: screening_unknown_conclusion",
                              reason="screening_unknown_conclusion") from None


def from_feed(
    alpha_genotype: str | None, beta_genotype: str | None, conclusion: str | None, where: str = ""
) -> Screening:
    """Build a result from the screening feed's three cells.

    Args:
        alpha_genotype: e.g. ``--SEA/αα``; empty if not genotyped.
        beta_genotype: e.g. ``βCD41-42/βN``; empty if not genotyped.
        conclusion: the feed's conclusion code.
        where: file and line, for error messages.

    Raises:
        InvalidArgument: A malformed genotype or conclusion, or a row with none of them.
    """
    result = Screening(
        alpha=parse_genotype(alpha_genotype, Gene.ALPHA, f"{where} alpha_genotype".strip()),
        beta=parse_genotype(beta_genotype, Gene.BETA, f"{where} beta_genotype".strip()),
        conclusion=parse_status(conclusion, f"{where} conclusion".strip()),
    )
    if result == Screening():
        raise InvalidArgument(f"{where or 'screening'}: screening_empty_result",
                              reason="screening_empty_result")
    return result
