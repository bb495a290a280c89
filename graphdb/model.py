"""Writing the graph model (see ``docs/architecture.md``): one named Cypher per shape.

Every function takes a polars frame whose columns are the ``row.*`` fields of its
query, and writes it in ``UNWIND`` batches.  All writes are idempotent: running one
twice with the same frame leaves the graph as after the first run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import neo4j
import polars as pl

from graphdb.batches import DEFAULT_BATCH, run_batches
from graphdb.connection import read, write
from graphdb.schema import quote

Advance = Callable[[int], None] | None


@dataclass(frozen=True)
class Gone:
    """What of one kind of episode no current row states any more."""

    episodes: pl.DataFrame  # record
    places: pl.DataFrame  # target, division_code
    targets: pl.DataFrame  # target

# Feeds whose rows *are* facts: the record node carries the fact's label and fields.
FACT_LABELS = {"screening": "Screening", "pregnancy": "Pregnancy",
               "certificate": "Certificate", "disability": "Disability",
               "diagnosis": "Diagnosis"}

MERGE_RECORDS = """
UNWIND $rows AS row
MERGE (r:Record {key: row.key})
WITH r, row, r.content_hash AS old_hash
CALL (r, row, old_hash) {
  WITH r, row, old_hash WHERE old_hash IS NOT NULL AND old_hash <> row.content_hash
  CREATE (r)-[:PREVIOUS_VERSION]->(:RecordVersion {key: r.key, content_hash: r.content_hash,
          data: r.data, load_id: r.load_id, file: r.file, line: r.line,
          replaced_by: row.load_id})
}
WITH r, row, old_hash WHERE old_hash IS NULL OR old_hash <> row.content_hash
SET r += row.props, r.feed = row.feed, r.source = row.source, r.record_id = row.record_id,
    r.file = row.file, r.line = row.line, r.load_id = row.load_id,
    r.content_hash = row.content_hash, r.data = row.data
"""

SET_FACT_LABEL = "UNWIND $keys AS key MATCH (r:Record {key: key}) SET r:{label}"

MERGE_PERSONS = """
UNWIND $rows AS row
MERGE (p:Person {pid: row.pid})
SET p += row.props
"""

# Every other person a mention of the row points at loses the edge, not only the one the
# last applied state names: after an interrupted load the graph may hold any of them.
# The record is found first and its edges read from it in a pattern comprehension, which
# the planner can only expand from the bound record: with ``p:Person`` and
# ``p.pid <> row.pid`` in one MATCH it scanned the Person pid index for every row (156 M
# page hits, 13 minutes for a 4,000-person load), and a second MATCH behind a WITH still
# left it a choice: right after `db reset` (an online wipe) the 4,000-person load spent
# 354-377 s in this query, 0.8 s in this form (2026-12-07).
DETACH_MENTIONS = """
UNWIND $rows AS row
MATCH (r:Record {key: row.record})
USING INDEX r:Record(key)
WITH r, row, [(r)-[m:MENTIONS]->(p) WHERE m.role = row.role AND p.pid <> row.pid | m] AS stale
UNWIND stale AS m
DELETE m
"""

# A mention no current row makes (a corrected row that no longer names a father).
DELETE_MENTIONS = """
UNWIND $rows AS row
MATCH (r:Record {key: row.record})
USING INDEX r:Record(key)
WITH r, row, [(r)-[m:MENTIONS]->() WHERE m.role = row.role | m] AS gone
UNWIND gone AS m
DELETE m
"""

MERGE_MENTIONS = """
UNWIND $rows AS row
MATCH (r:Record {key: row.record})
USING INDEX r:Record(key)
MATCH (p:Person {pid: row.pid})
USING INDEX p:Person(pid)
MERGE (r)-[m:MENTIONS {role: row.role}]->(p)
SET m.link = row.link
"""

# Persons no current mention names: deleted with whatever edges they still hold
# ("ghosts never survive"); their pids live on as aliases.
DELETE_PERSONS = """
UNWIND $rows AS row
MATCH (p:Person {pid: row.pid})
DETACH DELETE p
"""

MERGE_CHILD_OF = """
UNWIND $rows AS row
MATCH (c:Person {pid: row.child})
MATCH (p:Person {pid: row.parent})
MERGE (c)-[e:CHILD_OF {kind: row.kind}]->(p)
SET e.inferred = row.inferred, e.confidence = row.confidence, e.records = row.records,
    e.disputed = row.disputed
