"""The researchers' notebooks run top to bottom against the loaded synthetic graph.

Each notebook is executed in a fresh kernel of this venv (nbclient), with the
session's KINGRAPH_NEO4J_* settings in its environment; a failing cell fails the
test with the cell's error name (outputs are not stored back).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.integration.synthetic import LoadedDrop

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell on the 4 k graph (the slowest cell takes about 20 s)


def test_there_are_the_three_research_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, synthetic: LoadedDrop) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    try:
        client.execute()
    except CellExecutionError as exc:  # the traceback names the cell and the error
        pytest.fail(f"{path.name}: a cell failed: {exc.ename}: {exc.evalue}"[:2000])
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert any(o.get("output_type") == "display_data" for o in outputs)  # charts drawn
