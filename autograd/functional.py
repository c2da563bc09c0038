"""Function transforms, as in JAX: ``grad``, ``value_and_grad``, ``hessian``, ``jvp``, ``jacobian``.

``f`` maps Values to a Value. A transform calls ``f`` on Values and differentiates the result with
:func:`autograd.derivatives.gradients` (reverse mode) or :func:`autograd.derivatives.tangents`
(forward mode):

* called with plain numbers, a transform returns floats;
* called with Values (for example from inside another transform), or when ``f`` closes over a
  Value that an enclosing transform is differentiating, ``grad`` and ``value_and_grad`` return
  Values in a recorded graph (``create_graph=True``), so they compose: ``grad(grad(f))`` is f''.
  ``hessian``, ``jacobian`` and ``jvp`` return floats; inside another transform that
  differentiates what they depend on, they raise a TypeError (use ``grad`` of ``grad``).

``argnums`` picks the arguments to differentiate: ``None`` (the default) means every argument,
an int gives a single gradient, a sequence of ints a tuple in that order. A function that returns
a plain number (it does not depend on its arguments) has gradient 0.0.

>>> from autograd import grad
>>> f = lambda x: x**3
>>> grad(f)(2.0), grad(grad(f))(2.0), grad(grad(grad(f)))(2.0)   # 3x^2, 6x, 6
(12.0, 12.0, 6.0)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Union

from autograd.checks import as_argnums, as_float, require_function
from autograd.derivatives import gradients, tangents
from autograd.grad_mode import require_recording
from autograd.graph import topological_order
from autograd.value import Value

Argnums = Union[int, Sequence[int], None]

_differentiating: ContextVar[tuple[frozenset[Value], ...]] = ContextVar(
    "chainrule_differentiating", default=()
)
"""The arguments of every transform whose ``f`` is running, outermost first."""


@contextmanager
def _differentiated(inputs: list[Value]) -> Iterator[None]:
    """Mark ``inputs`` as being differentiated while ``f`` runs (seen by nested transforms)."""
    token = _differentiating.set((*_differentiating.get(), frozenset(inputs)))
    try:
        yield
    finally:
        _differentiating.reset(token)


def _depends_on_enclosing(out: Value) -> bool:
    """True when ``out`` was computed from an argument of an enclosing transform: its derivative
    must then stay a graph, so that the enclosing transform can differentiate it in turn."""
    enclosing = _differentiating.get()
    if not enclosing:
        return False
    outer = frozenset().union(*enclosing)
    return any(node in outer for node in topological_order(out))


def _select(argnums: Argnums, n: int) -> tuple[list[int], bool]:
    """The argument indices to differentiate and whether the caller asked for a single one."""
    argnums = as_argnums(argnums)
    if argnums is None:
        return list(range(n)), n == 1
    single = isinstance(argnums, int)
    indices = [argnums] if isinstance(argnums, int) else list(argnums)
    for i in indices:
        if not -n <= i < n:
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


def _call(f: Callable[..., Any], inputs: list[Value], transform: str) -> Value | float:
    """f(*inputs), checked: recording must be on and f must return a Value or a number."""
    require_recording(transform)
    with _differentiated(inputs):
        out = f(*inputs)
    if isinstance(out, Value):
        return out
    if isinstance(out, numbers.Real) and not isinstance(out, bool):
        return as_float(out, f"the result of {transform}'s function")
    hint = ""
    if isinstance(out, tuple):
        hint = (
            "; it returned a tuple (a gradient with respect to several arguments?): pick one "
            "with argnums=i, or use hessian(f) or jacobian(f)"
        )
    raise TypeError(f"f must return a Value, got {type(out).__name__} {out!r}{hint}")


def _refuse_nesting(out: Any, transform: str) -> None:
    """A transform that returns floats cannot be differentiated by an enclosing one."""
    if isinstance(out, Value) and _depends_on_enclosing(out):
        raise TypeError(
            f"{transform} returns numbers, so an enclosing grad cannot differentiate it; write "
            "the derivatives with grad(grad(f)) instead"
        )


def _name(transform: str, f: Callable[..., Any]) -> str:
    return f"{transform}({getattr(f, '__name__', 'f')})"


def value_and_grad(f: Callable[..., Value], argnums: Argnums = None) -> Callable[..., Any]:
    """A function returning ``(f(*xs), gradient)``.

    On numbers: ``(float, float)`` for one argument (or an int ``argnums``), else ``(float, tuple
    of floats)``. On Values: the same shapes with differentiable Values.

    >>> value_and_grad(lambda x, y: x * y)(2.0, 3.0)
    (6.0, (3.0, 2.0))
    """
    require_function(f, "value_and_grad")
    argnums = as_argnums(argnums)
    name = _name("value_and_grad", f)

    def evaluate(*xs: Any) -> tuple[Any, Any]:
        indices, single = _select(argnums, len(xs))
        inputs = _arguments(xs)
        out = _call(f, inputs, name)
        on_values = any(isinstance(x, Value) for x in xs)
        if not isinstance(out, Value):  # f does not depend on its arguments
            zero = Value(0.0) if on_values else 0.0
            grads: list[Any] = [zero] * len(indices)
            value: Any = Value(out) if on_values else out
        else:
            on_values = on_values or _depends_on_enclosing(out)
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
    require_function(f, "grad")
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
    require_function(f, "hessian")
    name = _name("hessian", f)

    def evaluate(*xs: Any) -> list[list[float]]:
        inputs = [Value(as_float(x, f"argument {i}")) for i, x in enumerate(xs)]
        out = _call(f, inputs, name)
        _refuse_nesting(out, name)
        if not isinstance(out, Value):
            return [[0.0] * len(xs) for _ in xs]
        first = gradients(out, inputs, create_graph=True)
        return [gradients(g, inputs) for g in first]

    evaluate.__name__ = name
    return evaluate


def jvp(
    f: Callable[..., Value], primals: Sequence[Any], tangents_in: Sequence[Any]
) -> tuple[float, float]:
    """Forward mode: ``(f(*primals), d/dt f(primals + t * tangents) at t = 0)``.

    The tangent is pushed forward through the graph with the same local derivatives backward
    uses (:func:`autograd.derivatives.tangents`): one pass gives the derivative of the output
    along one direction of the inputs.

    >>> jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))   # d(xy)/dx = y
    (6.0, 3.0)
    """
    require_function(f, "jvp")
    if not isinstance(primals, Sequence) or not isinstance(tangents_in, Sequence):
        raise TypeError("jvp takes primals and tangents as tuples: jvp(f, (x, y), (dx, dy))")
    if len(primals) != len(tangents_in):
        raise ValueError(
            f"jvp got {len(primals)} primals and {len(tangents_in)} tangents; give one each"
        )
    inputs = [Value(as_float(x, f"primal {i}")) for i, x in enumerate(primals)]
    directions = [as_float(t, f"tangent {i}") for i, t in enumerate(tangents_in)]
    out = _call(f, inputs, _name("jvp", f))
    _refuse_nesting(out, _name("jvp", f))
    if not isinstance(out, Value):
        return out, 0.0
    found = tangents(out, dict(zip(inputs, directions)))
    return out.data, found.get(out, 0.0)


def jacobian(f: Callable[..., Any]) -> Callable[..., list[list[float]]]:
    """The Jacobian ``J[i][j] = d out_i / d x_j`` at numbers ``xs``, as a list of rows of floats:
    one row per output (``f`` returns a Value, or a list or tuple of Values), one column per
    argument. Each row is one reverse pass.

    >>> jacobian(lambda x, y: [x * y, x + y])(2.0, 3.0)
    [[3.0, 2.0], [1.0, 1.0]]
    """
    require_function(f, "jacobian")
    name = _name("jacobian", f)

    def evaluate(*xs: Any) -> list[list[float]]:
        inputs = [Value(as_float(x, f"argument {i}")) for i, x in enumerate(xs)]
        require_recording(name)
        with _differentiated(inputs):
            result = f(*inputs)
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        rows = []
        for i, out in enumerate(outputs):
            _refuse_nesting(out, name)
            if isinstance(out, Value):
                rows.append(gradients(out, inputs))
            elif isinstance(out, numbers.Real) and not isinstance(out, bool):
                rows.append([0.0] * len(inputs))
            else:
                raise TypeError(
                    f"{name}: output {i} must be a Value, got {type(out).__name__} {out!r}"
                )
        return rows

    evaluate.__name__ = name
    return evaluate


__all__ = ["grad", "hessian", "jacobian", "jvp", "value_and_grad"]
