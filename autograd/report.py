"""A plain-text table of a graph: every node's gate, inputs, value and gradient."""

from __future__ import annotations

from autograd.graph import node_names, topological_order
from autograd.value import Value


def summary(root: Value, digits: int = 4) -> str:
    """One line per node, inputs first: ``name = gate(inputs)   data   grad``."""
    names = node_names(root)
    rows = [("node", "computed as", "data", "grad")]
    for node in topological_order(root):
        if node.is_constant:
            continue
        formula = f"{node.op}({', '.join(names[p] for p in node.parents)})" if node.op else "input"
        rows.append((names[node], formula, f"{node.data:.{digits}f}", f"{node.grad:.{digits}f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}"
        for r in rows
    )
