"""``autograd.compile(f)``: trace ``f`` once, then replay its forward and backward pass as code.

A :class:`Program` behaves like ``autograd.value_and_grad(f, argnums)``: called with numbers it
returns ``(value, gradients)``; it also adds d value / d leaf to the ``.grad`` of every Value
``f`` closed over (a model's parameters), as ``backward()`` would, reading their current
``.data`` on every call (so an optimizer's updates are seen). Called with numpy arrays (one per
argument, of one shape or shapes that broadcast), it runs elementwise over the batch: the value
and the gradients are arrays, and each closed-over Value's ``.grad`` receives the sum over the
batch.

The first call traces ``f`` (:mod:`autograd.compiler.trace`). On floats, a graph of up to
:data:`SCALAR_LIMIT` gates replays as straight-line Python, one line per gate
(:mod:`autograd.compiler.scalar`, ``program.source``); larger graphs, and every call on arrays,
replay by groups of like gates with numpy (:mod:`autograd.compiler.vector`,
``program.vector_source``), so compiling stays fast. Where a result is not a finite number, the
call is made again by the interpreter, which raises exactly the error it raises (naming the
gate), or returns its numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.checks import as_float
from autograd.compiler import scalar, source, vector
from autograd.compiler.trace import Trace, parameter_names, trace
from autograd.functional import Argnums, _select
from autograd.graph import gradient_error, gradient_steps
from autograd.value import Value

SCALAR_LIMIT = 5_000
"""Floats replay as straight-line Python up to this many gates (compiling the source takes about
20 microseconds a line here); beyond, by groups with numpy, which compiles in milliseconds."""

Result = tuple[Any, Sequence[Any], Sequence[Any]]


class Program:
    """``f`` compiled: see :func:`compile`."""

    def __init__(self, f: Callable[..., Any], argnums: Argnums = None) -> None:
        if not callable(f):
            raise TypeError(f"compile needs a function, got {type(f).__name__} {f!r}")
        self.f = f
        self.argnums = argnums
        self.__name__ = f"compile({getattr(f, '__name__', 'f')})"
        self._trace: Trace | None = None
        self._scalar: Callable[..., Any] | None = None
        self._plans: dict[bool, vector.Plan] = {}

    # -- what was compiled ---------------------------------------------------------------------

    @property
    def trace(self) -> Trace:
        """The recorded graph (after the first call)."""
        if self._trace is None:
            raise RuntimeError(f"{self.__name__} has not been called yet: nothing is traced")
        return self._trace

    @property
    def source(self) -> str:
        """The straight-line Python of the forward and backward pass on floats, one line per
        gate (for any size of graph; above SCALAR_LIMIT gates it is read, not run)."""
        return scalar.source(self.trace)

    @property
    def vector_source(self) -> str:
        """The numpy code that replays the graph on a batch, one line per group of like gates."""
        return self._plan(batched=True).source

    def __repr__(self) -> str:
        size = "not traced yet" if self._trace is None else f"{len(self._trace.gates)} gates"
        return f"<{self.__name__}: {size}>"

    # -- calling -------------------------------------------------------------------------------

    def __call__(self, *args: Any) -> tuple[Any, Any]:
        if not args:
            raise TypeError(f"{self.__name__} needs at least one argument")
        if any(isinstance(a, Value) for a in args):
            raise TypeError(
                f"{self.__name__} takes numbers or numpy arrays, not Values: it reads the "
                "Values f closes over by itself; call f directly to build a graph"
            )
        if any(isinstance(a, (np.ndarray, list, tuple)) for a in args):
            return self._call_batch(args)
        return self._call_floats([as_float(a, f"argument {i}") for i, a in enumerate(args)])

    def _traced(self, values: list[float]) -> Trace:
        if self._trace is None:
            self._trace = trace(self.f, values, parameter_names(self.f, len(values)))
        elif len(values) != len(self._trace.arguments):
            raise TypeError(
                f"{self.__name__} was traced with {len(self._trace.arguments)} argument(s), "
                f"got {len(values)}"
            )
        return self._trace

    def _plan(self, batched: bool) -> vector.Plan:
        if batched not in self._plans:
            self._plans[batched] = vector.Plan(self.trace, batched)
        return self._plans[batched]

    def _run_floats(self, t: Trace, xs: list[float], closed: list[float]) -> Result | None:
        """The compiled pass on floats, or None where a result is not finite."""
        if len(t.gates) > SCALAR_LIMIT:
            return self._plan(batched=False).run(xs, closed)
        if self._scalar is None:
            self._scalar = source.load(scalar.source(t), "program", scalar.NAMESPACE)
        return self._scalar(*xs, closed)

    def _call_floats(self, xs: list[float]) -> tuple[Any, Any]:
        t = self._traced(xs)
        indices, single = _select(self.argnums, len(xs))
        value, argument_grads, closed_grads = self._one(xs)
        _add_to_grad(t.closed, [float(g) for g in closed_grads])
        grads = [float(argument_grads[i]) for i in indices]
        return float(value), (grads[0] if single else tuple(grads))

    def _one(self, xs: list[float]) -> Result:
        """One call on floats: compiled; where a result is not finite, by the interpreter."""
        t = self.trace
        try:
            result = self._run_floats(t, xs, [leaf.data for leaf in t.closed])
        except (ArithmeticError, ValueError):  # log(-1), 1 / 0: the interpreter names the gate
            result = None
        if result is not None and _finite(result):
            return result
        return self._interpreted(xs)

    def _interpreted(self, xs: list[float]) -> Result:
        """The call made by the interpreter: ``f`` on Values, then the reference backward into a
        dict (no ``.grad`` touched). Raises the interpreter's errors, naming the gate."""
        t = self.trace
        inputs = [Value(x, t.names[a]) for x, a in zip(xs, t.arguments)]
        out = self.f(*inputs)
        if not isinstance(out, Value):
            return float(out), [0.0] * len(inputs), [0.0] * len(t.closed)
        grads: dict[Value, float] = {}
        for _ in gradient_steps(out, 1.0, grads):
            pass
        wanted = [grads.get(x, 0.0) for x in (*inputs, *t.closed)]
        if not all(math.isfinite(g) for g in wanted):
            raise gradient_error(out, grads)
        return out.data, wanted[: len(inputs)], wanted[len(inputs) :]

    def _call_batch(self, args: Sequence[Any]) -> tuple[Any, Any]:
        arrays = [_array(a, i) for i, a in enumerate(args)]
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(
                f"{self.__name__}: the argument shapes {shapes} do not broadcast to one shape; "
                "give arrays of one shape (or scalars)"
            ) from None
        size = math.prod(shape)
        if size == 0:
            raise ValueError(f"{self.__name__}: the arguments are empty (shape {shape})")
        flat = [np.broadcast_to(a, shape).reshape(size) for a in arrays]
        t = self._traced([float(a[0]) for a in flat])
        indices, single = _select(self.argnums, len(flat))
        try:
            result = self._plan(batched=True).run(flat, [leaf.data for leaf in t.closed])
        except (ArithmeticError, ValueError, FloatingPointError):
            result = None
        if result is None or not _finite(result):
            result = self._sample_by_sample(flat)
        value, argument_grads, closed_grads = result
        _add_to_grad(t.closed, [float(g) for g in closed_grads])
        grads = [np.asarray(argument_grads[i], dtype=float).reshape(shape) for i in indices]
        return np.asarray(value, dtype=float).reshape(shape), (grads[0] if single else tuple(grads))

    def _sample_by_sample(self, flat: list[np.ndarray]) -> Result:
        """The batch one sample at a time: the first sample the interpreter refuses raises its
        error, naming the sample."""
        values, grads, total = [], [], np.zeros(len(self.trace.closed))
        for k in range(len(flat[0])):
            try:
                value, argument_grads, closed_grads = self._one([float(a[k]) for a in flat])
            except (ArithmeticError, ValueError) as error:
                raise type(error)(f"{self.__name__}, sample {k}: {error}") from None
            values.append(value)
            grads.append(argument_grads)
            total += np.asarray(closed_grads, dtype=float)
        by_argument = [np.array([g[i] for g in grads], dtype=float) for i in range(len(flat))]
        return np.array(values, dtype=float), by_argument, list(total)


