"""bench.memory: bytes per op node, and whether dropping the last reference frees a graph."""

from __future__ import annotations

import pytest

from autograd import Value
from bench.memory import footprint


def _chain(n: int) -> Value:
    c, y = Value(0.5), Value(1.0)
    for _ in range(n):
        y = y * c
    return y


def test_a_chainrule_graph_is_measured_and_freed_by_del() -> None:
    measured = footprint(lambda: _chain(2000), 2000)
    assert measured.op_nodes == 2000
    assert 80 < measured.bytes_per_node < 400  # a slotted node and its float, nothing per edge
    assert measured.freed and measured.kept_bytes < 0.05 * measured.built_bytes


def test_a_reference_cycle_is_reported_as_kept() -> None:
    def cyclic() -> list[object]:
        nodes: list[object] = [[0.5] * 10 for _ in range(1000)]
        nodes.append(nodes)  # the list holds itself: only the cyclic collector frees it
        return nodes

    measured = footprint(cyclic, 1000)
    assert not measured.freed
    assert measured.as_dict()["freed_by_del"] is False


def test_op_nodes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="op_nodes"):
        footprint(lambda: None, 0)
