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
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.checks import as_argnums, as_float, brief, require_function
from autograd.compiler import scalar, source, vector
from autograd.compiler.trace import Trace, flatten, parameter_names, trace
from autograd.functional import Argnums, _select
from autograd.grad_mode import TraceError, require_recording
from autograd.graph import gradient_error, gradient_pass
from autograd.ops import Op, Rule
from autograd.value import Value

SCALAR_LIMIT = 5_000
"""Floats replay as straight-line Python up to this many gates (compiling the source takes about
20 microseconds a line here); beyond, by groups with numpy, which compiles in milliseconds."""


@dataclass(frozen=True)
class Pass:
    """What one forward and backward pass gives: the value, the gradient of every argument (0.0
    for those not asked for) and of every closed-over Value, and the aux values."""

    value: Any
    argument_grads: Sequence[Any]
    closed_grads: Sequence[Any]
    aux: Sequence[Any] = ()

    def finite(self) -> bool:
        """True when every number in it is finite (and none is complex)."""
        try:
            parts = [self.value, self.argument_grads, self.closed_grads, *self.aux]
            arrays = [np.asarray(p, dtype=float) for p in parts]
        except (TypeError, ValueError):  # a complex number
            return False
        return all(bool(np.isfinite(a).all()) for a in arrays)


@dataclass(frozen=True)
class Signature:
    """What a program needs to know of its graph once its code is written: the arguments'
    names, the Values ``f`` closed over, how to rebuild the aux values, how many gates, and the
    rule each of its ops had (the code is written from them: see :func:`autograd.ops.override`)."""

    names: list[str]
    closed: list[Value]
    rebuild: Callable[..., Any]
    aux: int
    gates: int
    rules: tuple[tuple[Op, Rule], ...]

    @classmethod
    def of(cls, t: Trace) -> Signature:
        names = [t.names[a] for a in t.arguments]
        ops = {node.gate: node.gate.rule for node in t.gates}
        return cls(names, t.closed, t.rebuild, len(t.aux), len(t.gates), tuple(ops.items()))

    def rules_changed(self) -> bool:
        """Has an op of the graph another rule now (inside or after ``ops.override``)?"""
        return any(op.rule is not rule for op, rule in self.rules)


