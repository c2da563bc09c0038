"""Backward: accumulation semantics, branches, deep graphs, zero_grad, bad seeds."""

from __future__ import annotations

import math

import pytest

from autograd import Value, backward_steps, topological_order, zero_grad


def test_second_backward_doubles_exactly() -> None:
    """x -> *2 -> *3 -> *4 gives 24, then 48 (micrograd gives 96)."""
    x = Value(3.0)
    y = x * 2 * 3 * 4
    y.backward()
    assert x.grad == 24.0
    y.backward()
    assert x.grad == 48.0


def test_square_and_self_add_branch() -> None:
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    a = Value(1.5)
    (a + a).backward()
    assert a.grad == 2.0


def test_diamond_sums_both_paths() -> None:
    x = Value(2.0)
    left, right = x * 3, x.exp()
    out = left * right
    out.backward()
    assert x.grad == pytest.approx(3 * math.exp(2) + 6 * math.exp(2))


def test_every_node_gets_a_gradient() -> None:
    x, y = Value(1.0), Value(2.0)
    h = x * y
    out = h.tanh()
    out.backward()
    assert h.grad == pytest.approx(1 - math.tanh(2.0) ** 2)
    assert out.grad == 1.0


def test_seed_scales_every_gradient() -> None:
    x = Value(2.0)
    out = x * x
    out.backward(grad=0.5)
    assert x.grad == 2.0


@pytest.mark.parametrize("bad", ["1", None, [1.0]])
def test_backward_with_a_non_number_is_a_type_error(bad: object) -> None:
    x = Value(2.0)
    with pytest.raises(TypeError, match="backward grad"):
        (x * x).backward(bad)  # type: ignore[arg-type]
    assert x.grad == 0.0


def test_backward_through_a_long_chain_is_not_recursive() -> None:
    n = 200_000
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    steps = backward_steps(y)
    assert next(steps).gate is y
    steps.close()
    assert len(topological_order(y)) == 2 * n + 1 + 2 * n  # nodes + constant leaves


def test_zero_grad_clears_the_whole_graph() -> None:
    x, y = Value(1.0), Value(2.0)
    h = x * y
    out = h + x
    out.backward()
    out.zero_grad()
    assert (x.grad, y.grad, h.grad, out.grad) == (0.0, 0.0, 0.0, 0.0)
    out.backward()
    zero_grad(out)
    assert x.grad == 0.0


def test_overflowing_gradient_raises_and_leaves_gradients_unchanged() -> None:
    big = Value(2.0, "big")
    out = (big * 1e300) * 1.0
    big.grad = 5.0
    with pytest.raises(OverflowError, match="big"):
        out.backward(1e10)
    assert big.grad == 5.0 and out.grad == 0.0


def test_backward_on_a_leaf_adds_the_seed() -> None:
    x = Value(3.0)
    x.backward()
    x.backward(2.0)
    assert x.grad == 3.0


def test_steps_follow_backward_order_with_slide_numbers() -> None:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    f = q * z
    rows = [(s.gate, s.input, s.upstream, s.local, s.contribution) for s in f.backward_steps()]
    assert rows == [
        (f, q, 1.0, -4.0, -4.0),
        (f, z, 1.0, 3.0, 3.0),
        (q, x, -4.0, 1.0, -4.0),
        (q, y, -4.0, 1.0, -4.0),
    ]
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)


def test_steps_running_gradient_is_shown_per_edge() -> None:
    x = Value(3.0, "x")
    out = x * x
    steps = list(out.backward_steps())
    assert [s.input_grad for s in steps] == [3.0, 6.0]
