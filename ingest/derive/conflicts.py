"""Conflicting facts, found while the graph is derived, for an officer to settle.

Fusion decides who is who; the rows then state facts about those persons, and some
of those facts cannot all be true.  Each conflict becomes a review item
(``:Review``, kind ``conflict_*``, with a ``reason`` code) with the records on every
side:

- ``conflict_two_mothers`` / ``conflict_two_fathers``: rows state two or more
  biological mothers (fathers) of one person (``two_biological_mothers``,
  ``two_biological_fathers``);
- ``conflict_underage_marriage``: a spouse below the legal marriage age in force on
  the marriage date, :mod:`kingraph.marriage_age` (``husband_under_age``,
  ``wife_under_age``, ``both_under_age``);
- ``conflict_ancestry_cycle``: a person who is their own ancestor (``own_ancestor``);
- ``conflict_parent_age``: a stated biological parent born after the child, or less
  than :attr:`Plausibility.min_parent_age_years` before (``parent_born_after_child``,
  ``parent_too_young``);
- ``conflict_household_marriage``: the household register shows a couple as head and
  spouse (a marriage inferred from it, :mod:`ingest.derive.relations`) while a divorce
  row of the same couple says they were divorced (``divorce_recorded``), or while a
  marriage row says one of them was married to someone else (``married_to_another``),
  by more than :attr:`Plausibility.household_lag_days` (a register updated late).
- ``conflict_stated_marriage``: a marriage known only from rows that name a couple
  (bloodline spouse codes, certificates, pregnancy registrations) while, on such a row's
  date, a marriage row has one of them married to someone else
  (``stated_while_married_to_another``).

Only *stated* parent-child links (birth and bloodline rows) count for two parents
and parent age; a household inference is weaker evidence and not a claim to weigh
against a stated one.  Cycles are looked for in every ``CHILD_OF`` edge, inferred
ones included, because every query that walks the graph would meet them.  An edge
in a cycle is reported by the cycle only.

Meanwhile the graph keeps every fact: the edges involved in an open conflict are
written with ``disputed: true`` (both mothers, every edge of the cycle, the
marriage), so kinship queries can tell.

A review id is derived from the conflict's kind and the persons (and, for a
marriage, the date) it is about, so reloading finds the same item and a conflict
that disappears (a correction) leaves an item the load closes.  Officers' rulings
(:class:`Rulings`) are read before every derive and never overridden: an accepted
conflict stays accepted and its edges are no longer disputed; a dismissed statement
no longer counts as evidence.  If a conflict is still found after an officer
dismissed some of its records (other rows still say it), it comes back as a
follow-up item whose id also covers the statements still in conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import networkx as nx
import polars as pl

from ingest.feeds.mentions import record_of
from ingest.fusion.lifetimes import MIN_PARENT_AGE_YEARS
from kingraph import marriage_age

PREFIX = "conflict_"
TWO_MOTHERS, TWO_FATHERS = "conflict_two_mothers", "conflict_two_fathers"
UNDERAGE_MARRIAGE = "conflict_underage_marriage"
ANCESTRY_CYCLE = "conflict_ancestry_cycle"
PARENT_AGE = "conflict_parent_age"
HOUSEHOLD_MARRIAGE = "conflict_household_marriage"
STATED_MARRIAGE = "conflict_stated_marriage"
KINDS = (TWO_MOTHERS, TWO_FATHERS, UNDERAGE_MARRIAGE, ANCESTRY_CYCLE, PARENT_AGE,
         HOUSEHOLD_MARRIAGE, STATED_MARRIAGE)
SIDE_OF_SEX = {"1": "father", "2": "mother"}  # GB/T 2261.1

REVIEW_SCHEMA: dict[str, Any] = {
    "review_id": pl.String, "kind": pl.String, "reason": pl.String,
    "records": pl.List(pl.String), "pids": pl.List(pl.String), "sides": pl.String,
}
EDGE_KEYS: dict[str, dict[str, Any]] = {
    "child_of": {"child": pl.String, "parent": pl.String, "kind": pl.String},
    "married": {"husband": pl.String, "wife": pl.String, "seq": pl.Int64},
}


@dataclass(frozen=True)
class Plausibility:
    """Bounds below which a stated fact is implausible (operators may change them)."""

    min_parent_age_years: int = MIN_PARENT_AGE_YEARS
    # Days a household register may lag a divorce or a marriage before it contradicts it.
    household_lag_days: int = 90
    # Records shown as evidence of one person's birth date (the first, by key).
    evidence_records: int = 12


@dataclass(frozen=True)
class Rulings:
    """Officers' rulings on conflicts, read before every derive."""

    dismissed: frozenset[str] = frozenset()  # statements no longer used as evidence
    decided: Mapping[str, str] = field(default_factory=dict)  # review id -> decision


