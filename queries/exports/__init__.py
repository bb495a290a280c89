"""Standard exports: a pedigree as GEDCOM 7 (:mod:`~queries.exports.gedcom`), a family as
FHIR R4 RelatedPerson and FamilyMemberHistory resources (:mod:`~queries.exports.fhir`),
read from the graph by :mod:`~queries.exports.family`.  Pseudonymised forms (ids from
the caller, no names, years only) for researchers.
"""

from queries.exports.family import fhir, gedcom, known_conditions
from queries.exports.fhir import FhirOptions, KnownCondition, family_bundle, role
from queries.exports.gedcom import GedcomOptions, to_gedcom

__all__ = ["FhirOptions", "GedcomOptions", "KnownCondition", "family_bundle", "fhir", "gedcom",
           "known_conditions", "role", "to_gedcom"]
