"""The review queue: officers decide possible matches and conflicts, and split wrong fusions.

Two families of items share one queue (``:Review`` nodes, ``status`` open, decided
or closed):

* fusion items (``possible_match``, ``ambiguous_newborn``, ``ambiguous_relative``):
  decided ``link`` or ``no_link``, stored as ``(:Decision {kind: must_link|cannot_link,
  left_mention, right_mention, decided_by, decided_at, reason, review_id})`` nodes,
  one per pair of mentions; a ``link`` also pins every mention the two persons hold
  to the left mention (:func:`link_pins`), so the whole persons merge as previewed.
  The resolver reads them at every run and never overrides them.
* conflicts (``conflict_*``, :mod:`ingest.derive.conflicts`): decided ``accept`` (the facts
  stand as recorded and are no longer disputed), ``dismiss`` with some of the records
  on its sides (each statement those records make in the conflict becomes a
  ``(:Decision {kind: dismiss, statement, record, review_id, ...})`` and is no longer
  used as evidence by any later derive, :func:`rulings`), or, for two mothers or two
  fathers, ``link``: the parents are one person that fusion kept apart (``must_link``
  decisions between a parent mention of each side, and the same pins).

Deciding or unmerging re-runs fusion over the stored rows at once
(:func:`ingest.pipeline.fuse_again`): only what changed is written, and the persons and
edges that depended on the decision are re-derived from their rows.  A later
automatic load never changes a decided item.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import neo4j

from graphdb.connection import read, write
from ingest.derive.conflicts import PREFIX as CONFLICT
from ingest.derive.conflicts import TWO_FATHERS, TWO_MOTHERS, Rulings
from kingraph.errors import InvalidArgument, PersonNotFound

Outcome = Literal["link", "no_link", "accept", "dismiss"]
FUSION_OUTCOMES = {"link": "must_link", "no_link": "cannot_link"}
CONFLICT_OUTCOMES = ("accept", "dismiss", "link")
LINKABLE = (TWO_FATHERS, TWO_MOTHERS)

_REVIEW_MAP = """r {.review_id, .kind, .reason, .status, .weight, .levels, .left_mention,
          .right_mention, .left_pid, .right_pid, .decision, .decided_by, .records,
          .sides, .dismissed, pids: [(r)-[:ABOUT]->(p:Person) | p.pid]}"""
_RECORDS = """CALL (r) {
  UNWIND coalesce(r.records, []) AS key
  MATCH (x:Record {key: key})
  RETURN collect(x {.key, .feed, .source, .record_id, .file, .line, .data}) AS records
}"""
GET_REVIEW = f"""
MATCH (r:Review {{review_id: $review_id}})
{_RECORDS}
RETURN {_REVIEW_MAP} AS review, records
"""
DECIDE_REVIEW = """
MATCH (r:Review {review_id: $review_id})
SET r.status = 'decided', r.decision = $decision, r.decided_by = $by,
    r.decided_at = datetime()
CREATE (:Decision {kind: $kind, left_mention: r.left_mention,
                   right_mention: r.right_mention, decided_by: $by,
                   decided_at: datetime(), reason: 'review', review_id: r.review_id})
WITH r
UNWIND $pins AS pin
CREATE (:Decision {kind: 'must_link', left_mention: pin.left, right_mention: pin.right,
                   decided_by: $by, decided_at: datetime(), reason: 'review',
                   review_id: r.review_id})
"""
PERSONS_MENTIONS = """
UNWIND $mentions AS mention
MATCH (:Record {key: mention.record})-[:MENTIONS {role: mention.role}]->(p:Person)
MATCH (p)<-[m:MENTIONS]-(y:Record)
RETURN DISTINCT y.key + '|' + m.role AS mention_id ORDER BY mention_id
"""
DECIDE_CONFLICT = """
MATCH (r:Review {review_id: $review_id}) WHERE r.status = 'open'
SET r.status = 'decided', r.decision = $decision, r.decided_by = $by,
    r.decided_at = datetime(), r.dismissed = $records
WITH r
UNWIND $statements AS s
CREATE (:Decision {kind: 'dismiss', statement: s.statement, record: s.record,
                   decided_by: $by, decided_at: datetime(), reason: 'review',
                   review_id: r.review_id})
"""
PERSON_MENTIONS = """
MATCH (p:Person {pid: $pid})<-[m:MENTIONS]-(r:Record)
RETURN r.key + '|' + m.role AS mention_id
"""
CREATE_DECISIONS = """
UNWIND $rows AS row
CREATE (:Decision {kind: row.kind, left_mention: row.left, right_mention: row.right,
                   decided_by: $by, decided_at: datetime(), reason: $reason})