NO_RULINGS = Rulings()


@dataclass(frozen=True)
class Conflict:
    """One conflict: what it is, whom it concerns, and what each side rests on.

    A side is a dict: ``claim`` (``mother``, ``father``, ``child_of``, ``marriage``,
    ``divorce``, ``household_spouses``, ``birth_date``), ``pid`` (whom the claim is
    about; a couple's husband), ``parent_pid`` (the parent; a couple's wife), ``value`` (a
    date), ``minimum_age`` and ``law`` for an age, ``records`` (record keys) and
    ``statements`` (what an officer may dismiss; empty for birth-date evidence).
    """

    kind: str
    reason: str
    subject: tuple[str, ...]
    pids: tuple[str, ...]
    sides: tuple[dict[str, Any], ...]
    child_of: tuple[tuple[str, str, str], ...] = ()
    married: tuple[tuple[str, str, int], ...] = ()

    @property
    def statements(self) -> list[str]:
        """Every dismissable statement of every side, sorted."""
        return sorted({s for side in self.sides for s in side["statements"]})


@dataclass
class Found:
    """The conflicts of one derive: review rows, the disputed edges, counts by kind."""

    reviews: pl.DataFrame
    disputed: dict[str, pl.DataFrame]
    counts: dict[str, int]


def review_id(*parts: str) -> str:
    """A stable review id from the facts that identify a conflict."""
    return "R" + hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


def detect(statements: pl.DataFrame, child_of: pl.DataFrame, married: pl.DataFrame,
           persons: pl.DataFrame, mentions: pl.DataFrame, pids: pl.DataFrame,
           rulings: Rulings = NO_RULINGS,
           plausibility: Plausibility = Plausibility(),
           spans: pl.DataFrame | None = None,
           couples: pl.DataFrame | None = None) -> Found:
    """Every conflict of the derived graph, settled against the officers' rulings.

    Args:
        statements: parent-child statements (:func:`ingest.derive.relations.child_of_statements`).
        child_of: the parent-child edges grouped from them.
        married: marriage episodes with ``statements`` (the rows that state the wedding).
        persons: golden persons (``pid``, ``props`` with ``sex`` and ``birth_date``).
        mentions: ``mention_id, birth_date, id_birth_date`` of every mention (what each
            row says of its person's birth date, directly or in an ID number).
        pids: ``mention_id, pid``, the resolver's assignments.
        rulings: officers' rulings.
        plausibility: the plausibility bounds.
        spans: the household spans behind inferred marriages, with the episode each
            supports (:func:`ingest.derive.relations.with_household_marriages`).
        couples: the couples bloodline, certificate and pregnancy rows state
            (:func:`ingest.derive.relations.couple_statements`).
    """
    people = persons.select("pid", pl.col("props").struct.field("sex"),
                            pl.col("props").struct.field("birth_date"))
    cycles, in_cycle = ancestry_cycles(child_of, statements)
    stated = married.filter(~pl.col("inferred")) if "inferred" in married.columns else married
    found = [*two_parents(statements, people), *underage_marriages(stated, people),
             *cycles, *parent_ages(child_of, statements, people, in_cycle, plausibility)]
    if spans is not None and spans.height:
        found += household_marriages(spans, stated, plausibility.household_lag_days)
    if couples is not None and couples.height:
        found += stated_couples(married, couples, stated, plausibility.household_lag_days)
    _add_birth_evidence(found, mentions, pids, people, plausibility.evidence_records)
    return _settle(found, rulings)


