"""The fusion review queue: officers decide possible matches, and split wrong fusions.

A decision is stored as ``(:Decision {kind: must_link|cannot_link, left_mention,
right_mention, decided_by, decided_at, reason, review_id})`` nodes, one per pair of
mentions.  The resolver reads them at every run and never overrides them, so a
later automatic load cannot undo an officer's decision.  Deciding or unmerging
re-runs fusion over the stored rows at once (:func:`ingest.pipeline.refuse`): only
what changed is written, and the persons and edges that depended on the decision are
re-derived from their rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import neo4j

from graphdb.connection import read, write
from kingraph.errors import InvalidArgument, PersonNotFound

Outcome = Literal["link", "no_link"]

LIST_REVIEWS = """
MATCH (r:Review {status: $status})
WITH r ORDER BY r.weight DESC, r.review_id SKIP $offset LIMIT $limit
OPTIONAL MATCH (left:Record {key: r.records[0]})
OPTIONAL MATCH (right:Record {key: r.records[1]})
RETURN r {.review_id, .kind, .status, .weight, .levels, .left_mention, .right_mention,
          .left_pid, .right_pid, .decision, .decided_by} AS review,
       left {.key, .feed, .source, .record_id, .file, .line, .data} AS left_record,
       right {.key, .feed, .source, .record_id, .file, .line, .data} AS right_record
"""
COUNT_REVIEWS = "MATCH (r:Review {status: $status}) RETURN count(r) AS n"
GET_REVIEW = """
MATCH (r:Review {review_id: $review_id})
RETURN r.status AS status, r.left_mention AS left, r.right_mention AS right
"""
DECIDE_REVIEW = """
MATCH (r:Review {review_id: $review_id})
SET r.status = 'decided', r.decision = $decision, r.decided_by = $by,
    r.decided_at = datetime()
CREATE (:Decision {kind: $kind, left_mention: r.left_mention,
                   right_mention: r.right_mention, decided_by: $by,
                   decided_at: datetime(), reason: 'review', review_id: r.review_id})
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
MATCH (d:Decision)
RETURN d.kind AS kind, d.left_mention AS left, d.right_mention AS right
ORDER BY d.decided_at
"""


@dataclass(frozen=True)
class ReviewItem:
    """A possible match with the two records behind it."""

    review: dict[str, Any]
    left_record: dict[str, Any] | None
    right_record: dict[str, Any] | None


def list_reviews(driver: neo4j.Driver, database: str, status: str = "open",
                 limit: int = 50, offset: int = 0) -> tuple[int, list[ReviewItem]]:
    """The total and one page of review items, strongest candidates first."""
    total = read(driver, database, "count_reviews", COUNT_REVIEWS, status=status)[0]["n"]
    rows = read(driver, database, "list_reviews", LIST_REVIEWS, status=status,
                limit=limit, offset=offset)
    return int(total), [ReviewItem(r["review"], r["left_record"], r["right_record"])
                        for r in rows]


def decide(driver: neo4j.Driver, database: str, review_id: str, outcome: Outcome,
           by: str) -> None:
    """Record an officer's decision on a review item (link or keep apart)."""
    found = read(driver, database, "get_review", GET_REVIEW, review_id=review_id)
    if not found:
        raise PersonNotFound("no review item with this id")
    if found[0]["status"] != "open":
        raise InvalidArgument("this review item is already decided")
    kind = "must_link" if outcome == "link" else "cannot_link"
    write(driver, database, "decide_review", DECIDE_REVIEW, review_id=review_id,
          decision=outcome, kind=kind, by=by)


def unmerge_pairs(kept: list[str], split: list[str]) -> list[dict[str, str]]:
    """Decisions that keep two groups of mentions apart and each group together."""
    apart = [{"kind": "cannot_link", "left": a, "right": b} for a in split for b in kept]
    together = [{"kind": "must_link", "left": a, "right": b}
                for group in (kept, split) for a, b in zip(group, group[1:], strict=False)]
    return apart + together


def unmerge(driver: neo4j.Driver, database: str, pid: str, split: list[str],
            by: str) -> list[dict[str, str]]:
    """Split the given mentions off a person; returns the decisions recorded."""
    mentions = [r["mention_id"] for r in read(driver, database, "person_mentions",
                                               PERSON_MENTIONS, pid=pid)]
    if not mentions:
        raise PersonNotFound("no person with this identifier")
    unknown = set(split) - set(mentions)
    if unknown or not split:
        raise InvalidArgument("the mentions to split must be some of the person's own")
    kept = sorted(set(mentions) - set(split))
    if not kept:
        raise InvalidArgument("an unmerge must leave at least one mention behind")
    rows = unmerge_pairs(kept, sorted(split))
    write(driver, database, "create_decisions", CREATE_DECISIONS, rows=rows, by=by,
          reason="unmerge")
    return rows


def decisions(driver: neo4j.Driver, database: str) -> list[tuple[str, str, str]]:
    """Every recorded decision as (kind, left mention, right mention), oldest first."""
    return [(r["kind"], r["left"], r["right"])
            for r in read(driver, database, "decisions", DECISIONS)]
