"""Gradient checks: the engine's gradients against central differences.

Central differences approximate each partial derivative from two forward passes::

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

with an error of order eps^2 (truncation) plus about 1e-16 / eps (rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.checks import as_float, require_function
from autograd.grad_mode import no_grad
from autograd.value import Value

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


def _central_differences(f: Function, xs: Sequence[Any], eps: float, caller: str) -> list[float]:
    """(f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for each input i; a ValueError that says so
    where x is inside f's domain but x +- eps is not (a point closer than eps to log's 0)."""
    point = _floats(xs)
    eps = as_float(eps, "eps")
    if eps <= 0.0:
        raise ValueError(f"eps must be a positive step such as 1e-6, got {eps!r}")
    _evaluate(f, point)  # f must be defined at the point itself: its own error otherwise
    grads = []
    for i, x in enumerate(point):
        ends = []
        for side, shifted in (("x + eps", x + eps), ("x - eps", x - eps)):
            try:
                ends.append(_evaluate(f, [*point[:i], shifted, *point[i + 1 :]]))
            except (ArithmeticError, ValueError) as error:
                raise ValueError(
                    f"{caller}: the central difference with step eps={eps:g} evaluates f at "
                    f"x ± eps, and {side} = {shifted!r} (input {i}) left the domain of f "
                    f"({error}). Move the point further than eps from the edge, or pass a "
                    "smaller eps"
                ) from error
        grads.append((ends[0] - ends[1]) / (2 * eps))
    return grads


def numerical_grad(f: Function, *xs: Any, eps: float = 1e-6) -> list[float]:
    """Central-difference estimate of df/dx_i at the point xs, one float per input."""
    require_function(f, "numerical_grad")
    return _central_differences(f, xs, eps, "numerical_grad")


def analytic_grad(f: Function, *xs: Any) -> list[float]:
    """The engine's gradient of f at the point xs, one float per input."""
    require_function(f, "analytic_grad")
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
    require_function(f, "gradcheck")
    analytic = analytic_grad(f, *xs)
    numeric = _central_differences(f, xs, eps, "gradcheck")
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if not abs(a - n) <= atol + rtol * abs(n):
            raise GradcheckError(i, a, n, atol, rtol)
    return True