def two_parents(statements: pl.DataFrame, people: pl.DataFrame) -> list[Conflict]:
    """Children with more than one stated biological mother (or father).

    The side is the one the row states (mother, father); a bloodline child code does
    not state it, and the parent's sex decides.
    """
    stated = statements.filter((pl.col("kind") == "biological") & ~pl.col("inferred"))
    stated = stated.join(people.select(pl.col("pid").alias("parent"), "sex"), on="parent",
                         how="left").with_columns(
        pl.coalesce("side", pl.col("sex").replace_strict(SIDE_OF_SEX, default=None))
        .alias("side")).filter(pl.col("side").is_not_null())
    per_parent = stated.group_by("child", "side", "parent").agg(
        pl.col("records").explode().unique().sort(), pl.col("statement").unique().sort())
    several = per_parent.group_by("child", "side").len().filter(pl.col("len") > 1)
    rows = per_parent.join(several, on=["child", "side"], how="semi").sort(
        "child", "side", "parent")
    out = []
    for (child, side), group in rows.group_by(["child", "side"], maintain_order=True):
        parents = group["parent"].to_list()
        kind = TWO_MOTHERS if side == "mother" else TWO_FATHERS
        sides = tuple(_side(str(side), child=str(child), parent=p, records=r, statements=s)
                      for p, r, s in group.select("parent", "records", "statement").iter_rows())
        out.append(Conflict(kind, f"two_biological_{side}s", (str(child), *parents),
                            (str(child), *parents), sides,
                            child_of=tuple((str(child), p, "biological") for p in parents)))
    return out


def underage_marriages(married: pl.DataFrame, people: pl.DataFrame) -> list[Conflict]:
    """Marriages where a spouse was below the legal age in force on the marriage date."""
    if married.height == 0:
        return []
    births = people.select("pid", "birth_date")
    m = (married.filter(pl.col("married_on").is_not_null())
         .join(births.rename({"pid": "husband", "birth_date": "husband_born"}), on="husband",
               how="left")
         .join(births.rename({"pid": "wife", "birth_date": "wife_born"}), on="wife", how="left")
         .sort("married_on")
         .join_asof(marriage_age.frame().rename({"husband": "husband_min", "wife": "wife_min"}),
                    left_on="married_on", right_on="valid_from", strategy="backward"))
    under = {role: pl.col("married_on") < pl.col(f"{role}_born").dt.offset_by(
        pl.format("{}y", pl.col(f"{role}_min"))) for role in ("husband", "wife")}
    m = m.with_columns(*(expr.fill_null(False).alias(f"{role}_under")
                         for role, expr in under.items()))
    out = []
    for row in m.filter(pl.col("husband_under") | pl.col("wife_under")).sort(
            "husband", "wife", "seq").iter_rows(named=True):
        roles = [r for r in ("husband", "wife") if row[f"{r}_under"]]
        reason = "both_under_age" if len(roles) == 2 else f"{roles[0]}_under_age"
        wedding = _side("marriage", child=None, parent=None,
                        records=[s.rsplit("|", 1)[0] for s in row["statements"]],
                        statements=row["statements"], value=row["married_on"])
        ages = tuple(_side("birth_date", child=row[r], parent=None, records=[], statements=[],
                           value=row[f"{r}_born"], role=r, minimum_age=row[f"{r}_min"],
                           law=row["law"]) for r in roles)
        out.append(Conflict(UNDERAGE_MARRIAGE, reason,
                            (row["husband"], row["wife"], row["married_on"].isoformat()),
                            (row["husband"], row["wife"]), (wedding, *ages),
                            married=((row["husband"], row["wife"], row["seq"]),)))
    return out


