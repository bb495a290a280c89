"""The vocabulary of birth-rule conditions, over a couple's normalised situation.

A :class:`Situation` is a couple's facts as one policy version sees them: each
spouse's class (only child, rural or urban hukou, qualifying minority, remarried,
widowed) and each child's (which side, counted or not, girl, disabled, living
with a former spouse).  A field is None where the data does not settle it; the
evaluator fills such *slots* with every candidate value and compares outcomes.

Each test in :data:`VOCABULARY` is a small predicate returning a
:class:`Verdict`; the policy table names them (``{"test": "counted", "eq": 1}``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import cached_property
from itertools import product
from typing import Any

from kingraph.errors import ConfigError
from queries.eligibility.couple_facts import (
    ChildFacts,
    CoupleFacts,
    Parentage,
    SpouseFacts,
    born_by,
)
from queries.eligibility.policy import (
    Condition,
    Deceased,
    MultipleBirth,
    Policy,
    PolicyVersion,
    Rule,
)


class Verdict(StrEnum):
    """The result of one condition or one rule on a complete situation."""

    MET = "met"
    NOT_MET = "not_met"
    UNCLEAR = "unclear"  # the text does not settle this case


@dataclass(frozen=True)
class Side:
    """One spouse as the rules see them."""

    only_child: bool | None
    hukou: str | None  # rural | urban | unclear
    minority: str | None  # yes | no | review
    remarried: bool
    widowed: bool


@dataclass(frozen=True)
class Kid:
    """One child of either spouse, born by the application date.

    ``side`` is None while a relation code that means adopted OR step leaves it open;
    ``readings`` then lists the (side, adopted) pairs it allows, ``none`` being a side: a
    stepchild of one spouse who is neither spouse's child.
    """

    side: str | None  # shared | husband | wife | none
    counted: bool | None
    girl: bool | None
    disabled: bool | None
    with_former: bool | None
    adopted: bool
    delivery: str  # children of one delivery share it
    readings: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class Situation:
    """A couple's facts normalised for one policy version."""

    husband: Side
    wife: Side
    kids: tuple[Kid, ...]
    infertile_then_adopted: bool
    multiple_birth: MultipleBirth

    def number(self, side: str | None = None) -> int:
        """Counted children (of one side, or all), as the era counts multiple births."""
        return self._numbers[side]

    @cached_property
    def _numbers(self) -> dict[str | None, int]:
        out: dict[str | None, int] = {}
        for side in (None, "shared", "husband", "wife"):
            kids = [k for k in self.counted() if side is None or k.side == side]
            per_delivery = self.multiple_birth is MultipleBirth.PER_DELIVERY
            out[side] = len({k.delivery for k in kids}) if per_delivery else len(kids)
        return out

    def counted(self) -> tuple[Kid, ...]:
        """The counted children (a child whose side is open or who is neither spouse's
        child is not counted)."""
        return tuple(k for k in self.kids if k.counted and k.side not in (None, NEITHER))


NEITHER = "none"  # a reading in which the child is neither spouse's
Slot = tuple[str, str]  # (where: husband | wife | child index, field)
CANDIDATES: dict[str, tuple[object, ...]] = {
    "only_child": (True, False), "hukou": ("rural", "urban", "unclear"),
    "minority": ("yes", "no", "review"), "counted": (True, False), "girl": (True, False),
    "disabled": (True, False), "with_former": (True, False),
}


def candidates(sit: Situation, slot: Slot) -> tuple[object, ...]:
    """The values a slot may take (a child's readings are its own)."""
    where, field = slot
    return sit.kids[int(where)].readings if field == "reading" else CANDIDATES[field]


def slots(sit: Situation, reads: frozenset[str]) -> tuple[Slot, ...]:
    """The unknown fields that the given reads could depend on (a child's open side is
    always one: every count depends on it)."""
    found: list[Slot] = [
        (who, f) for who in ("husband", "wife") for f in ("only_child", "hukou", "minority")
        if f in reads and getattr(getattr(sit, who), f) is None]
    for i, kid in enumerate(sit.kids):
        if kid.side is None and kid.counted is not False:
            found.append((str(i), "reading"))
        fields: tuple[str, ...] = ("counted",) if kid.counted is None else ()
        if kid.counted is not False:
            fields += ("girl", "disabled") + (("with_former",) if kid.side != "shared" else ())
        found += [(str(i), f) for f in fields if f in reads and getattr(kid, f) is None]
    return tuple(found)


