"""The eligibility cases, loaded into Neo4j and decided through the graph."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import neo4j
import pytest

from graphdb.connection import open_async_driver
from kingraph.errors import PersonNotFound
from kingraph.settings import Settings
from queries.eligibility.from_graph import (
    decide_couple,
    decide_many_async,
    decide_refs,
    decide_refs_async,
)
from tests.integration.queries import case_graph
from tests.unit.queries.eligibility_cases import CASES

LOADED_MIN = 30


@pytest.fixture(scope="module")
def loaded(driver: neo4j.Driver, database: str) -> Iterator[dict[str, case_graph.LoadedCase]]:
    """Every representable case in the graph, by name; removed afterwards."""
    cases = case_graph.load(driver, database, list(CASES))
    yield {c.case.name: c for c in cases}
    case_graph.unload(driver, database)


def test_enough_cases_are_loaded(loaded: dict[str, case_graph.LoadedCase]) -> None:
    assert len(loaded) >= LOADED_MIN


@pytest.mark.parametrize("name", [c.name for c in CASES if case_graph.representable(c)])
def test_case_decided_from_graph(name: str, loaded: dict[str, case_graph.LoadedCase],
                                 driver: neo4j.Driver, database: str) -> None:
    item = loaded[name]
    want = item.case
    got = decide_couple(driver, database, item.husband, item.wife, want.as_of)
    assert (got.outcome, got.child_order) == (want.outcome, want.child_order), want.basis
    # the API's one-query path (references resolved in the same read) decides alike, and
    # a reference to nobody is not found there (the API's 404), not a case for review
    if want.facts.husband is None or want.facts.wife is None:
        with pytest.raises(PersonNotFound):
            decide_refs(driver, database, item.husband, item.wife, want.as_of)
    else:
        assert decide_refs(driver, database, item.husband, item.wife, want.as_of) == (
            item.husband, item.wife, got)
    if want.rule_id is not None:
        assert got.rule_id == want.rule_id
    if want.permit_kind is not None:
        assert got.permit_kind == want.permit_kind


def test_async_path_decides_every_case_as_the_sync_one(
        loaded: dict[str, case_graph.LoadedCase], driver: neo4j.Driver, database: str,
        settings: Settings) -> None:
    # the API's eligibility route reads on the async driver: same query, same decision
    found = [c for c in loaded.values()
             if c.case.facts.husband is not None and c.case.facts.wife is not None]

    async def decide_all() -> list[object]:
        adriver = open_async_driver(settings)
        try:
            return [await decide_refs_async(adriver, database, c.husband, c.wife, c.case.as_of)
                    for c in found]
        finally:
            await adriver.close()

    got = asyncio.run(decide_all())
    assert len(found) >= LOADED_MIN - 5
    assert got == [decide_refs(driver, database, c.husband, c.wife, c.case.as_of)
                   for c in found]


def test_many_couples_in_one_read_are_decided_each_as_alone(
        loaded: dict[str, case_graph.LoadedCase], driver: neo4j.Driver, database: str,
        settings: Settings) -> None:
    # The API coalesces concurrent requests into one read: every case (each with its own
    # application date) in one batch, with a couple naming nobody in the middle, must
    # come out as each decided on its own; the bad couple fails alone.
    found = [c for c in loaded.values()
             if c.case.facts.husband is not None and c.case.facts.wife is not None]
    assert len({c.case.as_of for c in found}) > 5  # the dates differ across the batch
    couples = [(c.husband, c.wife, c.case.as_of) for c in found]
    middle = len(couples) // 2
    couples.insert(middle, (found[0].husband, "P0000000000000000", found[0].case.as_of))

    async def decide_batch() -> list[object]:
        adriver = open_async_driver(settings)
        try:
            return list(await decide_many_async(adriver, database, couples))
        finally:
            await adriver.close()

    got = asyncio.run(decide_batch())
    assert isinstance(got.pop(middle), PersonNotFound)
    assert got == [decide_refs(driver, database, c.husband, c.wife, c.case.as_of)
                   for c in found]


def test_evidence_names_the_marriage_and_children(
        loaded: dict[str, case_graph.LoadedCase], driver: neo4j.Driver, database: str) -> None:
    item = loaded["urban_two_children_2003"]
    got = decide_couple(driver, database, item.husband, item.wife, item.case.as_of)
    marriages = [e for e in got.evidence if "-marriage-" in e]
    births = [e for e in got.evidence if "-rel-" in e]
    assert len(marriages) == 1
    # two children stated of both parents (4) and each spouse's two parents, the basis
    # of their only-child status (4)
    assert len(births) == 8
