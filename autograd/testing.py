"""Hypothesis strategies for testing gradients, in chainrule's own tests and in yours.

* :func:`finite_floats`: real numbers safe to feed to any gate.
* :func:`gate_inputs`: inputs at which one gate of the op table is defined and smooth.
* :func:`expressions`: random expression DAGs over every gate of the op table
  (:data:`autograd.ops.OPS`) and the operators built from them (``-``, numbers on either side).
  Later steps reuse earlier results (shared subexpressions), and each expression has two
  independent implementations: :meth:`Expression.build` on Values and
  :meth:`Expression.reference` on plain floats (the ``math`` module, :data:`REFERENCE`).
* :func:`cases`: an expression with input points at which it is safe to differentiate
  numerically: every value finite and moderate, and every kink (relu at 0, max at a tie) avoided.

Example::

    from hypothesis import given
    from autograd import numerical_grad
    from autograd.testing import cases

    @given(cases())
    def test_backward_matches_central_differences(case):
        out = case.expression.build(*case.values())
        ...
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

try:
    from hypothesis import strategies as st
except ImportError as error:
    raise ImportError(
        "autograd.testing needs hypothesis: pip install hypothesis (or pip install -e '.[testing]')"
    ) from error

from autograd.ops import OPS, Op
from autograd.value import Value, apply


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


REFERENCE: dict[str, Callable[..., float]] = {
    "add": operator.add,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": math.pow,
    "max": max,
    "exp": math.exp,
    "log": math.log,
    "reciprocal": lambda x: 1.0 / x,
    "sqrt": math.sqrt,
    "relu": lambda x: x if x > 0 else 0.0,
    "leaky_relu": lambda x, slope: x if x > 0 else slope * x,
    "sigmoid": _sigmoid,
    "tanh": math.tanh,
    "softplus": lambda x: math.log1p(math.exp(x)),
    "sin": math.sin,
    "cos": math.cos,
    "abs": abs,
}
"""Each gate on plain floats, written with ``math`` only: the engine's independent reference."""

COMPOSED = ("sub", "neg", "add_const", "mul_const", "pow_const", "rsub_const", "rdiv_const")
"""Operators that are built from the gates: ``a - b``, ``-a``, ``a + c``, ``a * c``, ``a ** c``,
``c - a``, ``c / a`` (c a number)."""

OPERATIONS = (*OPS, *COMPOSED)
"""Every instruction an expression may contain."""

POWERS = (2.0, 3.0, -1.0, 0.5, 1.5, -2.0)
CONSTANTS = (-2.0, -1.0, -0.5, 0.5, 1.0, 3.0)
SLOPES = (0.01, 0.1, 0.3)
GUARDS = (0.1, 0.5, 1.0)

# Domain guards keep every gate defined whatever its input: an input that must be positive or
# nonzero (the "x" of log, the "y" of div, see each op's domain) reads u = a*a + guard instead.
_GUARDED = {
    name: tuple(i for i, arg in enumerate("xy"[: op.arity]) if op.domain.startswith(arg))
    for name, op in OPS.items()
}
_GUARDED.update({"pow_const": (0,), "rdiv_const": (0,)})


def arity(name: str) -> int:
    """How many earlier nodes instruction ``name`` reads."""
    if name in OPS:
        return 2 if name != "leaky_relu" and OPS[name].arity == 2 else 1
    return 2 if name == "sub" else 1


@dataclass(frozen=True)
class Instruction:
    """One step: ``op`` applied to earlier nodes ``args`` (inputs first, then earlier steps)."""

    op: str
    args: tuple[int, ...]
    const: float = 0.0
    guard: float = 0.5


class Evaluation(NamedTuple):
    """What the plain-float reference saw: the result, the largest |intermediate|, and how close
    any kink (relu at 0, max at a tie, ...) came."""

    value: float
    largest: float
    kink_distance: float


def _apply(ins: Instruction, args: list[Any], on_floats: bool) -> Any:
    """One instruction, on Values (the engine) or on floats (the reference, plain ``math``)."""
    name, c = ins.op, ins.const
    args = [a * a + ins.guard if i in _GUARDED.get(name, ()) else a for i, a in enumerate(args)]
    a = args[0]
    if name == "sub":
        return a - args[1]
    if name == "neg":
        return -a
    if name == "add_const":
        return a + c
    if name == "mul_const":
        return a * c
    if name == "pow_const":
        return a**c
    if name == "rsub_const":
        return c - a
    if name == "rdiv_const":
        return c / a
    if name == "leaky_relu":
        args = [a, c]
    if on_floats:
        return REFERENCE[name](*args)
    return apply(OPS[name], *args)


def _kink_distance(ins: Instruction, args: list[float]) -> float:
    """How far a gate with a kink is from it (inf for smooth gates)."""
    op: Op | None = OPS.get(ins.op)
    if op is None or not op.kink:
        return math.inf
    if op.kink == "x = y":
        return abs(args[0] - args[1])
    return abs(args[0])


