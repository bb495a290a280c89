"""`kingraph db init` is idempotent."""

from __future__ import annotations

import neo4j

from graphdb.schema import apply, existing, statements


def test_schema_apply_twice_changes_nothing(driver: neo4j.Driver, database: str) -> None:
    apply(driver, database)
    before = existing(driver, database)
    report = apply(driver, database)
    assert report.created == ()
    assert existing(driver, database) == before
    assert {name for name, _ in statements()} <= before
