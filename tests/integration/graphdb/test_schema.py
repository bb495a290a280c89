"""`kingraph db init` is idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import neo4j

from graphdb.schema import apply, existing, statements
from ingest.stewardship.queue import LIST_QUEUE, QueueFilter
from queries.migration.trajectories import MOVES_BETWEEN


def test_schema_apply_twice_changes_nothing(driver: neo4j.Driver, database: str) -> None:
    apply(driver, database)
    before = existing(driver, database)
    report = apply(driver, database)
    assert report.created == ()
    assert existing(driver, database) == before
    assert {name for name, _ in statements()} <= before


def test_review_items_written_before_the_queue_order_get_their_place(
        driver: neo4j.Driver, database: str) -> None:
    # As an older version wrote them: no queue_order.  Status 'schema-test' keeps them
    # out of every real queue.
    rows = [{"id": "Rschema-test-a", "w": 30.5}, {"id": "Rschema-test-b", "w": None},
            {"id": "Rschema-test-c", "w": 12.0}]
    driver.execute_query("UNWIND $rows AS row CREATE (:Review {review_id: row.id, "
                         "status: 'schema-test', weight: row.w})", rows=rows, database_=database)
    try:
        apply(driver, database)
        got = driver.execute_query(
            "MATCH (r:Review {status: 'schema-test'}) RETURN r.review_id AS id, "
            "r.queue_order AS place ORDER BY place", database_=database).records
        # Strongest possible match first (the negated weight), a conflict (no weight) last.
        assert [(r["id"], r["place"]) for r in got] == [
            ("Rschema-test-a", -30.5), ("Rschema-test-c", -12.0), ("Rschema-test-b", 1.0e9)]
    finally:
        driver.execute_query("MATCH (r:Review {status: 'schema-test'}) DELETE r",
                             database_=database)


def _operators(plan: Any) -> list[str]:
    found = [str(plan["operatorType"]).split("@")[0]]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


def test_a_page_of_the_review_queue_is_read_in_index_order_not_sorted(
        driver: neo4j.Driver, database: str) -> None:
    # At 1 M the queue holds about 106,000 items: sorting them all for each page of 20
    # took most of a page's 600 ms.
    apply(driver, database)
    for kind in (None, "fusion", "conflict"):
        params = QueueFilter("open", kind, None, None, None).params(datetime.now(UTC))
        summary = driver.execute_query("EXPLAIN " + LIST_QUEUE, **params, offset=0, limit=20,
                                       database_=database).summary
        operators = _operators(summary.plan)
        assert "NodeIndexSeek" in operators, operators
        assert not {"Sort", "Top", "PartialSort", "PartialTop"} & set(operators), operators


def test_the_moves_of_a_period_start_from_the_memberships_begun_in_it(
        driver: neo4j.Driver, database: str) -> None:
    # Not a scan of every person (a year's flows took 7 s at 1 M that way).
    apply(driver, database)
    summary = driver.execute_query("EXPLAIN " + MOVES_BETWEEN, start=date(2025, 1, 1),
                                   end=date(2025, 12, 31), database_=database).summary
    operators = _operators(summary.plan)
    assert "DirectedRelationshipIndexSeekByRange" in operators or (
        "UndirectedRelationshipIndexSeekByRange" in operators), operators
    assert "NodeByLabelScan" not in operators, operators