@dataclass(frozen=True)
class Expression:
    """A random expression DAG: ``n_inputs`` inputs, then one node per instruction; the last
    node is the output."""

    n_inputs: int
    instructions: tuple[Instruction, ...]

    def _run(self, xs: Sequence[Any], on_floats: bool, visit: Callable[..., None]) -> Any:
        if len(xs) != self.n_inputs:
            raise TypeError(f"this expression takes {self.n_inputs} inputs, got {len(xs)}")
        nodes = list(xs)
        for ins in self.instructions:
            args = [nodes[i] for i in ins.args]
            out = _apply(ins, args, on_floats)
            visit(ins, args, out)
            nodes.append(out)
        return nodes[-1]

    def build(self, *xs: Value) -> Value:
        """The expression on Values, built from the engine's gates."""
        return self._run(xs, False, lambda *_: None)

    def reference(self, *xs: float) -> float:
        """The expression on plain floats with the ``math`` module, independent of the engine."""
        return self.evaluate(*xs).value

    def evaluate(self, *xs: float) -> Evaluation:
        """The reference value, plus how large and how close to a kink it got on the way."""
        largest, kink = max((abs(x) for x in xs), default=0.0), math.inf

        def visit(ins: Instruction, args: list[float], out: float) -> None:
            nonlocal largest, kink
            largest = max(largest, abs(out))
            kink = min(kink, _kink_distance(ins, args))

        value = self._run([float(x) for x in xs], True, visit)
        return Evaluation(value, largest, kink)

    def __str__(self) -> str:
        names = [f"x{i}" for i in range(self.n_inputs)]
        lines = []
        for k, ins in enumerate(self.instructions):
            args = ", ".join(names[i] for i in ins.args)
            extra = f", c={ins.const:g}" if ins.op in (*COMPOSED[2:], "leaky_relu") else ""
            guard = f", guard={ins.guard:g}" if _GUARDED.get(ins.op) else ""
            names.append(f"v{k}")
            lines.append(f"v{k} = {ins.op}({args}{extra}{guard})")
        return "; ".join(lines)


def finite_floats(min_value: float = -1e3, max_value: float = 1e3) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value]: no NaN, no infinity, no subnormals."""
    return st.floats(
        min_value, max_value, allow_nan=False, allow_infinity=False, allow_subnormal=False
    )


def gate_inputs(op: Op, bound: float = 10.0, margin: float = 1e-3) -> st.SearchStrategy[Any]:
    """Inputs (a tuple of floats) at which gate ``op`` is defined and, for a gate with a kink,
    ``margin`` away from it: positive where its domain needs that, in [-bound, bound] else."""
    guarded = _GUARDED.get(op.name, ())
    parts = [
        finite_floats(0.05, bound) if i in guarded else finite_floats(-bound, bound)
        for i in range(op.arity)
    ]
    if op.name == "leaky_relu":
        parts[1] = st.sampled_from(SLOPES)
    point = st.tuples(*parts)
    if op.kink:
        point = point.filter(lambda xs: _kink_distance(Instruction(op.name, ()), list(xs)) > margin)
    return point


@st.composite
def expressions(
    draw: st.DrawFn,
    max_inputs: int = 3,
    max_steps: int = 8,
    operations: Sequence[str] = OPERATIONS,
) -> Expression:
    """A random DAG: each step reads the step before it (so every step reaches the output) and,
    for two-input ops, any earlier node (so subexpressions are shared)."""
    unknown = sorted(set(operations) - set(OPERATIONS))
    if unknown:
        raise ValueError(f"unknown operations {unknown}; choose from {list(OPERATIONS)}")
    n_inputs = draw(st.integers(1, max_inputs))
    n_steps = draw(st.integers(1, max_steps))
    instructions = []
    for k in range(n_steps):
        name = draw(st.sampled_from(list(operations)))
        first = n_inputs + k - 1 if k else draw(st.integers(0, n_inputs - 1))
        args: tuple[int, ...] = (first,)
        if arity(name) == 2:
            args += (draw(st.integers(0, n_inputs + k - 1)),)
        const = 0.0
        if name == "pow_const":
            const = draw(st.sampled_from(POWERS))
        elif name == "leaky_relu":
            const = draw(st.sampled_from(SLOPES))
        elif name in COMPOSED[2:]:
            const = draw(st.sampled_from(CONSTANTS))
        instructions.append(Instruction(name, args, const, draw(st.sampled_from(GUARDS))))
    return Expression(n_inputs, tuple(instructions))


class Case(NamedTuple):
    """An expression and a point where it is safe to differentiate numerically."""

    expression: Expression
    inputs: tuple[float, ...]

    def values(self) -> list[Value]:
        """Fresh leaf Values for the inputs, labelled x0, x1, ..."""
        return [Value(x, f"x{i}") for i, x in enumerate(self.inputs)]


def _safe(case: Case, largest: float, kink_margin: float) -> bool:
    try:
        ev = case.expression.evaluate(*case.inputs)
    except (OverflowError, ValueError, ZeroDivisionError):
        return False
    return math.isfinite(ev.value) and ev.largest <= largest and ev.kink_distance > kink_margin


@st.composite
def cases(
    draw: st.DrawFn,
    max_inputs: int = 3,
    max_steps: int = 8,
    operations: Sequence[str] = OPERATIONS,
    min_value: float = -3.0,
    max_value: float = 3.0,
    largest: float = 1e4,
    kink_margin: float = 1e-3,
) -> Case:
    """An expression with inputs at which every intermediate stays within ``largest`` and every
    kink is ``kink_margin`` away (central differences are valid)."""
    expression = draw(expressions(max_inputs, max_steps, operations))
    point = st.tuples(*[finite_floats(min_value, max_value)] * expression.n_inputs)
    inputs = draw(point.filter(lambda xs: _safe(Case(expression, xs), largest, kink_margin)))
    return Case(expression, inputs)


__all__ = [
    "COMPOSED",
    "OPERATIONS",
    "POWERS",
    "REFERENCE",
    "Case",
    "Evaluation",
    "Expression",
    "Instruction",
    "cases",
    "expressions",
    "finite_floats",
    "gate_inputs",
]
