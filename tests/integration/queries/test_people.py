"""Person references (pid or ID number) resolved against the loaded province."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from functools import partial

import neo4j
import pytest

from graphdb.connection import open_async_driver, read
from kingraph import ids
from kingraph.errors import InvalidArgument, PersonNotFound
from kingraph.settings import Settings
from queries.eligibility import from_graph as couple_graph
from queries.persons import references as people
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


SHARED_NUMBER = """UNWIND $pids AS pid CREATE (p:Person {pid: pid, id_number: $number, sex: '1'})"""
DROP_SHARED = "UNWIND $pids AS pid MATCH (p:Person {pid: pid}) DETACH DELETE p"


def test_a_couple_decided_by_reference_resolves_as_resolve_many(
        synthetic: LoadedDrop, driver: neo4j.Driver, database: str) -> None:
    # couple_graph.decide_refs resolves both references inside its one read, by the same
    # rules: an ID number (any letter case) or a pid; unknown -> not found; a number
    # carried by two persons -> invalid.
    (a, a_number), (b, b_number) = [(r["pid"], r["number"]) for r in
                                    read(driver, database, "two", TWO_WITH_NUMBERS)]
    day = date(2020, 6, 1)
    h, w, by_pid = couple_graph.decide_refs(driver, database, a, b, day)
    assert (h, w) == (a, b)
    assert couple_graph.decide_refs(driver, database, a_number.lower(), b_number, day) == (
        a, b, by_pid)
    assert by_pid == couple_graph.decide_couple(driver, database, a, b, day)
    with pytest.raises(PersonNotFound):
        couple_graph.decide_refs(driver, database, a, "P0000000000000000", day)
    twins = ["kgtest-shared-1", "kgtest-shared-2"]
    number = ids.make("460105", date(1980, 2, 3), 901)
    driver.execute_query(SHARED_NUMBER, pids=twins, number=number, database_=database)
    try:
        with pytest.raises(InvalidArgument):
            couple_graph.decide_refs(driver, database, number, b, day)
    finally:
        driver.execute_query(DROP_SHARED, pids=twins, database_=database)


def test_async_resolve_answers_as_resolve(synthetic: LoadedDrop, driver: neo4j.Driver,
                                          database: str, settings: Settings) -> None:
    # The API resolves on the async driver: a pid, an ID number in either letter case,
    # nobody, and a number two persons carry must come out as resolve() says.
    (a, a_number), (b, _) = [(r["pid"], r["number"]) for r in
                             read(driver, database, "two", TWO_WITH_NUMBERS)]
    twins = ["kgtest-shared-3", "kgtest-shared-4"]
    shared = ids.make("460105", date(1981, 3, 4), 903)
    refs = [a, a_number, a_number.lower(), b, "P0000000000000000", shared, "not-an-id"]

    def outcome(call: Callable[[], str]) -> object:
        try:
            return call()
        except (PersonNotFound, InvalidArgument) as exc:
            return type(exc)

    async def all_async() -> list[object]:
        adriver = open_async_driver(settings)
        try:
            out: list[object] = []
            for ref in refs:
                try:
                    out.append(await people.resolve_async(adriver, database, ref))
                except (PersonNotFound, InvalidArgument) as exc:
                    out.append(type(exc))
            return out
        finally:
            await adriver.close()

    driver.execute_query(SHARED_NUMBER, pids=twins, number=shared, database_=database)
    try:
        want = [a, a, a, b, PersonNotFound, InvalidArgument, PersonNotFound]
        assert [outcome(partial(people.resolve, driver, database, r)) for r in refs] == want
        assert asyncio.run(all_async()) == want
    finally:
        driver.execute_query(DROP_SHARED, pids=twins, database_=database)
