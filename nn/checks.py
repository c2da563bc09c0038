"""Numbers that come from users (data, targets, model files): finite floats, or a ValueError that
names the value without printing all of it.

Python's ints have no size limit but floats stop near 1.8e308, so ``float(10**400)`` raises an
OverflowError and ``repr(10**5000)`` a ValueError (Python prints at most 4,300 digits). Here both
become a ValueError that says which value it is ("target 3") and how large ("an int of 401
digits").
"""

from __future__ import annotations

import math
import numbers
import reprlib
from typing import Any


class _Short(reprlib.Repr):
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


_SHORT = _Short()


def brief(value: Any) -> str:
    """``repr(value)`` cut to about 60 characters; a huge int as 'an int of about 401 digits'."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return _SHORT.repr_int(int(value), 0)
    return _SHORT.repr(value)


def finite_float(value: Any, what: str) -> float:
    """``value`` (a real number, not a bool) as a finite float, or a ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{what} must be a number, got {type(value).__name__} {brief(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(
            f"{what} is {brief(value)}, too large for a float (at most about 1.8e308)"
        ) from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {number!r}")
    return number


__all__ = ["brief", "finite_float"]
