"""What a notebook shows, in a real Jupyter kernel: a Stepper is the player page itself (no widget
library, no kernel needed once shown), explain() is LaTeX, a diagram is SVG."""

from __future__ import annotations

import html
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

CODE = """
from autograd import Stepper, Value, draw, explain
x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
q = x + y; q.label = "q"
f = q * z; f.label = "f"
stepper = Stepper(f)
stepper
"""


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_a_stepper_explain_and_a_diagram_display_richly() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(CODE),
        nbformat.v4.new_code_cell("explain(f, x)"),
        nbformat.v4.new_code_cell("f.backward(); draw(f, tangents={x: 1.0})"),
    ]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    [player], [derivation], [diagram] = (cell.outputs for cell in notebook.cells)
    page = player["data"]["text/html"]
    assert page.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in page
    inner = html.unescape(page.split('srcdoc="')[1].split('" sandbox=')[0])
    assert "script-src 'sha256-" in inner and '<ol id="captions" start="0">' in inner
    assert player["data"]["text/plain"] == "<Stepper: backprop through f in 6 frames>"
    latex = derivation["data"]["text/latex"]
    assert latex.startswith("$$\n\\begin{aligned}") and "&= -4.00" in latex
    assert derivation["data"]["text/plain"] == "<explain ∂f/∂x = -4.00: 1 path(s)>"
    assert "∂/∂x" in diagram["data"]["image/svg+xml"]
