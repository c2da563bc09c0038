"""Inside no_grad() a gate computes its output alone: ``op.function``, the function its rule
computes the output with, and no rule, so no local derivative."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, functions, ops
from autograd.testing import gate_inputs

SETTINGS = settings(max_examples=60, deadline=None)
OPS = list(ops.OPS.values())
NAMES = list(ops.OPS)

SPECIAL = (0.0, -0.0, 0.5, 1.0, -1.0, 2.0, -8.0, 1e200, 1e-200)
"""Points where gates meet their edges: kinks (0, ties), overflows, negative bases."""


def floats() -> st.SearchStrategy[float]:
    """Any finite float, often one of the SPECIAL points (so that ties and kinks come up)."""
    return st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=False, allow_infinity=False))


def outcome(f: Callable[..., Any], *xs: Any) -> str:
    """What ``f(*xs)`` gives, as text: the float's repr (to the bit, nan and -0.0 included) or
    the error it raises with its message."""
    try:
        return repr(f(*xs))
    except (ArithmeticError, ValueError) as error:
        return f"{type(error).__name__}: {error}"


# -- op.function is the rule's output --------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=NAMES)
@SETTINGS
@given(data=st.data())
def test_the_function_of_every_op_gives_its_rules_output_on_floats(
    op: ops.Op, data: st.DataObject
) -> None:
    """Anywhere, in the domain or not: the same float to the bit, or the same error."""
    xs = data.draw(st.tuples(*[floats()] * op.arity), label="inputs")
    assert outcome(op.function, *xs) == outcome(lambda *a: op.rule(*a)[0], *xs)


@pytest.mark.parametrize("op", OPS, ids=NAMES)
@SETTINGS
@given(data=st.data())
def test_the_function_of_every_op_gives_its_rules_output_on_arrays(
    op: ops.Op, data: st.DataObject
) -> None:
    points = data.draw(st.lists(gate_inputs(op), min_size=1, max_size=8), label="points")
    columns = [np.array(column) for column in zip(*points)]
    out = op.function(*columns)
    assert isinstance(out, np.ndarray)
    assert np.array_equal(out, op.rule(*columns)[0])


def test_the_new_functions_work_on_floats_values_and_arrays() -> None:
    """relu, leaky_relu, maximum, reciprocal: on a Value ``where`` picks a branch (the input or
    a number), so the value and its gradient are right."""
    assert functions.relu(-2.0) == 0.0 and functions.relu(3.0) == 3.0
    assert functions.leaky_relu(-2.0, 0.1) == -0.2 and functions.maximum(1.0, 2.0) == 2.0
    assert functions.reciprocal(4.0) == 0.25
    a = np.array([-1.0, 0.0, 2.0])
    assert list(functions.relu(a)) == [0.0, 0.0, 2.0]
    assert list(functions.leaky_relu(a, 0.5)) == [-0.5, 0.0, 2.0]
    assert list(functions.maximum(a, 0.5)) == [0.5, 0.5, 2.0]
    assert list(functions.reciprocal(np.array([2.0, 4.0]))) == [0.5, 0.25]
    x = Value(3.0)
    assert functions.relu(x) is x and functions.relu(Value(-3.0)) == 0.0
    assert functions.maximum(x, 1.0) is x
    r = functions.reciprocal(x)
    r.backward()
    assert r.data == 1.0 / 3.0 and x.grad == pytest.approx(-1.0 / 9.0)
