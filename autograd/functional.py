"""Function transforms: ``grad(f)`` and ``value_and_grad(f)`` turn f(Values) -> Value into functions
on plain numbers, as in JAX (but by default differentiating with respect to every argument).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Union

from autograd.value import Value, as_float

Argnums = Union[int, Sequence[int], None]


def _select(argnums: Argnums, n: int) -> tuple[list[int], bool]:
    """The argument indices to differentiate and whether the caller asked for a single one."""
    if argnums is None:
        return list(range(n)), n == 1
    single = isinstance(argnums, int)
    indices = [argnums] if isinstance(argnums, int) else list(argnums)
    for i in indices:
        if not isinstance(i, int) or not -n <= i < n:
            raise ValueError(f"argnums {argnums!r} does not fit a call with {n} argument(s)")
    return [i % n for i in indices], single


def value_and_grad(f: Callable[..., Value], argnums: Argnums = None) -> Callable[..., Any]:
    """A function returning ``(f(*xs), gradient)``; the gradient is a float for one argument
    (or an int ``argnums``), else a tuple of floats in argument order."""

    def evaluate(*xs: Any) -> tuple[float, Any]:
        indices, single = _select(argnums, len(xs))
        inputs = [Value(as_float(x, f"argument {i}")) for i, x in enumerate(xs)]
        out = f(*inputs)
        if not isinstance(out, Value):
            raise TypeError(f"f must return a Value, got {type(out).__name__} {out!r}")
        out.backward()
        grads = tuple(inputs[i].grad for i in indices)
        return out.data, (grads[0] if single else grads)

    evaluate.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return evaluate


def grad(f: Callable[..., Value], argnums: Argnums = None) -> Callable[..., Any]:
    """The gradient of f as a function of plain numbers (see :func:`value_and_grad`)."""
    both = value_and_grad(f, argnums)

    def gradient(*xs: Any) -> Any:
        return both(*xs)[1]

    gradient.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return gradient
