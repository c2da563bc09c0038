"""Checking the numbers a user hands to the engine: one function, used everywhere."""

from __future__ import annotations

import numbers
from math import isfinite
from typing import Any


def as_float(x: Any, what: str = "Value data") -> float:
    """``x`` as a finite float, or a TypeError/ValueError that names ``what`` it is and says what
    to do. Accepts ints, floats and numpy scalars; refuses bools, strings, Values, inf and nan."""
    if type(x) is float:
        f = x
    elif type(x) is int or (isinstance(x, numbers.Real) and not isinstance(x, bool)):
        try:
            f = float(x)
        except OverflowError:
            raise ValueError(f"{what} {_short(x)} is too large for a float") from None
    elif hasattr(x, "local_grads") and hasattr(x, "data"):
        raise TypeError(
            f"{what} must be a number, got a Value {x!r}; use value.data or value.detach()"
        )
    else:
        raise TypeError(
            f"{what} must be a real number (int, float or numpy scalar), got "
            f"{type(x).__name__} {_short(x)}; convert it first, for example float(...)"
        )
    if not isfinite(f):
        raise ValueError(f"{what} must be finite, got {f!r}")
    return f


def _short(x: Any, limit: int = 60) -> str:
    """``repr(x)`` cut to ``limit`` characters; a huge int by its size (its digits would fill the
    screen, and Python refuses to print more than 4,300 of them)."""
    if isinstance(x, int) and x.bit_length() > 200:
        return f"<an int of {x.bit_length()} bits>"
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = ["as_float"]
