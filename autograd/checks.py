"""Checking what a user hands to the engine (numbers, functions, argnums), and naming it briefly
in errors, at the call where the mistake is made.

Python's ints have no size limit but floats stop near 1.8e308, so ``float(10**400)`` raises an
OverflowError and ``repr(10**5000)`` a ValueError (Python prints at most 4,300 digits). Here both
become a ValueError that says which value it is and how large ("an int of about 401 digits").
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Sequence
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


def require_function(f: Any, caller: str) -> None:
    """A TypeError unless ``f`` can be called, naming ``caller`` and what it got instead."""
    if not callable(f):
        shown = brief(f)  # a Value's repr names its type already
        if not shown.startswith(type(f).__name__):
            shown = f"{type(f).__name__} {shown}"
        raise TypeError(
            f"{caller} needs a function, got {shown}; pass the function itself (f, not f(x))"
        )


def as_argnums(argnums: Any) -> int | tuple[int, ...] | None:
    """``argnums`` as None (every argument), an int, or a tuple of ints; a TypeError naming it
    if it is anything else (bools are refused: ``True`` is not an argument number)."""

    def is_int(i: Any) -> bool:
        return isinstance(i, numbers.Integral) and not isinstance(i, bool)

    if argnums is None:
        return None
    if is_int(argnums):
        return int(argnums)
    if isinstance(argnums, Sequence) and not isinstance(argnums, str) and all(map(is_int, argnums)):
        return tuple(int(i) for i in argnums)
    raise TypeError(
        "argnums must be an int or a sequence of ints (or None for every argument), got "
        f"{type(argnums).__name__} {brief(argnums)}"
    )


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


__all__ = ["as_argnums", "as_float", "brief", "require_function"]
