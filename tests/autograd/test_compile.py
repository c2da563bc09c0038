"""autograd.compile: the compiled program gives the interpreter's numbers, reads like the slides,
and refuses what it cannot replay."""

from __future__ import annotations

import math
import re
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd import (
    TraceError,
    Value,
    backward_reference,
    compile,
    functions,
    no_grad,
    ops,
    value_and_grad,
)
from autograd.compiler import program as program_module
from autograd.testing import Case, cases, finite_floats

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def as_tuple(grads: Any) -> tuple[Any, ...]:
    return grads if isinstance(grads, tuple) else (grads,)


def lecture(x: Value, y: Value, z: Value) -> Value:
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def test_the_chain_rule_example_reads_like_the_slides() -> None:
    program = compile(lecture)
    assert program(-2.0, 5.0, -4.0) == (-12.0, (-4.0, -4.0, 3.0))
    lines = [line.strip() for line in program.source.splitlines()]
    expected = ["q = x + y", "f = q * z", "df = 1.0", "dq = z * df", "dz = q * df", "dx = dq"]
    for line in expected:
        assert line in lines
    assert lines.index("q = x + y") < lines.index("f = q * z") < lines.index("df = 1.0")
    assert lines.index("dq = z * df") < lines.index("dx = dq")


def test_the_sigmoid_neuron_compiles_to_the_slide_numbers() -> None:
    def neuron(w0: Value, x0: Value, w1: Value, x1: Value, w2: Value) -> Value:
        dot = w0 * x0 + w1 * x1 + w2
        dot.label = "dot"
        return 1 / (1 + (-dot).exp())

    value, grads = compile(neuron)(2.0, -1.0, -3.0, -2.0, -3.0)
    assert round(value, 2) == 0.73
    assert [round(g, 2) for g in grads] == [-0.2, 0.39, -0.39, -0.59, 0.2]
    source = compile(neuron)
    source(2.0, -1.0, -3.0, -2.0, -3.0)
    assert "dot = " in source.source and "exp(" in source.source


@SETTINGS
@given(cases())
def test_floats_equal_the_reference_backward_to_the_bit(case: Case) -> None:
    xs = case.values()
    out = case.expression.build(*xs)
    backward_reference(out)
    value, grads = compile(case.expression.build)(*case.inputs)
    assert value == out.data
    assert list(as_tuple(grads)) == [x.grad for x in xs]
    fast = value_and_grad(case.expression.build)(*case.inputs)
    for a, b in zip(as_tuple(grads), as_tuple(fast[1])):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


@SETTINGS
@given(cases(), st.lists(finite_floats(0.9, 1.1), min_size=1, max_size=5))
def test_each_element_of_a_batch_equals_the_float_call(case: Case, scales: list[float]) -> None:
    program = compile(case.expression.build)
    batch = [np.array([x * s for s in scales]) for x in case.inputs]
    try:
        values, grads = program(*batch)
    except (ArithmeticError, ValueError):
        return  # a scaled point left the gate's domain: the float call refuses it too
    for k in range(len(scales)):
        value, one = program(*[float(b[k]) for b in batch])
        assert values[k] == pytest.approx(value, rel=1e-12, abs=1e-12)
        for g, h in zip(as_tuple(grads), as_tuple(one)):
            assert g[k] == pytest.approx(h, rel=1e-10, abs=1e-10)


@SETTINGS
@given(cases())
def test_the_grouped_replay_of_floats_equals_the_straight_line_one(case: Case) -> None:
    straight = compile(case.expression.build)(*case.inputs)
    grouped_program = compile(case.expression.build)
    saved = program_module.SCALAR_LIMIT
    program_module.SCALAR_LIMIT = 0  # every graph replays by groups
    try:
        grouped = grouped_program(*case.inputs)
    finally:
        program_module.SCALAR_LIMIT = saved
    assert grouped[0] == pytest.approx(straight[0], rel=1e-12, abs=1e-12)
    for a, b in zip(as_tuple(grouped[1]), as_tuple(straight[1])):
        assert a == pytest.approx(b, rel=1e-10, abs=1e-10)


