"""Forward mode drawn: each node's tangent (``autograd.tangents``) beside its value.

A tangent is d node / d t along the direction the seeds give: with ``{x: 1.0}`` it is
d node / d x for every node at once (forward mode: one input, all outputs), where reverse mode
gives d output / d node for every node (one output, all inputs). The wire of the output carries
d f / d x as its tangent, the same number as the gradient on x's wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from autograd.derivatives import tangents
from autograd.graph import node_names
from autograd.value import Value


@dataclass(frozen=True)
class Tangents:
    """Every node's tangent, and the text before each one: ``∂/∂x`` for the unit seed of one
    input, ``ṫ`` (a directional derivative) for any other seeds."""

    values: dict[Value, float]
    prefix: str

    @classmethod
    def of(cls, root: Value, seeds: Mapping[Value, float]) -> Tangents:
        """The tangents of root's graph for ``seeds`` (leaves of the graph and their tangents)."""
        if not isinstance(seeds, Mapping) or not seeds:
            raise ValueError(
                f"tangents must be a dict {{input: tangent}} such as {{x: 1.0}}, got {seeds!r}"
            )
        values = tangents(root, seeds)  # checks that every seed is a node of root's graph
        names = node_names(root)
        ((only, seed),) = seeds.items() if len(seeds) == 1 else ((None, None),)
        prefix = f"∂/∂{names[only]} " if only is not None and seed == 1.0 else "ṫ "
        return cls(values, prefix)

    def of_node(self, node: Value) -> float:
        """The node's tangent (0 where no seed reaches it)."""
        return self.values.get(node, 0.0)