def ancestry_cycles(child_of: pl.DataFrame, statements: pl.DataFrame
                    ) -> tuple[list[Conflict], set[tuple[str, str]]]:
    """Persons who are their own ancestors: one conflict per strongly connected group.

    Persons without a child or without a parent in what is left cannot be on a
    cycle; peeling them off until nothing changes (a few rounds: one per generation)
    leaves only the edges that may be, and networkx finds the groups among those few.
    """
    edges = child_of.select("child", "parent").unique()
    while edges.height:
        kept = edges.filter(pl.col("child").is_in(edges["parent"].implode())
                            & pl.col("parent").is_in(edges["child"].implode()))
        if kept.height == edges.height:
            break
        edges = kept
    if edges.height == 0:
        return [], set()
    graph = nx.DiGraph(list(edges.iter_rows()))
    groups = sorted(sorted(g) for g in nx.strongly_connected_components(graph) if len(g) > 1)
    keys_of = [sorted(child_of.filter(pl.col("child").is_in(g) & pl.col("parent").is_in(g))
                      .select("child", "parent", "kind").iter_rows()) for g in groups]
    sides = _edge_sides(statements, [k for keys in keys_of for k in keys])
    out, in_cycle = [], set()
    for group, keys in zip(groups, keys_of, strict=True):
        in_cycle |= {(c, p) for c, p, _ in keys}
        out.append(Conflict(ANCESTRY_CYCLE, "own_ancestor", tuple(group), tuple(group),
                            tuple(sides[k] for k in keys), child_of=tuple(keys)))
    return out, in_cycle


def parent_ages(child_of: pl.DataFrame, statements: pl.DataFrame, people: pl.DataFrame,
                in_cycle: set[tuple[str, str]], plausibility: Plausibility) -> list[Conflict]:
    """Stated biological parents born after, or implausibly close to, their child."""
    births = people.select("pid", "birth_date")
    e = (child_of.filter((pl.col("kind") == "biological") & ~pl.col("inferred"))
         .join(births.rename({"pid": "child", "birth_date": "child_born"}), on="child")
         .join(births.rename({"pid": "parent", "birth_date": "parent_born"}), on="parent"))
    grown = pl.col("parent_born").dt.offset_by(f"{plausibility.min_parent_age_years}y")
    flagged = [row for row in e.filter(grown > pl.col("child_born")).sort("child", "parent")
               .select("child", "parent", "kind", "child_born", "parent_born").iter_rows()
               if (row[0], row[1]) not in in_cycle]
    edge_sides = _edge_sides(statements, [(c, p, k) for c, p, k, _, _ in flagged])
    out = []
    for child, parent, kind, child_born, parent_born in flagged:
        reason = ("parent_born_after_child" if parent_born >= child_born
                  else "parent_too_young")
        sides = (edge_sides[(child, parent, kind)],
                 _side("birth_date", child=parent, parent=None, records=[], statements=[],
                       value=parent_born),
                 _side("birth_date", child=child, parent=None, records=[], statements=[],
                       value=child_born))
        out.append(Conflict(PARENT_AGE, reason, (child, parent), (child, parent), sides,
                            child_of=((child, parent, kind),)))
    return out


def household_marriages(spans: pl.DataFrame, stated: pl.DataFrame,
                        lag_days: int) -> list[Conflict]:
    """Marriages inferred from the household register that a row contradicts.

    ``divorce_recorded``: the register still shows the couple as head and spouse more than
    ``lag_days`` after a divorce row of theirs (and before any 复婚 row).
    ``married_to_another``: an inferred marriage (one no marriage row of the couple
    states) overlaps, by more than ``lag_days`` at either end, a marriage row of either
    spouse to a third person.

    Args:
        spans: household spans with ``seq`` and ``merged``
            (:func:`ingest.derive.relations.with_household_marriages`).
        stated: the marriage episodes marriage rows state (``statements``, ``ended_by``).
        lag_days: how late a register may be.
    """
    lag = timedelta(days=lag_days)
    episodes: dict[str, list[dict[str, Any]]] = {}
    wanted = set(spans["husband"]) | set(spans["wife"])
    for e in stated.filter(pl.col("husband").is_in(list(wanted))
                           | pl.col("wife").is_in(list(wanted))).iter_rows(named=True):
        episodes.setdefault(e["husband"], []).append(e)
        if e["wife"] != e["husband"]:
            episodes.setdefault(e["wife"], []).append(e)
    out: list[Conflict] = []
    for span in spans.sort("husband", "wife", "seq").iter_rows(named=True):
        mine = [e for e in episodes.get(span["husband"], []) if e["wife"] == span["wife"]]
        out += _after_divorce(span, mine, lag)
        if not span["merged"]:
            others = [e for p in ("husband", "wife") for e in episodes.get(span[p], [])
                      if (e["husband"], e["wife"]) != (span["husband"], span["wife"])]
            out += _married_to_another(span, others, lag)
    return out


