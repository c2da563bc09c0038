"""grad and value_and_grad on numbers: JAX-like conventions, backward's numbers, clear errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Value, grad, value_and_grad
from autograd.testing import Case, cases


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(cases())
def test_value_and_grad_gives_the_forward_value_and_backwards_gradients(case: Case) -> None:
    value, grads = value_and_grad(case.expression.build, argnums=tuple(range(len(case.inputs))))(
        *case.inputs
    )
    xs = case.values()
    out = case.expression.build(*xs)
    out.backward()
    assert value == out.data
    assert grads == tuple(x.grad for x in xs)


def test_argnums_conventions() -> None:
    f = lambda x, y: x * y  # noqa: E731
    assert value_and_grad(f)(2.0, 3.0) == (6.0, (3.0, 2.0))  # None: every argument, a tuple
    assert value_and_grad(lambda x: x**3)(2.0) == (8.0, 12.0)  # one argument: a float
    assert value_and_grad(f, argnums=1)(2.0, 3.0) == (6.0, 2.0)  # an int: a float
    assert value_and_grad(f, argnums=(1, 0))(2.0, 3.0) == (6.0, (2.0, 3.0))  # a tuple, in order
    assert value_and_grad(f, argnums=[0])(2.0, 3.0) == (6.0, (3.0,))
    assert grad(f, argnums=-1)(2.0, 3.0) == 2.0
    assert grad(lambda x: x**3)(2.0) == 12.0


def test_numbers_of_any_real_type_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    assert grad(lambda x, y: x * y)(2, np.float32(3.0)) == (3.0, 2.0)


@pytest.mark.parametrize("argnums", [1, (0, 2), -2, (0.5,)])
def test_argnums_that_do_not_fit_are_value_errors(argnums: object) -> None:
    with pytest.raises(ValueError, match="argnums"):
        grad(lambda x: x, argnums=argnums)(2.0)  # type: ignore[arg-type]


def test_f_must_return_a_value() -> None:
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        grad(lambda x: 3.0)(2.0)


def test_arguments_must_be_numbers_or_values() -> None:
    with pytest.raises(TypeError, match="argument 1"):
        grad(lambda x, y: x * y)(2.0, "3")


def test_transforms_have_readable_names() -> None:
    def loss(w: Value) -> Value:
        return w * w

    assert grad(loss).__name__ == "grad(loss)"
    assert value_and_grad(loss).__name__ == "value_and_grad(loss)"


def test_transforms_leave_the_grad_of_captured_values_alone() -> None:
    w = Value(3.0, "w")  # a parameter the function closes over
    w.grad = 0.25
    assert grad(lambda x: w * x * x)(2.0) == 12.0
    assert w.grad == 0.25
