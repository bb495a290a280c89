"""Pure rules turning the graph's rows about two spouses into a couple's facts.

A *row* is what :data:`queries.eligibility.from_graph.SPOUSE_FACTS` returns for one spouse
(plain dicts and lists).  Nothing here guesses: a fact the rows do not settle is
None, a contradiction is flagged on the marriage.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graphdb.values import day
from queries.eligibility.couple_facts import ChildFacts, MarriageFacts, Parentage, Reading

Row = dict[str, Any]
UNKNOWN_DAY = date.min  # a child without a birth date counts as born before any application


def _in_force(start: Any, end: Any, as_of: date) -> bool:
    begun, ended = day(start), day(end)
    return begun is not None and begun <= as_of and (ended is None or ended > as_of)


# --- marriage ---------------------------------------------------------------------------

def _episodes(row: Row) -> list[Row]:
    return sorted(row["marriages"], key=lambda m: (day(m["married_on"]) or UNKNOWN_DAY,
                                                   m["seq"] or 0))


def _current(together: list[Row], as_of: date) -> Row:
    started = [m for m in together if (day(m["married_on"]) or UNKNOWN_DAY) <= as_of]
    return started[-1] if started else together[0]


def _conflicting(current: Row, together: list[Row], h: Row, w: Row) -> bool:
    start = day(current["married_on"])
    if start is None or any(day(m["married_on"]) is None for m in together):
        return True
    if any(m is not current and m["ended_on"] is None
           and (day(m["married_on"]) or UNKNOWN_DAY) <= start
           for m in together):
        return True  # an earlier registration of the couple never ended
    others = [m for m in h["marriages"] + w["marriages"]
              if m["partner"] not in (h["pid"], w["pid"])]
    if any(_order_unknown(m, start) for m in others):
        return True  # a marriage to someone else of unknown dates: before or after this one?
    return any(_in_force(m["married_on"], m["ended_on"], start) for m in others)


def _order_unknown(other: Row, start: date) -> bool:
    """Whether a marriage without a wedding day may have begun after ``start``: it has no
    end, or one after ``start`` (a divorce row with no wedding row, ended before, is an
    earlier marriage; one known only from rows that name the couple is not)."""
    ended = day(other["ended_on"])
    return day(other["married_on"]) is None and (ended is None or ended > start)


def _before(row: Row, start: date) -> tuple[int, bool]:
    earlier = [m for m in _episodes(row) if (day(m["married_on"]) or UNKNOWN_DAY) < start]
    widowed = bool(earlier) and earlier[-1]["end_reason"] == "death"
    return len(earlier), widowed


Prior = tuple[int, bool]


def marriage_facts(h: Row, w: Row, as_of: date) -> tuple[MarriageFacts | None, Prior, Prior]:
    """The couple's marriage in force on ``as_of`` and each spouse's earlier marriages.

    Returns:
        The marriage (None when the couple has no marriage edge), and for husband and
        wife the number of earlier marriages and whether the last one ended by death.
    """
    together = [m for m in _episodes(h) if m["partner"] == w["pid"]]
    if not together:
        return None, (0, False), (0, False)
    current = _current(together, as_of)
    start = day(current["married_on"]) or UNKNOWN_DAY
    h_prior, w_prior = _before(h, start), _before(w, start)
    earlier = [m for m in together if (day(m["married_on"]) or UNKNOWN_DAY) < start]
    refs = [key for m in [*earlier, current] for key in (m["records"] or [])]
    facts = MarriageFacts(
        registered_on=start, husband_remarriage=h_prior[0] > 0,
        wife_remarriage=w_prior[0] > 0, fuhun=bool(earlier),
        conflicting_records=_conflicting(current, together, h, w),
        evidence=tuple(dict.fromkeys(refs)), inferred=bool(current.get("inferred")),
        ended_on=day(current["ended_on"]), end_reason=current["end_reason"])
    return facts, h_prior, w_prior


# --- children ---------------------------------------------------------------------------

STEP_OR_ADOPTIVE = "step_or_adoptive"  # GB/T 4761 27/37/57/58: adopted OR step
LEGAL_KINDS = frozenset({"biological", "adoptive"})
_PARENTAGE = {frozenset({"husband", "wife"}): Parentage.SHARED,
              frozenset({"husband"}): Parentage.HUSBAND_ONLY,
              frozenset({"wife"}): Parentage.WIFE_ONLY}


def _merge_children(h: Row, w: Row) -> dict[str, dict[str, Any]]:
    kids: dict[str, dict[str, Any]] = {}
    for side, row in (("husband", h), ("wife", w)):
        for c in row["children"]:
            kid = kids.setdefault(c["pid"], {**c, "sides": set(), "kinds": set(), "by_side": {},
                                             "refs": [], "others": []})
            kid["sides"].add(side)
            kid["kinds"].add(c["kind"])
            kid["by_side"].setdefault(side, set()).add(c["kind"])
            kid["refs"] += c["records"] or []
            kid["others"] += [o for o in c["others"] if o["pid"] not in (h["pid"], w["pid"])]
    return kids


def _former_homes(row: Row, other: str) -> set[str]:
    """The current households of a spouse's former spouses (anyone but ``other`` they
    married)."""
    return {hh for m in row["marriages"] if m["partner"] != other for hh in m.get("homes", [])}


def _with_former(kid: dict[str, Any], couple_homes: set[str],
                 formers: dict[str, set[str]]) -> bool | None:
    """Where a child of one spouse lives: with the couple (False), with the former spouse
    (True: a household of the child's other parent or of that spouse's former spouse, the
    household register's evidence of custody), or unknown (None)."""
    homes = set(kid["homes"])
    if not homes:
        return None
    if homes & couple_homes:
        return False
    former = {hh for o in kid["others"] for hh in o["homes"]}
    former |= {hh for side in kid["sides"] for hh in formers[side]}
    return True if homes & former else None


def _readings(by_side: dict[str, set[str]]) -> tuple[Reading, ...]:
    """Every reading of a child's links when a 27/37/57/58 code links it to a spouse: each
    such spouse is an adoptive parent or a step-parent (then not a parent at all)."""
    certain = {side for side, kinds in by_side.items() if kinds & LEGAL_KINDS}
    ambiguous = sorted(side for side in by_side if side not in certain)
    if not ambiguous:
        return ()
    adopted = any("adoptive" in kinds for kinds in by_side.values())
    found = []
    for chosen in ([], *([s] for s in ambiguous), ambiguous if len(ambiguous) > 1 else []):
        sides = frozenset(certain | set(chosen))
        found.append(Reading(_PARENTAGE.get(sides), adopted or bool(chosen)))
    return tuple(dict.fromkeys(found))


def _disabled(records: list[Row], as_of: date) -> bool | None:
    if any(_in_force(d["certified_on"], d["revoked_on"], as_of) for d in records):
        return True
    return None if any(day(d["certified_on"]) is None for d in records) else False


def _child(kid: dict[str, Any], couple_homes: set[str], formers: dict[str, set[str]],
           as_of: date) -> ChildFacts:
    sides = kid["sides"]
    parents = _PARENTAGE[frozenset(sides)]
    readings = _readings(kid["by_side"])
    died = day(kid["death_date"])
    refs = kid["refs"] + [d["key"] for d in kid["disability"]]
    one_sided = parents is not Parentage.SHARED or any(
        r.parents is not Parentage.SHARED for r in readings)
    return ChildFacts(
        pid=str(kid["pid"]), birth_date=day(kid["birth_date"]) or UNKNOWN_DAY,
        sex=str(kid["sex"] or ""), parents=parents,
        with_former_spouse=_with_former(kid, couple_homes, formers) if one_sided else None,
        adopted=any("adoptive" in kinds or not kinds & LEGAL_KINDS
                    for kinds in kid["by_side"].values()),
        alive=died is None or died > as_of,
        disabled_certified=_disabled(kid["disability"], as_of),
        evidence=tuple(dict.fromkeys(refs)), readings=readings)


def children(h: Row, w: Row, as_of: date) -> tuple[ChildFacts, ...]:
    """Every child of either spouse, shared children of one birth day grouped as a delivery."""
    homes = set(h["homes"]) | set(w["homes"])
    formers = {"husband": _former_homes(h, w["pid"]), "wife": _former_homes(w, h["pid"])}
    kids = [_child(k, homes, formers, as_of) for k in _merge_children(h, w).values()]
    days: dict[date, int] = {}
    for c in kids:
        if c.parents is Parentage.SHARED and c.birth_date != UNKNOWN_DAY:
            days[c.birth_date] = days.get(c.birth_date, 0) + 1
    return tuple(
        ChildFacts(**{**c.__dict__, "plurality_group": f"delivery-{c.birth_date.isoformat()}"})
        if c.parents is Parentage.SHARED and days.get(c.birth_date, 0) > 1 else c
        for c in sorted(kids, key=lambda c: (c.birth_date, c.pid)))


# --- the spouse's own family, the pledge ---------------------------------------------------

def only_child(row: Row) -> tuple[bool | None, tuple[str, ...]]:
    """Whether a spouse is an only child: False with a sibling on record, True only when
    both parents are known and neither has another child, else None."""
    parents = row["parents"]
    refs = tuple(k for p in parents for k in (p["records"] or []))
    siblings = {s for p in parents for s in p["others"]}
    if siblings:
        return False, refs
    known = {p["pid"] for p in parents}
    return (True, refs) if len(known) >= 2 else (None, refs)


def pledge(h: Row, w: Row, as_of: date) -> tuple[bool, tuple[str, ...]]:
    """Whether the couple holds a one-child glory certificate on ``as_of`` (both named)."""
    held = {g["key"] for g in w["glory"] if _in_force(g["issued_on"], g["revoked_on"], as_of)}
    both = sorted(g["key"] for g in h["glory"] if g["key"] in held)
    return bool(both), tuple(both)
