"""What a picture knows: each node's value and total gradient, each edge's gradient, or unknown.

A wire from an input into a gate carries the gradient ``local x upstream`` (the gate's local
derivative for that input times the gate's own gradient); a node's total gradient is the sum over
the wires leaving it. :class:`CurrentGradients` reads what the graph holds (``.data``, and
``.grad`` once backward has run); the stepper supplies what is known after a number of steps:
values appear gate by gate in its forward frames, gradients step by step in its backward frames.
"""

from __future__ import annotations

from typing import Protocol

from autograd.drawing.scene import Link
from autograd.graph import topological_order
from autograd.value import Value


class Gradients(Protocol):
    """Values and gradients as a picture knows them; ``None`` means not computed (drawn '?')."""

    def value(self, node: Value) -> float | None:
        """The node's forward value."""

    def node(self, value: Value) -> float | None:
        """The total gradient d root / d value."""

    def edge(self, gate: Value, index: int) -> float | None:
        """The gradient flowing from ``gate`` into its input number ``index``."""


def link_gradient(link: Link, gradients: Gradients) -> float | None:
    """The gradient along a drawn link: the sum over the graph edges it stands for."""
    total = 0.0
    for gate, index in link.edges:
        g = gradients.edge(gate, index)
        if g is None:
            return None
        total += g
    return total


def backward_has_run(root: Value) -> bool:
    """True when some node of root's graph has a nonzero gradient.

    A graph on which backward never ran has only zero gradients, so they are shown as '?'
    (backward with a zero seed also leaves only zeros; pass ``grads=True`` to show them).
    """
    return any(node.grad != 0.0 for node in topological_order(root))


class CurrentGradients:
    """The values and gradients stored on the nodes, gradients only when ``shown`` is True."""

    def __init__(self, shown: bool) -> None:
        self.shown = shown

    def value(self, node: Value) -> float | None:
        return node.data

    def node(self, value: Value) -> float | None:
        return value.grad if self.shown else None

    def edge(self, gate: Value, index: int) -> float | None:
        return gate.local_grads[index] * gate.grad if self.shown else None
