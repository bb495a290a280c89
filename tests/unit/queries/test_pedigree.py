"""Kinship maths on constructed pedigrees; expected values from domain.md and arithmetic."""

from __future__ import annotations

import math
import random
from fractions import Fraction as Fr

import pytest

from kingraph.errors import InvalidArgument, PersonNotFound
from queries.kinship.coefficients import Member, Pedigree

M, F = "1", "2"


def family(spec: dict[str, tuple[str, str | None, str | None]]) -> Pedigree:
    """Members from {pid: (sex, father, mother)}."""
    return Pedigree(Member(pid, sex, father=fa, mother=mo) for pid, (sex, fa, mo) in spec.items())


# Grandparents G1 x G2 have two sons A, B and a daughter C; each marries an
# unrelated founder.  A's children a1, a2; B's child b1; C's child c1.
# a1 has a child a1k with founder X; b1 has a child b1k with founder Y.
COUSINS = family(
    {
        "G1": (M, None, None),
        "G2": (F, None, None),
        "A": (M, "G1", "G2"),
        "B": (M, "G1", "G2"),
        "C": (F, "G1", "G2"),
        "Aw": (F, None, None),
        "Bw": (F, None, None),
        "Ch": (M, None, None),
        "a1": (M, "A", "Aw"),
        "a2": (F, "A", "Aw"),
        "b1": (F, "B", "Bw"),
        "c1": (M, "Ch", "C"),
        "X": (F, None, None),
        "Y": (M, None, None),
        "a1k": (M, "a1", "X"),
        "b1k": (F, "Y", "b1"),
        "Z": (F, None, None),
        "h1": (M, "A", "Z"),  # a1's half brother through A
        "cc": (M, "a1", "b1"),  # child of first cousins
        "un": (F, "B", "a2"),  # child of uncle B and his niece a2
    }
)

# Double first cousins: brothers P, Q (of P1 x P2) marry sisters R, S (of S1 x S2).
DOUBLE = family(
    {
        "P1": (M, None, None),
        "P2": (F, None, None),
        "S1": (M, None, None),
        "S2": (F, None, None),
        "P": (M, "P1", "P2"),
        "Q": (M, "P1", "P2"),
        "R": (F, "S1", "S2"),
        "S": (F, "S1", "S2"),
        "p": (M, "P", "R"),
        "q": (F, "Q", "S"),
    }
)

# An inbred ancestor: I is the child of full siblings (F = 1/4); I has two
# children J, K by unrelated partners, who are half sibs through I.
INBRED = family(
    {
        "O1": (M, None, None),
        "O2": (F, None, None),
        "sb": (M, "O1", "O2"),
        "ss": (F, "O1", "O2"),
        "I": (M, "sb", "ss"),
        "W1": (F, None, None),
        "W2": (F, None, None),
        "J": (M, "I", "W1"),
        "K": (F, "I", "W2"),
        "L": (M, "sb", "W1"),  # I's half brother through sb, J's half brother through W1
    }
)


@pytest.mark.parametrize(
    ("a", "b", "phi", "r"),
    [
        ("A", "a1", Fr(1, 4), Fr(1, 2)),  # parent-child
        ("a1", "a2", Fr(1, 4), Fr(1, 2)),  # full sibs
        ("a1", "h1", Fr(1, 8), Fr(1, 4)),  # half sibs
        ("G1", "a1", Fr(1, 8), Fr(1, 4)),  # grandparent
        ("B", "a1", Fr(1, 8), Fr(1, 4)),  # avuncular (uncle)
        ("C", "a2", Fr(1, 8), Fr(1, 4)),  # avuncular (aunt)
        ("a1", "b1", Fr(1, 16), Fr(1, 8)),  # first cousins (堂)
        ("a1", "c1", Fr(1, 16), Fr(1, 8)),  # first cousins (表)
        ("a1k", "b1", Fr(1, 32), Fr(1, 16)),  # first cousins once removed
        ("a1k", "b1k", Fr(1, 64), Fr(1, 32)),  # second cousins
        ("a1", "X", Fr(0), Fr(0)),  # unrelated in-law
    ],
)
def test_kinship_and_relatedness_known_values(a: str, b: str, phi: Fr, r: Fr) -> None:
    assert COUSINS.kinship(a, b) == phi
    assert COUSINS.kinship(b, a) == phi
    assert COUSINS.relatedness(a, b) == r


def test_double_first_cousins() -> None:
    assert DOUBLE.kinship("p", "q") == Fr(1, 8)
    assert DOUBLE.relatedness("p", "q") == Fr(1, 4)


