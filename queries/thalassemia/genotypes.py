"""Thalassemia genotypes: the α- and β-globin alleles of the screening feed.

An α genotype names two chromosome-16 haplotypes (``--SEA/αα``), a β genotype two
β-globin alleles (``βCD41-42/βN``). Each allele belongs to a class: α⁰ (no working
α gene on the haplotype), α⁺ (one lost or non-deletional), β⁰, β⁺, βE, or normal.
The allele list, its classes and the severe outcomes of class pairs live in
``data/thalassemia.json`` so that an operator can correct them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from kingraph.errors import InvalidArgument


class Gene(StrEnum):
    """The two globin loci; they lie on different chromosomes (16 and 11)."""

    ALPHA = "alpha"
    BETA = "beta"


class AlleleClass(StrEnum):
    """Functional class of one allele (one haplotype for α)."""

    NORMAL = "normal"
    ALPHA0 = "alpha0"
    ALPHA_PLUS = "alpha_plus"
    BETA0 = "beta0"
    BETA_PLUS = "beta_plus"
    BETA_E = "beta_e"


class Outcome(StrEnum):
    """Severe disease caused by a pair of allele classes."""

    HB_BARTS_HYDROPS = "hb_barts_hydrops"
    HBH_DISEASE = "hbh_disease"
    BETA_MAJOR = "beta_major"
    BETA_INTERMEDIA = "beta_intermedia"


@dataclass(frozen=True)
class Allele:
    """One allele of the table, e.g. ``--SEA`` (α⁰)."""

    gene: Gene
    name: str
    klass: AlleleClass

    @property
    def mutant(self) -> bool:
        """True for any thalassemia or variant allele."""
        return self.klass is not AlleleClass.NORMAL


ClassPair = tuple[AlleleClass, AlleleClass]


def class_pair(a: AlleleClass, b: AlleleClass) -> ClassPair:
    """The unordered pair of two classes in a canonical order."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Genotype:
    """Two alleles of one gene, in the order written."""

    gene: Gene
    first: Allele
    second: Allele

    @property
    def alleles(self) -> tuple[Allele, Allele]:
        """Both alleles."""
        return (self.first, self.second)

    @property
    def classes(self) -> ClassPair:
        """The unordered class pair."""
        return class_pair(self.first.klass, self.second.klass)

    @property
    def mutant_count(self) -> int:
        """How many of the two alleles are not normal (0, 1 or 2)."""
        return sum(allele.mutant for allele in self.alleles)

    @property
    def outcome(self) -> Outcome | None:
        """The severe disease this genotype causes, if any."""
        return thalassemia_table().outcomes.get(self.classes)

    def __str__(self) -> str:
        return f"{self.first.name}/{self.second.name}"


@dataclass(frozen=True)
class ThalassemiaTable:
    """The operator-editable data: alleles by lookup key, outcomes, rates."""

    alleles: dict[tuple[Gene, str], Allele]
    outcomes: dict[ClassPair, Outcome]
    carrier_rates: dict[str, dict[Gene, float]]
    ethnicity_codes: dict[str, str]
    default_ethnicity: str

    def representative(self, gene: Gene, klass: AlleleClass) -> Allele:
        """The first listed allele of a class (stands for the class in hypotheses)."""
        return next(a for a in self.alleles.values() if a.gene is gene and a.klass is klass)


TABLE_PATH = Path(__file__).parent / "data" / "thalassemia.json"
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−－", "-") | {"ɑ": "α", "⍺": "α", "ß": "β"})
_DROPPED = re.compile(r"[\s^_]")
_CODON_SLASH = re.compile(r"(?<=\d)/(?=\d)")  # CD41/42 written with a slash


def allele_key(text: str) -> str:
    """The lookup key of an allele spelling: ASCII letters, lower case, plain dashes."""
    text = _DROPPED.sub("", unicodedata.normalize("NFKC", text).translate(_DASHES))
    return text.replace("α", "a").replace("β", "b").lower()


@cache
def thalassemia_table() -> ThalassemiaTable:
    """Load ``data/thalassemia.json`` once."""
    raw = json.loads(TABLE_PATH.read_text("utf-8"))
    return ThalassemiaTable(
        alleles=_allele_index(raw["alleles"]),
        outcomes={
            class_pair(*(AlleleClass(c) for c in row["classes"])): Outcome(row["outcome"])
            for row in raw["severe_outcomes"]
        },
        carrier_rates={
            group: {gene: float(rates[gene.value]) for gene in Gene}
            for group, rates in raw["carrier_rates"].items()
        },
        ethnicity_codes=dict(raw["ethnicities"]["codes"]),
        default_ethnicity=raw["ethnicities"]["default"],
    )


def _allele_index(rows: list[dict[str, Any]]) -> dict[tuple[Gene, str], Allele]:
    index: dict[tuple[Gene, str], Allele] = {}
    for row in rows:
        allele = Allele(Gene(row["gene"]), row["name"], AlleleClass(row["class"]))
        for spelling in (row["name"], *row.get("aliases", ())):
            index[(allele.gene, allele_key(spelling))] = allele
    return index


def parse_allele(text: str, gene: Gene) -> Allele | None:
    """Look one allele spelling up; None when the table does not know it."""
    table = thalassemia_table().alleles
    key = allele_key(text)
    prefix = "a" if gene is Gene.ALPHA else "b"
    return table.get((gene, key)) or table.get((gene, prefix + key))


def parse_genotype(raw: str | None, gene: Gene, where: str = "") -> Genotype | None:
    """Parse a feed genotype such as ``--SEA/-α3.7`` or ``βCD41-42/βN``.

    Tolerates spacing, full-width characters, ``a``/``b`` for α/β, Unicode dashes
    and ``CD41/42`` written with a slash.

    Args:
        raw: The cell's text; empty or None means not genotyped.
        gene: Which column it came from.
        where: Where the value sits (file, line, column); used in error messages.

    Returns:
        The genotype, or None for an empty cell.

    Raises:
        InvalidArgument: Not two alleles, or an allele the table does not know. The
            message names ``where``, the gene and the allele's position (1 or 2),
            never the value itself.
    """
    if raw is None or not raw.strip():
        return None
    sides = _CODON_SLASH.sub("-", unicodedata.normalize("NFKC", raw)).split("/")
    if len(sides) != 2:
        raise InvalidArgument(f"{where or gene.value}: genotype_not_two_alleles ({gene.value})",
                              reason="genotype_not_two_alleles")
    alleles = [parse_allele(side, gene) for side in sides]
    for position, (side, allele) in enumerate(zip(sides, alleles, strict=True), start=1):
        if allele is None:
            other = Gene.BETA if gene is Gene.ALPHA else Gene.ALPHA
            reason = "wrong_gene" if parse_allele(side, other) else "unknown_allele"
            raise InvalidArgument(
                f"{where or gene.value}: genotype_{reason} at allele {position} ({gene.value})",
                reason=f"genotype_{reason}")
    first, second = (a for a in alleles if a is not None)
    return Genotype(gene, first, second)


def genotype_of(gene: Gene, first: AlleleClass, second: AlleleClass) -> Genotype:
    """A representative genotype for a class pair (for hypotheses, not for display)."""
    table = thalassemia_table()
    return Genotype(gene, table.representative(gene, first), table.representative(gene, second))