class Program:
    """``f`` compiled: see :func:`compile`.

    Once the code for a kind of call is written, the program keeps that code and what it reads,
    not the recorded graph (a graph takes about 150 bytes a gate): ``trace``, ``source`` and
    writing the code for the other kind of call record ``f`` again, on the first call's
    arguments.
    """

    def __init__(
        self, f: Callable[..., Any], argnums: Argnums = None, has_aux: bool = False
    ) -> None:
        require_function(f, "compile")
        self.f = f
        self.argnums = as_argnums(argnums)
        self.has_aux = has_aux
        self.__name__ = f"compile({getattr(f, '__name__', 'f')})"
        self._values: list[float] | None = None  # the first call's arguments
        self._trace: Trace | None = None  # the recorded graph, while code is being written
        self._signature: Signature | None = None
        self._scalar: Callable[..., Any] | None = None
        self._plans: dict[bool, vector.Plan] = {}
        self._outside: list[Value] = []  # the nodes of the graph made before f ran

    # -- what was compiled ---------------------------------------------------------------------

    @property
    def trace(self) -> Trace:
        """The recorded graph (recorded again, on the first call's arguments, if the program let
        go of it)."""
        if self._trace is None:
            if self._values is None:
                raise RuntimeError(f"{self.__name__} has not been called yet: nothing is traced")
            self._record(self._values)
        assert self._trace is not None
        return self._trace

    @property
    def signature(self) -> Signature:
        if self._signature is None:
            raise RuntimeError(f"{self.__name__} has not been called yet: nothing is traced")
        return self._signature

    def _record(self, values: list[float]) -> None:
        indices, _ = _select(self.argnums, len(values))
        names = parameter_names(self.f, len(values))
        recorded = trace(self.f, values, names, indices, self.has_aux)
        signature = Signature.of(recorded)
        if self._signature is None:  # the first call: run f again; what did it make or draw?
            second = trace(self.f, values, names, indices, self.has_aux)
            made = [
                leaf for leaf, other in zip(signature.closed, second.closed) if leaf is not other
            ]
            again = set(second.order)  # gates made before f ran are in both graphs
            self._outside = signature.closed + [n for n in recorded.gates if n in again]
            if made:
                what = getattr(self.f, "__name__", "f")
                shown = f"{brief(made[0].label)} = " if made[0].label else ""
                raise TraceError(
                    f"{self.__name__}: {what} makes the Value {shown}{made[0].data!r} each time "
                    "it runs, and a program reads the Values it closed over when it was compiled; "
                    f"write the plain number {made[0].data!r} instead (a constant), or make the "
                    "Value once, outside the function (a parameter)"
                )
            drawn = [
                (a.data, b.data)
                for a, b in zip(recorded.order, second.order)
                if a.is_constant and a.data != b.data
            ]
            if drawn or len(recorded.order) != len(second.order):
                what = getattr(self.f, "__name__", "f")
                numbers = f": the number {drawn[0][0]!r}, then {drawn[0][1]!r}" if drawn else ""
                raise TraceError(
                    f"{self.__name__}: {what} built another graph when run again on the same "
                    f"arguments{numbers} (a random draw, such as a dropout mask in training); a "
                    "program would replay the first run forever: call it without compiling, or "
                    "make it draw nothing (model.eval(), or p=0)"
                )
        if self._signature is not None and (
            signature.closed != self._signature.closed or signature.gates != self._signature.gates
        ):
            raise TraceError(
                f"{self.__name__}: f built another graph than on its first call; compile needs "
                "a function that builds the same graph every time"
            )
        self._trace, self._signature = recorded, signature

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
        size = "not traced yet" if self._signature is None else f"{self._signature.gates} gates"
        return f"<{self.__name__}: {size}>"

    # -- calling -------------------------------------------------------------------------------

    def __call__(self, *args: Any) -> tuple[Any, Any]:
        """``(value, gradients)`` as ``value_and_grad(f, argnums)`` gives them; with ``has_aux``,
        ``((value, aux), gradients)``."""
        if not args:
            raise TypeError(f"{self.__name__} needs at least one argument")
        require_recording(self.__name__)  # as value_and_grad: gradients need the graph
        if any(isinstance(a, Value) for a in args):
            raise TypeError(
                f"{self.__name__} takes numbers or numpy arrays, not Values: it reads the "
                "Values f closes over by itself; call f directly to build a graph"
            )
        if any(isinstance(a, (np.ndarray, list, tuple)) for a in args):
            return self._call_batch(args)
        return self._call_floats([as_float(a, f"argument {i}") for i, a in enumerate(args)])

    def _traced(self, values: list[float]) -> tuple[Signature, list[int], bool]:
        """The signature (the graph is recorded on the first call), the argument indices asked
        for, and whether one gradient (not a tuple) is returned."""
        if self._values is None:
            self._record(values)
            self._values = values
        elif len(values) != len(self._values):
            raise TypeError(
                f"{self.__name__} was traced with {len(self._values)} argument(s), "
                f"got {len(values)}"
            )
        elif self.signature.rules_changed():  # ops.override: write the code again
            self._scalar, self._plans = None, {}
            self._record(self._values)
        hooked = [node for node in self._outside if node.hooks]
        if hooked:
            raise TraceError(
                f"{self.__name__} closes over {_named(hooked[0])}, which has a hook "
                "(register_hook); a compiled program does not run hooks: remove it, or call the "
                "function without compiling"
            )
        indices, single = _select(self.argnums, len(values))
        return self.signature, indices, single

    def _plan(self, batched: bool) -> vector.Plan:
        if batched not in self._plans:
            self._plans[batched] = vector.Plan(self.trace, batched)
            self._trace = None  # the code is written: let go of the graph
        return self._plans[batched]

    def _answer(self, result: Pass, indices: list[int], single: bool, shape: Any) -> Any:
        """Add the closed-over gradients to ``.grad``; the value, aux and gradients to return."""
        _add_to_grad(self.signature.closed, [float(g) for g in result.closed_grads])

        def shaped(x: Any) -> Any:
            if shape is None:
                return float(x)
            array = np.asarray(x, dtype=float)  # a row of the batch, or one number for all
            return np.full(shape, array.item()) if array.size == 1 else array.reshape(shape)

        grads = [shaped(result.argument_grads[i]) for i in indices]
        value = shaped(result.value)
        if self.has_aux:
            value = (value, self.signature.rebuild(iter([shaped(a) for a in result.aux])))
        return value, (grads[0] if single else tuple(grads))

    def _call_floats(self, xs: list[float]) -> tuple[Any, Any]:
        _, indices, single = self._traced(xs)
        return self._answer(self._one(xs), indices, single, None)

    def _run_floats(self, xs: list[float]) -> Pass | None:
        """The compiled pass on floats, or None where a result is not finite."""
        signature = self.signature
        closed = [leaf.data for leaf in signature.closed]
        if signature.gates > SCALAR_LIMIT:
            result = self._plan(batched=False).run(xs, closed)
        else:
            if self._scalar is None:
                self._scalar = source.load(scalar.source(self.trace), "program", scalar.NAMESPACE)
                self._trace = None  # the code is written: let go of the graph
            result = self._scalar(*xs, closed)
        return None if result is None else Pass(*result)

    def _one(self, xs: list[float]) -> Pass:
        """One call on floats: compiled; where a result is not finite, by the interpreter."""
        try:
            result = self._run_floats(xs)
        except (ArithmeticError, ValueError):  # log(-1), 1 / 0: the interpreter names the gate
            result = None
        if result is not None and result.finite():
            return result
        return self._interpreted(xs)

    def _interpreted(self, xs: list[float]) -> Pass:
        """The call made by the interpreter: ``f`` on Values, then the reference backward into a
        dict (no ``.grad`` touched). Raises the interpreter's errors, naming the gate."""
        signature = self.signature
        inputs = [Value(x, name) for x, name in zip(xs, signature.names)]
        out: Any = self.f(*inputs)
        aux_values: list[Value] = []
        if self.has_aux:
            out, extra = out
            aux_values, _ = flatten(extra, self.__name__)
        aux = [a.data for a in aux_values]
        if not isinstance(out, Value):
            return Pass(float(out), [0.0] * len(inputs), [0.0] * len(signature.closed), aux)
        grads = gradient_pass(out, 1.0)
        wanted = [grads.get(x, 0.0) for x in (*inputs, *signature.closed)]
        if not all(math.isfinite(g) for g in wanted):
            raise gradient_error(out, grads)
        return Pass(out.data, wanted[: len(inputs)], wanted[len(inputs) :], aux)

    def _call_batch(self, args: Sequence[Any]) -> tuple[Any, Any]:
        arrays = [_array(a, i, self.__name__) for i, a in enumerate(args)]
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
        signature, indices, single = self._traced([float(a[0]) for a in flat])
        try:
            raw = self._plan(batched=True).run(flat, [leaf.data for leaf in signature.closed])
            result = None if raw is None else Pass(*raw)
        except (ArithmeticError, ValueError):  # log(-1) of a sample: found sample by sample
            result = None
        if result is None or not result.finite():
            result = self._sample_by_sample(flat)
        return self._answer(result, indices, single, shape)

    def _sample_by_sample(self, flat: list[np.ndarray]) -> Pass:
        """The batch one sample at a time: the first sample the interpreter refuses raises its
        error, naming the sample."""
        passes = []
        for k in range(len(flat[0])):
            try:
                passes.append(self._one([float(a[k]) for a in flat]))
            except (ArithmeticError, ValueError) as error:
                raise type(error)(f"{self.__name__}, sample {k}: {error}") from None
        return Pass(
            np.array([p.value for p in passes], dtype=float),
            [np.array([p.argument_grads[i] for p in passes]) for i in range(len(flat))],
            list(np.sum([np.asarray(p.closed_grads, dtype=float) for p in passes], axis=0)),
            [np.array([p.aux[j] for p in passes]) for j in range(self.signature.aux)],
        )