def test_self_kinship_is_half_when_not_inbred() -> None:
    assert COUSINS.kinship("a1", "a1") == Fr(1, 2)
    assert COUSINS.relatedness("a1", "a1") == 1


def test_inbreeding_of_children_of_relatives() -> None:
    assert COUSINS.inbreeding("cc") == Fr(1, 16)  # parents are first cousins
    assert COUSINS.inbreeding("un") == Fr(1, 8)  # parents are uncle and niece
    assert COUSINS.inbreeding("a1") == 0
    assert COUSINS.kinship("cc", "cc") == Fr(1, 2) * (1 + Fr(1, 16))


def test_relatedness_of_inbred_pair_exact_when_root_rational() -> None:
    # Two full sibs whose parents are uncle and niece: each has F = 1/8.
    ped = family(
        {
            "g1": (M, None, None),
            "g2": (F, None, None),
            "u": (M, "g1", "g2"),
            "v": (M, "g1", "g2"),
            "vw": (F, None, None),
            "n": (F, "v", "vw"),
            "x": (M, "u", "n"),
            "y": (F, "u", "n"),
        }
    )
    # phi(u,n) = 1/8; phi(u,y) = 1/2 (1/2 + 1/8) = 5/16 = phi(n,y); phi(x,y) = 5/16.
    assert ped.kinship("x", "y") == Fr(5, 16)
    # r = 2 * 5/16 / sqrt((9/8)^2) = (5/8) / (9/8) = 5/9
    assert ped.relatedness("x", "y") == Fr(5, 9)


def test_relatedness_irrational_root_is_float() -> None:
    # sb is a parent of I (F_I = 1/4, F_sb = 0): phi = 1/2 (1/2 + 1/4) = 3/8.
    assert INBRED.kinship("sb", "I") == Fr(3, 8)
    r = INBRED.relatedness("sb", "I")
    assert isinstance(r, float)
    assert r == pytest.approx(0.75 / math.sqrt(1.25))


def test_unknown_parent_outside_members_is_founder() -> None:
    ped = family({"k": (M, "absent", None), "s": (F, "absent", None)})
    assert ped.kinship("k", "s") == 0
    assert ped.parents("k") == (None, None)


def all_pairs(ped: Pedigree) -> list[tuple[str, str]]:
    pids = sorted(ped.members)
    return [(a, b) for i, a in enumerate(pids) for b in pids[i:]]


@pytest.mark.parametrize("ped", [COUSINS, DOUBLE, INBRED], ids=["cousins", "double", "inbred"])
def test_wright_paths_sum_to_recursive_phi(ped: Pedigree) -> None:
    for a, b in all_pairs(ped):
        assert sum((p.contribution for p in ped.paths(a, b)), Fr(0)) == ped.kinship(a, b)


def test_first_cousin_paths() -> None:
    found = COUSINS.paths("a1", "c1")
    assert {p.ancestor for p in found} == {"G1", "G2"}
    assert all((p.n1, p.n2) == (2, 2) for p in found)
    assert all(p.contribution == Fr(1, 32) for p in found)  # (1/2)^(2+2+1)
    by_ancestor = {p.ancestor: p.steps for p in found}
    assert by_ancestor["G1"] == ("f", "f", "d", "s")  # a1 -> A -> G1 -> C -> c1


def test_double_first_cousin_paths() -> None:
    found = DOUBLE.paths("p", "q")
    assert sorted(p.ancestor for p in found) == ["P1", "P2", "S1", "S2"]
    assert all(p.contribution == Fr(1, 32) for p in found)


def test_path_through_inbred_ancestor() -> None:
    (only,) = INBRED.paths("J", "K")  # paths via I's parents would pass I twice
    assert only.ancestor == "I"
    assert only.contribution == Fr(1, 8) * (1 + Fr(1, 4))


def test_paths_in_a_loop_do_not_repeat_a_person() -> None:
    for path in COUSINS.paths("cc", "G1"):
        assert len(set(path.up) | set(path.down)) == len(path.up) + len(path.down) - 1


def test_common_ancestors_first_cousins() -> None:
    nearest = COUSINS.nearest_common_ancestors("a1", "c1")
    assert {(c.pid, c.generations_a, c.generations_b) for c in nearest} == {
        ("G1", 2, 2),
        ("G2", 2, 2),
    }


def test_nearest_common_ancestor_half_sibs_and_direct_line() -> None:
    assert [c.pid for c in COUSINS.nearest_common_ancestors("a1", "h1")] == ["A"]
    direct = COUSINS.nearest_common_ancestors("a1k", "G2")
    assert [(c.pid, c.generations_a, c.generations_b) for c in direct] == [("G2", 3, 0)]
    assert {c.pid for c in COUSINS.common_ancestors("a1", "a1k")} == {"a1", "A", "Aw", "G1", "G2"}