"""
DECISIONS = """
MATCH (d:Decision) WHERE d.kind IN ['must_link', 'cannot_link']
RETURN d.kind AS kind, d.left_mention AS left, d.right_mention AS right
ORDER BY d.decided_at
"""
DECIDED_CONFLICTS = """
MATCH (r:Review {status: 'decided'}) WHERE r.kind STARTS WITH 'conflict_'
RETURN r.review_id AS review_id, r.decision AS decision
"""
DISMISSED = "MATCH (d:Decision {kind: 'dismiss'}) RETURN DISTINCT d.statement AS statement"


@dataclass(frozen=True)
class ReviewItem:
    """A review item with the records behind it, by key.

    ``review`` holds the node's fields, ``pids`` (the persons it is about) and, for a
    conflict, ``sides`` (JSON, see :class:`ingest.derive.conflicts.Conflict`).
    """

    review: dict[str, Any]
    records: dict[str, dict[str, Any]]

    @property
    def is_conflict(self) -> bool:
        """True for a conflict, False for a fusion item."""
        return str(self.review.get("kind") or "").startswith(CONFLICT)

    def side_record(self, index: int) -> dict[str, Any] | None:
        """The record of a possible match's left (0) or right (1) mention."""
        keys = self.review.get("records") or []
        return self.records.get(keys[index]) if index < len(keys) else None

    def sides(self) -> list[dict[str, Any]]:
        """A conflict's sides (empty for a fusion item)."""
        raw = self.review.get("sides")
        return list(json.loads(raw)) if raw else []


def _item(row: Mapping[str, Any]) -> ReviewItem:
    return ReviewItem(row["review"], {r["key"]: r for r in row["records"] if r})


def get_review(driver: neo4j.Driver, database: str, review_id: str) -> ReviewItem:
    """One review item with every record on its sides.

    Raises:
        PersonNotFound: no review item has this id.
    """
    rows = read(driver, database, "get_review", GET_REVIEW, review_id=review_id)
    if not rows:
        raise PersonNotFound("no review item with this id", reason="review_item_not_found")
    return _item(rows[0])


def check(driver: neo4j.Driver, database: str, review_id: str, outcome: Outcome,
          records: list[str] | None = None) -> ReviewItem:
    """The open item a decision is about, once the decision is known to fit it.

    Raises:
        PersonNotFound: no review item has this id.
        InvalidArgument: the item is not open, or the outcome or records do not fit it.
    """
    item = get_review(driver, database, review_id)
    status = item.review.get("status")
    if status != "open":
        raise InvalidArgument(f"this review item is {status}, not open", reason="review_not_open")
    if item.is_conflict:
        _dismissed_statements(item, outcome, records or [])
    elif outcome not in FUSION_OUTCOMES or records:
        raise InvalidArgument("a possible match is decided link or no_link, without records",
                              reason="review_outcome_invalid")
    return item


def decide(driver: neo4j.Driver, database: str, review_id: str, outcome: Outcome,
           by: str, records: list[str] | None = None) -> ReviewItem:
    """Record an officer's decision on a review item; returns the item as it was.

    A fusion item is decided ``link`` or ``no_link``; a conflict ``accept`` or
    ``dismiss`` with the records (keys) that should no longer count as evidence (or
    ``link``, for two mothers or two fathers).

    Raises:
        PersonNotFound: no review item has this id.
        InvalidArgument: the item is not open, or the outcome or records do not fit it.
    """
    item = check(driver, database, review_id, outcome, records)
    if item.is_conflict:
        _decide_conflict(driver, database, item, outcome, by, records or [])
    else:
        pins = (link_pins(driver, database, [item.review["left_mention"],
                                             item.review["right_mention"]])
                if outcome == "link" else [])
        write(driver, database, "decide_review", DECIDE_REVIEW, review_id=review_id,
              decision=outcome, kind=FUSION_OUTCOMES[outcome], by=by, pins=pins)
    return item


def link_pins(driver: neo4j.Driver, database: str, linked: list[str]) -> list[dict[str, str]]:
    """The ``must_link`` pairs that make a ``link`` join the linked mentions' whole persons.

    Forcing only the two mentions together would leave the rest of each person to the
    weights and vetoes, which keep two different ID numbers apart: the forced pair would
    become a third person and both persons would lose a mention, unlike the merge the
    officer previewed.  So every mention those persons hold now is linked to the first
    linked mention (a later unmerge overrides any of these pairs: the latest decision on
    a pair wins).
    """
    mentions = [{"record": m.rpartition("|")[0], "role": m.rpartition("|")[2]}
                for m in linked]
    held = [r["mention_id"] for r in read(driver, database, "persons_mentions",
                                          PERSONS_MENTIONS, mentions=mentions)]
    return [{"left": linked[0], "right": other} for other in held if other not in linked]


