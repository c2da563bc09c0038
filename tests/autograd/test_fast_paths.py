"""The engine's speed-ups keep the semantics: same order, same gradients, same errors.

``topological_order`` is a post-order walk that keeps only the path being explored on its stack,
and ``backward`` skips setting gradients aside when none are held (see autograd/graph.py); these
tests pin both to the plain algorithms they replace.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Value, ops, topological_order
from autograd.testing import Case, cases

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def reference_order(root: Value) -> list[Value]:
    """The textbook post-order: a node is listed after all of its inputs, first input first
    (recursion written out with a stack of (node, iterator over its inputs) frames)."""
    order: list[Value] = []
    seen = {root}
    frames = [(root, iter(root.parents))]
    while frames:
        node, inputs = frames[-1]
        for parent in inputs:
            if parent not in seen:
                seen.add(parent)
                frames.append((parent, iter(parent.parents)))
                break
        else:
            frames.pop()
            order.append(node)
    return order


def reference_backward(root: Value, seed: float = 1.0) -> dict[Value, float]:
    """d root / d node for every node, accumulated in a dict in backward order."""
    order = reference_order(root)
    grads = dict.fromkeys(order, 0.0)
    grads[root] = seed
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] += local * grads[node]
    return grads


@SETTINGS
@given(cases())
def test_topological_order_is_the_plain_walk(case: Case) -> None:
    out = case.expression.build(*case.values())
    assert topological_order(out) == reference_order(out)


@SETTINGS
@given(cases())
def test_backward_fresh_and_with_held_gradients(case: Case) -> None:
    out = case.expression.build(*case.values())
    expected = reference_backward(out)
    out.backward()  # fresh graph: nothing to set aside
    assert {node: node.grad for node in expected} == expected
    out.backward()  # every node holds a gradient now: set aside and added back
    assert {node: node.grad for node in expected} == {n: g + g for n, g in expected.items()}


def test_a_shared_node_gets_both_branches() -> None:
    x = Value(3.0, "x")
    y = x * x + x
    y.backward()
    assert x.grad == 7.0


def test_overflow_on_a_fresh_graph_raises_and_leaves_zeros() -> None:
    big = Value(2.0, "big")
    out = (big * 1e300) * 1.0
    with pytest.raises(OverflowError, match="big"):
        out.backward(1e10)  # d out / d big = 1e300, times the seed 1e10: inf
    assert big.grad == 0.0 and out.grad == 0.0


def test_finite_gradients_whose_sum_overflows_are_fine() -> None:
    """The fast overflow check sums all gradients; a finite overflow of that sum is no error."""
    x, y = Value(1e-300, "x"), Value(1e-300, "y")
    out = x * 1e308 + y * 1e308
    out.backward()
    assert x.grad == 1e308 and y.grad == 1e308 and math.isfinite(out.data)


def test_a_patched_op_table_takes_effect_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Operators read the op table on every call (teaching: swap in a wrong rule, watch it)."""

    def wrong_mul(x: float, y: float) -> tuple[float, float, float]:
        return x * y, x, y  # forgot to switch the inputs

    monkeypatch.setattr(ops, "MUL", ops.Op("mul", "*", 2, wrong_mul))
    a, b = Value(2.0), Value(5.0)
    (a * b).backward()
    assert (a.grad, b.grad) == (2.0, 5.0)


def test_plain_ints_become_constants_and_huge_ones_are_refused() -> None:
    x = Value(2.0)
    assert (x * 3).data == 6.0 and (3 + x).data == 5.0
    with pytest.raises(ValueError, match="too large"):
        x * 10**400
    with pytest.raises(TypeError, match="bool"):
        x * True