def _array(a: Any, i: int, name: str) -> np.ndarray:
    """Argument ``i`` of program ``name`` as a float array, or a clear error."""
    if isinstance(a, Value):
        raise TypeError(f"argument {i} is a Value; pass its .data")
    try:
        raw = np.asarray(a)
    except ValueError:
        raise TypeError(
            f"argument {i} is a list of lists of different lengths; give an array of one shape"
        ) from None
    try:
        if raw.dtype.kind not in "iufO":  # bools, complex numbers, strings
            raise TypeError
        array = raw.astype(float)
    except (TypeError, ValueError):
        shown = f"an array of dtype {raw.dtype}" if raw.ndim else f"{type(a).__name__} {brief(a)}"
        raise TypeError(
            f"argument {i} must be a number or a numpy array of real numbers, got {shown}; "
            "convert it first: float(x), or x.astype(float) for an array"
        ) from None
    if not np.isfinite(array).all():
        bad = [int(k) for k in np.argwhere(~np.isfinite(array))[0]]
        at = "" if not bad else f" at index {bad[0] if len(bad) == 1 else tuple(bad)}"
        raise ValueError(f"{name}: argument {i} has a value that is not finite{at}")
    return array


def _named(node: Value) -> str:
    """``the Value 'w1' (2.0)``, or its repr when it has no label."""
    return f"the Value {node.label!r} ({node.data!r})" if node.label else brief(node)


def _add_to_grad(leaves: list[Value], grads: list[float]) -> None:
    """``leaf.grad += g``, all or nothing (a sum that overflows changes no leaf)."""
    new = [leaf.grad + g for leaf, g in zip(leaves, grads)]
    if not all(map(math.isfinite, new)):
        raise OverflowError(
            "a gradient overflowed a float when added to the one its Value held; no gradient "
            "was changed. Call zero_grad() or rescale"
        )
    for leaf, g in zip(leaves, new):
        leaf.grad = g


def compile(  # noqa: A001
    f: Callable[..., Any], argnums: Argnums = None, has_aux: bool = False
) -> Program:
    """Trace ``f`` once (on its first call) and replay it as code: see :class:`Program`.

    ``argnums`` as in :func:`autograd.value_and_grad`; ``has_aux``: ``f`` returns ``(value,
    aux)``, where aux is a Value or lists of Values to compute along (a model's outputs), and a
    call returns ``((value, aux numbers), gradients)``, as ``jax.value_and_grad`` does.

    >>> from autograd import compile
    >>> program = compile(lambda x, y, z: (x + y) * z)
    >>> program(-2.0, 5.0, -4.0)
    (-12.0, (-4.0, -4.0, 3.0))
    """
    return Program(f, argnums, has_aux)


__all__ = ["SCALAR_LIMIT", "Program", "compile"]