def stated_couples(married: pl.DataFrame, couples: pl.DataFrame, stated: pl.DataFrame,
                   lag_days: int) -> list[Conflict]:
    """Marriages known only from rows that name a couple (bloodline spouse codes,
    certificates, pregnancy registrations) that a marriage row contradicts.

    ``married_to_another``: on the date of such a row a marriage row has one of the couple
    married to a third person, begun more than ``lag_days`` before and not ended until
    more than ``lag_days`` after (a row collected while that marriage was in force).

    Args:
        married: every marriage episode (``statements``); those whose statements are
            ``record|stated_spouses`` only are the ones checked.
        couples: the rows' couples (``husband, wife, on, record, statement``).
        stated: the marriage episodes marriage rows state.
        lag_days: how late a department's row may be.
    """
    lag = timedelta(days=lag_days)
    alone = married.filter(pl.col("inferred") & pl.col("married_on").is_null()
                           & pl.col("statements").list.len().gt(0))
    if alone.height == 0:
        return []
    rows = couples.join(alone.select("husband", "wife", "seq"), on=["husband", "wife"])
    wanted = set(rows["husband"]) | set(rows["wife"])
    episodes: dict[str, list[dict[str, Any]]] = {}
    for e in stated.filter(pl.col("husband").is_in(list(wanted))
                           | pl.col("wife").is_in(list(wanted))).iter_rows(named=True):
        episodes.setdefault(e["husband"], []).append(e)
        episodes.setdefault(e["wife"], []).append(e)
    out: list[Conflict] = []
    for (husband, wife, seq), said in rows.sort("record").group_by(
            ["husband", "wife", "seq"], maintain_order=True):
        others = {(e["husband"], e["wife"], e["seq"]): e
                  for p in (husband, wife) for e in episodes.get(str(p), [])
                  if (e["husband"], e["wife"]) != (husband, wife)}
        clash: dict[tuple[str, str, int], dict[str, Any]] = {}
        clashing_rows = []
        for on, record, statement in said.select("on", "record", "statement").iter_rows():
            if on is None:
                continue
            hit = {k: e for k, e in others.items() if e["married_on"] is not None
                   and e["married_on"] < on - lag
                   and (e["ended_on"] is None or e["ended_on"] > on + lag)}
            if hit:
                clash.update(hit)
                clashing_rows.append((on, record, statement))
        if not clash:
            continue
        first = min(on for on, _, _ in clashing_rows)
        mine = _side("stated_spouses", child=str(husband), parent=str(wife),
                     records=[r for _, r, _ in clashing_rows],
                     statements=[s for _, _, s in clashing_rows], value=first)
        sides = tuple(_side("marriage", child=e["husband"], parent=e["wife"],
                            records=[s.rsplit("|", 1)[0] for s in e["statements"]],
                            statements=e["statements"], value=e["married_on"],
                            until=e["ended_on"].isoformat() if e["ended_on"] else None)
                      for _, e in sorted(clash.items()))
        subject = (str(husband), str(wife), "stated",
                   *(f"{s['pid']}+{s['parent_pid']}" for s in sides))
        pids = (str(husband), str(wife),
                *(p for s in sides for p in (s["pid"], s["parent_pid"])))
        out.append(Conflict(STATED_MARRIAGE, "stated_while_married_to_another", subject,
                            pids, (mine, *sides),
                            married=((str(husband), str(wife), int(seq)), *sorted(clash))))
    return out