def _array(a: Any, i: int) -> np.ndarray:
    """Argument ``i`` as a float array, or a clear error."""
    if isinstance(a, Value):
        raise TypeError(f"argument {i} is a Value; pass its .data")
    try:
        array = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"argument {i} must be a number or a numpy array of numbers, got {type(a).__name__}"
        ) from None
    if not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValueError(f"argument {i} has a value that is not finite at index {tuple(bad)}")
    return array


def _finite(result: Result) -> bool:
    """True when the value and every gradient are finite numbers."""
    value, argument_grads, closed_grads = result
    try:
        parts = [np.asarray(value, dtype=float).ravel()]
        parts += [np.asarray(g, dtype=float).ravel() for g in (*argument_grads, *closed_grads)]
    except (TypeError, ValueError):  # a complex number
        return False
    return all(bool(np.isfinite(p).all()) for p in parts)


def _add_to_grad(leaves: list[Value], grads: list[float]) -> None:
    """``leaf.grad += g``, all or nothing (a sum that overflows changes no leaf)."""
    new = [leaf.grad + g for leaf, g in zip(leaves, grads)]
    if not all(math.isfinite(g) for g in new):
        raise OverflowError(
            "a gradient overflowed a float when added to the one its Value held; no gradient "
            "was changed. Call zero_grad() or rescale"
        )
    for leaf, g in zip(leaves, new):
        leaf.grad = g


def compile(f: Callable[..., Any], argnums: Argnums = None) -> Program:  # noqa: A001
    """Trace ``f`` once (on its first call) and replay it as code: see :class:`Program`.

    >>> from autograd import compile
    >>> program = compile(lambda x, y, z: (x + y) * z)
    >>> program(-2.0, 5.0, -4.0)
    (-12.0, (-4.0, -4.0, 3.0))
    """
    return Program(f, argnums)


__all__ = ["SCALAR_LIMIT", "Program", "compile"]
