"""Genotype strings of the screening feed: alleles, classes, tolerance, errors."""

from __future__ import annotations

import pytest

from kingraph.errors import InvalidArgument
from queries.thalassemia.genotypes import AlleleClass, Gene, Outcome, parse_genotype

A0, AP, N = AlleleClass.ALPHA0, AlleleClass.ALPHA_PLUS, AlleleClass.NORMAL
B0, BP, BE = AlleleClass.BETA0, AlleleClass.BETA_PLUS, AlleleClass.BETA_E

FEED_ALPHA = [
    ("αα/αα", (N, N), 0),
    ("--SEA/αα", (A0, N), 1),
    ("-α3.7/αα", (AP, N), 1),
    ("-α4.2/αα", (AP, N), 1),
    ("αCSα/αα", (AP, N), 1),
    ("αWSα/αα", (AP, N), 1),
    ("--SEA/-α3.7", (A0, AP), 2),
]
FEED_BETA = [
    ("βN/βN", (N, N)),
    ("βCD41-42/βN", (B0, N)),
    ("βIVS-II-654/βN", (B0, N)),
    ("β-28/βN", (BP, N)),
    ("βCD17/βN", (B0, N)),
    ("βCD26(E)/βN", (BE, N)),
    ("βCD71-72/βN", (B0, N)),
]


@pytest.mark.parametrize(("text", "classes", "mutants"), FEED_ALPHA)
def test_feed_alpha_genotypes_have_their_classes(
    text: str, classes: tuple[AlleleClass, AlleleClass], mutants: int
) -> None:
    genotype = parse_genotype(text, Gene.ALPHA)
    assert genotype is not None
    assert sorted(genotype.classes) == sorted(classes)
    assert genotype.mutant_count == mutants
    assert str(genotype) == text


@pytest.mark.parametrize(("text", "classes"), FEED_BETA)
def test_feed_beta_genotypes_have_their_classes(
    text: str, classes: tuple[AlleleClass, AlleleClass]
) -> None:
    genotype = parse_genotype(text, Gene.BETA)
    assert genotype is not None
    assert sorted(genotype.classes) == sorted(classes)
    assert str(genotype) == text


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("aa/aa", "αα/αα"),
        (" --SEA / αα ", "--SEA/αα"),
        ("－－SEA／αα", "--SEA/αα"),  # full-width, as some hospital systems export
        ("−α3.7/αα", "-α3.7/αα"),  # Unicode minus
        ("-a3.7/aa", "-α3.7/αα"),
        ("-a4.2/aa", "-α4.2/αα"),
        ("aCSa/aa", "αCSα/αα"),
        ("--sea/-A3.7", "--SEA/-α3.7"),
    ],
)
def test_alpha_spelling_variants_are_tolerated(variant: str, canonical: str) -> None:
    genotype = parse_genotype(variant, Gene.ALPHA)
    assert str(genotype) == canonical


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("bN/bN", "βN/βN"),
        ("bCD41-42/bN", "βCD41-42/βN"),
        ("βCD41/42/βN", "βCD41-42/βN"),
        ("CD17/N", "βCD17/βN"),
        ("b IVS-II-654 / bN", "βIVS-II-654/βN"),
        ("βA/βCD26(E)", "βN/βCD26(E)"),
        ("ßCD71-72/ßN", "βCD71-72/βN"),
    ],
)
def test_beta_spelling_variants_are_tolerated(variant: str, canonical: str) -> None:
    genotype = parse_genotype(variant, Gene.BETA)
    assert str(genotype) == canonical


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_cell_means_not_genotyped(empty: str | None) -> None:
    assert parse_genotype(empty, Gene.ALPHA) is None


@pytest.mark.parametrize(
    ("text", "gene", "reason"),
    [
        ("--SEA", Gene.ALPHA, "genotype_not_two_alleles"),
        ("--SEA/αα/αα", Gene.ALPHA, "genotype_not_two_alleles"),
        ("--SEA/--XYZ", Gene.ALPHA, "genotype_unknown_allele at allele 2"),
        ("βQQ/βN", Gene.BETA, "genotype_unknown_allele at allele 1"),
        ("βN/αα", Gene.BETA, "genotype_wrong_gene at allele 2"),
        ("--SEA/βN", Gene.ALPHA, "genotype_wrong_gene at allele 2"),
    ],
)
def test_bad_strings_name_position_and_reason_not_value(text: str, gene: Gene, reason: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_genotype(text, gene, "screening.csv line 7 alpha_genotype")
    message = str(caught.value)
    assert message.startswith("screening.csv line 7 alpha_genotype: ")
    assert reason in message
    assert "XYZ" not in message and "QQ" not in message


@pytest.mark.parametrize(
    ("text", "gene", "outcome"),
    [
        ("--SEA/--SEA", Gene.ALPHA, Outcome.HB_BARTS_HYDROPS),
        ("--SEA/--THAI", Gene.ALPHA, Outcome.HB_BARTS_HYDROPS),
        ("--SEA/-α3.7", Gene.ALPHA, Outcome.HBH_DISEASE),
        ("--SEA/αCSα", Gene.ALPHA, Outcome.HBH_DISEASE),  # HbH-Constant Spring
        ("-α3.7/-α4.2", Gene.ALPHA, None),  # α⁺ homozygote: trait only
        ("--SEA/αα", Gene.ALPHA, None),
        ("βCD41-42/βCD17", Gene.BETA, Outcome.BETA_MAJOR),
        ("βCD41-42/β-28", Gene.BETA, Outcome.BETA_MAJOR),
        ("β-28/β-28", Gene.BETA, Outcome.BETA_INTERMEDIA),
        ("βCD41-42/βCD26(E)", Gene.BETA, Outcome.BETA_INTERMEDIA),
        ("βCD26(E)/βCD26(E)", Gene.BETA, None),  # HbE homozygote: mild
        ("βCD41-42/βN", Gene.BETA, None),
    ],
)
def test_genotype_outcomes(text: str, gene: Gene, outcome: Outcome | None) -> None:
    genotype = parse_genotype(text, gene)
    assert genotype is not None
    assert genotype.outcome is outcome
