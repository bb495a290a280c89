"""Thalassemia: screening results, carrier probabilities, couple risk, cascades and yields.

Pure genetics: :mod:`~queries.thalassemia.genotypes` (alleles and the genotype table),
:mod:`~queries.thalassemia.screening` (a screening result read from a feed),
:mod:`~queries.thalassemia.carrier` (exact carrier probabilities over a pedigree, by
the segregation engine of :mod:`queries.conditions.segregation`),
:mod:`~queries.thalassemia.pregnancy_risk` (a couple's risk per pregnancy) and
:mod:`~queries.thalassemia.screening_yield`.  On the graph:
:mod:`~queries.thalassemia.person_facts` (each person's latest result and residence;
the screened pedigree) and :mod:`~queries.thalassemia.worklists` (cascade screening,
at-risk couples, yields per division), built on :mod:`queries.kinship`.
"""

from queries.thalassemia.carrier import Method, carrier_probabilities
from queries.thalassemia.genotypes import Gene, Genotype, parse_genotype, thalassemia_table
from queries.thalassemia.person_facts import Facts, facts, screened_pedigree
from queries.thalassemia.pregnancy_risk import CoupleClass, CoupleRisk, couple_risk
from queries.thalassemia.screening import Screening, Status, from_feed
from queries.thalassemia.screening_yield import division_summary
from queries.thalassemia.worklists import (
    AT_RISK,
    Cascade,
    CascadeEntry,
    Couple,
    at_risk_couples,
    cascade,
    division_summaries,
    index_genes,
)

__all__ = [
    "AT_RISK", "Cascade", "CascadeEntry", "Couple", "CoupleClass", "CoupleRisk", "Facts", "Gene",
    "Genotype", "Method", "Screening", "Status", "at_risk_couples", "carrier_probabilities",
    "cascade", "couple_risk", "division_summaries", "division_summary", "facts", "from_feed",
    "index_genes", "parse_genotype", "screened_pedigree", "thalassemia_table",
]
