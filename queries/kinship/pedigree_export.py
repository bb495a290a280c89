"""Write a pedigree for genetic tools: PLINK ``.fam`` (and ``--pheno``) and LINKAGE PED.

Columns: family id, individual id, father, mother (``0`` when unknown), sex
(``1`` male, ``2`` female, ``0`` unknown) and the thalassemia phenotype.  Only
biological parents are written: adoptive and step edges carry no genes.

Thalassemia phenotype, from the screening conclusion (``docs/feeds.md``) held in
``Member.attrs[phenotype_key]``; see :data:`CONCLUSIONS`:

==================  =========  =======
conclusion          affected   carrier
==================  =========  =======
normal              1          1
alpha_carrier       1          2
beta_carrier        1          2
alpha_beta_carrier  1          2
hbh_disease         2          2
beta_major          2          2
beta_intermedia     2          2
suspected           unknown    unknown
(none / other)      unknown    unknown
==================  =========  =======

Carriers are unaffected for the disease phenotype; the carrier phenotype
(2 = at least one thalassemia allele found) is a separate option.  Unknown is
``-9`` in PLINK files and ``0`` in LINKAGE files.

Researchers should get pseudonymous ids: pass ``ExportOptions(pseudonym=...)``,
a function from a person id to the id to write.  Family ids are numbered
``F1, F2, ...`` unless one is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import count

import networkx as nx

from kingraph.errors import InvalidArgument
from queries.kinship.coefficients import EdgeKind, Pedigree

UNKNOWN, NO, YES = 0, 1, 2  # PLINK / LINKAGE affection coding


@dataclass(frozen=True)
class Phenotype:
    """Disease affection and carrier status, each 1 (no), 2 (yes) or 0 (unknown)."""

    affected: int
    carrier: int


CONCLUSIONS: dict[str, Phenotype] = {
    "normal": Phenotype(NO, NO),
    "alpha_carrier": Phenotype(NO, YES),
    "beta_carrier": Phenotype(NO, YES),
    "alpha_beta_carrier": Phenotype(NO, YES),
    "hbh_disease": Phenotype(YES, YES),
    "beta_major": Phenotype(YES, YES),
    "beta_intermedia": Phenotype(YES, YES),
    "suspected": Phenotype(UNKNOWN, UNKNOWN),  # screen positive, not genotyped yet
}
_UNKNOWN = Phenotype(UNKNOWN, UNKNOWN)


class Trait(StrEnum):
    """Which phenotype goes in the single phenotype column of a ``.fam`` file."""

    DISEASE = "disease"
    CARRIER = "carrier"


@dataclass(frozen=True)
class ExportOptions:
    """How ids and phenotypes are written.

    Attributes:
        pseudonym: maps a person id to the id written; identity when None.
        family_id: one family id for every row; else ``F1, F2, ...`` by connected family.
        phenotype_key: the ``Member.attrs`` key holding the screening conclusion.
    """

    pseudonym: Callable[[str], str] | None = None
    family_id: str | None = None
    phenotype_key: str = "thalassemia"


@dataclass(frozen=True)
class PedRow:
    """One line of a pedigree file, ids already pseudonymised."""

    family: str
    individual: str
    father: str
    mother: str
    sex: int
    phenotype: Phenotype


def rows(
    pedigree: Pedigree, options: ExportOptions | None = None, *, complete_parents: bool = False
) -> list[PedRow]:
    """The pedigree as file rows, families in turn, parents before children.

    Args:
        pedigree: the family (one or more connected families).
        options: ids and phenotype source; defaults when None.
        complete_parents: add an unknown founder (``U1, U2, ...``) for a missing
            parent when the other is known (LINKAGE tools want both or neither).

    Raises:
        InvalidArgument: an id that is empty, ``0``, holds whitespace or collides.
    """
    opts = options or ExportOptions()
    rename = opts.pseudonym or (lambda pid: pid)
    ids = {pid: _checked(rename(pid)) for pid in pedigree.members}
    if len(set(ids.values())) != len(ids):
        raise InvalidArgument("pedigree export: pseudonyms collide", reason="pseudonyms_collide")
    out: list[PedRow] = []
    for number, family in enumerate(_families(pedigree), start=1):
        fid = opts.family_id or f"F{number}"
        out += [_row(pedigree, pid, fid, ids, opts.phenotype_key) for pid in family]
    return _complete(out, set(ids.values())) if complete_parents else out


def _checked(text: str) -> str:
    if not text or text == "0" or any(ch.isspace() for ch in text):
        raise InvalidArgument("pedigree export: an id is empty, 0 or holds whitespace",
                              reason="export_id_invalid")
    return text


def _families(pedigree: Pedigree) -> list[list[str]]:
    """Connected families over biological edges, each in parents-first order."""
    bio = nx.DiGraph()
    bio.add_nodes_from(pedigree.members)
    bio.add_edges_from((u, v) for u, v, k in pedigree.graph.edges(data="kind")
                       if k == EdgeKind.BIOLOGICAL.value)
    groups = sorted((sorted(c) for c in nx.weakly_connected_components(bio)), key=lambda c: c[0])
    return [list(nx.lexicographical_topological_sort(bio.subgraph(g))) for g in groups]


def _row(pedigree: Pedigree, pid: str, fid: str, ids: dict[str, str], key: str) -> PedRow:
    member = pedigree.member(pid)
    father, mother = pedigree.parents(pid)
    conclusion = member.attrs.get(key)
    phenotype = CONCLUSIONS.get(conclusion, _UNKNOWN) if isinstance(conclusion, str) else _UNKNOWN
    sex = {"1": 1, "2": 2}.get(member.sex or "", 0)
    return PedRow(fid, ids[pid], ids[father] if father else "0", ids[mother] if mother else "0",
                  sex, phenotype)


def _complete(rows_in: list[PedRow], taken: set[str]) -> list[PedRow]:
    """Give every child with one known parent an unknown founder as the other."""
    out: list[PedRow] = []
    fresh = (f"U{n}" for n in count(1) if f"U{n}" not in taken)
    for row in rows_in:
        if (row.father == "0") != (row.mother == "0"):
            uid, sex = next(fresh), 1 if row.father == "0" else 2
            out.append(PedRow(row.family, uid, "0", "0", sex, _UNKNOWN))
            row = replace(row, father=uid) if sex == 1 else replace(row, mother=uid)
        out.append(row)
    return out


def _lines(cells: Iterable[Iterable[object]], sep: str) -> str:
    return "".join(sep.join(str(c) for c in line) + "\n" for line in cells)


def _code(value: int, missing: str) -> str:
    return missing if value == UNKNOWN else str(value)


def to_fam(pedigree: Pedigree, options: ExportOptions | None = None, *,
           trait: Trait = Trait.DISEASE, missing: str = "-9") -> str:
    """PLINK ``.fam`` text: FID IID PAT MAT SEX PHENOTYPE, space separated.

    Args:
        pedigree: the family.
        options: ids and phenotype source (pseudonyms!).
        trait: the disease (default) or the carrier phenotype.
        missing: the code of an unknown phenotype (PLINK: -9 or 0).
    """
    field = "affected" if trait is Trait.DISEASE else "carrier"
    return _lines(((r.family, r.individual, r.father, r.mother, r.sex,
                    _code(getattr(r.phenotype, field), missing))
                   for r in rows(pedigree, options)), " ")


def to_pheno(pedigree: Pedigree, options: ExportOptions | None = None, *,
             missing: str = "-9") -> str:
    """A PLINK ``--pheno`` file with a header: FID IID THAL_AFFECTED THAL_CARRIER."""
    header = [("FID", "IID", "THAL_AFFECTED", "THAL_CARRIER")]
    body = [(r.family, r.individual, _code(r.phenotype.affected, missing),
             _code(r.phenotype.carrier, missing)) for r in rows(pedigree, options)]
    return _lines(header + body, " ")


def to_linkage(pedigree: Pedigree, options: ExportOptions | None = None, *,
               carrier_column: bool = False) -> str:
    """LINKAGE pre-makeped PED text: family, id, father, mother, sex, affection (0/1/2).

    Both parents or neither are written: a missing parent becomes an unknown
    founder.  ``carrier_column`` appends the carrier status as a second affection
    column.  Tab separated, no marker columns.
    """
    table = rows(pedigree, options, complete_parents=True)
    return _lines(((r.family, r.individual, r.father, r.mother, r.sex, r.phenotype.affected,
                    *([r.phenotype.carrier] if carrier_column else [])) for r in table), "\t")
