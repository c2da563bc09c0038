"""Names for the nodes of a graph, and a plain-text table of it (every node's gate, inputs, value
and gradient).

:func:`node_names` is the one naming of a graph that the diagrams, the stepper's captions and
:func:`summary` share: a node's label if it has one, a constant's number, and ``n1``, ``n2``, ...
for the other nodes in topological order (skipping any name a label already takes), so the same
graph always gets the same names.
"""

from __future__ import annotations

from autograd.graph import node_names, topological_order
from autograd.value import Value


def summary(root: Value, digits: int = 4) -> str:
    """One line per node, inputs first: ``name = gate(inputs)   data   grad``, and a column of
    hooks (:meth:`Value.register_hook`, by function name) when a node has one. Numbers have
    ``digits`` decimals, or e-notation where those would show a nonzero as 0 or a huge number."""
    names = node_names(root)
    nodes = [node for node in topological_order(root) if not node.is_constant]
    hooked = any(node.hooks for node in nodes)
    rows = [["node", "computed as", "data", "grad"] + (["hooks"] if hooked else [])]
    for node in nodes:
        formula = f"{node.op}({', '.join(names[p] for p in node.parents)})" if node.op else "input"
        row = [names[node], formula, _fixed(node.data, digits), _fixed(node.grad, digits)]
        if hooked:
            row.append(", ".join(getattr(h, "__name__", repr(h)) for h in node.hooks))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    aligned = ["<", "<", ">", ">", "<"]
    return "\n".join(
        "  ".join(f"{cell:{aligned[i]}{widths[i]}}" for i, cell in enumerate(row)).rstrip()
        for row in rows
    )


def _fixed(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals; in e-notation where that would show a nonzero as 0
    (``1.0e-07``, not ``0.0000``) or print more than 16 digits (``1.0e+300``)."""
    x += 0.0  # -0.0 is 0.0
    text = f"{x:.{digits}f}"
    if (x != 0.0 and float(text) == 0.0) or abs(x) >= 1e16:
        return f"{x:.{max(1, digits - 3)}e}"
    return text