def _household_side(span: Mapping[str, Any]) -> dict[str, Any]:
    until = span["to_date"].isoformat() if span["to_date"] else None
    return _side("household_spouses", child=span["husband"], parent=span["wife"],
                 records=span["records"], statements=span["statements"],
                 value=span["from_date"], until=until)


def _after_divorce(span: Mapping[str, Any], mine: list[dict[str, Any]],
                   lag: timedelta) -> list[Conflict]:
    out = []
    start, end = span["from_date"] or date.min, span["to_date"] or date.max
    for e in mine:
        if e["end_reason"] != "divorce" or e["ended_on"] is None or e["ended_by"] is None:
            continue
        divorced = e["ended_on"]
        later = [x["married_on"] for x in mine if x["married_on"] and x["married_on"] > divorced]
        window_end = min(later, default=date.max)
        if max(start, divorced + lag) >= min(end, window_end):
            continue
        divorce = _side("divorce", child=e["husband"], parent=e["wife"],
                        records=[e["ended_by"]], statements=[f"{e['ended_by']}|event"],
                        value=divorced)
        out.append(Conflict(
            HOUSEHOLD_MARRIAGE, "divorce_recorded",
            (span["husband"], span["wife"], _day(span["from_date"]), divorced.isoformat()),
            (span["husband"], span["wife"]), (_household_side(span), divorce),
            married=((span["husband"], span["wife"], span["seq"]),)))
    return out


def _married_to_another(span: Mapping[str, Any], others: list[dict[str, Any]],
                        lag: timedelta) -> list[Conflict]:
    start, end = span["from_date"] or date.min, span["to_date"] or date.max
    clash = [e for e in others if e["married_on"] is not None
             and e["married_on"] < _shift(end, -lag)
             and (e["ended_on"] is None or e["ended_on"] > _shift(start, lag))]
    if not clash:
        return []
    sides = tuple(_side("marriage", child=e["husband"], parent=e["wife"],
                        records=[s.rsplit("|", 1)[0] for s in e["statements"]],
                        statements=e["statements"], value=e["married_on"],
                        until=e["ended_on"].isoformat() if e["ended_on"] else None)
                  for e in sorted(clash, key=lambda e: (e["husband"], e["wife"], e["seq"])))
    subject = (span["husband"], span["wife"], _day(span["from_date"]),
               *(f"{s['pid']}+{s['parent_pid']}" for s in sides))
    pids = (span["husband"], span["wife"], *(p for s in sides for p in (s["pid"],
                                                                         s["parent_pid"])))
    return [Conflict(HOUSEHOLD_MARRIAGE, "married_to_another", subject, pids,
                     (_household_side(span), *sides),
                     married=((span["husband"], span["wife"], span["seq"]),
                              *((e["husband"], e["wife"], e["seq"]) for e in clash)))]


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _shift(value: date, by: timedelta) -> date:
    """``value + by``, staying within the calendar (date.min and date.max are open ends)."""
    if value in (date.min, date.max):
        return value
    return value + by


def _side(claim: str, *, child: str | None, parent: str | None, records: Iterable[str],
          statements: Iterable[str], value: date | None = None, **extra: Any
          ) -> dict[str, Any]:
    return {"claim": claim, "pid": child, "parent_pid": parent,
            "value": value.isoformat() if value else None, **extra,
            "records": sorted(set(records)), "statements": sorted(set(statements))}


