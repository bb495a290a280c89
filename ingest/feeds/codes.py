"""Code lists the feeds use (national standards and feed-specific enumerations).

Each list is data: an operator who meets a legitimate code we lack adds it here.
Sources: GB/T 2261.1 (sex), GB/T 2261.2 (marital status), GB/T 3304 (ethnic
groups, two digits), GB/T 4761-2008 (family relations) and the enumerations fixed
by ``docs/feeds.md``; a ``diagnosis`` row's condition is a code of the conditions table
(``kingraph/data/conditions.json``), which the operator extends.
"""

from __future__ import annotations

from dataclasses import dataclass

from kingraph import conditions


@dataclass(frozen=True)
class CodeList:
    """A named, closed set of allowed values for one column."""

    name: str
    values: frozenset[str]

    def __contains__(self, value: object) -> bool:
        return value in self.values


def _codes(name: str, *values: str) -> CodeList:
    return CodeList(name, frozenset(values))


def _span(first: int, last: int) -> tuple[str, ...]:
    return tuple(f"{n:02d}" for n in range(first, last + 1))


SEX = _codes("GB/T 2261.1 sex", "0", "1", "2", "9")
MARITAL_STATUS = _codes(
    "GB/T 2261.2 marital status", "10", "20", "21", "22", "23", "30", "40", "90"
)
# 56 groups numbered 01..56, 97 other, 98 foreign origin.
ETHNICITY = _codes("GB/T 3304 ethnic group", *_span(1, 56), "97", "98")
# GB/T 4761-2008: the codes of domain.md plus the standard's group and "other" codes
# (29 other son, 39 other daughter, 40/45-49 grandchildren, 50 parents, 59 other
# parent, 60/65-69 grandparents, 70/79 siblings, 80 other).
RELATION = _codes(
    "GB/T 4761 family relation",
    "01", "02", *_span(10, 12), *_span(20, 29), *_span(30, 39), *_span(40, 49),
    *_span(50, 59), *_span(60, 69), *_span(70, 79), *_span(80, 97), "99",
)
HUKOU_TYPE = _codes("hukou type", "agricultural", "non_agricultural", "resident")
DEREGISTERED_REASON = _codes("deregistration reason", "moved_out", "death", "emigrated", "other")
MARRIAGE_EVENT = _codes("marriage event", "marriage", "divorce", "remarriage")
CONCLUSION = _codes(
    "screening conclusion",
    "normal", "alpha_carrier", "beta_carrier", "alpha_beta_carrier", "hbh_disease",
    "beta_major", "beta_intermedia", "suspected",
)
PREGNANCY_STATUS = _codes(
    "pregnancy status", "ongoing", "delivered", "terminated", "miscarried", "unknown"
)
CERTIFICATE_TYPE = _codes("certificate type", "birth_service", "one_child_glory")
DISABILITY_CATEGORY = _codes(
    "disability category",
    "visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple",
)
DISABILITY_GRADE = _codes("disability grade", "1", "2", "3", "4")
CONDITION = CodeList("conditions table", conditions.codes())
DIAGNOSIS_RESULT = _codes("diagnosis result", "affected", "carrier", "normal", "suspected")
