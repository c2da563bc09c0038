"""Every notebook runs from top to bottom in a fresh kernel without an error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
LIMITS = {  # seconds; every other notebook must finish within a minute
    "08_digits.ipynb": 300,
    "10_convolution.ipynb": 600,
    "12_activation_functions.ipynb": 120,
    "13_backprop_as_code.ipynb": 180,  # one epoch of the digits, interpreted, for comparison
}


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=LIMITS.get(path.name, 60),
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError (with the cell and traceback) on any error
