"""Names for the nodes of a graph, and a plain-text table of it (every node's gate, inputs, value
and gradient).

:func:`node_names` is the one naming of a graph that the diagrams, the stepper's captions and
:func:`summary` share: a node's label if it has one, a constant's number, and ``n1``, ``n2``, ...
for the other nodes in topological order (skipping any name a label already takes), so the same
graph always gets the same names.
"""

from __future__ import annotations

from autograd.graph import topological_order
from autograd.ops import format_number
from autograd.value import Value


def node_names(root: Value) -> dict[Value, str]:
    """A name per node: its label, a constant's number, else ``n1``, ``n2``, ... in order."""
    order = topological_order(root)
    taken = {node.label for node in order if node.label}
    names: dict[Value, str] = {}
    count = 0
    for node in order:
        if node.label:
            names[node] = node.label
        elif node.is_constant:
            names[node] = format_number(node.data)
        else:
            count += 1
            while f"n{count}" in taken:
                count += 1
            names[node] = f"n{count}"
    return names


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
