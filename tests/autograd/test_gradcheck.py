"""gradcheck and numerical_grad: they pass right gradients and catch wrong ones."""

from __future__ import annotations

import math
from typing import Any

import pytest

from autograd import GradcheckError, Value, functions, gradcheck, numerical_grad, ops


def test_numerical_grad_of_a_product() -> None:
    assert numerical_grad(lambda a, b: a * b, 2.0, 3.0) == pytest.approx([3.0, 2.0], abs=1e-8)


def test_gradcheck_passes_a_correct_gradient() -> None:
    assert gradcheck(lambda a, b: (a * b).tanh() + a.log() * b.sigmoid(), 1.5, -0.5) is True


def wrong_tanh(x: Any) -> tuple[Any, Any]:
    """tanh with d/dx = 1 - t: the square forgotten."""
    t = functions.tanh(x)
    return t, 1.0 - t


def test_gradcheck_catches_a_wrong_derivative() -> None:
    """A tanh gate whose rule says d/dx = 1 - t (forgot the square) is caught and named."""
    with ops.override(ops.TANH, wrong_tanh), pytest.raises(GradcheckError, match="input 1") as info:
        gradcheck(lambda a, b: a + b.tanh(), 0.3, 0.8)
    assert info.value.index == 1
    assert info.value.analytic == pytest.approx(1 - math.tanh(0.8))
    assert info.value.numeric == pytest.approx(1 - math.tanh(0.8) ** 2, abs=1e-6)


def test_gradcheck_errors_on_bad_arguments() -> None:
    with pytest.raises(TypeError, match="Value"):
        gradcheck(lambda a: 3.0, 1.0)  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="input 0"):
        gradcheck(lambda a: a, "x")
    with pytest.raises(TypeError, match="at least one"):
        gradcheck(lambda: Value(1.0))


def test_gradcheck_accepts_values_as_the_point() -> None:
    assert gradcheck(lambda a: a * a, Value(2.0))


@pytest.mark.parametrize("check", [gradcheck, numerical_grad])
@pytest.mark.parametrize("not_a_function", [3.0, Value(1.0)])
def test_what_is_not_a_function_is_refused_by_name(check: Any, not_a_function: object) -> None:
    with pytest.raises(TypeError, match=f"{check.__name__} needs a function, got"):
        check(not_a_function, 1.0)


@pytest.mark.parametrize("check", [gradcheck, numerical_grad])
def test_a_point_closer_than_eps_to_the_edge_of_the_domain_is_explained(check: Any) -> None:
    """x = 1e-7 is inside log's domain; x - eps = -9e-07 is not, and the message says so."""
    with pytest.raises(ValueError) as info:
        check(lambda a: a.log(), 1e-7)
    message = str(info.value)
    assert message.startswith(f"{check.__name__}: the central difference with step eps=1e-06 ")
    assert "evaluates f at x ± eps, and x - eps = -9e-07 (input 0) left the domain of f" in message
    assert "log(-9e-07) is undefined" in message
    assert "Move the point further than eps from the edge, or pass a smaller eps" in message
    assert check(lambda a: a.log(), 1e-7, eps=1e-9)  # the advice works


def test_the_input_whose_shift_leaves_the_domain_is_named() -> None:
    with pytest.raises(ValueError, match=r"x \+ eps = 709.78271389\d* \(input 1\).*exp\("):
        numerical_grad(lambda a, b: a + b.exp(), 1.0, 709.7827128933)


def test_a_point_outside_the_domain_keeps_the_gates_own_error() -> None:
    """The student's own point is out of the domain: no talk of eps."""
    with pytest.raises(ValueError, match=r"^log\(-1.0\) is undefined"):
        numerical_grad(lambda a: a.log(), -1.0)
    with pytest.raises(ValueError, match=r"^log\(-1.0\) is undefined"):
        gradcheck(lambda a: a.log(), -1.0)


@pytest.mark.parametrize("eps", [0.0, -1e-6])
def test_eps_must_be_a_positive_step(eps: float) -> None:
    with pytest.raises(ValueError, match="eps must be a positive step"):
        numerical_grad(lambda a: a * a, 1.0, eps=eps)
