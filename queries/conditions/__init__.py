"""Inherited conditions beyond thalassemia (遗传病): results, carrier maths, cascades, couples.

The conditions themselves (mode, allele frequencies, sources) are data:
:mod:`kingraph.conditions`.  Pure genetics: :mod:`~queries.conditions.segregation` (exact
inference at one locus, autosomal or X-linked; the thalassemia room uses it too),
:mod:`~queries.conditions.results` (what ``diagnosis`` rows allow),
:mod:`~queries.conditions.carrier` (carrier and affected probabilities by the mode's
rules) and :mod:`~queries.conditions.couple_risk`.  On the graph:
:mod:`~queries.conditions.person_facts` and :mod:`~queries.conditions.worklists`
(cascade testing, at-risk couples), built on :mod:`queries.kinship`.
"""

from queries.conditions.carrier import (
    ConditionEstimate,
    Estimate,
    Method,
    carrier_probabilities,
    relatedness,
)
from queries.conditions.couple_risk import ConditionRisk, CoupleClass, couple_risk
from queries.conditions.person_facts import Facts, facts
from queries.conditions.results import Finding, Result, allowed, combined
from queries.conditions.worklists import Cascade, Couple, Entry, at_risk_couples, cascade

__all__ = [
    "Cascade", "ConditionEstimate", "ConditionRisk", "Couple", "CoupleClass", "Entry",
    "Estimate", "Facts", "Finding", "Method", "Result", "allowed", "at_risk_couples",
    "carrier_probabilities", "cascade", "combined", "couple_risk", "facts", "relatedness",
]
