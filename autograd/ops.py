"""The op table: every gate's forward value and local derivatives, written once, side by side.

Each gate is an :class:`Op` whose ``rule`` maps the gate's inputs to a tuple::

    rule(x, y) -> (out, d out/d x, d out/d y)

The rules are written with plain arithmetic and the generic functions below (``exp``, ``log``,
``sigmoid``, ...), so the *same* rule runs on floats (the forward pass stores the local
derivatives as floats on the new node) and on Values (to differentiate a derivative again).
Backward, the stepper, the drawings and the gradient checks all read these rules; no derivative
is written anywhere else.

Kinks and ties (documented choice, a valid subgradient in every case):

* ``max(x, y)`` with ``x == y`` splits the gradient evenly, 0.5 to each input (as
  ``torch.maximum``); this is also what central differences measure at a tie.
* ``relu(x)`` at ``x == 0`` has local derivative 0 (as PyTorch).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

EXP_LIMIT = 709.782712893384  # log(largest float): exp overflows above this


@dataclass(frozen=True, eq=False)
class Op:
    """One gate: its name, the label drawn in diagrams, how many inputs, and its rule."""

    name: str
    symbol: str
    arity: int
    rule: Callable[..., tuple[Any, ...]]

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


# -- the rules: forward value and local derivatives side by side -----------------------------------


def _add(x: Any, y: Any) -> tuple[Any, ...]:
    """x + y; d/dx = 1, d/dy = 1 (add distributes the gradient)."""
    return x + y, 1.0, 1.0


def _mul(x: Any, y: Any) -> tuple[Any, ...]:
    """x * y; d/dx = y, d/dy = x (mul switches the inputs)."""
    return x * y, y, x


def _max(x: Any, y: Any) -> tuple[Any, ...]:
    """max(x, y); d/dx = [x > y] (max routes the gradient), 1/2 each on a tie."""
    xd, yd = _data(x), _data(y)
    if xd > yd:
        return maximum(x, y), 1.0, 0.0
    if xd < yd:
        return maximum(x, y), 0.0, 1.0
    return maximum(x, y), 0.5, 0.5


def _exp(x: Any) -> tuple[Any, ...]:
    """e^x; d/dx = e^x."""
    out = exp(x)
    return out, out


def _reciprocal(x: Any) -> tuple[Any, ...]:
    """1/x; d/dx = -1/x^2."""
    out = reciprocal(x)
    return out, -(out * out)


def _log(x: Any) -> tuple[Any, ...]:
    """ln x; d/dx = 1/x."""
    return log(x), reciprocal(x)


def _relu(x: Any) -> tuple[Any, ...]:
    """max(x, 0); d/dx = [x > 0] (0 at the kink x = 0)."""
    return relu(x), (1.0 if _data(x) > 0.0 else 0.0)


def _sigmoid(x: Any) -> tuple[Any, ...]:
    """s = 1 / (1 + e^-x); d/dx = s (1 - s)."""
    s = sigmoid(x)
    return s, s * (1.0 - s)


def _tanh(x: Any) -> tuple[Any, ...]:
    """t = tanh x; d/dx = 1 - t^2."""
    t = tanh(x)
    return t, 1.0 - t * t


def _softplus(x: Any) -> tuple[Any, ...]:
    """log(1 + e^x); d/dx = sigmoid(x)."""
    return softplus(x), sigmoid(x)


LEAF = Op("leaf", "", 0, lambda: ())
CONSTANT = Op("constant", "", 0, lambda: ())
ADD = Op("add", "+", 2, _add)
MUL = Op("mul", "*", 2, _mul)
MAX = Op("max", "max", 2, _max)
EXP = Op("exp", "exp", 1, _exp)
RECIPROCAL = Op("reciprocal", "1/x", 1, _reciprocal)
LOG = Op("log", "log", 1, _log)
RELU = Op("relu", "relu", 1, _relu)
SIGMOID = Op("sigmoid", "σ", 1, _sigmoid)
TANH = Op("tanh", "tanh", 1, _tanh)
SOFTPLUS = Op("softplus", "softplus", 1, _softplus)


def format_number(c: float) -> str:
    """A constant as a gate label shows it: 2.0 -> '2', -1.0 -> '-1', 0.5 -> '0.5'."""
    return str(int(c)) if float(c).is_integer() and abs(c) < 1e15 else repr(float(c))


@lru_cache(maxsize=256)
def pow_op(c: float) -> Op:
    """The gate x**c for one constant exponent c; d/dx = c x^(c-1)."""

    def rule(x: Any) -> tuple[Any, ...]:
        out = power(x, c)
        if c == 0:
            return out, 0.0
        if c == 1:
            return out, 1.0
        if _data(x) == 0.0 and c < 1:
            raise ValueError(
                f"the derivative of x**{format_number(c)} is infinite at x = 0.0; "
                "keep x away from 0 (for example x + 1e-12)"
            )
        return out, c * power(x, c - 1)

    rule.__doc__ = f"x**{c!r}; d/dx = {c!r} x^{c - 1!r}."
    return Op("pow", f"**{format_number(c)}", 1, rule)


OPS: dict[str, Op] = {
    op.name: op for op in (ADD, MUL, MAX, EXP, RECIPROCAL, LOG, RELU, SIGMOID, TANH, SOFTPLUS)
}
"""Every gate with a fixed rule, by name (``pow`` is made per exponent by :func:`pow_op`)."""
