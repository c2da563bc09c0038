"""The op table: every gate's forward value and local derivatives, written once, side by side.

Each gate is an :class:`Op` whose formulas are Python expressions in its inputs ``x`` (and
``y``)::

    MUL = Op("mul", "*", forward="x * y", local=("y", "x"))

``forward`` is the output; ``local`` holds d out/d x (and d out/d y) and may also use ``out``.
The formulas use plain arithmetic and the generic functions below (``exp``, ``log``,
``sigmoid``, ...), so the *same* formulas run on floats and on Values. They are compiled once
(see :mod:`autograd.formulas`) into two functions:

* the op's ``rule(x, y) -> (out, d out/d x, d out/d y)``, which the gradient checks, the stepper
  and higher-order derivatives (on Values) read;
* the ``Value`` method that builds the gate (``Value.__mul__``), with the formulas written into
  its code, so the forward pass stores the local derivatives as floats on the new node without a
  call to the rule.

Assigning an op here (``ops.TANH = Op(...)``, as notebook 06 does to show a gradient check
catching a wrong derivative) compiles the Value method again, so the new formulas take effect at
once. No derivative is written anywhere else.

Kinks and ties (documented choice, a valid subgradient in every case):

* ``max(x, y)`` with ``x == y`` splits the gradient evenly, 0.5 to each input (as
  ``torch.maximum``); this is also what central differences measure at a tie.
* ``relu(x)`` at ``x == 0`` has local derivative 0 (as PyTorch).
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from autograd import formulas

EXP_LIMIT = 709.782712893384  # log(largest float): exp overflows above this
INPUTS = ("x", "y")
"""The names of a gate's inputs in its formulas, in argument order."""


@dataclass(frozen=True, eq=False)
class Op:
    """One gate: its name, the label drawn in diagrams, and its formulas.

    ``forward`` is the output and ``local`` the local derivative for each input (one or two),
    written in ``x`` (and ``y``), ``out`` (in ``local`` only), the names in ``constants`` and the
    generic functions of this module. ``note`` says in words what the derivative does; it ends
    the rule's docstring. ``rule`` is compiled from the formulas.
    """

    name: str
    symbol: str
    forward: str
    local: tuple[str, ...]
    note: str = ""
    constants: Mapping[str, float] = field(default_factory=dict)
    rule: Callable[..., tuple[Any, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.forward, str) or not (
            isinstance(self.local, tuple) and all(isinstance(d, str) for d in self.local)
        ):
            raise TypeError(
                f"op {self.name!r}: forward must be a formula (a str such as 'x * y') and local a "
                f"tuple of formulas, one per input (such as ('y', 'x')); got {self.forward!r} "
                f"and {self.local!r}"
            )
        for name in self.constants:
            if not name.isidentifier() or name in {*INPUTS, "out", *FUNCTIONS}:
                raise ValueError(
                    f"op {self.name!r}: a constant may not be called {name!r}; "
                    "give it a new name such as 'c'"
                )
        object.__setattr__(self, "rule", _compile_rule(self))

    @property
    def arity(self) -> int:
        """How many inputs the gate takes (0 for leaves)."""
        return len(self.local)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The input names its formulas use: ``("x",)`` or ``("x", "y")``."""
        return INPUTS[: self.arity]

    def bindings(self) -> dict[str, Any]:
        """What the names in the formulas stand for: each generic function and constant they
        use. Every formula is checked first: one expression, using only the names it may."""
        known = {**FUNCTIONS, **self.constants}
        allowed = {*self.inputs, *known}
        used = formulas.check(self.forward, allowed, f"{self.name}'s forward")
        for name, formula in zip(self.inputs, self.local):
            used |= formulas.check(formula, {*allowed, "out"}, f"{self.name}'s d out/d {name}")
        return {name: known[name] for name in sorted(used & known.keys())}

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


# -- generic scalar functions: checked math on floats, a gate on Values ---------------------------


def _data(v: Any) -> float:
    """The float behind a float or a Value (rules compare data, never build nodes to compare)."""
    return v if type(v) is float else v.data


def exp(x: Any) -> Any:
    """e**x; raises OverflowError above ~709.78, where the result is not a finite float."""
    if type(x) is not float:
        return x.exp()
    if x > EXP_LIMIT:
        raise OverflowError(
            f"exp({x!r}) overflows a float (the largest input is about 709.78); "
            "rescale the input or use a stable form such as softplus, sigmoid or log-sum-exp"
        )
    return math.exp(x)


def log(x: Any) -> Any:
    """Natural log; raises ValueError for x <= 0."""
    if type(x) is not float:
        return x.log()
    if x <= 0.0:
        raise ValueError(f"log({x!r}) is undefined: log needs a positive input")
    return math.log(x)


def reciprocal(x: Any) -> Any:
    """1/x; raises ZeroDivisionError at x == 0."""
    if type(x) is not float:
        return x.reciprocal()
    if x == 0.0:
        raise ZeroDivisionError("1/x at x = 0.0 is undefined; the reciprocal gate needs x != 0")
    return 1.0 / x


def sigmoid(x: Any) -> Any:
    """1 / (1 + e^-x), computed without overflow for every finite x."""
    if type(x) is not float:
        return x.sigmoid()
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return math.tanh(x) if type(x) is float else x.tanh()


def softplus(x: Any) -> Any:
    """log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), finite for every finite x."""
    if type(x) is not float:
        return x.softplus()
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def relu(x: Any) -> Any:
    """max(x, 0)."""
    if type(x) is not float:
        return x.relu()
    return x if x > 0.0 else 0.0


def maximum(x: Any, y: Any) -> Any:
    """The larger of x and y."""
    if type(x) is float and type(y) is float:
        return x if x >= y else y
    return x.max(y)


def power(x: Any, c: float) -> Any:
    """x**c for a constant c, with a clear error where the result is not a finite real number."""
    if type(x) is not float:
        return x if c == 1 else x**c
    if x == 0.0 and c < 0:
        raise ZeroDivisionError(f"0.0 ** {c!r} is undefined (division by zero)")
    if x < 0.0 and not float(c).is_integer():
        raise ValueError(f"{x!r} ** {c!r} is not a real number: a fractional power needs x >= 0")
    try:
        out = x**c
    except OverflowError:
        raise OverflowError(f"{x!r} ** {c!r} overflows a float") from None
    if math.isinf(out):
        raise OverflowError(f"{x!r} ** {c!r} overflows a float")
    return out


def power_derivative(x: Any, c: float) -> Any:
    """d/dx x**c = c x^(c-1) (0 for c = 0, 1 for c = 1); an error where it is infinite."""
    if c == 0:
        return 0.0
    if c == 1:
        return 1.0
    if _data(x) == 0.0 and c < 1:
        raise ValueError(
            f"the derivative of x**{format_number(c)} is infinite at x = 0.0; "
            "keep x away from 0 (for example x + 1e-12)"
        )
    return c * power(x, c - 1)


def split(x: Any, y: Any) -> float:
    """How much of max(x, y)'s gradient goes to x: 1 if x > y, 0 if x < y, 1/2 on a tie."""
    xd, yd = _data(x), _data(y)
    if xd > yd:
        return 1.0
    return 0.0 if xd < yd else 0.5


