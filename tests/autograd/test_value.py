"""Value: construction, operators, micrograd compatibility, bad input."""

from __future__ import annotations

import asyncio
import math
import threading

import numpy as np
import pytest

from autograd import Value, maximum, no_grad
from autograd.grad_mode import is_recording


def test_data_is_kept_as_float() -> None:
    for raw in (3, 3.0, np.float64(3.0), np.int64(3), np.float32(3.0)):
        v = Value(raw)
        assert type(v.data) is float and v.data == 3.0
    assert Value(2.5).grad == 0.0 and Value(2.5).op == "" and Value(2.5).parents == ()


@pytest.mark.parametrize("bad", ["3", None, [1], True, np.array([1.0]), 1 + 2j])
def test_non_numbers_are_a_type_error_naming_the_type(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_data_is_a_value_error(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


def test_label_must_be_text() -> None:
    assert Value(1.0, "x").label == "x"
    with pytest.raises(TypeError, match="label"):
        Value(1.0, 3)  # type: ignore[arg-type]


def test_micrograd_names_and_repr() -> None:
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    assert c._op == c.op == "*"
    assert c._prev == c.parents == (a, b)
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"


def test_equality_and_hash_are_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (lambda x: 2 * x, 6.0),
        (lambda x: x * 2, 6.0),
        (lambda x: x + 1, 4.0),
        (lambda x: 1 + x, 4.0),
        (lambda x: x - 1, 2.0),
        (lambda x: 1 - x, -2.0),
        (lambda x: x / 2, 1.5),
        (lambda x: 6 / x, 2.0),
        (lambda x: 1 / x, 1 / 3),
        (lambda x: -x, -3.0),
        (lambda x: x**2, 9.0),
        (lambda x: 2**x, 8.0),
        (lambda x: x.max(5), 5.0),
        (lambda x: maximum(5, x), 5.0),
        (lambda x: np.float64(2.0) * x, 6.0),
    ],
)
def test_plain_numbers_work_on_either_side(expr, expected: float) -> None:  # type: ignore[no-untyped-def]
    out = expr(Value(3.0))
    assert isinstance(out, Value)
    assert out.data == pytest.approx(expected)


def test_constants_are_marked_and_folded_into_gates() -> None:
    x = Value(3.0)
    neg = -x
    assert neg.op == "*" and neg.parents[1].is_constant and neg.parents[1].data == -1.0
    assert (1 / x).op == "1/x" and (1 / x).parents == (x,)
    square = x**2
    assert square.op == "**" and square.parents[1].is_constant and square.parents[1].data == 2.0
    assert not x.is_constant


def test_division_is_one_exact_gate_and_one_over_x_the_reciprocal_gate() -> None:
    a, b = Value(6.0), Value(3.0)
    out = a / b
    assert out.op == "/" and out.parents == (a, b)
    out.backward()
    assert a.grad == pytest.approx(1 / 3) and b.grad == pytest.approx(-6 / 9)
    assert (Value(49.0) / 49).data == 1.0  # 49 * (1/49) would be 0.9999999999999999
    assert (Value(49.0) / Value(49.0)).data == 1.0
    assert (1 / b).op == "1/x" and (1 / b).parents == (b,)
    third = 3 / b
    assert third.op == "/" and third.parents[0].is_constant and third.data == 1.0


def test_value_exponents_and_number_bases() -> None:
    x, y = Value(2.0), Value(3.0)
    out = x**y
    out.backward()
    assert out.data == 8.0
    assert x.grad == pytest.approx(3 * 2.0**2) and y.grad == pytest.approx(8 * math.log(2))
    z = Value(3.0)
    two_to_z = 2**z
    two_to_z.backward()
    assert two_to_z.data == 8.0 and z.grad == pytest.approx(8 * math.log(2))
    zero, w = Value(0.0), Value(2.5)
    power = zero**w  # 0 ** y with y > 0: 0, and gradient 0 for y (as PyTorch)
    power.backward()
    assert power.data == 0.0 and w.grad == 0.0 and zero.grad == 0.0


def test_a_negative_base_with_a_value_exponent_says_why() -> None:
    with pytest.raises(ValueError, match="negative base.*exponent"):
        Value(-2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="negative base"):
        (-2) ** Value(2.0)
    assert (Value(-2.0) ** 2).data == 4.0  # a number exponent is fine


def test_the_new_gates_values_and_kinks() -> None:
    x = Value(0.5)
    assert x.sin().data == math.sin(0.5) and x.cos().data == math.cos(0.5)
    assert x.sqrt().data == math.sqrt(0.5) and abs(Value(-2.0)).data == 2.0
    assert Value(-2.0).leaky_relu().data == -0.02 and Value(-2.0).leaky_relu(0.1).data == -0.2
    for make in (lambda v: abs(v), lambda v: v.relu()):
        v = Value(0.0)
        make(v).backward()
        assert v.grad == 0.0  # the documented subgradient at the kink
    v = Value(0.0)
    v.leaky_relu(0.2).backward()
    assert v.grad == 0.2