def _edge_sides(statements: pl.DataFrame, keys: list[tuple[str, str, str]]
                ) -> dict[tuple[str, str, str], dict[str, Any]]:
    """A ``child_of`` side per edge (child, parent, kind): its records and statements."""
    wanted = pl.DataFrame(keys, schema=EDGE_KEYS["child_of"], orient="row").unique()
    found = statements.join(wanted, on=["child", "parent", "kind"]).group_by(
        "child", "parent", "kind").agg(pl.col("records").explode().drop_nulls(),
                                       pl.col("statement"))
    by_key = {(c, p, k): (r, st) for c, p, k, r, st in found.iter_rows()}
    return {(c, p, k): _side("child_of", child=c, parent=p, kind=k,
                             records=by_key.get((c, p, k), ([], []))[0],
                             statements=by_key.get((c, p, k), ([], []))[1])
            for c, p, k in keys}


def _add_birth_evidence(found: list[Conflict], mentions: pl.DataFrame, pids: pl.DataFrame,
                        people: pl.DataFrame, limit: int) -> None:
    """Fill the records of every birth-date side: the rows that state that date."""
    wanted = {s["pid"] for c in found for s in c.sides if s["claim"] == "birth_date"}
    if not wanted:
        return
    golden = pl.col("golden")
    theirs = pids.filter(pl.col("pid").is_in(list(wanted)))
    stated = mentions.filter(pl.col("mention_id").is_in(theirs["mention_id"].implode())).select(
        "mention_id", "birth_date", "id_birth_date")
    rows = (theirs.join(stated, on="mention_id")
            .join(people.select("pid", pl.col("birth_date").alias("golden")), on="pid")
            .filter((pl.col("birth_date") == golden) | (pl.col("id_birth_date") == golden))
            .select("pid", record_of(pl.col("mention_id")).alias("record"))
            .group_by("pid").agg(pl.col("record").unique().sort().head(limit)))
    by_pid = dict(rows.iter_rows())
    for conflict in found:
        for side in conflict.sides:
            if side["claim"] == "birth_date":
                side["records"] = list(by_pid.get(side["pid"], []))


def _settle(found: list[Conflict], rulings: Rulings) -> Found:
    """Review ids under the rulings; what stays disputed; the review rows."""
    rows: list[dict[str, Any]] = []
    disputed: dict[str, list[tuple[Any, ...]]] = {"child_of": [], "married": []}
    for conflict in found:
        rid = review_id(conflict.kind, *conflict.subject)
        for _ in range(len(rulings.decided) + 1):
            if rulings.decided.get(rid) != "dismiss":
                break
            rid = review_id(rid, *conflict.statements)  # still found after a dismissal
        if rid not in rulings.decided:
            disputed["child_of"].extend(conflict.child_of)
            disputed["married"].extend(conflict.married)
        rows.append({"review_id": rid, "kind": conflict.kind, "reason": conflict.reason,
                     "records": sorted({r for s in conflict.sides for r in s["records"]}),
                     "pids": list(dict.fromkeys(conflict.pids)),
                     "sides": json.dumps(conflict.sides, ensure_ascii=False)})
    # One item per review id.  Two conflicts share one when they share a subject: a
    # register span after a divorce that two rows record on one day (two episodes, one
    # contradiction).  The item kept is the least by every column, an order that is total,
    # so it does not depend on the order of the rows the detectors read.
    rows.sort(key=lambda r: (r["review_id"], r["kind"], r["reason"], r["sides"], r["records"],
                             r["pids"]))
    kept: dict[str, dict[str, Any]] = {}
    for row in rows:
        kept.setdefault(row["review_id"], row)
    counts: dict[str, int] = {}
    for row in kept.values():
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    reviews = pl.DataFrame(list(kept.values()), schema=REVIEW_SCHEMA)
    edges = {name: pl.DataFrame(disputed[name], schema=schema, orient="row").unique()
             .with_columns(pl.lit(True).alias("disputed"))
             for name, schema in EDGE_KEYS.items()}
    return Found(reviews, edges, counts)


def mark(frame: pl.DataFrame, disputed: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with a ``disputed`` column: true for the edges of an open conflict."""
    keys = [c for c in disputed.columns if c != "disputed"]
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, pl.Boolean).alias("disputed"))
    return frame.join(disputed, on=keys, how="left").with_columns(
        pl.col("disputed").fill_null(False))
