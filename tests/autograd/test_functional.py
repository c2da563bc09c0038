"""grad and value_and_grad on numbers: JAX-like conventions, backward's numbers, clear errors."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Value, grad, hessian, jacobian, jvp, tangents, value_and_grad
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


@pytest.mark.parametrize("argnums", [1, (0, 2), -2])
def test_argnums_that_do_not_fit_are_value_errors(argnums: object) -> None:
    with pytest.raises(ValueError, match="argnums"):
        grad(lambda x: x, argnums=argnums)(2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argnums", "named"),
    [(0.0, "float 0.0"), ((0.5,), r"tuple \(0.5,\)"), (True, "bool True"), ([0, False], "False")]
    + [("0", "str '0'"), ({0: 1}, "dict")],
)
@pytest.mark.parametrize("transform", [grad, value_and_grad])
def test_argnums_that_are_not_ints_are_refused_at_once(
    transform: Any, argnums: object, named: str
) -> None:
    """The mistake is named where it is made, not when the function is first called."""
    with pytest.raises(TypeError, match=f"argnums must be an int or a sequence of ints.*{named}"):
        transform(lambda x: x, argnums=argnums)


def test_argnums_may_be_numpy_ints() -> None:
    np = pytest.importorskip("numpy")
    assert grad(lambda x, y: x * y, argnums=np.int64(1))(2.0, 3.0) == 2.0
    assert grad(lambda x, y: x * y, argnums=[np.int64(0)])(2.0, 3.0) == (3.0,)


@pytest.mark.parametrize("transform", [grad, value_and_grad, hessian, jacobian])
@pytest.mark.parametrize("not_a_function", [3.0, 5, Value(2.0), "x * x"])
def test_transforms_refuse_what_is_not_a_function_at_once(
    transform: Any, not_a_function: object
) -> None:
    name = transform.__name__
    with pytest.raises(
        TypeError, match=rf"{name} needs a function, got {type(not_a_function).__name__}"
    ):
        transform(not_a_function)


def test_jvp_refuses_what_is_not_a_function() -> None:
    with pytest.raises(
        TypeError, match=r"jvp needs a function, got int 5; pass the function itself"
    ):
        jvp(5, (1.0,), (1.0,))  # type: ignore[arg-type]


def test_f_must_return_a_value_or_a_number() -> None:
    with pytest.raises(TypeError, match="f must return a Value, got str"):
        grad(lambda x: "3")(2.0)


def test_a_function_returning_a_plain_number_has_gradient_zero() -> None:
    assert grad(lambda x: 3.0)(2.0) == 0.0
    assert value_and_grad(lambda x, y: 7)(1.0, 2.0) == (7.0, (0.0, 0.0))
    assert hessian(lambda x: 1.0)(2.0) == [[0.0]]
    [[d]] = [[grad(grad(lambda x: 3.0))(2.0)]]
    assert d == 0.0


def test_a_nested_grad_keeps_the_values_it_closes_over() -> None:
    """HIPS autograd's test_enclosing_scope_ref: the inner grad is x, so f(x) = x * x."""
    f = lambda x: x * grad(lambda y: x * y)(2.0)  # noqa: E731
    assert grad(f)(1.0) == 2.0
    assert grad(f)(3.0) == 6.0
    # d/dy tanh(xy) at y = 0.5 is x (1 - tanh^2(x/2)); its derivative in x, by central differences
    g = lambda x: grad(lambda y: (x * y).tanh())(0.5)  # noqa: E731
    h = lambda x: x * (1 - math.tanh(x / 2) ** 2)  # noqa: E731
    assert grad(g)(1.0) == pytest.approx((h(1 + 1e-6) - h(1 - 1e-6)) / 2e-6, rel=1e-6)


def test_a_grad_called_with_numbers_outside_any_transform_still_returns_floats() -> None:
    w = Value(3.0)
    assert grad(lambda y: w * y)(2.0) == 3.0
    assert isinstance(grad(lambda y: w * y)(2.0), float)


def test_jvp_pushes_a_tangent_forward() -> None:
    assert jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0)) == (6.0, 3.0)
    value, tangent = jvp(lambda x, y: (x * y).tanh() + x.sin(), (0.5, -1.5), (0.3, -2.0))
    gx, gy = grad(lambda x, y: (x * y).tanh() + x.sin())(0.5, -1.5)
    assert tangent == pytest.approx(0.3 * gx - 2.0 * gy, rel=1e-12)
    with pytest.raises(ValueError, match="2 primals and 1 tangents"):
        jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))


def test_a_tangent_seed_the_output_was_not_computed_from_is_named() -> None:
    a = Value(1.0)
    b = a * 2
    message = r"tangents: the seed Value\(data=3.0, grad=0.0\) is not a node of the output's graph"
    with pytest.raises(ValueError, match=message + r" \(the output was not computed from it\)"):
        tangents(b, {Value(3.0): 1.0})
    with pytest.raises(ValueError, match="the seed w is not a node"):  # its label, if it has one
        tangents(b, {a: 1.0, Value(3.0, "w"): 1.0})
    with pytest.raises(TypeError, match="keys of seeds must be Values.*got str 'a'"):
        tangents(b, {"a": 1.0})  # type: ignore[dict-item]
    assert tangents(b, {a: 1.0})[b] == 2.0
    assert tangents(b, {b: 1.0}) == {b: 1.0}  # a node of the graph that is not a leaf


def test_jacobian_rows_are_outputs_and_match_forward_mode() -> None:
    def f(x: Value, y: Value) -> list[Value]:
        return [x * y, x.exp() + y, (x / y).sin()]

    rows = jacobian(f)(0.7, 1.3)
    assert len(rows) == 3 and all(len(row) == 2 for row in rows)
    for j, direction in enumerate([(1.0, 0.0), (0.0, 1.0)]):
        for i in range(3):
            _, tangent = jvp(lambda x, y, i=i: f(x, y)[i], (0.7, 1.3), direction)
            assert rows[i][j] == pytest.approx(tangent, rel=1e-12)
    assert jacobian(lambda x: x * x)(3.0) == [[6.0]]


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