"""

DELETE_CHILD_OF = """
UNWIND $rows AS row
MATCH (:Person {pid: row.child})-[e:CHILD_OF {kind: row.kind}]->(:Person {pid: row.parent})
DELETE e
"""

MERGE_MARRIED = """
UNWIND $rows AS row
MATCH (h:Person {pid: row.husband})
MATCH (w:Person {pid: row.wife})
MERGE (h)-[e:MARRIED {seq: row.seq}]->(w)
SET e.married_on = row.married_on, e.ended_on = row.ended_on, e.end_reason = row.end_reason,
    e.records = row.records, e.disputed = row.disputed, e.inferred = row.inferred
"""

DELETE_MARRIED = """
UNWIND $rows AS row
MATCH (:Person {pid: row.husband})-[e:MARRIED {seq: row.seq}]->(:Person {pid: row.wife})
DELETE e
"""

# Per-record episodes: one edge per row, keyed by the record; ``target`` names the node
# the episode is about (household, dwelling, employer).
EPISODES = {
    "MEMBER_OF": ("Household", "household_id"),
    "LIVED_AT": ("Dwelling", "dwelling_id"),
    "EMPLOYED_BY": ("Employer", "code"),
}

MERGE_EPISODE = """
UNWIND $rows AS row
MATCH (p:Person {{pid: row.pid}})
MERGE (t:{label} {{{key}: row.target}})
SET t += row.target_props
MERGE (p)-[e:{rel} {{record: row.record}}]->(t)
SET e += row.props
WITH t, row WHERE row.division_code IS NOT NULL
MERGE (d:Division {{code: row.division_code}})
MERGE (t)-[:IN]->(d)
"""

# A row's episode edge, from whichever person holds it (an index on ``record``).
DELETE_EPISODE = """
UNWIND $rows AS row
MATCH ()-[e:{rel} {{record: row.record}}]->()
USING INDEX e:{rel}(record)
DELETE e
"""

# A place no current row of the target states any more (a corrected division).
DELETE_PLACE = """
UNWIND $rows AS row
MATCH (:{label} {{{key}: row.target}})-[i:IN]->(:Division {{code: row.division_code}})
DELETE i
"""

# A household, dwelling or employer no row names any more, with its places.
DELETE_TARGET = """
UNWIND $rows AS row
MATCH (t:{label} {{{key}: row.target}})
WHERE NOT EXISTS {{ ()-[:{rel}]->(t) }}
DETACH DELETE t
"""

# A retired pid: an alias of the persons that hold its mentions now, most first.
MERGE_ALIASES = """
UNWIND $rows AS row
MERGE (a:PidAlias {pid: row.alias})
SET a.retired_load = row.retired_load
WITH a, row
OPTIONAL MATCH (a)-[old:NOW]->()
DELETE old
WITH DISTINCT a, row
UNWIND row.targets AS target
MATCH (p:Person {pid: target.pid})
MERGE (a)-[n:NOW]->(p)
SET n.mentions = target.mentions
"""

# A pid that names a person again is no longer an alias.
DELETE_ALIASES = """
UNWIND $rows AS row
MATCH (a:PidAlias {pid: row.alias})
DETACH DELETE a
"""

# A permit issued to a person whose pid retires follows the person that holds most of
# its mentions now (the permit records both pids as issued; this keeps the edge).
MOVE_PERMITS = """
UNWIND $rows AS row
MATCH (:Person {pid: row.alias})<-[f:FOR]-(permit:Permit)
MATCH (now:Person {pid: row.pid})
MERGE (permit)-[moved:FOR {role: f.role}]->(now)
DELETE f
"""

# A review item found again is refreshed while open (a closed one reopens); an officer's
# decided item is never touched.  ``row.pids`` are the persons it is ABOUT.
MERGE_REVIEWS = """
UNWIND $rows AS row
MERGE (r:Review {review_id: row.review_id})
ON CREATE SET r.status = 'open', r.created_load = row.load_id
WITH r, row WHERE r.status IN ['open', 'closed']
SET r.status = 'open', r.closed_load = null, r.kind = row.kind, r.reason = row.reason,
    r.weight = row.weight, r.levels = row.levels, r.left_mention = row.left_mention,
    r.right_mention = row.right_mention, r.left_pid = row.left_pid, r.right_pid = row.right_pid,
    r.records = row.records, r.sides = row.sides, r.divisions = row.divisions,
    r.queue_order = coalesce(-row.weight, 1.0e9)
