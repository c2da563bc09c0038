"""Memory: bytes a graph takes per op node, and whether it is freed when its last reference goes.

:mod:`tracemalloc` counts the bytes Python allocates while the graph is built (nodes, their
floats, anything else the engine keeps per node). After the last reference is dropped (``del``,
no ``gc.collect()``), the bytes still held show whether reference counting alone frees the graph:
an engine whose nodes form reference cycles (closures that point back at their node) keeps the
whole graph until the cyclic garbage collector happens to run.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Footprint:
    """What building one graph cost, and what dropping it gave back."""

    op_nodes: int
    built_bytes: int
    kept_bytes: int

    @property
    def bytes_per_node(self) -> float:
        return self.built_bytes / self.op_nodes

    @property
    def freed(self) -> bool:
        """True when dropping the last reference gave back (almost) everything: < 5% kept."""
        return self.kept_bytes < 0.05 * self.built_bytes

    def as_dict(self) -> dict[str, object]:
        return {
            "op_nodes": self.op_nodes,
            "built_bytes": self.built_bytes,
            "bytes_per_op_node": self.bytes_per_node,
            "kept_after_del_bytes": self.kept_bytes,
            "freed_by_del": self.freed,
        }


def footprint(build: Callable[[], Any], op_nodes: int) -> Footprint:
    """Measure ``build()`` (which returns the graph's root, the only reference to the graph).

    ``op_nodes`` is how many gate outputs the graph has; leaves count towards the bytes but not
    the nodes, as in "bytes per op node".
    """
    if op_nodes < 1:
        raise ValueError(f"op_nodes must be >= 1, got {op_nodes!r}")
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        root = build()
        built = tracemalloc.get_traced_memory()[0] - before
        del root
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
        gc.collect()
    return Footprint(op_nodes, built, kept)
