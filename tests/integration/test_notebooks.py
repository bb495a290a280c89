"""The researchers' notebooks run top to bottom against the loaded synthetic graph.

Each notebook is executed in a fresh kernel of this venv (nbclient), with the
session's Neo4j over ``neo4j://`` (routing, as a cluster is reached) in its
environment; a failing cell fails the test with the cell's error name (outputs are not
stored back). A first and a last cell added here record the kernel's Bolt traffic
(``tests.bolt_traffic``): every read a READ transaction, each after the one before.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from kingraph.settings import Settings
from tests.bolt_traffic import load, misrouted, unchained
from tests.integration.cluster import environment
from tests.integration.synthetic import LoadedDrop

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell on the 4 k graph (the slowest cell takes about 20 s)


def test_there_are_the_three_research_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3


def _recorded(notebook: nbformat.NotebookNode, out: Path) -> None:
    """Add the cells that record the kernel's Bolt traffic into ``out``."""
    notebook.cells.insert(0, nbformat.v4.new_code_cell(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from tests import bolt_traffic as _kg_bolt\n_kg_traffic = _kg_bolt.attach()"))
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"_kg_bolt.detach(_kg_traffic)\n_kg_traffic.dump(__import__('pathlib').Path({str(out)!r}))"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, synthetic: LoadedDrop, settings: Settings, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in environment(settings).items():  # the kernel inherits them
        monkeypatch.setenv(name, value)
    notebook = nbformat.read(path, as_version=4)
    traffic = tmp_path / "bolt.json"
    _recorded(notebook, traffic)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    try:
        client.execute()
    except CellExecutionError as exc:  # the traceback names the cell and the error
        pytest.fail(f"{path.name}: a cell failed: {exc.ename}: {exc.evalue}"[:2000])
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert any(o.get("output_type") == "display_data" for o in outputs)  # charts drawn
    transactions = load(traffic)
    assert transactions and all(t.mode == "r" for t in transactions)  # researchers only read
    assert misrouted(transactions) == [] and unchained(transactions) == []