WITH r, row
OPTIONAL MATCH (r)-[old:ABOUT]->()
DELETE old
WITH DISTINCT r, row
UNWIND row.pids AS pid
MATCH (p:Person {pid: pid})
MERGE (r)-[:ABOUT]->(p)
"""

OPEN_REVIEWS = "MATCH (r:Review {status: 'open'}) RETURN r.review_id AS review_id"

# Open items a load no longer finds (the conflict was corrected, the pair was linked):
# closed, kept with their ABOUT edges as history.
CLOSE_REVIEWS = """
UNWIND $ids AS id
MATCH (r:Review {review_id: id}) WHERE r.status = 'open'
SET r.status = 'closed', r.closed_load = $load_id
"""

MERGE_DIVISIONS = """
UNWIND $rows AS row
MERGE (d:Division {code: row.code})
SET d.name = row.name, d.level = row.level, d.valid_from = row.valid_from,
    d.valid_to = row.valid_to
WITH d, row WHERE row.successor IS NOT NULL
MERGE (s:Division {code: row.successor})
MERGE (d)-[:SUCCEEDED_BY]->(s)
"""


def merge_records(driver: neo4j.Driver, database: str, frame: pl.DataFrame,
                  batch_size: int = DEFAULT_BATCH, advance: Advance = None) -> int:
    """Upsert Record nodes; a changed content hash keeps the old version."""
    written = run_batches(driver, database, "merge_records", MERGE_RECORDS, frame,
                          batch_size, advance)
    for feed, label in FACT_LABELS.items():
        keys = frame.filter(pl.col("feed") == feed)["key"].to_list()
        for start in range(0, len(keys), batch_size):
            write(driver, database, f"label_{feed}",
                  SET_FACT_LABEL.replace("{label}", quote(label)),
                  keys=keys[start:start + batch_size])
    return written


def merge_persons(driver: neo4j.Driver, database: str, frame: pl.DataFrame,
                  batch_size: int = DEFAULT_BATCH, advance: Advance = None) -> int:
    """Upsert Person nodes with their golden attributes (``pid``, ``props``)."""
    return run_batches(driver, database, "merge_persons", MERGE_PERSONS, frame, batch_size,
                       advance)


def move_mentions(driver: neo4j.Driver, database: str, frame: pl.DataFrame,
                  batch_size: int = DEFAULT_BATCH, advance: Advance = None) -> int:
    """Point MENTIONS at the current pid (``record, role, pid, link``): every edge of the
    mention to another person is removed first."""
    keys = frame.select("record", "role", "pid")
    run_batches(driver, database, "detach_mentions", DETACH_MENTIONS, keys, batch_size)
    return run_batches(driver, database, "merge_mentions", MERGE_MENTIONS, frame, batch_size,
                       advance)


def delete_mentions(driver: neo4j.Driver, database: str, frame: pl.DataFrame,
                    batch_size: int = DEFAULT_BATCH) -> int:
    """Remove every MENTIONS edge of mentions no row makes any more (``record, role``)."""
    return run_batches(driver, database, "delete_mentions", DELETE_MENTIONS, frame,
                       batch_size)


def delete_persons(driver: neo4j.Driver, database: str, pids: list[str]) -> int:
    """Delete persons no current mention names, with their edges."""
    frame = pl.DataFrame({"pid": pids}, schema={"pid": pl.String})
    return run_batches(driver, database, "delete_persons", DELETE_PERSONS, frame)


def sync_child_of(driver: neo4j.Driver, database: str, upsert: pl.DataFrame,
                  delete: pl.DataFrame, batch_size: int = DEFAULT_BATCH,
                  advance: Advance = None) -> int:
    """Delete vanished and upsert current parent-child edges."""
    run_batches(driver, database, "delete_child_of", DELETE_CHILD_OF, delete, batch_size)
    return run_batches(driver, database, "merge_child_of", MERGE_CHILD_OF, upsert, batch_size,
                       advance)


def sync_married(driver: neo4j.Driver, database: str, upsert: pl.DataFrame,
                 delete: pl.DataFrame, batch_size: int = DEFAULT_BATCH,
                 advance: Advance = None) -> int:
    """Delete vanished and upsert current marriage edges."""
    run_batches(driver, database, "delete_married", DELETE_MARRIED, delete, batch_size)
    return run_batches(driver, database, "merge_married", MERGE_MARRIED, upsert, batch_size,
                       advance)


def sync_episodes(driver: neo4j.Driver, database: str, rel: str, frame: pl.DataFrame,
                  batch_size: int = DEFAULT_BATCH, advance: Advance = None,
                  gone: Gone | None = None) -> int:
    """Upsert one episode edge per record (``record, pid, target, ...``).

    A changed row's edge is replaced, from whichever person held it (its person, target
    or place may have changed); ``gone`` names what no current row states any more:
    episodes (``record``), places of targets (``target, division_code``) and targets.
    """
    label, key = EPISODES[rel]
    replaced = frame.select("record")
    if gone is not None:
        replaced = pl.concat([replaced, gone.episodes.select("record")])
    delete = DELETE_EPISODE.format(rel=quote(rel))
    run_batches(driver, database, f"delete_{rel.lower()}", delete, replaced, batch_size)
    merge = MERGE_EPISODE.format(label=quote(label), key=quote(key), rel=quote(rel))
    written = run_batches(driver, database, f"merge_{rel.lower()}", merge, frame, batch_size,
                          advance)
    if gone is not None:
        places = DELETE_PLACE.format(label=quote(label), key=quote(key))
        run_batches(driver, database, f"delete_places_{rel.lower()}", places, gone.places,
                    batch_size)
        targets = DELETE_TARGET.format(label=quote(label), key=quote(key), rel=quote(rel))
        run_batches(driver, database, f"delete_targets_{rel.lower()}", targets, gone.targets,
                    batch_size)
    return written


def sync_aliases(driver: neo4j.Driver, database: str, upsert: pl.DataFrame,
                 delete: pl.DataFrame, batch_size: int = DEFAULT_BATCH) -> int:
    """Write retired pids as aliases (``alias, retired_load, targets``: ``pid, mentions``)
    and drop aliases whose pid names a person again (``alias``); permits of a retired pid
    move to its first target.  Runs after the persons are written, before the retired
    ones are deleted."""
    run_batches(driver, database, "delete_aliases", DELETE_ALIASES, delete, batch_size)
    written = run_batches(driver, database, "merge_aliases", MERGE_ALIASES, upsert, batch_size)
    first = upsert.filter(pl.col("targets").list.len() > 0).select(
        "alias", pl.col("targets").list.first().struct.field("pid"))
    run_batches(driver, database, "move_permits", MOVE_PERMITS, first, batch_size)
    return written


def merge_divisions(driver: neo4j.Driver, database: str, frame: pl.DataFrame) -> int:
    """Upsert the division table with successor edges."""
    return run_batches(driver, database, "merge_divisions", MERGE_DIVISIONS, frame)


def sync_reviews(driver: neo4j.Driver, database: str, changed: pl.DataFrame,
                 found: pl.DataFrame, load_id: str,
                 batch_size: int = DEFAULT_BATCH) -> tuple[int, int]:
    """Upsert the review items ``changed`` (new or changed since the graph was written;
    the columns of ``ingest.derive.state.REVIEW_COLUMNS``) and close, as of ``load_id``,
    the open items that are not among every item the load ``found`` (``review_id``).
    Returns (items written, items closed).
    """
    ids = set(found["review_id"].to_list())
    stale = sorted(r["review_id"] for r in read(driver, database, "open_reviews", OPEN_REVIEWS)
                   if r["review_id"] not in ids)
    for start in range(0, len(stale), batch_size):
        write(driver, database, "close_reviews", CLOSE_REVIEWS,
              ids=stale[start:start + batch_size], load_id=load_id)
    written = run_batches(driver, database, "merge_reviews", MERGE_REVIEWS, changed, batch_size)
    return written, len(stale)
