"""Numbers that come from users (data, targets, model files): finite floats, or a ValueError that
names the value without printing all of it (see :mod:`autograd.checks`)."""

from __future__ import annotations

import numbers
from typing import Any

from autograd.checks import as_float, brief


def finite_float(value: Any, what: str) -> float:
    """``value`` (a real number, not a bool) as a finite float, or a ValueError naming ``what``:
    :func:`autograd.checks.as_float`, with a wrong type a ValueError too (a bad entry of a data
    file or a model file is a bad value, whatever its type)."""
    try:
        return as_float(value, what)
    except TypeError as error:
        raise ValueError(str(error)) from None


def whole_number(value: Any, what: str, low: int = 1) -> int:
    """``value`` as an int of at least ``low`` (not a bool), or a ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        kind = "a positive int" if low == 1 else f"an int >= {low}"
        raise ValueError(f"{what} must be {kind}, got {brief(value)}")
    return int(value)


def not_a_model(params: Any, user: str) -> None:
    """A TypeError naming ``user`` when ``params`` is a model (it has ``parameters()``) or holds
    models where a list of parameter Values belongs: pass ``model.parameters()``."""
    if callable(getattr(params, "parameters", None)):
        raise TypeError(
            f"{user} takes a list of parameters, got the model {type(params).__name__}: "
            "pass model.parameters()"
        )


def not_a_module(item: Any, index: int, user: str) -> None:
    """A TypeError when item ``index`` of a parameter list is a module, not a Value."""
    if callable(getattr(item, "parameters", None)):
        raise TypeError(
            f"{user} takes a list of parameters; item {index} is the module "
            f"{type(item).__name__}: pass model.parameters()"
        )


__all__ = ["brief", "finite_float", "not_a_model", "not_a_module", "whole_number"]
