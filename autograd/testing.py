"""Hypothesis strategies for testing gradients, in chainrule's own tests and in yours.

* :func:`finite_floats`: real numbers safe to feed to any gate.
* :func:`expressions`: random expression DAGs over every op. Later steps reuse earlier results
  (shared subexpressions), and each expression has two independent implementations:
  :meth:`Expression.build` on Values and :meth:`Expression.reference` on plain floats (``math``).
* :func:`cases`: an expression with input points at which it is safe to differentiate numerically:
  every value finite and moderate, and every relu and max away from its kink.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

try:
    from hypothesis import strategies as st
except ImportError as error:
    raise ImportError(
        "autograd.testing needs hypothesis: pip install hypothesis (or pip install -e '.[testing]')"
    ) from error

from autograd.value import Value, maximum

ARITY = {
    "add": 2, "sub": 2, "mul": 2, "div": 2, "max": 2,
    "add_const": 1, "mul_const": 1, "neg": 1, "exp": 1, "log": 1, "reciprocal": 1,
    "pow": 1, "relu": 1, "sigmoid": 1, "tanh": 1, "softplus": 1,
}  # fmt: skip
"""Every instruction and how many earlier nodes it reads."""

OPERATIONS = tuple(ARITY)
POWERS = (2.0, 3.0, -1.0, 0.5, 1.5, -2.0)
CONSTANTS = (-2.0, -1.0, -0.5, 0.5, 1.0, 3.0)
GUARDS = (0.1, 0.5, 1.0)

# Domain guards keep every gate defined whatever its input: a positive-only gate (log, 1/x, a
# fractional or negative power, a divisor) reads u = x*x + c with c > 0 instead of x itself.
_GUARDED = {"log", "reciprocal", "pow", "div"}


@dataclass(frozen=True)
class Instruction:
    """One step: ``op`` applied to earlier nodes ``args`` (inputs first, then earlier steps)."""

    op: str
    args: tuple[int, ...]
    const: float = 0.0
    guard: float = 0.5


class Evaluation(NamedTuple):
    """What the plain-float reference saw: the result, the largest |intermediate|, and how close
    any relu or max came to its kink."""

    value: float
    largest: float
    kink_distance: float


def _apply(ins: Instruction, a: Any, b: Any, *, on_floats: bool) -> Any:
    """One instruction, on Values (the engine) or on floats (the reference, plain ``math``)."""
    op, c = ins.op, ins.const
    u = a * a + ins.guard if ins.op in _GUARDED and op != "div" else a
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / (b * b + ins.guard)
    if op == "max":
        return max(a, b) if on_floats else maximum(a, b)
    if op == "add_const":
        return a + c
    if op == "mul_const":
        return a * c
    if op == "neg":
        return -a
    if op == "pow":
        return u**c
    if on_floats:
        return {
            "exp": math.exp,
            "log": math.log,
            "reciprocal": lambda x: 1.0 / x,
            "relu": lambda x: x if x > 0 else 0.0,
            "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
            "tanh": math.tanh,
            "softplus": lambda x: math.log1p(math.exp(x)),
        }[op](u)
    return getattr(u, op)()


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
            a = nodes[ins.args[0]]
            b = nodes[ins.args[1]] if len(ins.args) > 1 else None
            out = _apply(ins, a, b, on_floats=on_floats)
            visit(ins, a, b, out)
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

        def visit(ins: Instruction, a: float, b: float | None, out: float) -> None:
            nonlocal largest, kink
            largest = max(largest, abs(out))
            if ins.op == "relu":
                kink = min(kink, abs(a))
            elif ins.op == "max" and b is not None:
                kink = min(kink, abs(a - b))

        value = self._run([float(x) for x in xs], True, visit)
        return Evaluation(value, largest, kink)

    def __str__(self) -> str:
        names = [f"x{i}" for i in range(self.n_inputs)]
        lines = []
        for k, ins in enumerate(self.instructions):
            args = ", ".join(names[i] for i in ins.args)
            extra = f", c={ins.const:g}" if ins.op in ("add_const", "mul_const", "pow") else ""
            guard = f", guard={ins.guard:g}" if ins.op in _GUARDED else ""
            names.append(f"v{k}")
            lines.append(f"v{k} = {ins.op}({args}{extra}{guard})")
        return "; ".join(lines)


def finite_floats(min_value: float = -1e3, max_value: float = 1e3) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value]: no NaN, no infinity, no subnormals."""
    return st.floats(
        min_value, max_value, allow_nan=False, allow_infinity=False, allow_subnormal=False
    )


@st.composite
def expressions(
    draw: st.DrawFn,
    max_inputs: int = 3,
    max_steps: int = 8,
    operations: Sequence[str] = OPERATIONS,
) -> Expression:
    """A random DAG: each step reads the step before it (so every step reaches the output) and,
    for two-input ops, any earlier node (so subexpressions are shared)."""
    n_inputs = draw(st.integers(1, max_inputs))
    n_steps = draw(st.integers(1, max_steps))
    instructions = []
    for k in range(n_steps):
        op = draw(st.sampled_from(list(operations)))
        first = n_inputs + k - 1 if k else draw(st.integers(0, n_inputs - 1))
        args: tuple[int, ...] = (first,)
        if ARITY[op] == 2:
            args += (draw(st.integers(0, n_inputs + k - 1)),)
        const = 0.0
        if op == "pow":
            const = draw(st.sampled_from(POWERS))
        elif op in ("add_const", "mul_const"):
            const = draw(st.sampled_from(CONSTANTS))
        instructions.append(Instruction(op, args, const, draw(st.sampled_from(GUARDS))))
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
    relu/max input stays ``kink_margin`` away from its kink (central differences are valid)."""
    expression = draw(expressions(max_inputs, max_steps, operations))
    point = st.tuples(*[finite_floats(min_value, max_value)] * expression.n_inputs)
    inputs = draw(point.filter(lambda xs: _safe(Case(expression, xs), largest, kink_margin)))
    return Case(expression, inputs)
