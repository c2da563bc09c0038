"""The op table's formulas: checked when an op is made, compiled into its rule and into the Value
method that builds its gate, and compiled again when an op of the table is replaced."""

from __future__ import annotations

import inspect
import math
import traceback

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, formulas, no_grad, ops, tape, weighted_sum
from autograd.ops import Op
from autograd.value import gate_source, sum_source
from tests.autograd.test_properties import GATES

SETTINGS = settings(max_examples=60, deadline=None)


@pytest.mark.parametrize("name", sorted(GATES))
@SETTINGS
@given(data=st.data())
def test_each_gate_method_stores_exactly_what_its_rule_computes(
    name: str, data: st.DataObject
) -> None:
    """The method (formulas written into it) and the rule (formulas returned) agree bit for bit."""
    gate, domains = GATES[name]
    xs = [data.draw(d, label=f"x{i}") for i, d in enumerate(domains)]
    out = gate(*[Value(x) for x in xs])
    assert (out.data, *out.local_grads) == ops.OPS[name].rule(*xs)


@SETTINGS
@given(c=st.sampled_from([-2.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0]), x=st.floats(0.1, 10.0))
def test_each_power_method_stores_exactly_what_its_rule_computes(c: float, x: float) -> None:
    out = Value(x) ** c
    assert out.gate is ops.pow_op(c)
    assert (out.data, *out.local_grads) == ops.pow_op(c).rule(x)


def test_the_rule_and_the_method_show_the_formulas() -> None:
    assert ops.MUL.rule.__doc__ == "out = x * y; d/dx = y, d/dy = x (mul switches the inputs)."
    assert "    out = x * y\n" in inspect.getsource(Value.__mul__)
    assert "    node._la = y\n    node._lb = x\n" in inspect.getsource(Value.__mul__)
    assert "local_x = 1.0 - out * out" in inspect.getsource(Value.tanh)
    assert inspect.getsource(ops.TANH.rule) == (
        "def rule(x):\n"
        "    'out = tanh(x); d/dx = 1.0 - out * out.'\n"
        "    out = tanh(x)\n"
        "    return out, 1.0 - out * out\n"
    )
    assert Value.tanh.__qualname__ == "Value.tanh"


def test_a_traceback_shows_the_generated_line() -> None:
    with pytest.raises(OverflowError) as info:
        Value(800.0).exp()
    lines = traceback.format_exception(info.value)
    assert any("<chainrule gate exp exp>" in line and "out = exp(x)" in line for line in lines)


def test_overflow_of_a_result_and_of_a_local_derivative_name_the_gate() -> None:
    with pytest.raises(OverflowError, match=r"mul\(1e\+200, 1e\+200\): the result overflows"):
        Value(1e200) * 1e200
    with pytest.raises(OverflowError, match=r"reciprocal\(1e-200\): the local derivative"):
        Value(1e-200).reciprocal()


@pytest.mark.parametrize(
    ("forward", "local", "message"),
    [
        ("x *", ("y", "x"), "not a Python expression"),
        ("x * z", ("y", "x"), "uses z"),
        ("x * y", ("out", "open(x)"), "uses open"),
        ("x.real", ("1.0", "1.0"), "arithmetic and function calls only"),
        ("(lambda: x)()", ("1.0", "1.0"), "arithmetic and function calls only"),
        ("out * y", ("y", "x"), "uses out"),  # the forward formula cannot use its own output
    ],
)
def test_a_bad_formula_is_refused_when_the_op_is_made(
    forward: str, local: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Op("bad", "?", forward, local)


def test_bad_op_arguments_get_clear_errors() -> None:
    with pytest.raises(TypeError, match="forward must be a formula"):
        Op("mul", "*", 2, lambda x, y: (x * y, y, x))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tuple of formulas"):
        Op("mul", "*", "x * y", ["y", "x"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1 or 2"):
        Op("three", "3", "x", ("1.0", "1.0", "1.0"))
    with pytest.raises(ValueError, match="may not be called 'exp'"):
        Op("scaled", "*c", "x * exp", ("exp",), constants={"exp": 2.0})


def test_a_constant_is_bound_into_the_rule() -> None:
    scaled = Op("scaled", "*3", "c * x", ("c",), constants={"c": 3.0})
    assert scaled.rule(2.0) == (6.0, 3.0)
    assert scaled.bindings() == {"c": 3.0}


def test_formulas_check_returns_the_names_used() -> None:
    assert formulas.check("x * exp(y)", {"x", "y", "exp"}, "f") == {"x", "y", "exp"}
    assert formulas.is_plain("y", ("x", "y")) and formulas.is_plain("-1.5", ("x",))
    assert not formulas.is_plain("out", ("x",)) and not formulas.is_plain("1 - x", ("x",))


def test_generated_sources_compile_for_every_op() -> None:
    for op in ops.OPS.values():
        compile(gate_source(op, op.name), "<test>", "exec")
    compile(sum_source(ops.MUL, ops.ADD), "<test>", "exec")


def test_replacing_an_op_recompiles_its_method(monkeypatch: pytest.MonkeyPatch) -> None:
    """ops.TANH = Op(...) takes effect at once; putting the original back restores it."""
    original = ops.TANH
    monkeypatch.setattr(ops, "TANH", Op("tanh", "tanh", "tanh(x)", ("1.0 - out",)))
    t = math.tanh(0.5)
    assert Value(0.5).tanh().local_grads == (1.0 - t,)
    monkeypatch.undo()
    assert ops.TANH is original
    assert Value(0.5).tanh().local_grads == (1.0 - t * t,)


def test_replacing_add_recompiles_the_operators_and_weighted_sum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    halves = Op("add", "+", "x + y", ("0.5", "0.5"))  # a wrong local derivative, on purpose
    monkeypatch.setattr(ops, "ADD", halves)
    a, b = Value(1.0), Value(2.0)
    assert (a + b).local_grads == (0.5, 0.5) and (3 + a).local_grads == (0.5, 0.5)
    s = weighted_sum(a, [b], [b])
    assert s.gate is halves and s.local_grads == (0.5, 0.5)


def test_an_op_with_the_wrong_number_of_inputs_changes_nothing() -> None:
    """Refused before anything is assigned: no half-changed table."""
    mul, method = ops.MUL, Value.__mul__
    with pytest.raises(ValueError, match="two-input ops|2 inputs"):
        ops.MUL = Op("mul", "*", "x * x", ("2.0 * x",))
    assert ops.MUL is mul and Value.__mul__ is method
    tanh, method = ops.TANH, Value.tanh
    with pytest.raises(ValueError, match=r"needs an op of 1 input\(s\), got 2"):
        ops.TANH = Op("tanh", "tanh", "x + y", ("1.0", "1.0"))
    assert ops.TANH is tanh and Value.tanh is method
    assert (Value(2.0) * 3.0).data == 6.0


def test_generated_gates_keep_no_grad_and_tape() -> None:
    x = Value(0.5)
    with no_grad():
        assert (x * 2.0).tanh().is_leaf
    with tape() as recorded:
        y = (x * 2.0).tanh()
    assert recorded.gates[-1] is y and len(recorded.gates) == 2 and recorded.complete
