"""The lectures' examples, asserted to the digits printed on the slides."""

from __future__ import annotations

import pytest

from autograd import Value


def test_chain_rule_example_x_plus_y_times_z() -> None:
    """f(x, y, z) = (x + y) z at x=-2, y=5, z=-4."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    f = q * z
    f.backward()
    assert f.data == -12
    assert (x.grad, y.grad, z.grad, q.grad) == (-4, -4, 3, -4)


def _sigmoid_neuron(fused: bool) -> tuple[Value, list[Value]]:
    w0, x0, w1, x1, w2 = (Value(v) for v in (2.0, -1.0, -3.0, -2.0, -3.0))
    s = w0 * x0 + w1 * x1 + w2
    f = s.sigmoid() if fused else 1 / (1 + (-s).exp())
    f.backward()
    return f, [w0, x0, w1, x1, w2]


@pytest.mark.parametrize("fused", [False, True], ids=["circuit", "fused"])
def test_sigmoid_neuron_example(fused: bool) -> None:
    """f(w, x) = 1 / (1 + e^-(w0 x0 + w1 x1 + w2)): f = 0.73, dw0 = -0.20, dx0 = 0.39, ..."""
    f, (w0, x0, w1, x1, w2) = _sigmoid_neuron(fused)
    assert round(f.data, 2) == 0.73
    assert [round(v.grad, 2) for v in (w0, x0, w1, x1, w2)] == [-0.20, 0.39, -0.39, -0.59, 0.20]


def test_sigmoid_circuit_uses_the_lecture_gates() -> None:
    f, _ = _sigmoid_neuron(fused=False)
    ops = []
    node: Value | None = f
    while node is not None and not node.is_leaf:
        ops.append(node.op)
        node = next((p for p in node.parents if not p.is_constant), None)
    assert ops[:4] == ["1/x", "+", "exp", "*"]


def test_circuit_and_fused_gate_agree_to_float_precision() -> None:
    circuit, leaves_c = _sigmoid_neuron(fused=False)
    fused, leaves_f = _sigmoid_neuron(fused=True)
    assert circuit.data == pytest.approx(fused.data, abs=1e-15)
    for a, b in zip(leaves_c, leaves_f):
        assert a.grad == pytest.approx(b.grad, abs=1e-15)


def test_add_gate_distributes() -> None:
    a, b = Value(3.0), Value(-1.0)
    out = a + b
    out.backward(2.5)
    assert (a.grad, b.grad) == (2.5, 2.5)


def test_max_gate_routes() -> None:
    a, b = Value(3.0), Value(-1.0)
    out = a.max(b)
    out.backward(2.5)
    assert (a.grad, b.grad) == (2.5, 0.0)


def test_mul_gate_switches() -> None:
    a, b = Value(3.0), Value(-1.0)
    out = a * b
    out.backward(2.0)
    assert (a.grad, b.grad) == (-2.0, 6.0)


def test_gradients_add_at_branches() -> None:
    x = Value(3.0)
    out = x * 2.0 + x * 5.0
    out.backward()
    assert x.grad == 7.0
