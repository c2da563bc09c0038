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
