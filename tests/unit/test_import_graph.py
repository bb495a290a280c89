"""The house's import graph: no cycles between modules or rooms, and api -> ingest only
through the entry points the API is allowed to use.

A *room* is a top-level module of a package (``ingest.store``, ``kingraph.errors``) or
a sub-package (``queries.kinship``, ``ingest.fusion``, ``api.routes``): two rooms that
import each other, even through a deferred import, share a concept that belongs in a
third.  The graph is built by grimp from the source (imports inside functions count;
imports under ``TYPE_CHECKING`` do not).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from pathlib import Path

import grimp
import networkx as nx
import pytest

PACKAGES = ("kingraph", "graphdb", "ingest", "synth", "queries", "api")

# The one door from the API into ingest: stewardship (the queue, decisions, unmerge,
# the re-fusions they run under the store lock, load status).
API_MAY_IMPORT_FROM_INGEST = frozenset({"ingest.stewardship"})


def room(module: str) -> str:
    """The room a module lives in: its first two name parts."""
    return ".".join(module.split(".")[:2])


def import_edges(graph: grimp.ImportGraph) -> Iterable[tuple[str, str]]:
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            yield importer, imported


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Every strongly connected set of more than one node, each as a sorted list."""
    directed = nx.DiGraph(edges)
    return sorted(sorted(c) for c in nx.strongly_connected_components(directed) if len(c) > 1)


def room_edges(edges: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(room(a), room(b)) for a, b in edges if room(a) != room(b)]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False,
                             exclude_type_checking_imports=True, cache_dir=None)


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    assert cycles(import_edges(graph)) == []


def test_no_two_rooms_import_each_other(graph: grimp.ImportGraph) -> None:
    assert cycles(room_edges(import_edges(graph))) == []


def test_api_imports_from_ingest_only_its_entry_points(graph: grimp.ImportGraph) -> None:
    used = {imported for importer, imported in import_edges(graph)
            if importer.split(".")[0] == "api" and imported.split(".")[0] == "ingest"}
    assert used <= API_MAY_IMPORT_FROM_INGEST, sorted(used - API_MAY_IMPORT_FROM_INGEST)


def test_queries_and_graphdb_never_import_upwards(graph: grimp.ImportGraph) -> None:
    upward = {(a, b) for a, b in import_edges(graph)
              if (a.startswith("queries.") and b.split(".")[0] in ("ingest", "api"))
              or (a.startswith("graphdb.") and b.split(".")[0] in ("queries", "ingest", "api"))}
    assert upward == set()


def test_the_checks_find_a_cycle_through_a_deferred_import(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    # A package whose rooms a and b import each other, b only inside a function.
    pkg = tmp_path / "kgcyclic"
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("")
    (pkg / "a" / "one.py").write_text("from kgcyclic import b\n")
    (pkg / "b.py").write_text("def f() -> None:\n    from kgcyclic.a import one  # noqa\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = grimp.build_graph("kgcyclic", cache_dir=None)
        edges = list(import_edges(found))
        assert cycles(edges) == [["kgcyclic.a.one", "kgcyclic.b"]]
        assert cycles(room_edges(edges)) == [["kgcyclic.a", "kgcyclic.b"]]
    finally:
        sys.modules.pop("kgcyclic", None)


def test_the_api_and_the_cli_use_a_room_through_its_front_door(
        graph: grimp.ImportGraph) -> None:
    # A sub-package of queries/ or ingest/ names what others may use in its __all__:
    # the API and the CLI import those names from the package, never from its modules.
    rooms = {room(m) for m in graph.modules
             if m.split(".")[0] in ("queries", "ingest") and m.count(".") >= 2}
    wrong = set()
    for importer, imported in import_edges(graph):
        door = room(imported)
        if (importer.split(".")[0] not in ("api", "kingraph") or door not in rooms
                or imported == door):
            continue
        exported = set(importlib.import_module(door).__all__)
        for detail in graph.get_import_details(importer=importer, imported=imported):
            line = " ".join(str(detail["line_contents"]).split())
            head, _, names = line.partition(" import ")
            used = {n.strip().split(" as ")[0] for n in names.strip("()").split(",")}
            if head != f"from {door}" or not used <= exported:
                wrong.add((importer, line))
    assert wrong == set()
