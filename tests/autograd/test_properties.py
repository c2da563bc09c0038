"""Property tests: every gate and random expression DAGs against central differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from autograd import Value, numerical_grad, ops
from autograd.testing import (
    POWERS,
    REFERENCE,
    Case,
    Expression,
    Instruction,
    cases,
    finite_floats,
    gate_inputs,
)
from autograd.value import apply

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


def close(analytic: float, numeric: float, scale: float = 1.0) -> bool:
    return abs(analytic - numeric) <= 1e-5 * max(1.0, scale) + 1e-4 * abs(numeric)


def test_every_gate_has_a_reference_and_a_rule_under_its_name() -> None:
    assert set(REFERENCE) == set(ops.OPS)
    for name, op in ops.OPS.items():
        assert getattr(ops, name) is op.rule and op.rule.__doc__


@pytest.mark.parametrize("name", sorted(ops.OPS))
@SETTINGS
@given(data=st.data())
def test_gate_matches_central_differences(name: str, data: st.DataObject) -> None:
    op = ops.OPS[name]
    xs = data.draw(gate_inputs(op), label="inputs")
    inputs = [Value(x) for x in xs]
    out = apply(op, *inputs)
    assert out.gate is op
    out.backward()
    numeric = numerical_grad(lambda *vs: apply(op, *vs), *xs)
    for x, n in zip(inputs, numeric):
        assert close(x.grad, n, abs(out.data)), (name, xs, x.grad, n)


@pytest.mark.parametrize("name", sorted(ops.OPS))
@SETTINGS
@given(data=st.data())
def test_gate_forward_matches_the_plain_float_reference(name: str, data: st.DataObject) -> None:
    op = ops.OPS[name]
    xs = data.draw(gate_inputs(op), label="inputs")
    assert apply(op, *[Value(x) for x in xs]).data == pytest.approx(REFERENCE[name](*xs))


@SETTINGS
@given(c=st.sampled_from(POWERS), x=finite_floats(0.05, 20))
def test_pow_matches_central_differences(c: float, x: float) -> None:
    v = Value(x)
    out = v**c
    out.backward()
    (n,) = numerical_grad(lambda a: a**c, x)
    assert close(v.grad, n, abs(out.data))


@SETTINGS
@given(a=finite_floats(-100, 100))
def test_max_tie_splits_like_central_differences(a: float) -> None:
    x, y = Value(a), Value(a)
    x.max(y).backward()
    assert (x.grad, y.grad) == (0.5, 0.5)
    assert numerical_grad(lambda p, q: p.max(q), a, a) == pytest.approx([0.5, 0.5])


def test_relu_at_zero_has_derivative_zero() -> None:
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def _grads(case: Case, seed: float = 1.0) -> tuple[float, list[float]]:
    inputs = case.values()
    out = case.expression.build(*inputs)
    out.backward(seed)
    return out.data, [x.grad for x in inputs]


@SETTINGS
@given(case=cases())
def test_forward_matches_the_plain_float_reference(case: Case) -> None:
    value = case.expression.build(*case.values()).data
    assert value == pytest.approx(case.expression.reference(*case.inputs), rel=1e-12, abs=1e-12)


STEEP_COSINE = Case(  # cos of a value near -30 whose slope is -1e4: a large third derivative
    Expression(
        1,
        (
            Instruction("exp", (0,)),
            Instruction("pow_const", (1,), 3.0, 1.0),
            Instruction("neg", (2,)),
            Instruction("rsub_const", (3,), 1.0),
            Instruction("cos", (4,)),
            Instruction("add_const", (5,), 1.0),
        ),
    ),
    (1.4500364644576091,),
)


@SETTINGS
@given(case=cases())
@example(case=STEEP_COSINE)
def test_random_dag_backward_matches_central_differences(case: Case) -> None:
    """Backward against central differences. A central difference with step h is off by about
    h^2 / 6 times the third derivative, which is not small where a sine or cosine meets a steep
    input; the estimates at h and h/2 differ by three times the error of the second, so twice
    that difference is added to the tolerance (a wrong local derivative is off by far more)."""
    value, grads = _grads(case)

    def reference(*xs: Value) -> Value:
        return Value(case.expression.reference(*[x.data for x in xs]))

    numeric = numerical_grad(reference, *case.inputs, eps=5e-7)
    coarser = numerical_grad(reference, *case.inputs, eps=1e-6)
    largest = case.expression.evaluate(*case.inputs).largest
    for g, n, c in zip(grads, numeric, coarser):
        tolerance = 1e-6 * max(1.0, largest) + 1e-4 * abs(n) + 2.0 * abs(n - c)
        assert abs(g - n) <= tolerance, (str(case.expression), grads, numeric)


@SETTINGS
@given(case=cases(), start=finite_floats(-5, 5))
def test_draining_backward_steps_equals_backward_exactly(case: Case, start: float) -> None:
    first, second = case.values(), case.values()
    out1, out2 = case.expression.build(*first), case.expression.build(*second)
    for x in (*first, *second):
        x.grad = start  # gradients already there from an earlier pass
    out1.backward()
    steps = list(out2.backward_steps())
    assert [x.grad for x in first] == [x.grad for x in second]
    assert len(steps) == sum(len(n.parents) for n in _nodes(out2))
    for step in steps:
        assert step.contribution == step.local * step.upstream


def _nodes(root: Value) -> list[Value]:
    from autograd import topological_order

    return topological_order(root)


@SETTINGS
@given(case=cases())
def test_second_backward_doubles_every_gradient_exactly(case: Case) -> None:
    inputs = case.values()
    out = case.expression.build(*inputs)
    out.backward()
    once = {node: node.grad for node in _nodes(out)}
    out.backward()
    assert all(node.grad == 2 * g for node, g in once.items())


@SETTINGS
@given(case=cases(), seed=finite_floats(-10, 10))
def test_seed_scales_the_gradients(case: Case, seed: float) -> None:
    _, unit = _grads(case)
    _, scaled = _grads(case, seed)
    for u, s in zip(unit, scaled):
        assert s == pytest.approx(seed * u, rel=1e-12, abs=1e-12 * max(1.0, abs(u)))


@SETTINGS
@given(f=cases(max_inputs=2), g=cases(max_inputs=2))
def test_gradient_of_a_sum_is_the_sum_of_gradients(f: Case, g: Case) -> None:
    assume(f.expression.n_inputs == g.expression.n_inputs)
    n = f.expression.n_inputs
    xs = f.inputs
    assume(all(math.isfinite(v) for v in xs))
    g_at_f = Case(g.expression, xs)
    try:
        ev = g.expression.evaluate(*xs)
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    assume(ev.largest < 1e4 and ev.kink_distance > 1e-3)
    _, df = _grads(f)
    _, dg = _grads(g_at_f)
    inputs = [Value(x) for x in xs]
    (f.expression.build(*inputs) + g.expression.build(*inputs)).backward()
    for i in range(n):
        assert inputs[i].grad == pytest.approx(df[i] + dg[i], rel=1e-9, abs=1e-9)