def link_statements(item: ReviewItem) -> list[str]:
    """The parent mentions a ``link`` on two stated parents joins: the first statement of
    each side (a stated parent's statement is the parent's mention)."""
    return [side["statements"][0] for side in item.sides() if side["statements"]]


def _dismissed_statements(item: ReviewItem, outcome: str,
                          records: list[str]) -> list[dict[str, str]]:
    kind = item.review["kind"]
    if outcome not in CONFLICT_OUTCOMES or (outcome == "link" and kind not in LINKABLE):
        raise InvalidArgument("a conflict is decided accept or dismiss (or link, for two "
                              "mothers or two fathers)", reason="review_outcome_invalid")
    if outcome != "dismiss" and records:
        raise InvalidArgument(f"{outcome} takes no records", reason="review_outcome_invalid")
    if outcome != "dismiss":
        return []
    stated = {s: s.rsplit("|", 1)[0] for side in item.sides() for s in side["statements"]}
    unknown = set(records) - set(stated.values())
    if not records or unknown:
        raise InvalidArgument("dismiss names records that state a fact of this conflict",
                              reason="dismiss_records_invalid")
    return [{"statement": s, "record": r} for s, r in sorted(stated.items()) if r in records]


def _decide_conflict(driver: neo4j.Driver, database: str, item: ReviewItem, outcome: str,
                     by: str, records: list[str]) -> None:
    statements = _dismissed_statements(item, outcome, records)
    write(driver, database, "decide_conflict", DECIDE_CONFLICT,
          review_id=item.review["review_id"], decision=outcome, by=by,
          records=sorted(set(records)), statements=statements)
    if outcome == "link":
        first = link_statements(item)
        pins = link_pins(driver, database, first)
        rows = [{"kind": "must_link", "left": first[0], "right": other}
                for other in first[1:]] + [{"kind": "must_link", **pin} for pin in pins]
        write(driver, database, "create_decisions", CREATE_DECISIONS, rows=rows, by=by,
              reason=f"review {item.review['review_id']}")


def rulings(driver: neo4j.Driver, database: str) -> Rulings:
    """Officers' rulings on conflicts: decided items and dismissed statements."""
    decided = {r["review_id"]: r["decision"]
               for r in read(driver, database, "decided_conflicts", DECIDED_CONFLICTS)}
    dismissed = frozenset(r["statement"]
                          for r in read(driver, database, "dismissed", DISMISSED))
    return Rulings(dismissed=dismissed, decided=decided)


def unmerge_pairs(kept: list[str], split: list[str]) -> list[dict[str, str]]:
    """Decisions that keep two groups of mentions apart and each group together."""
    apart = [{"kind": "cannot_link", "left": a, "right": b} for a in split for b in kept]
    together = [{"kind": "must_link", "left": a, "right": b}
                for group in (kept, split) for a, b in zip(group, group[1:], strict=False)]
    return apart + together


def check_unmerge(driver: neo4j.Driver, database: str, pid: str,
                  split: list[str]) -> tuple[list[str], list[str]]:
    """The mentions an unmerge keeps and splits off, sorted, once they are known to be
    the person's own and to leave at least one behind.

    Raises:
        PersonNotFound: no person has this pid.
        InvalidArgument: the mentions are not the person's, or would leave none behind.
    """
    mentions = [r["mention_id"] for r in read(driver, database, "person_mentions",
                                               PERSON_MENTIONS, pid=pid)]
    if not mentions:
        raise PersonNotFound("no person with this identifier")
    unknown = set(split) - set(mentions)
    if unknown or not split:
        raise InvalidArgument("the mentions to split must be some of the person's own",
                              reason="unmerge_mentions_invalid")
    kept = sorted(set(mentions) - set(split))
    if not kept:
        raise InvalidArgument("an unmerge must leave at least one mention behind",
                              reason="unmerge_leaves_none")
    return kept, sorted(set(split))


def unmerge(driver: neo4j.Driver, database: str, pid: str, split: list[str],
            by: str) -> list[dict[str, str]]:
    """Split the given mentions off a person; returns the decisions recorded."""
    kept, apart = check_unmerge(driver, database, pid, split)
    rows = unmerge_pairs(kept, apart)
    write(driver, database, "create_decisions", CREATE_DECISIONS, rows=rows, by=by,
          reason="unmerge")
    return rows


def decisions(driver: neo4j.Driver, database: str) -> list[tuple[str, str, str]]:
    """Every fusion decision as (kind, left mention, right mention), oldest first."""
    return [(r["kind"], r["left"], r["right"])
            for r in read(driver, database, "decisions", DECISIONS)]
