"""Function transforms, as in JAX: ``grad(f)``, ``value_and_grad(f)`` and ``hessian(f)``.

``f`` maps Values to one Value. A transform calls ``f`` on Values and differentiates the result
with :func:`autograd.derivatives.gradients`:

* called with plain numbers, a transform returns floats;
* called with Values (for example from inside another transform), it returns Values in a
  recorded graph (``create_graph=True``), so transforms compose: ``grad(grad(f))`` is f''.

``argnums`` picks the arguments to differentiate: ``None`` (the default) means every argument,
an int gives a single gradient, a sequence of ints a tuple in that order.

>>> from autograd import grad
>>> f = lambda x: x**3
>>> grad(f)(2.0), grad(grad(f))(2.0), grad(grad(grad(f)))(2.0)   # 3x^2, 6x, 6
(12.0, 12.0, 6.0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Union

from autograd.derivatives import gradients
from autograd.grad_mode import is_recording
from autograd.graph import topological_order
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


def _independent(values: list[Value]) -> bool:
    """True when no Value among ``values`` is another one or was computed from another one."""
    if len(set(values)) < len(values):
        return False
    others = set(values)
    for v in values:
        others.discard(v)
        if any(node in others for node in topological_order(v)):
            return False
        others.add(v)
    return True


def _arguments(xs: tuple[Any, ...]) -> list[Value]:
    """One Value per argument, each its own variable: numbers become new leaves; Values are used
    as they are unless one depends on another (or repeats), then each goes through its own ``+0``
    gate so that every argument gets its partial derivative, not a total one."""
    values = [x for x in xs if isinstance(x, Value)]
    separate = len(values) > 1 and not _independent(values)
    return [
        (x + 0.0 if separate else x)
        if isinstance(x, Value)
        else Value(as_float(x, f"argument {i}"))
        for i, x in enumerate(xs)
    ]


def _call(f: Callable[..., Any], inputs: list[Value], transform: str) -> Value:
    """f(*inputs), checked: recording must be on and f must return one Value."""
    if not is_recording():
        raise RuntimeError(
            f"{transform} cannot differentiate inside no_grad(): no graph is recorded there; "
            "call it outside the no_grad() block"
        )
    out = f(*inputs)
    if isinstance(out, Value):
        return out
    hint = ""
    if isinstance(out, tuple):
        hint = (
            "; it returned a tuple (a gradient with respect to several arguments?): pick one "
            "with argnums=i, or use hessian(f) for all second derivatives"
        )
    raise TypeError(f"f must return a Value, got {type(out).__name__} {out!r}{hint}")


def _name(transform: str, f: Callable[..., Any]) -> str:
    return f"{transform}({getattr(f, '__name__', 'f')})"


def value_and_grad(f: Callable[..., Value], argnums: Argnums = None) -> Callable[..., Any]:
    """A function returning ``(f(*xs), gradient)``.

    On numbers: ``(float, float)`` for one argument (or an int ``argnums``), else ``(float, tuple
    of floats)``. On Values: the same shapes with differentiable Values.

    >>> value_and_grad(lambda x, y: x * y)(2.0, 3.0)
    (6.0, (3.0, 2.0))
    """
    name = _name("value_and_grad", f)

    def evaluate(*xs: Any) -> tuple[Any, Any]:
        indices, single = _select(argnums, len(xs))
        on_values = any(isinstance(x, Value) for x in xs)
        inputs = _arguments(xs)
        out = _call(f, inputs, name)
        grads = gradients(out, [inputs[i] for i in indices], create_graph=on_values)
        value = out if on_values else out.data
        return value, (grads[0] if single else tuple(grads))

    evaluate.__name__ = name
    return evaluate


def grad(f: Callable[..., Value], argnums: Argnums = None) -> Callable[..., Any]:
    """The gradient of f as a function (see :func:`value_and_grad`); composes with itself.

    >>> grad(lambda x: x.tanh())(0.0), grad(grad(lambda x: x**3))(1.0)
    (1.0, 6.0)
    """
    both = value_and_grad(f, argnums)

    def gradient(*xs: Any) -> Any:
        return both(*xs)[1]

    gradient.__name__ = _name("grad", f)
    return gradient


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[float]]]:
    """The matrix of second derivatives ``H[i][j] = d^2 f / dx_i dx_j`` at numbers ``xs``, as a list
    of lists of floats: one backward pass that records its graph, then one more per argument.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)   # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    name = _name("hessian", f)

    def evaluate(*xs: Any) -> list[list[float]]:
        inputs = [Value(as_float(x, f"argument {i}")) for i, x in enumerate(xs)]
        first = gradients(_call(f, inputs, name), inputs, create_graph=True)
        return [gradients(g, inputs) for g in first]

    evaluate.__name__ = name
    return evaluate


__all__ = ["grad", "hessian", "value_and_grad"]
