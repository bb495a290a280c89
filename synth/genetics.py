"""Thalassemia genotypes: founder haplotypes by ethnicity and village, Mendelian inheritance.

A person carries two alpha-globin haplotypes and two beta-globin alleles, coded as
small integers indexing :data:`ALPHA` and :data:`BETA` (0 is normal).  Founders
draw them with the variant frequencies of their village's type and the allele
spectrum of their ethnic group; a child takes one haplotype of each locus at random
from each parent.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from synth.profile import Carriers, Condition

ALPHA = ("αα", "--SEA", "-α3.7", "-α4.2", "αCSα", "αWSα")
BETA = ("βN", "βCD41-42", "βIVS-II-654", "βCD17", "β-28", "βCD26(E)", "βCD71-72")
ALPHA_GENES_LOST = np.array([0, 2, 1, 1, 1, 1], dtype=np.int8)
MILD_BETA = np.array([0, 0, 0, 0, 1, 1, 0], dtype=np.int8)  # -28 and E: intermedia
Haps = npt.NDArray[np.int8]


def founder_haplotypes(rng: np.random.Generator, li_like: npt.NDArray[np.bool_],
                       alpha_freq: npt.NDArray[np.float64], beta_freq: npt.NDArray[np.float64],
                       carriers: Carriers) -> tuple[Haps, Haps]:
    """Draw two alpha and two beta haplotypes per person.

    Args:
        rng: The stage's generator.
        li_like: True for Li (and Miao) people, who draw from the Li allele spectrum.
        alpha_freq: Per person, the chance that a chromosome carries an alpha variant
            (the founder's village type decides it, see :class:`synth.profile.Carriers`).
        beta_freq: The same for the beta locus.
        carriers: Allele spectra of the profile.

    Returns:
        ``(alpha, beta)``, each of shape ``(n, 2)``.
    """
    alpha = np.zeros((li_like.size, 2), dtype=np.int8)
    beta = np.zeros((li_like.size, 2), dtype=np.int8)
    for group, mask in (("han", ~li_like), ("li", li_like)):
        idx = np.flatnonzero(mask)
        alpha[idx] = _draw(rng, alpha_freq[idx], carriers.alpha_alleles[group], ALPHA)
        beta[idx] = _draw(rng, beta_freq[idx], carriers.beta_alleles[group], BETA)
    return alpha, beta


def _draw(rng: np.random.Generator, freq: npt.NDArray[np.float64], alleles: dict[str, float],
          names: tuple[str, ...]) -> Haps:
    codes = np.array([names.index(a) for a in alleles], dtype=np.int8)
    p = np.array(list(alleles.values()))
    hit = rng.random((freq.size, 2)) < freq[:, None]
    out = np.zeros((freq.size, 2), dtype=np.int8)
    out[hit] = rng.choice(codes, size=int(hit.sum()), p=p / p.sum())
    return out


def inherit(rng: np.random.Generator, mother: Haps, father: Haps) -> Haps:
    """One child's haplotypes: a random one from the mother, a random one from the father."""
    n = mother.shape[0]
    rows = np.arange(n)
    pick_m = rng.integers(0, 2, n)
    pick_f = rng.integers(0, 2, n)
    return np.stack([mother[rows, pick_m], father[rows, pick_f]], axis=1).astype(np.int8)


def lethal(alpha: Haps) -> npt.NDArray[np.bool_]:
    """Hb Bart's hydrops fetalis (--SEA/--SEA): the baby does not survive birth."""
    return np.asarray(ALPHA_GENES_LOST[alpha].sum(axis=1) >= 4)


def genotype_text(haps: Haps, names: tuple[str, ...]) -> npt.NDArray[np.str_]:
    """Genotypes as text, abnormal haplotype first (``--SEA/αα``, ``--SEA/-α3.7``)."""
    a, b = haps[:, 0].astype(np.int64), haps[:, 1].astype(np.int64)
    key_a = np.where(a == 0, 99, a)
    key_b = np.where(b == 0, 99, b)
    first = np.where(key_a <= key_b, a, b)
    second = np.where(key_a <= key_b, b, a)
    table = np.array(names)
    return np.char.add(np.char.add(table[first], "/"), table[second])


def conclusion(alpha: Haps, beta: Haps) -> npt.NDArray[np.str_]:
    """The clinical conclusion a genotyping lab would write (screening feed vocabulary)."""
    lost = ALPHA_GENES_LOST[alpha].sum(axis=1)
    beta_hits = (beta > 0).sum(axis=1)
    mild = MILD_BETA[beta].sum(axis=1) > 0
    out = np.full(alpha.shape[0], "normal", dtype="<U20")
    out[lost > 0] = "alpha_carrier"
    out[beta_hits == 1] = "beta_carrier"
    out[(lost > 0) & (beta_hits == 1)] = "alpha_beta_carrier"
    out[lost == 3] = "hbh_disease"
    out[beta_hits == 2] = np.where(mild[beta_hits == 2], "beta_intermedia", "beta_major")
    return out


#: The Y chromosome in an X-linked locus's second column: a man has one X.
Y = -1


def condition_founders(rng: np.random.Generator, li_like: npt.NDArray[np.bool_],
                       male: npt.NDArray[np.bool_], conditions: tuple[Condition, ...]) -> Haps:
    """Founders' alleles at each condition's locus: shape ``(n, len(conditions), 2)``.

    0 is the normal allele, ``k`` the ``k``-th variant of the condition's table.  An
    X-linked locus of a man holds his one X in column 0 and :data:`Y` in column 1.

    Args:
        rng: The stage's generator.
        li_like: True for Li (and Miao) people, who take the Li frequency.
        male: True for men.
        conditions: The simulated conditions.
    """
    n = li_like.size
    out = np.zeros((n, len(conditions), 2), dtype=np.int8)
    for c, cond in enumerate(conditions):
        freq = np.where(li_like, cond.freq["li"], cond.freq["han"])
        hit = rng.random((n, 2)) < freq[:, None]
        out[:, c, :] = np.where(hit, _variants(rng, (n, 2), cond), 0)
        if cond.mode == "x_linked_recessive":
            out[male, c, 1] = Y
    return out


def _variants(rng: np.random.Generator, shape: tuple[int, ...], cond: Condition) -> Haps:
    """Random variant alleles (1-based indices into the condition's table)."""
    p = np.array(list(cond.alleles.values()))
    return (rng.choice(p.size, size=shape, p=p / p.sum()) + 1).astype(np.int8)


def inherit_conditions(rng: np.random.Generator, mother: Haps, father: Haps,
                       male: npt.NDArray[np.bool_], conditions: tuple[Condition, ...]) -> Haps:
    """Children's alleles at each condition's locus, by each condition's mode.

    Autosomal: one of the mother's two alleles and one of the father's, at random.
    X-linked: one of the mother's two X alleles at random; a daughter also takes her
    father's one X, a son takes his Y (a father never passes his X to a son).  A
    transmitted allele becomes a new variant with the condition's mutation rate.

    Args:
        rng: The stage's generator.
        mother: Mothers' alleles, ``(n, C, 2)``.
        father: Fathers' alleles, ``(n, C, 2)``.
        male: True where the child is a boy.
        conditions: The simulated conditions.
    """
    n = male.size
    rows = np.arange(n)
    out = np.zeros((n, len(conditions), 2), dtype=np.int8)
    for c, cond in enumerate(conditions):
        from_mother = mother[rows, c, rng.integers(0, 2, n)]
        if cond.mode == "x_linked_recessive":
            from_father = np.where(male, Y, father[rows, c, 0])
        else:
            from_father = father[rows, c, rng.integers(0, 2, n)]
        pair = np.stack([from_mother, from_father], axis=1).astype(np.int8)
        if cond.mutation > 0:
            new = (rng.random((n, 2)) < cond.mutation) & (pair == 0)
            pair = np.where(new, _variants(rng, (n, 2), cond), pair)
        out[:, c, :] = pair
    return out


def condition_text(alleles: Haps, cond: Condition) -> npt.NDArray[np.str_]:
    """Genotypes as text, variant first: ``c.1376G>T/Y``, ``c.1388G>A/N``, ``N/N``."""
    names = np.array(["N", *cond.alleles, "Y"])
    a = alleles[:, 0].astype(np.int64)
    b = np.where(alleles[:, 1] == Y, len(names) - 1, alleles[:, 1]).astype(np.int64)
    swap = (a == 0) & (b > 0) & (b < len(names) - 1)
    first, second = np.where(swap, b, a), np.where(swap, a, b)
    return np.char.add(np.char.add(names[first], "/"), names[second])


def affected(alleles: Haps, cond: Condition) -> npt.NDArray[np.bool_]:
    """True where the genotype expresses the condition: two variant alleles, or, for an
    X-linked condition, a man's one variant X."""
    a, b = alleles[:, 0], alleles[:, 1]
    if cond.mode == "x_linked_recessive":
        return np.asarray((a > 0) & ((b > 0) | (b == Y)))
    return np.asarray((a > 0) & (b > 0))


def heterozygous(alleles: Haps) -> npt.NDArray[np.bool_]:
    """True for exactly one variant among two alleles (a carrier of a recessive condition)."""
    a, b = alleles[:, 0], alleles[:, 1]
    return np.asarray(((a > 0) & (b == 0)) | ((a == 0) & (b > 0)))
