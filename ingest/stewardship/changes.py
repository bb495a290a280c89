"""What an officer's decision changes: foreseen from the graph before, measured after.

A *preview* reads the graph as it is: the persons a link would merge (and the pid the
merged person keeps: the one most of its mentions carry), the rows that would move to
another person and the edges on them; for an unmerge, the rows split off and the
edges they support.  It is what the officer confirms.  Fusion then runs over every
row with the decision among the others, and may follow it further (a newly joined
person can link more mentions), so the *outcome* is measured afterwards by comparing
the applied states before and after: persons merged and split, mentions moved, edges
added, removed and changed, and every pid touched.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import polars as pl

from graphdb.connection import read
from ingest.feeds.mentions import record_of
from ingest.store import Store

MOVED_SHOWN = 50  # rows listed in a preview (all are counted)
# Edges of the graph model a person change can touch, by the store state that holds
# them and its key columns (the other columns are the edge's properties).
EDGE_STATES = {"CHILD_OF": ("child_of", ("child", "parent", "kind")),
               "MARRIED": ("married", ("husband", "wife", "seq")),
               "MEMBER_OF": ("episodes_MEMBER_OF", ("record",)),
               "LIVED_AT": ("episodes_LIVED_AT", ("record",)),
               "EMPLOYED_BY": ("episodes_EMPLOYED_BY", ("record",))}
ENDPOINTS = {"CHILD_OF": ("child", "parent"), "MARRIED": ("husband", "wife")}
SNAPSHOT_STATES = ("assignments", *(state for state, _ in EDGE_STATES.values()))

MENTION_PERSONS = """
UNWIND $mentions AS mention
MATCH (x:Record {key: mention.record})-[m:MENTIONS {role: mention.role}]->(p:Person)
RETURN mention.id AS mention_id, p.pid AS pid, p.mentions AS mentions
"""
PERSON_BASES = """
UNWIND $pids AS pid
MATCH (p:Person {pid: pid})<-[m:MENTIONS]-(x:Record)
RETURN pid, p.id_number AS number,
       sum(CASE m.link WHEN 'id_number' THEN 1 ELSE 0 END) AS anchored,
       min(x.key + '|' + m.role) AS first
"""
PERSON_ROWS = """
UNWIND $pids AS pid
MATCH (:Person {pid: pid})<-[m:MENTIONS]-(x:Record)
RETURN x.key AS key, x.feed AS feed, x.source AS source, m.role AS role, pid
ORDER BY pid, key
"""
PERSON_EDGES = """
UNWIND $pids AS pid
MATCH (:Person {pid: pid})-[e]-()
WHERE NOT type(e) IN ['MENTIONS', 'ABOUT']
RETURN type(e) AS type, count(e) AS n
"""
SPLIT_ROWS = """
UNWIND $mentions AS mention
MATCH (x:Record {key: mention.record})-[m:MENTIONS {role: mention.role}]->(:Person {pid: $pid})
RETURN x.key AS key, x.feed AS feed, x.source AS source, m.role AS role
ORDER BY key
"""
SPLIT_EDGES = """
MATCH (p:Person {pid: $pid})
CALL (p) {
  MATCH (p)-[e:CHILD_OF|MARRIED]-()
  WHERE any(k IN coalesce(e.records, []) WHERE k IN $keys)
  RETURN type(e) AS type, count(e) AS n
  UNION ALL
  MATCH (p)-[e:MEMBER_OF|LIVED_AT|EMPLOYED_BY]->()
  WHERE e.record IN $keys
  RETURN type(e) AS type, count(e) AS n
}
RETURN type, sum(n) AS n
"""
DISPUTED_EDGES = """
UNWIND $pairs AS pair
MATCH (:Person {pid: pair[0]})-[e:CHILD_OF|MARRIED]-(:Person {pid: pair[1]})
WHERE e.disputed
RETURN type(e) AS type, count(e) AS n
"""
DISMISSED_EDGES = """
UNWIND $pids AS pid
MATCH (:Person {pid: pid})-[e:CHILD_OF|MARRIED]-()
WHERE any(k IN coalesce(e.records, []) WHERE k IN $keys)
RETURN DISTINCT elementId(e) AS edge, type(e) AS type,
       all(k IN e.records WHERE k IN $keys) AS only_these
