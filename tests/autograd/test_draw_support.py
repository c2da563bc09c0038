"""Support for the drawing tests (no tests here): the lecture graphs, numbers read from DOT."""

from __future__ import annotations

import re
import shutil

import pytest

from autograd import Value
from autograd.drawing.theme import LIGHT
from autograd.graph import topological_order

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed (bash scripts/ensure-dot.sh)",
)

WIRE = re.compile(r"^\s*(w[0-9_]+) \[label=<(.*)> shape=plain\]$", re.M)
FONT = re.compile(r'<FONT COLOR="([^"]+)">(.*?)</FONT>')


def chain_rule() -> tuple[Value, dict[str, Value]]:
    """f = (x + y) z at x = -2, y = 5, z = -4 (the first backprop lecture), with q = x + y."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, {"x": x, "y": y, "z": z, "q": q, "f": f}


def sigmoid_circuit() -> tuple[Value, dict[str, Value]]:
    """f = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2))) at the lecture's point, gate by gate."""
    w0, x0, w1, x1, w2 = (
        Value(v, n) for v, n in [(2, "w0"), (-1, "x0"), (-3, "w1"), (-2, "x1"), (-3, "w2")]
    )
    p0, p1 = w0 * x0, w1 * x1
    s = p0 + p1
    t = s + w2
    neg = -t
    e = neg.exp()
    d = 1 + e
    f = 1 / d
    f.label = "f"
    names = {"w0": w0, "x0": x0, "w1": w1, "x1": x1, "w2": w2, "p0": p0, "p1": p1, "s": s}
    names.update({"t": t, "neg": neg, "e": e, "d": d, "f": f})
    return f, names


def wire_id(root: Value, node: Value) -> str:
    """The id of the wire leaving ``node`` (its trunk, when it fans out)."""
    return f"w{topological_order(root).index(node)}"


def wires(source: str) -> dict[str, tuple[str, str]]:
    """Each wire's (value, gradient) text, read from the DOT source."""
    found = {}
    for wire, label in WIRE.findall(source):
        texts = dict(
            (colour, text)
            for colour, text in FONT.findall(label)
            if colour in (LIGHT.value, LIGHT.grad)
        )
        found[wire] = (texts[LIGHT.value], texts[LIGHT.grad])
    return found


def plain_layout(source: str) -> tuple[dict[str, tuple[float, ...]], list[tuple[str, str, list]]]:
    """dot's layout of a DOT text (``-Tplain``, inches, y up): each node's x, y, width, height,
    and each edge's tail, head and spline points."""
    import graphviz

    text = graphviz.Source(source).pipe(format="plain", encoding="utf-8")
    nodes: dict[str, tuple[float, ...]] = {}
    edges: list[tuple[str, str, list]] = []
    for line in text.splitlines():
        parts = [part.strip("<>") for part in line.split()]  # dot writes some names as <w1>
        if parts[0] == "node":
            nodes[parts[1]] = tuple(float(v) for v in parts[2:6])
        elif parts[0] == "edge":
            n = int(parts[3])
            coords = [float(v) for v in parts[4 : 4 + 2 * n]]
            edges.append((parts[1], parts[2], list(zip(coords[::2], coords[1::2]))))
    return nodes, edges