def test_closed_over_values_get_their_gradient_and_are_read_on_every_call() -> None:
    w, b = Value(2.0, "w"), Value(0.5, "b")
    scaled = w * 3.0  # a gate made outside f: computed again from w on every call
    program = compile(lambda x: (scaled * x + b).tanh())
    value, dx = program(0.1)
    t = math.tanh(6.0 * 0.1 + 0.5)
    assert value == pytest.approx(t) and dx == pytest.approx(6.0 * (1 - t * t))
    assert w.grad == pytest.approx(3.0 * 0.1 * (1 - t * t)) and b.grad == pytest.approx(1 - t * t)
    w.data = -1.0  # an optimizer's update
    value, _ = program(0.1)
    assert value == pytest.approx(math.tanh(-3.0 * 0.1 + 0.5))
    w.grad = b.grad = 0.0
    values, dxs = program(np.array([0.1, 0.2, 0.3]))
    assert values.shape == (3,) and dxs.shape == (3,)
    expected = [1 - math.tanh(-0.3 * k + 0.5) ** 2 for k in (1, 2, 3)]
    assert b.grad == pytest.approx(sum(expected))  # the sum over the batch


def test_argnums_work_as_in_value_and_grad() -> None:
    def f(x: Value, y: Value) -> Value:
        return x * y + y

    assert compile(f)(2.0, 3.0) == value_and_grad(f)(2.0, 3.0)
    assert compile(f, argnums=1)(2.0, 3.0) == value_and_grad(f, argnums=1)(2.0, 3.0)
    assert compile(f, argnums=(1, 0))(2.0, 3.0) == value_and_grad(f, argnums=(1, 0))(2.0, 3.0)


def test_broadcasting_shapes_and_a_grid() -> None:
    program = compile(lambda x, y: x * y + x.sin())
    xs, ys = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(0, 2, 3))
    values, (dx, dy) = program(xs, ys)
    assert values.shape == dx.shape == dy.shape == (3, 4)
    assert np.allclose(values, xs * ys + np.sin(xs)) and np.allclose(dx, ys + np.cos(xs))
    values, (dx, dy) = program(np.array([1.0, 2.0]), 3.0)  # a number broadcasts
    assert np.allclose(dy, [1.0, 2.0])


def test_python_control_flow_on_a_value_is_refused_while_tracing() -> None:
    def branchy(x: Value) -> Value:
        if x > 0:
            return x
        return -x

    with pytest.raises(TraceError, match=r"same for every input.*maximum") as info:
        compile(branchy)(1.0)
    assert "test_compile.py" in str(info.value) and "line" in str(info.value)
    with pytest.raises(TraceError, match="bool"):
        compile(lambda x: x if x else x * 2.0)(1.0)
    assert branchy(Value(-2.0)).data == 2.0  # outside compile, comparisons read the data


def test_equality_with_a_number_is_refused_while_tracing_and_is_identity_elsewhere() -> None:
    with pytest.raises(TraceError, match="== on a Value"):
        compile(lambda x: x * (3.0 if x == 1 else 1.0))(1.0)
    with pytest.raises(TraceError, match="!= on a Value"):
        compile(lambda x: x * (3.0 if 1 != x else 1.0))(1.0)  # noqa: SIM300 (reflected !=)
    v, w = Value(1.0), Value(1.0)
    assert v == v and v != w and (v == 1) is False and v != 1.0 and {v: 1, w: 2}[w] == 2
    assert compile(lambda x: x * 2.0 if x is not None else x)(1.0) == (2.0, 2.0)
    assert v == mock.ANY, "another type's __eq__ gets its turn"