def completions(sit: Situation, unknown: tuple[Slot, ...]) -> Iterator[tuple[tuple[object, ...],
                                                                             Situation]]:
    """Every way to fill the unknown slots, with the filled situation."""
    for values in product(*(candidates(sit, slot) for slot in unknown)):
        yield values, _fill(sit, dict(zip(unknown, values, strict=True)))


def _fill(sit: Situation, values: dict[Slot, object]) -> Situation:
    by_where: dict[str, dict[str, Any]] = {}
    for (where, field), value in values.items():
        if field == "reading":
            reading: tuple[str, bool] = value  # type: ignore[assignment]
            by_where.setdefault(where, {}).update(side=reading[0], adopted=reading[1])
            continue
        by_where.setdefault(where, {})[field] = value
    kids = tuple(replace(kid, **by_where[str(i)]) if str(i) in by_where else kid
                 for i, kid in enumerate(sit.kids))
    sides = [replace(getattr(sit, who), **by_where[who]) if who in by_where
             else getattr(sit, who) for who in ("husband", "wife")]
    return replace(sit, husband=sides[0], wife=sides[1], kids=kids)


def _bounds(n: int, c: Condition) -> Verdict:
    ok = ((c.eq is None or n == c.eq) and (c.lt is None or n < c.lt)
          and (c.at_least is None or n >= c.at_least) and (c.at_most is None or n <= c.at_most))
    return Verdict.MET if ok else Verdict.NOT_MET


def _who(values: list[bool], c: Condition) -> Verdict:
    ok = all(values) if c.who == "both" else any(values)
    return Verdict.MET if ok else Verdict.NOT_MET


def _counted(sit: Situation, c: Condition) -> Verdict:
    return _bounds(sit.number(), c)


def _shared(sit: Situation, c: Condition) -> Verdict:
    return _bounds(sit.number("shared"), c)


def _priors(sit: Situation, c: Condition) -> Verdict:
    pair = (sit.number("husband"), sit.number("wife"))
    pairs = {pair, pair[::-1]}
    if c.pairs or c.review_pairs:
        if pairs & set(c.pairs):
            return Verdict.MET
        return Verdict.UNCLEAR if pairs & set(c.review_pairs) else Verdict.NOT_MET
    both = _bounds(pair[0], c) is Verdict.MET and _bounds(pair[1], c) is Verdict.MET
    return Verdict.MET if both else Verdict.NOT_MET


def _remarried(sit: Situation, c: Condition) -> Verdict:
    return _who([sit.husband.remarried, sit.wife.remarried], c)


def _only_child(sit: Situation, c: Condition) -> Verdict:
    return _who([bool(sit.husband.only_child), bool(sit.wife.only_child)], c)


def _rural(sit: Situation, c: Condition) -> Verdict:
    kinds = {sit.husband.hukou, sit.wife.hukou}
    if kinds == {"rural"}:
        return Verdict.MET
    return Verdict.NOT_MET if kinds == {"urban"} else Verdict.UNCLEAR


def _minority(sit: Situation, c: Condition) -> Verdict:
    kinds = [sit.husband.minority, sit.wife.minority]
    if _who([k == "yes" for k in kinds], c) is Verdict.MET:
        return Verdict.MET
    return Verdict.UNCLEAR if "review" in kinds else Verdict.NOT_MET


def _girls(sit: Situation, c: Condition) -> Verdict:
    return _bounds(sum(1 for k in sit.counted() if k.girl), c)


def _disabled(sit: Situation, c: Condition) -> Verdict:
    return _bounds(sum(1 for k in sit.counted() if k.disabled), c)


def _custody_with_former(sit: Situation, c: Condition) -> Verdict:
    priors = [k for k in sit.counted() if k.side != "shared"]
    return Verdict.MET if priors and all(k.with_former for k in priors) else Verdict.NOT_MET


def _widowed_with_children(sit: Situation, c: Condition) -> Verdict:
    sides = (("husband", sit.husband), ("wife", sit.wife))
    hits = [s.widowed and _bounds(sit.number(name), c) is Verdict.MET for name, s in sides]
    return Verdict.MET if any(hits) else Verdict.NOT_MET


def _infertile_then_adopted(sit: Situation, c: Condition) -> Verdict:
    kids = sit.counted()
    ok = sit.infertile_then_adopted and bool(kids) and all(k.adopted for k in kids)
    return Verdict.MET if ok else Verdict.NOT_MET


