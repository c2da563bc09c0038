"""The op table: every gate written once, as a rule.

A rule is a plain function of the gate's inputs that returns the gate's output and, beside it,
the **local derivative** with respect to each input (d out / d x, d out / d y)::

    def mul(x, y):
        return x * y, y, x          # out = x y;  d out/dx = y,  d out/dy = x

That is all backward needs: the forward pass stores the local derivatives on the new node, and
backward multiplies them by the gradient flowing back (``input.grad += local * node.grad``).
The rules are written with ordinary arithmetic and the functions of :mod:`autograd.functions`
(``exp``, ``log``, ``where``, ...), so the same rule runs

* on floats: the forward pass of every :class:`~autograd.value.Value` gate;
* on Values: higher-order derivatives (the local derivatives become gates themselves);
* on numpy arrays: :func:`autograd.compile` replays a recorded graph on a whole batch;
* on symbols: :mod:`autograd.formula` writes a rule out as text, for captions and compiled code.

A rule computes its output with one function (``x * y`` is ``operator.mul(x, y)``, tanh's output
is ``fn.tanh(x)``), and the op table keeps that function beside the rule (``Op.function``): inside
``no_grad()``, where nothing is kept for backward, a gate computes its output alone, and no local
derivative.

Every consumer reads these rules through the op table: Value's methods (``MUL.rule(x, y)``),
``gradients(create_graph=True)``, ``jvp``, compile, the stepper's captions, the command line's
whitelist and ``autograd.testing``'s strategies (:data:`OPS`). Adding a gate means adding its rule
and its :class:`Op` here (with the function of its output, in :mod:`autograd.functions` if it is
new), plus a test.

Kinks get a documented subgradient: ``max`` with equal inputs splits the gradient 0.5/0.5 (as
``torch.maximum``, and what central differences measure); ``relu``, ``leaky_relu`` and ``abs``
have local derivative 0 (``leaky_relu``: its slope) at 0. A constant operand (the 2 in ``x ** 2``)
is an input like any other; its local derivative is computed and never used.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from autograd import functions as fn
from autograd.checks import brief

Rule = Callable[..., tuple[Any, ...]]
"""inputs -> (output, d output / d input for each input)."""


# -- the rules: output and local derivatives, side by side -----------------------------------------


def add(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """x + y.  d/dx = 1, d/dy = 1: add distributes the gradient to both inputs."""
    return x + y, 1.0, 1.0


def mul(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """x y.  d/dx = y, d/dy = x: mul switches its inputs."""
    return x * y, y, x


def div(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """x / y.  d/dx = 1/y, d/dy = -x/y^2 = -out/y."""
    out = x / y
    return out, 1.0 / y, -out / y


def pow(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """x^y.  d/dx = y x^(y-1) (0 at x = y = 0, not 0 * inf), d/dy = x^y log x (0 where x <= 0,
    as PyTorch). Only the point x = y = 0 is special-cased, so the derivatives of d/dx (higher
    order) are right everywhere else: at y = 0, d/dy of y x^(y-1) is 1/x."""
    out = fn.power(x, y)
    d_x = y * fn.power(x, y - 1.0)
    d_x = fn.where(fn.abs(y) > 0.0, d_x, fn.where(fn.abs(x) > 0.0, d_x, 0.0))
    d_y = out * fn.log(fn.where(x > 0.0, x, 1.0))
    return out, d_x, d_y


def max(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """max(x, y).  The larger input gets the whole gradient (max routes it); a tie splits it."""
    return (
        fn.maximum(x, y),
        fn.where(x > y, 1.0, fn.where(x < y, 0.0, 0.5)),
        fn.where(y > x, 1.0, fn.where(y < x, 0.0, 0.5)),
    )


def exp(x: Any) -> tuple[Any, Any]:
    """e^x.  d/dx = e^x = out."""
    out = fn.exp(x)
    return out, out


def log(x: Any) -> tuple[Any, Any]:
    """log x.  d/dx = 1/x."""
    return fn.log(x), 1.0 / x


def reciprocal(x: Any) -> tuple[Any, Any]:
    """1/x.  d/dx = -1/x^2 = -out^2."""
    out = fn.reciprocal(x)
    return out, -out * out


def sqrt(x: Any) -> tuple[Any, Any]:
    """sqrt x.  d/dx = 1/(2 sqrt x) = 0.5 x^-0.5 (infinite at 0)."""
    return fn.sqrt(x), 0.5 * fn.power(x, -0.5)


def relu(x: Any) -> tuple[Any, Any]:
    """max(x, 0).  d/dx = 1 where x > 0, else 0 (the gate is off)."""
    return fn.relu(x), fn.where(x > 0.0, 1.0, 0.0)


def leaky_relu(x: Any, slope: Any) -> tuple[Any, Any, Any]:
    """x where x > 0, else slope x.  d/dx = 1 where x > 0, else slope; d/dslope = 0 where
    x > 0, else x (a slope that is a Value is learned)."""
    return (
        fn.leaky_relu(x, slope),
        fn.where(x > 0.0, 1.0, slope),
        fn.where(x > 0.0, 0.0, x),
    )


def sigmoid(x: Any) -> tuple[Any, Any]:
    """s = 1 / (1 + e^-x).  d/dx = s (1 - s)."""
    s = fn.sigmoid(x)
    return s, s * (1.0 - s)


def tanh(x: Any) -> tuple[Any, Any]:
    """t = tanh x.  d/dx = 1 - t^2."""
    t = fn.tanh(x)
    return t, 1.0 - t * t


def softplus(x: Any) -> tuple[Any, Any]:
    """log(1 + e^x).  d/dx = sigmoid(x)."""
    return fn.softplus(x), fn.sigmoid(x)


def sin(x: Any) -> tuple[Any, Any]:
    """sin x.  d/dx = cos x."""
    return fn.sin(x), fn.cos(x)


def cos(x: Any) -> tuple[Any, Any]:
    """cos x.  d/dx = -sin x."""
    return fn.cos(x), -fn.sin(x)


def abs(x: Any) -> tuple[Any, Any]:
    """|x|.  d/dx = 1 where x > 0, -1 where x < 0, 0 at 0."""
    return fn.abs(x), fn.where(x > 0.0, 1.0, fn.where(x < 0.0, -1.0, 0.0))


# -- the table -------------------------------------------------------------------------------------


@dataclass(eq=False)
class Op:
    """One gate of the op table.

    ``name`` is how code, the command line and error messages call it; ``symbol`` what a diagram
    draws in the gate; ``rule`` its rule; ``function`` the function the rule computes its output
    with (the output alone, for ``no_grad()``); ``arity`` how many inputs it takes. ``operator``
    is the Python operator that makes it (``"*"``), if any; a gate without one is a function:
    ``x.tanh()``, or ``tanh(x)`` on the command line. ``note`` says in words what the gate does
    to the gradient (for captions). ``domain`` is where it is defined (``"x > 0"``); ``kink`` is
    where a gate with a kink has one (``"x = 0"``, ``"x = y"``), empty for smooth gates.
    """

    name: str
    symbol: str
    rule: Rule
    function: Callable[..., Any]
    arity: int
    operator: str | None = None
    note: str = ""
    domain: str = ""
    kink: str = ""

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


LEAF = Op("leaf", "", lambda: (), lambda: None, 0)
CONSTANT = Op("constant", "", lambda: (), lambda: None, 0)

ADD = Op("add", "+", add, operator.add, 2, "+", "add distributes the gradient")
MUL = Op("mul", "*", mul, operator.mul, 2, "*", "mul switches the inputs")
DIV = Op("div", "/", div, operator.truediv, 2, "/", domain="y != 0")
POW = Op("pow", "**", pow, fn.power, 2, "**", domain="x >= 0 for a fractional exponent")
MAX = Op("max", "max", max, fn.maximum, 2, note="max routes the gradient", kink="x = y")
EXP = Op("exp", "exp", exp, fn.exp, 1)
LOG = Op("log", "log", log, fn.log, 1, domain="x > 0")
RECIPROCAL = Op("reciprocal", "1/x", reciprocal, fn.reciprocal, 1, domain="x != 0")
SQRT = Op("sqrt", "√", sqrt, fn.sqrt, 1, domain="x >= 0")
RELU = Op(
    "relu", "relu", relu, fn.relu, 1, note="relu passes the gradient where x > 0", kink="x = 0"
)
LEAKY_RELU = Op("leaky_relu", "leaky", leaky_relu, fn.leaky_relu, 2, kink="x = 0")
SIGMOID = Op("sigmoid", "σ", sigmoid, fn.sigmoid, 1)
TANH = Op("tanh", "tanh", tanh, fn.tanh, 1)
SOFTPLUS = Op("softplus", "softplus", softplus, fn.softplus, 1)
SIN = Op("sin", "sin", sin, fn.sin, 1)
COS = Op("cos", "cos", cos, fn.cos, 1)
ABS = Op("abs", "abs", abs, fn.abs, 1, kink="x = 0")

OPS: dict[str, Op] = {
    op.name: op
    for op in (ADD, MUL, DIV, POW, MAX, EXP, LOG, RECIPROCAL, SQRT, RELU, LEAKY_RELU)
    + (SIGMOID, TANH, SOFTPLUS, SIN, COS, ABS)
}
"""Every gate, by name: the one list the command line, the tests and the docs read."""


@contextmanager
def override(op: Op, rule: Rule) -> Iterator[Op]:
    """Use ``rule`` for ``op`` inside the block, everywhere (forward, higher order, compile,
    captions), then restore the op's own rule, also on error.

    An override changes the local derivatives, never the output: the rule must compute the
    output as the op does (with ``op.function``), because inside ``no_grad()`` a gate runs
    ``op.function`` alone and no rule at all.

    Made for demonstrations such as a deliberately wrong derivative that a gradient check
    catches (notebook 06)::

        def wrong_tanh(x):
            t = functions.tanh(x)
            return t, 1.0 - t          # should be 1 - t*t

        with ops.override(ops.TANH, wrong_tanh):
            gradcheck(lambda x: x.tanh(), 0.5)     # raises GradcheckError

    The change is process-wide while the block runs (every thread sees it). The rule is tried
    first at a few points (:func:`_samples`: both sides of a kink, both orders of two inputs):
    it must return a tuple of arity + 1 numbers whose first is the op's own output there, or
    override raises a TypeError and changes nothing.
    """
    if not isinstance(op, Op) or op.arity == 0:
        raise TypeError(f"override needs a gate of the op table such as ops.TANH, got {op!r}")
    if not callable(rule):
        raise TypeError(f"override needs a rule (a function), got {type(rule).__name__}")
    name = getattr(rule, "__name__", "rule")
    for sample in _samples(op):
        called = f"{name}({', '.join(map(str, sample))})"
        result = rule(*sample)
        well_formed = isinstance(result, tuple) and len(result) == op.arity + 1
        if not well_formed or not all(isinstance(r, numbers.Real) for r in result):
            raise TypeError(
                f"override(ops.{op.name.upper()}, {name}): the rule must return a tuple of "
                f"{op.arity + 1} numbers, the output and d out/d x for each input, but "
                f"{called} returned {brief(result)}"
            )
        expected = op.function(*sample)
        if result[0] != expected:
            raise TypeError(
                f"override(ops.{op.name.upper()}, {name}): an override changes the local "
                f"derivatives, not the output, but {called} gives the output {result[0]!r} where "
                f"{op.name} gives {expected!r}; compute the output with "
                f"ops.{op.name.upper()}.function"
            )
    original = op.rule
    op.rule = rule
    try:
        yield op
    finally:
        op.rule = original


def _samples(op: Op) -> list[tuple[float, ...]]:
    """Where :func:`override` tries a rule: inside every gate's domain, on both sides of the
    kinks at 0 (relu, abs, leaky_relu) for a gate defined there, and with two inputs in both
    orders (max)."""
    points = [(0.5, 0.25), (0.25, 0.5)]
    if not op.domain:  # defined for negative inputs too
        points += [(-0.5, 0.25), (0.25, -0.5)]
    return [point[: op.arity] for point in points]


def format_number(c: float) -> str:
    """A constant as a gate label shows it: 2.0 -> '2', -1.0 -> '-1', 0.5 -> '0.5'."""
    return str(int(c)) if float(c).is_integer() and -1e15 < c < 1e15 else repr(float(c))


__all__ = ["CONSTANT", "LEAF", "OPS", "Op", "Rule", "format_number", "override"]