def test_comparisons_read_the_data_and_equality_is_identity() -> None:
    a, b = Value(1.0), Value(2.0)
    assert a < b and a <= b and b > a and b >= a and a < 1.5 and not a > 1.5
    assert a == a and a != Value(1.0) and len({a, Value(1.0)}) == 2
    assert (a < b) is True and isinstance(a >= 0, bool)
    assert bool(Value(0.0)) is False and bool(a) is True


def test_a_local_derivative_that_overflows_is_kept_and_raises_only_when_needed() -> None:
    r = Value(1e-160).reciprocal()  # 1e160 is finite, its derivative -1e320 is not
    assert r.data == pytest.approx(1e160) and r.local_grads == (-math.inf,)
    s = Value(0.0).sqrt()  # sqrt at 0: fine, its derivative is infinite
    assert s.data == 0.0 and s.local_grads == (math.inf,)
    x = Value(0.0, "x")
    out = x.sqrt() * 0.0 + x  # the infinite local derivative meets a gradient of 0
    with pytest.raises(OverflowError, match="sqrt"):
        out.backward()
    assert x.grad == 0.0
    y = Value(0.0, "y")
    dead = (y.sqrt() - 1.0).relu() + y  # relu is off: sqrt's gradient is 0 * inf
    with pytest.raises(OverflowError, match=r"y.*sqrt.*inf"):
        dead.backward()


def test_no_grad_computes_a_result_whose_derivative_is_undefined() -> None:
    with no_grad():
        assert (Value(0.0) ** 0.5).data == 0.0
        assert Value(0.0).sqrt().data == 0.0


def test_methods() -> None:
    x = Value(0.5)
    assert x.exp().data == pytest.approx(math.exp(0.5))
    assert x.log().data == pytest.approx(math.log(0.5))
    assert x.reciprocal().data == 2.0
    assert x.relu().data == 0.5 and Value(-1.0).relu().data == 0.0
    assert x.sigmoid().data == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert x.tanh().data == pytest.approx(math.tanh(0.5))
    assert x.softplus().data == pytest.approx(math.log1p(math.exp(0.5)))
    assert format(x, ".2f") == "0.50" and x.item() == 0.5


def test_domain_errors_name_the_value() -> None:
    with pytest.raises(ZeroDivisionError, match=r"x = 0\.0"):
        Value(0.0).reciprocal()
    with pytest.raises(ZeroDivisionError):
        1 / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(ValueError, match=r"log\(-1\.0\)"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"log\(0\.0\)"):
        Value(0.0).log()
    with pytest.raises(ValueError, match=r"sqrt\(-1\.0\)"):
        Value(-1.0).sqrt()
    with pytest.raises(OverflowError, match="710"):
        Value(710.0).exp()
    assert Value(709.0).exp().data > 1e307
    with pytest.raises(ValueError, match="real"):
        Value(-2.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1
    with pytest.raises(OverflowError):
        Value(1e200) * 1e200
    with pytest.raises(OverflowError):
        Value(1e300) ** 2


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e300, -1e300])
def test_squashing_gates_stay_finite_everywhere(x: float) -> None:
    for gate in ("sigmoid", "tanh", "softplus"):
        out = getattr(Value(x), gate)()
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(out.parents[0].grad)


@pytest.mark.parametrize("bad", ["a", None, [1.0]])
def test_bad_operands_name_the_type(bad: object) -> None:
    for op in (lambda: Value(1.0) + bad, lambda: bad * Value(1.0), lambda: Value(1.0) - bad):
        with pytest.raises(TypeError, match=type(bad).__name__):
            op()


def test_no_grad_records_nothing() -> None:
    x = Value(2.0)
    with no_grad():
        assert not is_recording()
        y = x * 3 + 1
    assert is_recording()
    assert y.data == 7.0 and y.is_leaf and y.parents == ()


def test_no_grad_is_private_to_a_thread() -> None:
    seen: list[bool] = []
    inside, done = threading.Event(), threading.Event()

    def other() -> None:
        inside.wait()
        seen.append(is_recording())
        done.set()

    t = threading.Thread(target=other)
    t.start()
    with no_grad():
        inside.set()
        done.wait()
    t.join()
    assert seen == [True]


def test_no_grad_is_private_to_an_asyncio_task() -> None:
    async def main() -> list[bool]:
        seen: list[bool] = []
        entered = asyncio.Event()

        async def quiet() -> None:
            with no_grad():
                entered.set()
                await asyncio.sleep(0.01)

        async def loud() -> None:
            await entered.wait()
            seen.append(is_recording())

        await asyncio.gather(quiet(), loud())
        return seen

    assert asyncio.run(main()) == [True]


def test_detach_makes_a_new_leaf() -> None:
    x = Value(2.0, "x")
    y = (x * 3).detach()
    assert y.is_leaf and y.data == 6.0
    (y * 2).backward()
    assert x.grad == 0.0


def test_micrograd_sanity_check_runs_unchanged() -> None:
    """micrograd's own test_sanity_check (reference numbers from PyTorch)."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0 and x.grad == 46.0


def test_micrograd_more_ops_runs_unchanged() -> None:
    """micrograd's own test_more_ops (reference numbers from PyTorch)."""
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.70408163265306, abs=1e-12)
    assert a.grad == pytest.approx(138.83381924198252, abs=1e-9)
    assert b.grad == pytest.approx(645.5772594752186, abs=1e-9)
