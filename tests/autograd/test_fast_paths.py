"""The engine's speed-ups keep the semantics: same order, same gradients, same errors.

``topological_order`` is a post-order walk that keeps only the path being explored on its stack;
``backward`` follows ``backward_order`` (Kahn's algorithm on the users the forward pass counted)
with the arithmetic written in, and sums a leaf's gradient in ``.grad`` itself (see
autograd/graph.py). These tests pin them to the plain algorithms they replace, also on graphs
whose gates have users outside the graph.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value, ops, topological_order
from autograd.graph import backward_order
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
    """d root / d node for every node, accumulated in a dict, gate by gate in backward_order."""
    grads = dict.fromkeys(reference_order(root), 0.0)
    grads[root] = seed
    for node in backward_order(root):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] += local * grads[node]
    return grads


def assert_valid_backward_order(root: Value) -> None:
    """Every gate of root's graph once, root first, each one after all of its users."""
    order = backward_order(root)
    gates = [node for node in reference_order(root) if not node.is_leaf]
    assert sorted(map(id, order)) == sorted(map(id, gates))
    position = {node: k for k, node in enumerate(order)}
    assert not gates or order[0] is root
    for node in order:
        for parent in node.parents:
            if not parent.is_leaf:
                assert position[parent] > position[node]


def with_outside_users(case: Case, picks: list[int]) -> tuple[Value, list[Value]]:
    """The case's graph, plus gates that use some of its gates but are not part of it."""
    out = case.expression.build(*case.values())
    gates = [node for node in topological_order(out) if not node.is_leaf]
    outside = [gates[k % len(gates)] * 2.0 for k in picks] if gates else []
    outside += [gates[0] + gates[-1]] if gates else []
    return out, outside


@SETTINGS
@given(cases())
def test_topological_order_is_the_plain_walk(case: Case) -> None:
    out = case.expression.build(*case.values())
    assert topological_order(out) == reference_order(out)


@SETTINGS
@given(cases())
def test_backward_order_lists_each_gate_after_its_users(case: Case) -> None:
    assert_valid_backward_order(case.expression.build(*case.values()))


@SETTINGS
@given(cases())
def test_backward_fresh_and_with_held_gradients(case: Case) -> None:
    out = case.expression.build(*case.values())
    expected = reference_backward(out)
    out.backward()  # fresh graph: nothing held
    assert {node: node.grad for node in expected} == expected
    out.backward()  # every node holds a gradient now: set aside and added back
    assert {node: node.grad for node in expected} == {n: g + g for n, g in expected.items()}


@SETTINGS
@given(cases(), st.lists(st.integers(0, 10**6), max_size=4))
def test_gates_used_outside_the_graph_still_pass_their_gradient_on(
    case: Case, picks: list[int]
) -> None:
    """A gate with users outside root's graph waits for them in vain; backward must count the
    users again within the graph and go on, not stop and leave the gates below without
    gradients."""
    out, outside = with_outside_users(case, picks)
    assert_valid_backward_order(out)
    expected = reference_backward(out)
    out.backward()
    assert {node: node.grad for node in expected} == expected
    assert all(node.grad == 0.0 for node in outside)


@SETTINGS
@given(cases())
def test_backward_order_agrees_with_the_reversed_post_order(case: Case) -> None:
    """Any order that puts users first gives the same gradients, up to rounding."""
    out = case.expression.build(*case.values())
    grads = dict.fromkeys(reference_order(out), 0.0)
    grads[out] = 1.0
    for node in reversed(reference_order(out)):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] += local * grads[node]
    out.backward()
    for node, g in grads.items():
        assert node.grad == pytest.approx(g, rel=1e-9, abs=1e-9 * max(map(abs, grads.values())))


def test_a_leaf_as_root_gets_the_seed() -> None:
    x = Value(2.0, "x")
    x.backward()
    x.backward(3.0)
    assert x.grad == 4.0


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
    """Assigning an op compiles its operator again (teaching: swap in a wrong rule, watch it)."""

    wrong_mul = ops.Op("mul", "*", "x * y", ("x", "y"))  # forgot to switch the inputs
    monkeypatch.setattr(ops, "MUL", wrong_mul)
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
