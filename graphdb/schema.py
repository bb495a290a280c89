"""The graph schema: uniqueness constraints and indexes, applied idempotently.

Every statement uses ``IF NOT EXISTS``, so ``kingraph db init`` can run any number
of times; :func:`apply` reports how many constraints and indexes it created.
"""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

from graphdb.connection import read, write, write_auto_commit

CONSTRAINTS: tuple[tuple[str, str, str], ...] = (
    # (name, label, property) -- a uniqueness constraint each.
    ("person_pid", "Person", "pid"),
    ("record_key", "Record", "key"),
    ("load_id", "Load", "load_id"),
    ("household_id", "Household", "household_id"),
    ("dwelling_id", "Dwelling", "dwelling_id"),
    ("division_code", "Division", "code"),
    ("employer_code", "Employer", "code"),
    ("review_id", "Review", "review_id"),
    ("permit_no", "Permit", "permit_no"),
    ("permit_event_id", "PermitEvent", "event_id"),
    ("pid_alias", "PidAlias", "pid"),
)

INDEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (name, label, properties) -- a range index each.
    ("person_id_number", "Person", ("id_number",)),
    ("person_name_birth", "Person", ("name", "birth_date")),
    ("person_name_key_birth", "Person", ("name_key", "birth_date")),
    ("record_load", "Record", ("load_id",)),
    ("review_status", "Review", ("status",)),
    # The review queue's order (possible matches strongest first, then conflicts), so a
    # page is read in index order instead of sorting the whole queue (106 k items at 1 M).
    ("review_queue_order", "Review", ("status", "queue_order", "review_id")),
)
# A review item's place in the queue is its negated weight, conflicts (no weight) last
# (graphdb.model.MERGE_REVIEWS, ingest.derive.bulkload); items written before
# ``queue_order`` existed get it here (idempotent).
BACKFILL_QUEUE_ORDER = """
MATCH (r:Review) WHERE r.queue_order IS NULL
CALL (r) { SET r.queue_order = coalesce(-r.weight, 1.0e9) } IN TRANSACTIONS OF 10000 ROWS
"""

REL_INDEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (name, relationship type, properties) -- a range index each: a row's episode edge
    # is found by its record whichever person holds it.
    ("member_of_record", "MEMBER_OF", ("record",)),
    ("lived_at_record", "LIVED_AT", ("record",)),
    ("employed_by_record", "EMPLOYED_BY", ("record",)),
    # Registration moves in a period (queries.migration.flows) start from the memberships
    # that began in it, not from every person (at 1 M a year's flows: 7 s -> 0.6 s).
    ("member_of_from", "MEMBER_OF", ("from_date",)),
)

SHOW_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name RETURN name"
SHOW_INDEXES = "SHOW INDEXES YIELD name RETURN name"


@dataclass(frozen=True)
class SchemaReport:
    """What ``apply`` found and did."""

    created: tuple[str, ...]
    present: tuple[str, ...]


def quote(name: str) -> str:
    """Backtick-quote a label or property name for splicing into Cypher."""
    return "`" + name.replace("`", "``") + "`"


def statements() -> list[tuple[str, str]]:
    """(name, Cypher) for every constraint and index of the schema."""
    out = [
        (name, f"CREATE CONSTRAINT {quote(name)} IF NOT EXISTS "
               f"FOR (n:{quote(label)}) REQUIRE n.{quote(prop)} IS UNIQUE")
        for name, label, prop in CONSTRAINTS
    ]
    for name, label, props in INDEXES:
        fields = ", ".join(f"n.{quote(p)}" for p in props)
        out.append((name, f"CREATE INDEX {quote(name)} IF NOT EXISTS "
                          f"FOR (n:{quote(label)}) ON ({fields})"))
    for name, rel, props in REL_INDEXES:
        fields = ", ".join(f"e.{quote(p)}" for p in props)
        out.append((name, f"CREATE INDEX {quote(name)} IF NOT EXISTS "
                          f"FOR ()-[e:{quote(rel)}]-() ON ({fields})"))
    return out


def existing(driver: neo4j.Driver, database: str) -> set[str]:
    """Names of the constraints and indexes the database has now."""
    names = set()
    for query_name, cypher in (("show_constraints", SHOW_CONSTRAINTS),
                               ("show_indexes", SHOW_INDEXES)):
        names |= {r["name"] for r in read(driver, database, query_name, cypher)}
    return names


def apply(driver: neo4j.Driver, database: str) -> SchemaReport:
    """Create what is missing of the schema and wait until indexes are online."""
    before = existing(driver, database)
    created = []
    for name, cypher in statements():
        if name not in before:
            write(driver, database, f"create_{name}", cypher)
            created.append(name)
    write(driver, database, "await_indexes", "CALL db.awaitIndexes(300)")
    write_auto_commit(driver, database, "backfill_queue_order", BACKFILL_QUEUE_ORDER)
    present = tuple(name for name, _ in statements() if name in before)
    return SchemaReport(tuple(created), present)