"""


@dataclass(frozen=True)
class MovedRow:
    """A row whose mention goes to another person (no personal data: key and codes)."""

    key: str
    feed: str
    source: str
    role: str
    pid: str  # the person it leaves


@dataclass(frozen=True)
class Preview:
    """What a decision will change, read from the graph as it is now.

    Attributes:
        action: ``merge``, ``keep_apart``, ``accept``, ``dismiss`` or ``split``.
        persons: the persons the decision is about now (pids).
        persons_after: how many persons they will be.
        survivor: the pid the merged person keeps, or the pid a split leaves behind.
        moved: rows that move to another person (the first :data:`MOVED_SHOWN`).
        moved_total: how many rows move.
        edges: the edges affected, by type (re-pointed, split off, no longer disputed,
            or losing their evidence).
        edges_removed: edges that will go (every row stating them dismissed), by type.
        state: the applied state the preview was read against (a load id).
    """

    action: str
    persons: list[str]
    persons_after: int
    survivor: str | None
    moved: list[MovedRow]
    moved_total: int
    edges: dict[str, int]
    edges_removed: dict[str, int] = field(default_factory=dict)
    state: str = ""


@dataclass(frozen=True)
class EdgeChanges:
    """Edges of one type that a re-fusion added, removed or changed."""

    added: int = 0
    removed: int = 0
    changed: int = 0


@dataclass(frozen=True)
class Outcome:
    """What a re-fusion changed, measured from the applied states before and after.

    Attributes:
        merged: each person that now holds mentions of several earlier persons, as
            (pid, the earlier pids).
        split: each earlier person whose mentions now belong to several, as (pid, the
            pids now).
        mentions_moved: mentions now assigned to another pid.
        records_moved: rows with at least one mention moved.
        edges: by type, edges added, removed and changed.
        pids: every pid touched: persons merged, split, moved from or to, the ends of
            every edge that changed, and the persons the decision was about.
        written: what the re-fusion wrote, by kind (the load report's counts).
        load_id: the re-fusion's load id.
    """

    merged: list[tuple[str, list[str]]]
    split: list[tuple[str, list[str]]]
    mentions_moved: int
    records_moved: int
    edges: dict[str, EdgeChanges]
    pids: list[str]
    written: dict[str, int]
    load_id: str


def _mention_params(mentions: Iterable[str]) -> list[dict[str, str]]:
    out = []
    for mention in mentions:
        record, _, role = mention.rpartition("|")
        out.append({"id": mention, "record": record, "role": role})
    return out


def merge_preview(driver: neo4j.Driver, database: str, mentions: list[str],
                  state: str) -> Preview:
    """What linking these mentions into one person changes.

    The merged person keeps the pid fusion will give it (:func:`survivor`); the other
    persons' rows move to it with their edges.
    """
    found = read(driver, database, "mention_persons", MENTION_PERSONS,
                 mentions=_mention_params(mentions))
    persons = sorted({r["pid"] for r in found})
    if len(persons) < 2:
        return Preview("merge", persons, len(persons), persons[0] if persons else None, [],
                       0, {}, state=state)
    chosen = survivor(read(driver, database, "merge_bases", PERSON_BASES, pids=persons))
    others = [p for p in persons if p != chosen]
    rows = read(driver, database, "merged_rows", PERSON_ROWS, pids=others)
    moved = [MovedRow(r["key"], r["feed"], r["source"], r["role"], r["pid"]) for r in rows]
    edges = {r["type"]: int(r["n"]) for r in read(driver, database, "merged_edges",
                                                   PERSON_EDGES, pids=others)}
    return Preview("merge", persons, 1, chosen, moved[:MOVED_SHOWN], len(moved), edges,
                   state=state)


def survivor(bases: Iterable[Mapping[str, Any]]) -> str:
    """The pid a merge of whole persons keeps, by the rule that names every person
    (:func:`ingest.fusion.clusters.person_ids`): the person whose ID number the most
    mentions are anchored on (ties: the smaller number), else, when none is anchored,
    the person holding the smallest mention id.

    Args:
        bases: Per person, ``pid``, ``number`` (its ID number, or null), ``anchored``
            (its mentions linked on an ID number) and ``first`` (its smallest mention id).

    A person's anchored mentions are counted for its one number: a typo variant anchored
    apart and merged into it counts with it (a rare case where the preview could name
    the other person).
    """
    rows = list(bases)
    numbered = [r for r in rows if r["number"] and int(r["anchored"] or 0) > 0]
    if numbered:
        return str(min(numbered, key=lambda r: (-int(r["anchored"]), r["number"]))["pid"])
    return str(min(rows, key=lambda r: r["first"])["pid"])


def apart_preview(driver: neo4j.Driver, database: str, mentions: list[str],
                  state: str) -> Preview:
    """What keeping two mentions apart changes: nothing while they are two persons."""
    found = read(driver, database, "mention_persons", MENTION_PERSONS,
                 mentions=_mention_params(mentions))
    persons = sorted({r["pid"] for r in found})
    return Preview("keep_apart", persons, max(2, len(persons)), None, [], 0, {}, state=state)


def split_preview(driver: neo4j.Driver, database: str, pid: str, split: list[str],
                  state: str) -> Preview:
    """What splitting these mentions off a person changes: their rows move to a new
    person with the edges they state."""
    rows = read(driver, database, "split_rows", SPLIT_ROWS, pid=pid,
                mentions=_mention_params(split))
    moved = [MovedRow(r["key"], r["feed"], r["source"], r["role"], pid) for r in rows]
    keys = sorted({m.key for m in moved})
    edges = {r["type"]: int(r["n"]) for r in read(driver, database, "split_edges",
                                                   SPLIT_EDGES, pid=pid, keys=keys)}
    return Preview("split", [pid], 2, pid, moved[:MOVED_SHOWN], len(moved), edges,
                   state=state)


def accept_preview(driver: neo4j.Driver, database: str, pairs: list[tuple[str, str]],
                   persons: list[str], state: str) -> Preview:
    """What accepting a conflict changes: its edges are no longer disputed."""
    edges = {r["type"]: int(r["n"]) for r in read(
        driver, database, "disputed_edges", DISPUTED_EDGES, pairs=[list(p) for p in pairs])}
    return Preview("accept", persons, len(persons), None, [], 0, edges, state=state)


def dismiss_preview(driver: neo4j.Driver, database: str, records: list[str],
                    persons: list[str], state: str) -> Preview:
    """What dismissing rows as evidence changes: the edges they state lose them, and
    those stated by nothing else go."""
    rows = read(driver, database, "dismissed_edges", DISMISSED_EDGES, pids=persons,
                keys=sorted(records))
    edges: dict[str, int] = defaultdict(int)
    removed: dict[str, int] = defaultdict(int)
    for r in rows:
        edges[r["type"]] += 1
        if r["only_these"]:
            removed[r["type"]] += 1
    return Preview("dismiss", persons, len(persons), None, [], 0, dict(edges), dict(removed),
                   state=state)


# --- after: the applied states compared ------------------------------------------------

def snapshot(store: Store, folder: Path) -> Path:
    """Keep the applied state as it is now (hard links: the store never rewrites a file,
    it applies a new generation, so a link keeps the old content); returns the folder."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in SNAPSHOT_STATES:
        path = store.state_file(name)
        if path is not None:
            os.link(path, folder / path.name)
    return folder


def _frame(folder: Path, name: str) -> pl.DataFrame | None:
    path = folder / f"{name}.parquet"
    return pl.read_parquet(path) if path.exists() else None


def outcome(before: Path, store: Store, written: dict[str, int], load_id: str,
            about: Iterable[str] = ()) -> Outcome:
    """Compare a snapshot of the applied state with the state now."""
    old = _frame(before, "assignments")
    new = store.state("assignments")
    moves = _moves(old, new)
    merged, split = _regroupings(moves, old, new)
    edges, ends = {}, set()
    for rel, (state, key) in EDGE_STATES.items():
        changes, touched = _edge_changes(_frame(before, state), store.state(state), list(key),
                                         ENDPOINTS.get(rel, ("pid",)))
        if changes != EdgeChanges():
            edges[rel] = changes
        ends |= touched
    pids = set(about) | set(moves["old"].to_list()) | set(moves["new"].to_list()) | ends
    records = moves.select(record_of(pl.col("mention_id")))["mention_id"].n_unique()
    return Outcome(merged, split, moves.height, int(records) if moves.height else 0, edges,
                   sorted(p for p in pids if p), dict(written), load_id)


def _moves(old: pl.DataFrame | None, new: pl.DataFrame | None) -> pl.DataFrame:
    schema = {"mention_id": pl.String, "old": pl.String, "new": pl.String}
    if old is None or new is None:
        return pl.DataFrame(schema=schema)
    return (old.select("mention_id", pl.col("pid").alias("old"))
            .join(new.select("mention_id", pl.col("pid").alias("new")), on="mention_id")
            .filter(pl.col("old") != pl.col("new")))


def _regroupings(moves: pl.DataFrame, old: pl.DataFrame | None, new: pl.DataFrame | None
                 ) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    if moves.height == 0 or old is None or new is None:
        return [], []
    before = set(old.filter(pl.col("pid").is_in(moves["new"].unique().to_list()))["pid"]
                 .unique().to_list())
    after = set(new.filter(pl.col("pid").is_in(moves["old"].unique().to_list()))["pid"]
                .unique().to_list())
    into: dict[str, set[str]] = defaultdict(set)
    out_of: dict[str, set[str]] = defaultdict(set)
    for old_pid, new_pid in moves.select("old", "new").unique().iter_rows():
        into[new_pid].add(old_pid)
        out_of[old_pid].add(new_pid)
    merged = [(pid, sorted(olds | ({pid} & before))) for pid, olds in sorted(into.items())
              if len(olds | ({pid} & before)) > 1]
    split = [(pid, sorted(news | ({pid} & after))) for pid, news in sorted(out_of.items())
             if len(news | ({pid} & after)) > 1]
    return merged, split


def _edge_changes(old: pl.DataFrame | None, new: pl.DataFrame | None, key: list[str],
                  ends: tuple[str, ...]) -> tuple[EdgeChanges, set[str]]:
    if old is None and new is None:
        return EdgeChanges(), set()
    if old is None or new is None:
        frame = new if new is not None else old
        assert frame is not None
        count = frame.height
        touched = _ends(frame, ends)
        return (EdgeChanges(added=count) if new is not None else
                EdgeChanges(removed=count)), touched
    added = new.join(old.select(key), on=key, how="anti")
    removed = old.join(new.select(key), on=key, how="anti")
    sig = pl.struct(pl.all()).struct.json_encode().alias("_sig")
    kept = new.join(added.select(key), on=key, how="anti")
    changed = kept.with_columns(sig).join(old.select(sig), on="_sig", how="anti").drop("_sig")
    touched = _ends(added, ends) | _ends(removed, ends) | _ends(changed, ends)
    if "pid" in ends and changed.height:
        touched |= _ends(old.join(changed.select(key), on=key), ends)
    return EdgeChanges(added.height, removed.height, changed.height), touched


def _ends(frame: pl.DataFrame, ends: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for column in ends:
        if column in frame.columns:
            out |= {p for p in frame[column].to_list() if p}
    return out