def step(x: Any) -> float:
    """1 where x > 0, else 0 (relu's local derivative, 0 at the kink)."""
    return 1.0 if _data(x) > 0.0 else 0.0


_SCALAR = (exp, log, reciprocal, sigmoid, tanh, softplus, relu, maximum, power)
FUNCTIONS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (*_SCALAR, power_derivative, split, step)
}
"""The generic functions an op's formulas may call."""


# -- compiling an op's formulas into its rule ------------------------------------------------------


def _compile_rule(op: Op) -> Callable[..., tuple[Any, ...]]:
    """``rule(x, y) -> (out, d out/d x, d out/d y)``, compiled from the op's formulas."""
    if op.arity == 0:
        return _no_rule
    if op.arity > 2:
        raise ValueError(f"op {op.name!r} has {op.arity} local derivatives; a gate takes 1 or 2")
    derivatives = ", ".join(f"d/d{x} = {d}" for x, d in zip(op.inputs, op.local))
    doc = f"out = {op.forward}; {derivatives}" + (f" ({op.note})" if op.note else "") + "."
    source = (
        f"def rule({', '.join(op.inputs)}):\n"
        f"    {doc!r}\n"
        f"    out = {op.forward}\n"
        f"    return out, {', '.join(op.local)}\n"
    )
    filename = f"<chainrule rule {op.symbol}>"
    return formulas.define(source, "rule", filename, globals(), op.bindings())


def _no_rule() -> tuple[Any, ...]:
    """Leaves and constants: no inputs, nothing to compute."""
    return ()


LEAF = Op("leaf", "", "", ())
CONSTANT = Op("constant", "", "", ())
ADD = Op("add", "+", "x + y", ("1.0", "1.0"), "add distributes the gradient")
MUL = Op("mul", "*", "x * y", ("y", "x"), "mul switches the inputs")
MAX = Op("max", "max", "maximum(x, y)", ("split(x, y)", "split(y, x)"), "max routes the gradient")
EXP = Op("exp", "exp", "exp(x)", ("out",))
RECIPROCAL = Op("reciprocal", "1/x", "reciprocal(x)", ("-(out * out)",))
LOG = Op("log", "log", "log(x)", ("reciprocal(x)",))
RELU = Op("relu", "relu", "relu(x)", ("step(x)",), "0 at the kink x = 0")
SIGMOID = Op("sigmoid", "σ", "sigmoid(x)", ("out * (1.0 - out)",))
TANH = Op("tanh", "tanh", "tanh(x)", ("1.0 - out * out",))
SOFTPLUS = Op("softplus", "softplus", "softplus(x)", ("sigmoid(x)",))


def format_number(c: float) -> str:
    """A constant as a gate label shows it: 2.0 -> '2', -1.0 -> '-1', 0.5 -> '0.5'."""
    return str(int(c)) if float(c).is_integer() and abs(c) < 1e15 else repr(float(c))


@lru_cache(maxsize=256)
def pow_op(c: float) -> Op:
    """The gate x**c for one constant exponent c; d/dx = c x^(c-1)."""
    return Op(
        "pow",
        f"**{format_number(c)}",
        "power(x, c)",
        ("power_derivative(x, c)",),
        constants={"c": c},
    )


OPS: dict[str, Op] = {
    op.name: op for op in (ADD, MUL, MAX, EXP, RECIPROCAL, LOG, RELU, SIGMOID, TANH, SOFTPLUS)
}
"""Every gate with a fixed rule, by name (``pow`` is made per exponent by :func:`pow_op`)."""


on_assign: list[Callable[[str, Op], None]] = []
"""Called with (name, op) before an op is assigned to this module (``ops.TANH = op``):
:mod:`autograd.value` compiles the Value method for it again. A listener that raises (an op
with the wrong number of inputs) leaves the module as it was."""


class _OpTable(types.ModuleType):
    """This module, made to tell :mod:`autograd.value` when one of its ops is replaced."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Op):
            for listener in on_assign:
                listener(name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _OpTable