def test_no_common_ancestor() -> None:
    assert COUSINS.common_ancestors("X", "Y") == []
    assert COUSINS.paths("X", "Y") == []


def test_unknown_person() -> None:
    with pytest.raises(PersonNotFound):
        COUSINS.kinship("a1", "nobody")


def test_cycle_and_duplicates_rejected() -> None:
    with pytest.raises(InvalidArgument):
        family({"x": (M, "y", None), "y": (M, "x", None)})
    with pytest.raises(InvalidArgument):
        Pedigree([Member("x"), Member("x")])


def test_a_step_link_closing_a_cycle_gives_way() -> None:
    # Contradictory records seen in a loaded province: "old" is recorded as the child of
    # "young", and old is married to young's mother, so old is young's step-parent. The
    # step link old -> young would make young their own ancestor; it is dropped and the
    # recorded descent stays (the pedigree answers instead of failing the whole family).
    ped = Pedigree([
        Member("dad", M, spouses=("old",)),
        Member("old", F, mother="young", spouses=("dad",)),
        Member("young", M, father="dad"),
    ])
    kinds = {(u, v): k for u, v, k in ped.graph.edges(data="kind")}
    assert kinds == {("dad", "young"): "biological", ("young", "old"): "biological"}
    assert ped.ancestors("old") == {"old": 0, "young": 1, "dad": 2}
    # old is young's child and dad's grandchild: phi(young, old) = 1/4
    assert ped.kinship("young", "old") == Fr(1, 4)
    # a cycle of recorded descent alone is still refused
    with pytest.raises(InvalidArgument):
        Pedigree([Member("a", M, father="b", spouses=("c",)), Member("b", M, father="a"),
                  Member("c", F)])


def test_graph_edge_kinds_and_table() -> None:
    ped = Pedigree(
        [
            Member("dad", M, spouses=("stepmum",)),
            Member("stepmum", F, spouses=("dad",)),
            Member("kid", F, father="dad"),
            Member("adopter", M),
            Member("ward", M, adoptive_father="adopter", attrs={"thalassemia": "normal"}),
        ]
    )
    kinds = {(u, v): k for u, v, k in ped.graph.edges(data="kind")}
    assert kinds == {
        ("dad", "kid"): "biological",
        ("stepmum", "kid"): "step",
        ("adopter", "ward"): "adoptive",
    }
    table = ped.table()
    assert table.height == 5
    assert {"pid", "sex", "father", "mother", "inbreeding", "thalassemia"} <= set(table.columns)
    assert ped.kinship("adopter", "ward") == 0  # adoption carries no genes


def test_table_keeps_person_fields_over_colliding_attrs() -> None:
    ped = Pedigree([Member("x", M, attrs={"sex": "2", "note": "n"}), Member("y", F)])
    table = ped.table().sort("pid")
    assert table["sex"].to_list() == [M, F]
    assert table["note"].to_list() == ["n", None]


def test_ancestors_and_path_limit() -> None:
    assert COUSINS.ancestors("a1k") == {"a1k": 0, "a1": 1, "X": 1, "A": 2, "Aw": 2,
                                        "G1": 3, "G2": 3}
    assert len(COUSINS.paths("a1", "c1", limit=1)) == 1


def looped_pedigree(seed: int) -> Pedigree:
    """Four generations from three founding couples; every marriage is inside the family."""
    rng = random.Random(seed)
    spec: dict[str, tuple[str, str | None, str | None]] = {}
    couples = []
    for n in range(3):
        spec[f"a{n}"], spec[f"b{n}"] = (M, None, None), (F, None, None)
        couples.append((f"a{n}", f"b{n}"))
    for generation in range(3):
        born = []
        for i, (fa, mo) in enumerate(couples):
            for k in range(2):
                pid = f"g{generation}c{i}k{k}"
                spec[pid] = (M if k == 0 else F, fa, mo)
                born.append(pid)
        men, women = born[0::2], born[1::2]
        rng.shuffle(women)
        couples = list(zip(men, women, strict=True))
    return family(spec)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_wright_sum_equals_recursion_on_looped_pedigrees(seed: int) -> None:
    ped = looped_pedigree(seed)
    last = sorted(p for p in ped.members if p.startswith("g2"))
    assert any(ped.inbreeding(p) > 0 for p in last)  # the loops are really there
    for a, b in all_pairs(ped):
        assert sum((p.contribution for p in ped.paths(a, b)), Fr(0)) == ped.kinship(a, b)