def test_a_custom_loss_comparing_targets_is_refused_by_a_compiled_step() -> None:
    """A compiled step's targets are Values (the graph is the same for every batch), so a loss
    that branches on ``t == 1`` would replay the first batch's branches: it is refused."""
    model = nn.MLP(2, [1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)

    def weighted(outputs: Any, targets: Any) -> Any:
        return sum((o - t) ** 2 * (3.0 if t == 1 else 1.0) for o, t in zip(outputs, targets))

    before = [p.data for p in model.parameters()]
    with pytest.raises(TraceError, match="== on a Value"):
        nn.train_step(model, weighted, optimizer, [[1.0, 2.0]], [1.0], None, compile=True)
    assert [p.data for p in model.parameters()] == before
    nn.train_step(model, weighted, optimizer, [[1.0, 2.0]], [1.0], None)  # interpreted: fine


def test_bad_calls_are_refused_before_anything_runs() -> None:
    program = compile(lambda x, y: x * y)
    program(1.0, 2.0)
    with pytest.raises(TypeError, match="traced with 2"):
        program(1.0)
    with pytest.raises(TypeError, match="numbers or numpy arrays"):
        program(Value(1.0), 2.0)
    with pytest.raises(TypeError, match="argument 1"):
        program(1.0, "2")
    with pytest.raises(ValueError, match=r"\(3,\), \(4,\) do not broadcast"):
        program(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="not finite at index"):
        program(np.array([1.0, np.nan]), 1.0)
    with pytest.raises(TypeError, match="at least one"):
        program()
    with pytest.raises(TypeError, match="compile needs a function, got float 3.0; pass the"):
        compile(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argnums must be an int or a sequence of ints"):
        compile(lambda x: x, argnums=0.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argument", "where"),
    [
        (np.array([1.0, np.nan]), " at index 1"),
        (np.array([[1.0, 2.0, 3.0], [1.0, 1.0, np.inf]]), r" at index \(1, 2\)"),
        ([1.0, -np.inf], " at index 1"),
        (np.array(np.nan), ""),
    ],
)
def test_a_value_that_is_not_finite_is_named_by_its_index(argument: Any, where: str) -> None:
    """Plain ints (not np.int64(1)), and the program's name as its other errors have."""
    with pytest.raises(ValueError) as info:
        compile(lambda x: x * 2)(argument)
    assert re.fullmatch(
        rf"compile\(<lambda>\): argument 0 has a value that is not finite{where}", str(info.value)
    )


def test_a_result_that_is_not_finite_raises_the_interpreters_error() -> None:
    program = compile(lambda x: (x * 2.0).log())
    assert program(1.0)[0] == pytest.approx(math.log(2.0))
    with pytest.raises(ValueError, match=r"log\(-2\.0\) is undefined"):
        program(-1.0)
    with pytest.raises(ValueError, match=r"sample 1: log\(-4\.0\)"):
        program(np.array([1.0, -2.0, 3.0]))
    overflow = compile(lambda x: (x * 1e300).tanh())  # masked by tanh: the interpreter refuses
    with pytest.raises(OverflowError, match="mul"):
        overflow(1e10)
    sqrt = compile(lambda x: x.sqrt() + x)
    with pytest.raises(OverflowError, match="sqrt"):
        sqrt(0.0)  # the value is 0, the gradient infinite: as backward, an error naming the gate


def test_hooks_are_not_compiled() -> None:
    w = Value(1.0, "w")
    w.register_hook(lambda g: g)
    with pytest.raises(TraceError, match="hooks"):
        compile(lambda x: x * w)(2.0)


def test_a_hook_added_after_compiling_is_refused_with_nothing_changed() -> None:
    w = Value(2.0, "w")
    program = compile(lambda x: w * x)
    assert program(3.0) == (6.0, 2.0) and w.grad == 3.0
    handle = w.register_hook(lambda g: 10.0 * g)
    for args in ((3.0,), (np.array([1.0, 2.0]),)):  # floats and a batch
        with pytest.raises(TraceError, match="closes over the Value 'w' .2.0., which has a hook"):
            program(*args)
        assert w.grad == 3.0
    handle.remove()
    assert program(3.0) == (6.0, 2.0) and w.grad == 6.0


def test_a_function_of_nothing_has_gradient_zero() -> None:
    assert compile(lambda x: 3.0)(2.0) == (3.0, 0.0)
    assert compile(lambda x, y: x * 2.0)(2.0, 5.0) == (4.0, (2.0, 0.0))


def test_a_trained_model_replays_on_a_grid() -> None:
    """The decision boundary of a small network: one vectorized call on a grid."""
    model = nn.MLP(2, [8, 1], seed=0)
    program = compile(lambda x, y: model([x, y]))
    xs, ys = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    scores, _ = program(xs, ys)
    for i in range(5):
        for j in range(5):
            assert scores[i, j] == pytest.approx(model([xs[i, j], ys[i, j]]).data, rel=1e-12)


def test_the_vector_source_is_matrix_code_for_a_layer() -> None:
    model = nn.MLP(3, [4, 1], seed=0)
    program = compile(lambda a, b, c: model([a, b, c]))
    program(np.zeros(2), np.zeros(2), np.zeros(2))
    assert "@" in program.vector_source and "4 x relu" in program.vector_source
    assert repr(program).endswith("gates>")


def test_aux_values_come_back_beside_the_value() -> None:
    def f(x: Value, y: Value) -> tuple[Value, list[Any]]:
        h = x * y
        return h.tanh(), [h, [x + 1.0, 2.0]]

    (value, aux), grads = compile(f, has_aux=True)(0.5, 2.0)
    assert value == pytest.approx(math.tanh(1.0)) and aux == [1.0, [1.5, 2.0]]
    (values, aux), grads = compile(f, has_aux=True)(np.array([0.5, 1.0]), 2.0)
    assert np.allclose(aux[0], [1.0, 2.0]) and np.allclose(aux[1][0], [1.5, 2.0])
    with pytest.raises(TypeError, match="pair"):
        compile(lambda x: x, has_aux=True)(1.0)


def test_only_the_gradients_asked_for_are_computed() -> None:
    program = compile(lambda x, y: x * y + x, argnums=0)
    assert program(2.0, 3.0) == (6.0 + 2.0, 4.0)
    lines = [line.strip() for line in program.source.splitlines()]
    assert not any(line.startswith("dy") for line in lines)


@SETTINGS
@given(cases(), st.integers(1, 4))
def test_a_batch_of_valid_points_runs_on_the_grouped_code(case: Case, copies: int) -> None:
    """Where every sample is fine, the grouped code must run (no falling back to one sample at
    a time), and give each sample's numbers."""
    program = compile(case.expression.build)
    fallbacks: list[int] = []
    fall_back = program._sample_by_sample

    def spy(flat: list[np.ndarray]) -> Any:
        fallbacks.append(1)
        return fall_back(flat)

    program._sample_by_sample = spy  # type: ignore[method-assign]
    batch = [np.full(copies, x) for x in case.inputs]
    values, grads = program(*batch)
    value, one = program(*case.inputs)
    assert not fallbacks
    assert np.allclose(values, value, rtol=1e-12, atol=1e-12)
    for g, h in zip(as_tuple(grads), as_tuple(one)):
        assert np.allclose(g, h, rtol=1e-10, atol=1e-10)


def test_sums_that_repeat_a_term_or_mix_a_batch_with_a_parameter_product() -> None:
    c = Value(0.5, "c")
    values, dx = compile(lambda x: (x + c) * (x + c))(np.array([1.0, 2.0]))
    assert np.allclose(values, [2.25, 6.25]) and np.allclose(dx, [3.0, 5.0])
    w1, w2, w3 = Value(1.0), Value(2.0), Value(3.0)
    values, dx = compile(lambda x: (w1 * w3 + x) * (w2 * w3 + x))(np.array([1.0, 2.0]))
    assert np.allclose(values, [28.0, 40.0]) and np.allclose(dx, [11.0, 13.0])
    assert (w1.grad, w2.grad, w3.grad) == (45.0, 27.0, 33.0)


def _wrong_tanh(x: Any) -> tuple[Any, Any]:
    t = functions.tanh(x)
    return t, 1.0 + t * t  # should be 1 - t*t


def test_a_program_follows_ops_override_in_and_out_of_the_block() -> None:
    """The code is written from the rules: a program compiled before, inside or after an
    override block uses the rule in force at each call, on floats and on batches."""
    right = 1.0 - math.tanh(0.5) ** 2
    wrong = 1.0 + math.tanh(0.5) ** 2
    before = compile(lambda a: a.tanh())
    assert before(0.5)[1] == pytest.approx(right)
    with ops.override(ops.TANH, _wrong_tanh):
        inside = compile(lambda a: a.tanh())
        assert inside(0.5)[1] == pytest.approx(wrong)
        assert before(0.5)[1] == pytest.approx(wrong)
        assert before(np.array([0.5, 0.5]))[1] == pytest.approx([wrong, wrong])
    assert inside(0.5)[1] == pytest.approx(right)
    assert before(0.5)[1] == pytest.approx(right)
    assert before(np.array([0.5]))[1] == pytest.approx([right])
    assert "1.0 - " in before.source or "1 - " in before.source


def test_a_value_made_inside_f_is_refused_on_the_first_call_naming_it() -> None:
    def scaled(x: Value) -> Value:
        return Value(5.0, "c") * x

    with pytest.raises(TraceError, match=r"scaled makes the Value 'c' = 5.0 each time.*5.0"):
        compile(scaled)(2.0)
    w = Value(5.0, "w")
    program = compile(lambda x: w * x)
    assert program(2.0) == (10.0, 5.0) and w.grad == 2.0
    assert compile(lambda x: 5.0 * x)(np.array([1.0, 2.0]))[0] == pytest.approx([5.0, 10.0])


def test_a_hook_on_a_gate_made_outside_f_is_refused_too() -> None:
    w = Value(2.0, "w")
    h = w * 3.0
    h.label = "h"
    program = compile(lambda x: x * h)
    assert program(1.0) == (6.0, 6.0) and w.grad == 3.0
    handle = h.register_hook(lambda g: 10.0 * g)
    with pytest.raises(TraceError, match="the Value 'h' .6.0., which has a hook"):
        program(1.0)
    handle.remove()
    assert program(1.0) == (6.0, 6.0) and w.grad == 6.0


def test_a_program_is_refused_inside_no_grad_as_value_and_grad_is() -> None:
    w = Value(2.0, "w")
    program = compile(lambda x: w * x)
    program(3.0)
    with no_grad(), pytest.raises(RuntimeError, match="not recorded inside no_grad"):
        program(3.0)
    assert w.grad == 3.0


@pytest.mark.parametrize(
    "batch",
    [
        np.array([True, False]),
        np.array([1 + 2j]),
        np.array(["1"]),
        np.array([1.0, "x"], dtype=object),
    ],
)
def test_a_batch_of_anything_but_real_numbers_is_refused(batch: np.ndarray) -> None:
    with pytest.raises(TypeError, match=f"of real numbers, got an array of dtype {batch.dtype}"):
        compile(lambda x: x * 2.0)(batch)


def test_a_value_no_argument_reaches_sums_its_gradient_over_the_batch() -> None:
    w = Value(2.0, "w")
    value, grads = compile(lambda x: w * w)(np.zeros(4))
    assert value.tolist() == [4.0] * 4 and grads.tolist() == [0.0] * 4
    assert w.grad == 16.0  # four samples, each d(w*w)/dw = 4
    w.grad = 0.0
    (value, aux), _ = compile(lambda x: (w * w, x * w), has_aux=True)(np.arange(3.0))
    assert aux.tolist() == [0.0, 2.0, 4.0] and w.grad == 12.0


def test_a_negative_base_with_a_value_exponent_is_refused_on_replay_as_in_the_interpreter() -> None:
    program = compile(lambda x, y: x**y)
    assert program(2.0, 3.0)[0] == 8.0
    assert "if x < 0.0:" in program.source
    with pytest.raises(ValueError, match=r"-2.0 \*\* y with y a Value: a negative base"):
        program(-2.0, 3.0)
    with pytest.raises(ValueError, match="sample 1: -2.0 \\*\\* y"):
        program(np.array([2.0, -2.0]), np.array([3.0, 3.0]))
    base = Value(2.0, "b")
    closed = compile(lambda x: base**x)
    closed(2.0)
    base.data = -2.0  # a closed-over base that went negative
    with pytest.raises(ValueError, match="negative base"):
        closed(2.0)
    assert base.grad == 4.0, "the refused call changed no gradient (d b**x / db = x b**(x-1))"
    number_exponent = compile(lambda x: x**2.0 + x**3)  # a number exponent: any base
    assert number_exponent(-2.0) == (4.0 - 8.0, -4.0 + 12.0)


def test_a_function_that_draws_something_new_each_run_is_refused() -> None:
    """A random number drawn inside f (a noise term, a mask of one's own) differs between the
    first call's two runs: refused, naming the number that changed; no gradient is touched."""
    w = Value(0.5, "w")
    rng = np.random.default_rng(0)
    program = compile(lambda a: w * a + float(rng.normal()))
    with pytest.raises(TraceError, match=r"built another graph when run again.*: the number "):
        program(1.0)
    assert w.grad == 0.0
    fixed = compile(lambda a: w * a + 0.25)
    assert fixed(2.0)[0] == 1.25


def test_an_aux_output_that_is_a_sum_keeps_its_row_in_the_batch_code() -> None:
    w0, w1 = Value(0.5, "w0"), Value(-1.5, "w1")

    def loss_and_output(a: Value, b: Value) -> tuple[Value, list[Value]]:
        o = w0 * a + w1 * b  # a sum of products, returned as aux: not fused away
        return (o - 1.0) ** 2, [o]

    (value, [o]), _ = compile(loss_and_output, has_aux=True)(np.array([1.0, 2.0]), 1.0)
    assert value.tolist() == [4.0, 2.25] and o.tolist() == [-1.0, -0.5]


def test_a_compiled_step_replayed_by_groups_trains_as_the_interpreter(monkeypatch: Any) -> None:
    """Above SCALAR_LIMIT gates a step runs as grouped numpy code, whose aux (the model's
    outputs) are sums of products; here every step does."""
    monkeypatch.setattr(program_module, "SCALAR_LIMIT", 0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)).tolist(), rng.normal(size=6).tolist()
    models = [nn.MLP(3, [4, 1], seed=0) for _ in range(2)]
    optimizers = [nn.SGD(m.parameters(), lr=0.05) for m in models]
    for _ in range(3):
        compiled = nn.train_step(models[0], nn.losses.mse, optimizers[0], X, y, compile=True)
        interpreted = nn.train_step(models[1], nn.losses.mse, optimizers[1], X, y)
        assert compiled == pytest.approx(interpreted, rel=1e-12)
    for p, q in zip(models[0].parameters(), models[1].parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-14)


def test_a_ragged_batch_is_refused_by_its_shape() -> None:
    with pytest.raises(TypeError, match="lists of different lengths"):
        compile(lambda x: x * 2.0)([[1.0], [1.0, 2.0]])


def test_a_negative_base_check_leaves_number_exponents_in_their_own_group() -> None:
    program = compile(lambda x, z, y: x**2.0 + z**y + z**y)
    values, _ = program(-np.ones(3), np.full(3, 2.0), np.full(3, 3.0))  # x < 0 is fine here
    assert values.tolist() == [17.0] * 3
    assert program.source.count("if z < 0.0:") == 1, "one check per base, however many gates"
    checks = [line for line in program.vector_source.splitlines() if "< 0.0" in line]
    assert len(checks) == 1 and "G0[I1]" in checks[0], "the z ** y group's bases only"


def test_a_custom_loss_indexing_with_targets_is_told_why_a_compiled_step_refuses_it() -> None:
    model = nn.MLP(2, [3], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)

    def picked(outputs: Any, targets: Any) -> Any:
        return sum(-o[t] for o, t in zip(outputs, targets))

    nn.train_step(model, picked, optimizer, [[1.0, 2.0]], [1], None)  # interpreted: fine
    with pytest.raises(TypeError, match="gives the loss the targets as Values"):
        nn.train_step(model, picked, optimizer, [[1.0, 2.0]], [1], None, compile=True)
