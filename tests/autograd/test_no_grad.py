"""Inside no_grad() a gate computes its output alone: ``op.function``, the function its rule
computes the output with, and no rule, so no local derivative."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, functions, maximum, no_grad, ops, weighted_sum
from autograd.testing import gate_inputs
from autograd.value import apply

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


# -- no rule runs inside no_grad() -----------------------------------------------------------------


@contextmanager
def counting(op: ops.Op) -> Iterator[list[int]]:
    """The op's own rule, counting its calls (calls[0]) while the block runs."""
    own = op.rule
    calls = [0]

    def counted(*xs: Any) -> Any:
        calls[0] += 1
        return own(*xs)

    with ops.override(op, counted):
        calls[0] = 0  # override tried the rule once
        yield calls


@pytest.mark.parametrize("op", OPS, ids=NAMES)
@SETTINGS
@given(data=st.data())
def test_inside_no_grad_every_gate_runs_no_rule_and_gives_the_recorded_output(
    op: ops.Op, data: st.DataObject
) -> None:
    xs = data.draw(gate_inputs(op), label="inputs")
    recorded = apply(op, *[Value(x) for x in xs])
    with counting(op) as calls:
        with no_grad():
            out = apply(op, *[Value(x) for x in xs])
        assert calls[0] == 0
        assert out.is_leaf and out.parents == () and out.local_grads == ()
        assert repr(out.data) == repr(recorded.data)
        apply(op, *[Value(x) for x in xs])  # recording: the counted rule runs
        assert calls[0] == 1


def _refuse(*xs: Any) -> Any:
    raise AssertionError("a rule ran inside no_grad()")


EXPRESSIONS: list[Callable[[Value, Value], Value]] = [
    lambda x, y: x + y,
    lambda x, y: x * y,
    lambda x, y: x / y,
    lambda x, y: x**y,
    lambda x, y: x.max(y),
    lambda x, y: x.leaky_relu(y),
    lambda x, y: -x - y + 2,
    lambda x, y: 3 - x * 2,
    lambda x, y: 1 / x + 2 / y,
    lambda x, y: 2**x + x**0.5,
    lambda x, y: abs(x - 3 * y),
    lambda x, y: maximum(1.0, x) + maximum(x, 2.0),
    lambda x, y: weighted_sum(0.5, [x, y], [y, 2.0]),
    lambda x, y: x.exp() + x.log() + x.reciprocal() + x.sqrt() + x.relu(),
    lambda x, y: x.sigmoid() + x.tanh() + x.softplus() + x.sin() + x.cos() + x.leaky_relu(),
    lambda x, y: Value(0.0) ** 0.5 + Value(0.0).sqrt(),  # derivatives infinite: never computed
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_no_rule_of_any_op_runs_inside_no_grad(
    expression: Callable[[Value, Value], Value], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every gate method and the operators built on them: with every rule made to fail, the
    expression still computes, and gives the recorded result."""
    recorded = expression(Value(1.5), Value(0.25)).data
    for op in OPS:
        monkeypatch.setattr(op, "rule", _refuse)
    with no_grad():
        out = expression(Value(1.5), Value(0.25))
    assert out.is_leaf and repr(out.data) == repr(recorded)
    with pytest.raises(AssertionError, match="a rule ran"):
        expression(Value(1.5), Value(0.25))  # recording: a rule runs


def test_zero_to_a_fractional_power_is_zero_inside_no_grad() -> None:
    with no_grad():
        assert repr((Value(0.0) ** 0.5).data) == "0.0"


ERRORS: list[Callable[[], Value]] = [
    lambda: Value(1e200) * 1e200,
    lambda: Value(1e300) ** 2,
    lambda: Value(-8.0) ** (1 / 3),
    lambda: Value(-8.0) ** Value(2.0),
    lambda: Value(1.0) / 0,
    lambda: Value(1.0) / Value(0.0),
    lambda: 1 / Value(0.0),
    lambda: Value(0.0) ** -1,
    lambda: Value(710.0).exp(),
    lambda: Value(0.0).log(),
    lambda: Value(-1.0).sqrt(),
    lambda: Value(1e308).max(1.0) * 10,
]


@pytest.mark.parametrize("make", ERRORS)
def test_errors_are_the_same_inside_no_grad(make: Callable[[], Value]) -> None:
    outside = outcome(make)
    assert "Error" in outside
    with no_grad():
        assert outcome(make) == outside


# -- ops.override changes the local derivatives, never the output ----------------------------------


def _doubled_tanh(x: Any) -> tuple[Any, Any]:
    t = functions.tanh(x)
    return 2.0 * t, 1.0 - t * t  # another output


def test_override_refuses_a_rule_with_another_output() -> None:
    """Inside no_grad() the op's function gives the output, so a rule may not change it."""
    message = (
        r"override\(ops.TANH, _doubled_tanh\): an override changes the local derivatives, not "
        r"the output, but _doubled_tanh\(0.5\) gives the output 0.92.* where tanh gives 0.46.*; "
        r"compute the output with ops.TANH.function"
    )
    with pytest.raises(TypeError, match=message), ops.override(ops.TANH, _doubled_tanh):
        pytest.fail("the block must not run")
    assert ops.TANH.rule is ops.tanh


@pytest.mark.parametrize(
    ("op", "rule", "where"),
    [
        (ops.MAX, lambda x, y: (functions.where(x <= y, x, y), 0.5, 0.5), r"\(0.5, 0.25\)"),
        (ops.RELU, lambda x: (x, 1.0), r"\(-0.5\)"),
        (ops.ABS, lambda x: (x, 1.0), r"\(-0.5\)"),
    ],
    ids=["min for max", "identity for relu", "identity for abs"],
)
def test_override_tries_the_rule_on_both_sides_of_a_kink(op: Any, rule: Any, where: str) -> None:
    """A wrong output that is right at 0.5 (a tie of max, the identity branch of relu) is
    found at another point, and nothing is swapped."""
    original = op.rule
    with (
        pytest.raises(TypeError, match=rf"<lambda>{where} gives the output"),
        ops.override(op, rule),
    ):
        pytest.fail("the block must not run")
    assert op.rule is original


def test_inside_an_override_no_grad_gives_the_output_of_the_rule() -> None:
    def wrong_tanh(x: Any) -> tuple[Any, Any]:
        t = functions.tanh(x)
        return t, 1.0 - t

    with ops.override(ops.TANH, wrong_tanh):
        recorded = Value(0.8).tanh()
        with no_grad():
            quiet = Value(0.8).tanh()
    assert recorded.local_grads == (1.0 - recorded.data,)
    assert quiet.data == recorded.data and quiet.is_leaf


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
