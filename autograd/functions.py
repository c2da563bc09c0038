"""The math the op rules are written in. Each function takes a float, a Value or a numpy array.

* On a **float** it is plain math, with a clear error where the result is not a real number
  (``log`` of x <= 0, ``exp`` above 709.78). ``power`` is the exception: it returns inf or nan
  like IEEE arithmetic, because a rule needs x^(c-1) at x = 0 (the derivative of sqrt there is
  infinite, while sqrt itself is fine); the gate then refuses a result that is not finite.
* On a **Value** it is the Value's own gate, so a rule run on Values builds the graph of its
  derivatives (higher-order derivatives, ``create_graph=True``).
* On a **numpy array** it is numpy's function, elementwise (``autograd.compile`` runs the rules on
  whole batches).
* Anything else must have a method of the same name: :mod:`autograd.formula` runs the rules on
  symbols to write them out as text.

``where(condition, a, b)`` is how a rule says "a if condition else b" without an ``if``: a Python
``if`` would pick one branch for a whole array, and could not be written out as a formula. A
comparison of two Values compares their data and gives a plain bool, so the same rule also runs
on Values.

``relu``, ``leaky_relu``, ``maximum`` and ``reciprocal`` are written with ``where`` and arithmetic,
which already work on all four kinds of input (on a Value, ``where`` picks one of its branches:
the input itself or a number, not a new gate); the first three take a shortcut on floats, where
they run in every forward pass.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

EXP_LIMIT = 709.782712893384
"""log of the largest float: e**x overflows above this."""

_ARRAY = (np.ndarray, np.generic)


def exp(x: Any) -> Any:
    """e^x. On a float above ~709.78 an OverflowError (the result is not a finite float)."""
    if type(x) is float:
        if x > EXP_LIMIT:
            raise OverflowError(
                f"exp({x!r}) overflows a float (the largest input is about 709.78); rescale "
                "the input, or use a stable form such as softplus, sigmoid or log-sum-exp"
            )
        return math.exp(x)
    if isinstance(x, _ARRAY):
        return np.exp(x)
    return x.exp()


def log(x: Any) -> Any:
    """The natural logarithm. On a float x <= 0 is a ValueError (log needs x > 0)."""
    if type(x) is float:
        if x <= 0.0:
            raise ValueError(f"log({x!r}) is undefined: log needs x > 0")
        return math.log(x)
    if isinstance(x, _ARRAY):
        return np.log(x)
    return x.log()


def sqrt(x: Any) -> Any:
    """The square root. On a float x < 0 is a ValueError (sqrt needs x >= 0)."""
    if type(x) is float:
        if x < 0.0:
            raise ValueError(f"sqrt({x!r}) is not a real number: sqrt needs x >= 0")
        return math.sqrt(x)
    if isinstance(x, _ARRAY):
        return np.sqrt(x)
    return x.sqrt()


def power(x: Any, y: Any) -> Any:
    """x^y. On floats IEEE-style: 0^-1 is inf, (-8)^(1/3) is nan, an overflow is +-inf."""
    if type(x) is float and type(y) is float:
        if x < 0.0 and not y.is_integer():
            return math.nan
        try:
            return x**y
        except (ZeroDivisionError, OverflowError):  # 0 ** -1, or 10 ** 400
            odd = y.is_integer() and y % 2.0 == 1.0
            return -math.inf if x < 0.0 and odd else math.inf
    if isinstance(x, _ARRAY) or isinstance(y, _ARRAY):
        return np.power(x, y)
    return x**y


def tanh(x: Any) -> Any:
    """The hyperbolic tangent, in (-1, 1)."""
    if type(x) is float:
        return math.tanh(x)
    if isinstance(x, _ARRAY):
        return np.tanh(x)
    return x.tanh()


def sigmoid(x: Any) -> Any:
    """1 / (1 + e^-x), computed without overflow for every finite x."""
    if type(x) is float:
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if isinstance(x, _ARRAY):
        small = np.exp(-np.abs(x))  # e^-|x| <= 1: no overflow
        return np.where(np.greater_equal(x, 0.0), 1.0 / (1.0 + small), small / (1.0 + small))
    return x.sigmoid()


def softplus(x: Any) -> Any:
    """log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), finite for every finite x."""
    if type(x) is float:
        return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))
    if isinstance(x, _ARRAY):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return x.softplus()


def sin(x: Any) -> Any:
    """The sine (x in radians)."""
    if type(x) is float:
        return math.sin(x)
    if isinstance(x, _ARRAY):
        return np.sin(x)
    return x.sin()


def cos(x: Any) -> Any:
    """The cosine (x in radians)."""
    if type(x) is float:
        return math.cos(x)
    if isinstance(x, _ARRAY):
        return np.cos(x)
    return x.cos()


def abs(x: Any) -> Any:  # noqa: A001 (the function's name)
    """|x|."""
    if type(x) is float:
        return x if x >= 0.0 else -x
    if isinstance(x, _ARRAY):
        return np.abs(x)
    return x.__abs__()


def reciprocal(x: Any) -> Any:
    """1 / x."""
    return 1.0 / x


def relu(x: Any) -> Any:
    """max(x, 0): x where x > 0, else 0."""
    if type(x) is float:
        return x if x > 0.0 else 0.0
    return where(x > 0.0, x, 0.0)


def leaky_relu(x: Any, slope: Any) -> Any:
    """x where x > 0, else slope * x."""
    if type(x) is float and type(slope) is float:
        return x if x > 0.0 else slope * x
    return where(x > 0.0, x, slope * x)


def maximum(x: Any, y: Any) -> Any:
    """The larger of x and y (x where they are equal): the output of the max gate, for its rule.
    On Values it picks one of them and builds no gate; :func:`autograd.maximum` builds the gate,
    whose tie splits the gradient 0.5/0.5."""
    if type(x) is float and type(y) is float:
        return x if x >= y else y
    return where(x >= y, x, y)


def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` holds, else ``b``: on a bool (from comparing floats or Values),
    elementwise on a numpy array of bools, or as a symbol's ``where``."""
    if condition is True:
        return a
    if condition is False:
        return b
    if isinstance(condition, _ARRAY):
        return np.where(condition, a, b)
    return condition.where(a, b)


__all__ = [
    "EXP_LIMIT",
    "abs",
    "cos",
    "exp",
    "leaky_relu",
    "log",
    "maximum",
    "power",
    "reciprocal",
    "relu",
    "sigmoid",
    "sin",
    "softplus",
    "sqrt",
    "tanh",
    "where",
]
