"""What a person's ``diagnosis`` rows say about their genotype at a condition's locus.

A genotype is the number of copies of the risk allele (0, 1, 2; a man has one X, so 0
or 1 on an X-linked locus).  A result restricts it, by the condition's mode and the
method (docs/feeds.md: ``carrier`` only "where the method can tell"):

- *genotyping* (:func:`kingraph.conditions.genotyping`) tells everything: ``affected``
  is two copies (AR, and a woman's XLR), one or two (AD), one (a man's XLR);
  ``carrier`` one; ``normal`` none;
- a *phenotype* test (enzyme, spot test, phenylalanine, factor VIII) tells affected
  from unaffected only: ``normal`` leaves a recessive carrier possible (AR: 0 or 1; a
  woman's XLR: 0 or 1), and where heterozygous women may express an X-linked
  condition (G6PD deficiency) a woman's ``affected`` is one or two copies;
- ``suspected`` (a screen positive not yet confirmed) says nothing.

A person's rows are combined by intersection; when they contradict each other (a
false-negative screen before a confirmed diagnosis) the genotyping rows win, else the
latest row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kingraph.conditions import Condition, Mode, genotyping

MALE = "1"
ANY: frozenset[int] = frozenset({0, 1, 2})


class Result(StrEnum):
    """The feed's ``result`` codes."""

    AFFECTED = "affected"
    CARRIER = "carrier"
    NORMAL = "normal"
    SUSPECTED = "suspected"


@dataclass(frozen=True)
class Finding:
    """One ``:Diagnosis`` row of a person for a condition."""

    result: Result
    method: str | None
    tested_on: date | None
    record: str | None = None

    @property
    def genotyped(self) -> bool:
        """The method tells carriers (genotyping)."""
        return genotyping(self.method)


def possible(condition: Condition, sex: str | None) -> frozenset[int]:
    """The genotypes a person of this sex can have at the condition's locus."""
    return frozenset({0, 1}) if condition.mode.x_linked and sex == MALE else ANY


def allowed(condition: Condition, finding: Finding, sex: str | None) -> frozenset[int]:
    """The genotypes one result leaves possible (every genotype for ``suspected``)."""
    man = condition.mode.x_linked and sex == MALE
    mode, result = condition.mode, finding.result
    if result is Result.SUSPECTED:
        found = ANY
    elif result is Result.CARRIER:
        found = frozenset({1})
    elif result is Result.AFFECTED:
        found = _affected(condition, finding.genotyped, man)
    elif finding.genotyped or mode is Mode.AD or man:
        found = frozenset({0})
    else:
        found = frozenset({0, 1})  # a recessive carrier passes a phenotype test
    return found & possible(condition, sex)


def _affected(condition: Condition, genotyped: bool, man: bool) -> frozenset[int]:
    if man:
        return frozenset({1})
    if condition.mode is Mode.AD:
        return frozenset({1, 2})
    if condition.mode is Mode.XLR and condition.heterozygote_expression and not genotyped:
        return frozenset({1, 2})
    return frozenset({2})


def combined(condition: Condition, findings: Iterable[Finding], sex: str | None
             ) -> frozenset[int] | None:
    """The genotypes every result of a person allows; None when none says anything."""
    rows = [f for f in findings if f.result is not Result.SUSPECTED]
    if not rows:
        return None
    together = possible(condition, sex)
    for finding in rows:
        together &= allowed(condition, finding, sex)
    if together:
        return together
    typed = [f for f in rows if f.genotyped] or rows
    latest = max(typed, key=lambda f: f.tested_on or date.min)
    return allowed(condition, latest, sex)


def affected_genotypes(condition: Condition, sex: str | None) -> frozenset[int]:
    """The genotypes in which the condition shows: one copy for a man's X-linked
    condition and for a dominant one, else two."""
    if condition.mode is Mode.AD or (condition.mode.x_linked and sex == MALE):
        return frozenset({1, 2}) & possible(condition, sex)
    return frozenset({2})
