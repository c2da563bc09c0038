"""Gradient checks: the engine's gradients against central differences.

Central differences approximate each partial derivative from two forward passes::

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

with an error of order eps^2 (truncation) plus about 1e-16 / eps (rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.grad_mode import no_grad
from autograd.value import Value, as_float

Function = Callable[..., Value]


class GradcheckError(AssertionError):
    """The engine's gradient and the central difference disagree for one input."""

    def __init__(self, index: int, analytic: float, numeric: float, atol: float, rtol: float):
        self.index = index
        self.analytic = analytic
        self.numeric = numeric
        super().__init__(
            f"gradient of input {index} is wrong: backward gives {analytic!r}, central differences "
            f"give {numeric!r} (difference {abs(analytic - numeric):.3g} exceeds "
            f"atol={atol:g} + rtol={rtol:g} * |numeric|)"
        )


def _floats(xs: Sequence[Any]) -> list[float]:
    if not xs:
        raise TypeError("give at least one input point, for example gradcheck(f, 1.0, 2.0)")
    return [x.data if isinstance(x, Value) else as_float(x, f"input {i}") for i, x in enumerate(xs)]


def _evaluate(f: Function, point: Sequence[float]) -> float:
    with no_grad():
        out = f(*[Value(x) for x in point])
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__} {out!r}")
    return out.data


def numerical_grad(f: Function, *xs: Any, eps: float = 1e-6) -> list[float]:
    """Central-difference estimate of df/dx_i at the point xs, one float per input."""
    point = _floats(xs)
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        grads.append((_evaluate(f, up) - _evaluate(f, down)) / (2 * eps))
    return grads


def analytic_grad(f: Function, *xs: Any) -> list[float]:
    """The engine's gradient of f at the point xs, one float per input."""
    inputs = [Value(x) for x in _floats(xs)]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__} {out!r}")
    out.backward()
    return [x.grad for x in inputs]


def gradcheck(
    f: Function, *xs: Any, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> bool:
    """True when backward agrees with central differences at xs; else :class:`GradcheckError`.

    An input passes when |analytic - numeric| <= atol + rtol * |numeric|.
    """
    analytic = analytic_grad(f, *xs)
    numeric = numerical_grad(f, *xs, eps=eps)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if not abs(a - n) <= atol + rtol * abs(n):
            raise GradcheckError(i, a, n, atol, rtol)
    return True
