"""Values as they come back from Neo4j, turned into Python ones."""

from __future__ import annotations

from datetime import date
from typing import Any

import neo4j.time


def day(value: Any) -> date | None:
    """A Neo4j DATE, a Python date or ISO text as a date; None otherwise."""
    if isinstance(value, neo4j.time.Date):
        native: date = value.to_native()
        return native
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
