"""Checking the numbers a user hands to the engine, and naming them briefly in errors.

Python's ints have no size limit but floats stop near 1.8e308, so ``float(10**400)`` raises an
OverflowError and ``repr(10**5000)`` a ValueError (Python prints at most 4,300 digits). Here both
become a ValueError that says which value it is and how large ("an int of about 401 digits").
"""

from __future__ import annotations

import math
import numbers
import reprlib
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
            raise ValueError(
                f"{what} is {brief(x)}, too large for a float (at most about 1.8e308)"
            ) from None
    elif hasattr(x, "local_grads") and hasattr(x, "data"):
        raise TypeError(
            f"{what} must be a number, got a Value {x!r}; use value.data or value.detach()"
        )
    else:
        raise TypeError(
            f"{what} must be a number, got {type(x).__name__} {brief(x)}; convert it first, for "
            "example float(...)"
        )
    if not math.isfinite(f):
        raise ValueError(f"{what} must be finite, got {f!r}")
    return f


class _Brief(reprlib.Repr):
    """reprlib's shortened repr, with huge ints (which ``repr`` refuses) named by their size."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = self.maxother = 60
        self.maxlist = self.maxtuple = self.maxdict = 6
        self.maxlevel = 3

    def repr_int(self, x: int, level: int) -> str:
        size = x.bit_length()
        if size > 128:
            digits = math.floor(size * math.log10(2)) + 1  # 2^(size-1) <= |x| < 2^size
            return f"{'a negative' if x < 0 else 'an'} int of about {digits} digits"
        return super().repr_int(x, level)


_BRIEF = _Brief()


def brief(value: Any) -> str:
    """``repr(value)`` cut to about 60 characters; a huge int as 'an int of about 401 digits'."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return _BRIEF.repr_int(int(value), 0)
    return _BRIEF.repr(value)


__all__ = ["as_float", "brief"]
