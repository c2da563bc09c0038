"""Which gradients a picture shows: a total per node and a contribution per wire, or unknown.

A wire from an input into a gate carries the gradient ``local x upstream`` (the gate's local
derivative for that input times the gate's own gradient); a node's total gradient is the sum over
the wires leaving it. :class:`CurrentGradients` reads what ``backward()`` left on the graph; the
stepper supplies the gradients known after a number of steps.
"""

from __future__ import annotations

from typing import Protocol

from autograd.graph import topological_order
from autograd.value import Value


class Gradients(Protocol):
    """Gradients as a picture knows them; ``None`` means not computed (drawn as '?')."""

    def node(self, value: Value) -> float | None:
        """The total gradient d root / d value."""

    def edge(self, gate: Value, index: int) -> float | None:
        """The gradient flowing from ``gate`` into its input number ``index``."""


def backward_has_run(root: Value) -> bool:
    """True when some node of root's graph has a nonzero gradient.

    A graph on which backward never ran has only zero gradients, so they are shown as '?'
    (backward with a zero seed also leaves only zeros; pass ``grads=True`` to show them).
    """
    return any(node.grad != 0.0 for node in topological_order(root))


class CurrentGradients:
    """The gradients stored on the nodes (``.grad``), or none of them when ``shown`` is False."""

    def __init__(self, shown: bool) -> None:
        self.shown = shown

    def node(self, value: Value) -> float | None:
        return value.grad if self.shown else None

    def edge(self, gate: Value, index: int) -> float | None:
        return gate.local_grads[index] * gate.grad if self.shown else None