Test = Callable[[Situation, Condition], Verdict]
VOCABULARY: dict[str, tuple[Test, frozenset[str]]] = {
    "counted": (_counted, frozenset({"counted"})),
    "shared": (_shared, frozenset({"counted"})),
    "priors": (_priors, frozenset({"counted"})),
    "remarried": (_remarried, frozenset()),
    "only_child": (_only_child, frozenset({"only_child"})),
    "rural": (_rural, frozenset({"hukou"})),
    "minority": (_minority, frozenset({"minority"})),
    "girls": (_girls, frozenset({"counted", "girl"})),
    "disabled": (_disabled, frozenset({"counted", "disabled"})),
    "custody_with_former": (_custody_with_former, frozenset({"counted", "with_former"})),
    "widowed_with_children": (_widowed_with_children, frozenset({"counted"})),
    "infertile_then_adopted": (_infertile_then_adopted, frozenset({"counted"})),
}


# The parameters each test takes (the policy table's file is checked against them): the
# first set is what it accepts, the second what it needs at least one of.
BOUNDS = frozenset({"eq", "lt", "at_least", "at_most"})
PARAMETERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    **dict.fromkeys(("counted", "shared", "girls", "disabled", "widowed_with_children"),
                    (BOUNDS, BOUNDS)),
    "priors": (BOUNDS | {"pairs", "review_pairs"}, BOUNDS | {"pairs", "review_pairs"}),
    **dict.fromkeys(("remarried", "only_child", "minority"),
                    (frozenset({"who"}), frozenset({"who"}))),
    **dict.fromkeys(("rural", "custody_with_former", "infertile_then_adopted"),
                    (frozenset[str](), frozenset[str]())),
}


def _entry(condition: Condition, rule_id: str) -> tuple[Test, frozenset[str]]:
    try:
        return VOCABULARY[condition.test]
    except KeyError:
        raise ConfigError(f"rule {rule_id}: unknown condition test {condition.test!r}") from None


def reads(rules: tuple[Rule, ...]) -> frozenset[str]:
    """The situation fields that some condition of these rules reads."""
    return frozenset().union(*(_entry(c, r.id)[1] for r in rules for c in r.when))


def verdict(rule: Rule, sit: Situation) -> Verdict:
    """A rule's verdict on a complete situation: any NOT_MET wins, then any UNCLEAR."""
    result = Verdict.MET
    for c in rule.when:
        found = _entry(c, rule.id)[0](sit, c)
        if found is Verdict.NOT_MET:
            return found
        if found is Verdict.UNCLEAR:
            result = found
    return result


_SIDES = {Parentage.SHARED: "shared", Parentage.HUSBAND_ONLY: "husband",
          Parentage.WIFE_ONLY: "wife"}
_GIRL = {"1": False, "2": True}


def situation(facts: CoupleFacts, as_of: date, version: PolicyVersion,
              policy: Policy) -> Situation:
    """The couple's facts normalised for ``version`` (spouses and marriage must be present)."""
    assert facts.husband and facts.wife and facts.marriage and version.counting
    marriage = facts.marriage
    sides = [_side(s, policy, remarried and not marriage.fuhun) for s, remarried in
             ((facts.husband, marriage.husband_remarriage), (facts.wife, marriage.wife_remarriage))]
    kids = tuple(_kid(c, version.counting.deceased) for c in born_by(facts, as_of))
    return Situation(sides[0], sides[1], kids, facts.infertile_then_adopted,
                     version.counting.multiple_birth)


def _side(spouse: SpouseFacts, policy: Policy, remarried: bool) -> Side:
    return Side(only_child=spouse.only_child,
                hukou=policy.hukou.classify(spouse.hukou_type),
                minority=policy.minorities.classify(spouse.ethnicity),
                remarried=remarried, widowed=spouse.widowed)


def _kid(child: ChildFacts, deceased: Deceased) -> Kid:
    if child.alive:
        counted: bool | None = True
    elif deceased is Deceased.COUNT:
        counted = True
    else:
        counted = False if (deceased is Deceased.EXCLUDE and child.alive is False) else None
    readings = tuple((_SIDES[r.parents] if r.parents else NEITHER, r.adopted)
                     for r in child.readings)
    return Kid(side=None if readings else _SIDES[child.parents], counted=counted,
               girl=_GIRL.get(child.sex), disabled=child.disabled_certified,
               with_former=child.with_former_spouse, adopted=child.adopted,
               delivery=child.plurality_group or child.pid, readings=readings)
