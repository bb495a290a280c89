"""Person references (pid or ID number) resolved against the loaded province."""

from __future__ import annotations

import neo4j
import pytest

from graphdb.connection import read
from kingraph.errors import PersonNotFound
from queries import people
from tests.integration.synthetic import LoadedDrop

TWO_WITH_NUMBERS = """
MATCH (p:Person) WHERE p.id_number IS NOT NULL
WITH p.id_number AS number, collect(p.pid) AS pids WHERE size(pids) = 1
RETURN pids[0] AS pid, number ORDER BY pid LIMIT 2
"""


def test_many_references_resolve_like_one_at_a_time(synthetic: LoadedDrop,
                                                    driver: neo4j.Driver,
                                                    database: str) -> None:
    (a, a_number), (b, b_number) = [(r["pid"], r["number"]) for r in
                                    read(driver, database, "two", TWO_WITH_NUMBERS)]
    refs = [a, b_number, a_number.lower() if a_number.endswith("X") else a_number, b]
    assert people.resolve_many(driver, database, refs) == [a, b, a, b]
    assert [people.resolve(driver, database, r) for r in refs] == [a, b, a, b]


def test_an_unknown_reference_among_many_is_not_found(synthetic: LoadedDrop,
                                                      driver: neo4j.Driver,
                                                      database: str) -> None:
    (pid,) = [r["pid"] for r in read(driver, database, "one", TWO_WITH_NUMBERS)][:1]
    with pytest.raises(PersonNotFound):
        people.resolve_many(driver, database, [pid, "P0000000000000000"])
