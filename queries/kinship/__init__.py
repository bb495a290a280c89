"""Kinship: relatives, how two persons are related, pedigrees, kin terms and marriage law.

:mod:`~queries.kinship.traversal` extracts a family from the graph in one round trip;
the rest is pure: :mod:`~queries.kinship.family` (rows into a family),
:mod:`~queries.kinship.coefficients` (the pedigree and exact φ, F, r),
:mod:`~queries.kinship.ancestry` (Wright's paths), :mod:`~queries.kinship.relations`
(relatives and relationships), :mod:`~queries.kinship.kinterms` and
:mod:`~queries.kinship.appellations` (Chinese kin terms),
:mod:`~queries.kinship.marriage_law` (Civil Code art. 1048) and
:mod:`~queries.kinship.pedigree_export` (LINKAGE PED, PLINK .fam).
"""

from queries.kinship.coefficients import EdgeKind, Member, Pedigree
from queries.kinship.family import Family, from_rows
from queries.kinship.kinterms import KinTerm, term
from queries.kinship.marriage_law import MarriageVerdict, Verdict, from_pedigree
from queries.kinship.pedigree_export import ExportOptions, to_fam, to_linkage
from queries.kinship.relations import Kind, Relating, Relation, Relationship
from queries.kinship.traversal import (
    DEFAULT_BOUND,
    MAX_DEGREE,
    Bounds,
    PedigreeView,
    Relatives,
    degree_bounds,
    extract,
    extract_async,
    generations,
    pedigree,
    pedigree_family,
    pedigree_view,
    relationship,
    relatives,
    relatives_in,
)

__all__ = [
    "DEFAULT_BOUND", "MAX_DEGREE", "Bounds", "EdgeKind", "ExportOptions", "Family", "KinTerm",
    "Kind", "MarriageVerdict", "Member", "Pedigree", "PedigreeView", "Relating", "Relation",
    "Relationship", "Relatives", "Verdict", "degree_bounds", "extract", "extract_async",
    "from_pedigree", "from_rows", "generations", "pedigree", "pedigree_family", "pedigree_view",
    "relationship", "relatives", "relatives_in", "term", "to_fam", "to_linkage",
]
