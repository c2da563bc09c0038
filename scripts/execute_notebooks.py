"""Execute notebooks in place, keeping their outputs (so they read well on GitHub).

    .venv/bin/python scripts/execute_notebooks.py notebooks/01_chain_rule.ipynb [...]

With no arguments, every notebook under notebooks/ is executed. Cells run in a fresh kernel with
the notebook's folder as the working directory. A notebook is written whole or not at all
(:func:`autograd.files.write_atomic`), so a failed write never truncates it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograd.files import write_atomic

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 600) -> float:
    """Run every cell of the notebook at ``path`` and save it with outputs; return seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    text = nbformat.writes(notebook)
    write_atomic(path, text if text.endswith("\n") else text + "\n")  # as nbformat.write
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path):.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
