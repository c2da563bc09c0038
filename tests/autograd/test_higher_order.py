"""Higher-order derivatives: ``gradients(create_graph=True)``, ``grad(grad(f))``, ``hessian``.

The references are independent of the engine: analytic derivative formulas written out here,
central differences of the next-lower derivative, and ``backward()`` itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import (
    Value,
    draw,
    grad,
    gradients,
    hessian,
    maximum,
    no_grad,
    topological_order,
    value_and_grad,
)
from autograd.gradcheck import analytic_grad
from autograd.testing import POWERS, Case, cases, finite_floats

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)

Function = Callable[[Value], Value]
Derivative = Callable[[float, int], float]  # (x, n) -> the n-th derivative at x


def nth_derivative(f: Callable[..., Value], n: int) -> Callable[..., float]:
    """grad(grad(...grad(f))), n times."""
    for _ in range(n):
        f = grad(f)
    return f


def falling(c: float, n: int) -> float:
    """c (c - 1) ... (c - n + 1): the n-th derivative of x**c is falling(c, n) x**(c - n)."""
    return math.prod(c - k for k in range(n))


# -- analytic derivatives, written out independently of autograd/ops.py ---------------------------


def tanh_derivative(x: float, n: int) -> float:
    t = math.tanh(x)
    u = 1.0 - t * t
    return [u, -2.0 * t * u, (6.0 * t * t - 2.0) * u, 8.0 * t * u * (2.0 - 3.0 * t * t)][n - 1]


def sigmoid_derivative(x: float, n: int) -> float:
    s = 1.0 / (1.0 + math.exp(-x))
    v = s * (1.0 - s)
    return [
        v,
        v * (1.0 - 2.0 * s),
        v * (1.0 - 6.0 * s + 6.0 * s * s),
        v * (1.0 - 2.0 * s) * (1.0 - 12.0 * s + 12.0 * s * s),
    ][n - 1]


def softplus_derivative(x: float, n: int) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if n == 1 else sigmoid_derivative(x, n - 1)


def cube_times_exp_derivative(x: float, n: int) -> float:
    """Leibniz: (x^3 e^x)^(n) = e^x sum_k C(n, k) (x^3)^(k)."""
    terms = (math.comb(n, k) * falling(3, k) * x ** (3 - k) for k in range(min(n, 3) + 1))
    return math.exp(x) * sum(terms)


FUNCTIONS: dict[str, tuple[Function, st.SearchStrategy[float], Derivative]] = {
    "tanh": (lambda v: v.tanh(), finite_floats(-5, 5), tanh_derivative),
    "sigmoid": (lambda v: v.sigmoid(), finite_floats(-10, 10), sigmoid_derivative),
    "softplus": (lambda v: v.softplus(), finite_floats(-10, 10), softplus_derivative),
    "exp": (lambda v: v.exp(), finite_floats(-5, 5), lambda x, n: math.exp(x)),
    "log": (
        lambda v: v.log(),
        finite_floats(0.1, 10),
        lambda x, n: (-1) ** (n - 1) * math.factorial(n - 1) / x**n,
    ),
    "reciprocal": (
        lambda v: 1 / v,
        finite_floats(-10, 10).filter(lambda x: abs(x) >= 0.1),
        lambda x, n: (-1) ** n * math.factorial(n) / x ** (n + 1),
    ),
    "division": (
        lambda v: 3.0 / (v * v + 1.0),  # composed: 3 * reciprocal(x*x + 1)
        finite_floats(-5, 5),
        lambda x, n: [
            -6.0 * x / (x * x + 1) ** 2,
            (18.0 * x * x - 6.0) / (x * x + 1) ** 3,
            72.0 * x * (1.0 - x * x) / (x * x + 1) ** 4,
            72.0 * (5.0 * x**4 - 10.0 * x * x + 1.0) / (x * x + 1) ** 5,
        ][n - 1],
    ),
    "product x*x*x*x": (
        lambda v: v * v * v * v,
        finite_floats(-5, 5),
        lambda x, n: falling(4, n) * x ** (4 - n),
    ),
    "product x**3 * exp(x)": (
        lambda v: v**3 * v.exp(),
        finite_floats(-3, 3),
        cube_times_exp_derivative,
    ),
}
for c in POWERS + (4.0, 2.5, -0.5):
    FUNCTIONS[f"pow {c:g}"] = (
        lambda v, c=c: v**c,
        finite_floats(0.1, 4),
        lambda x, n, c=c: falling(c, n) * x ** (c - n),
    )


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@SETTINGS
@given(data=st.data())
def test_derivatives_up_to_the_fourth_match_the_analytic_formulas(
    name: str, data: st.DataObject
) -> None:
    f, domain, derivative = FUNCTIONS[name]
    x = data.draw(domain, label="x")
    for n in range(1, 5):
        got, expected = nth_derivative(f, n)(x), derivative(x, n)
        assert isinstance(got, float)
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), (n, got, expected)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@SETTINGS
@given(data=st.data())
def test_each_derivative_is_the_slope_of_the_one_before(name: str, data: st.DataObject) -> None:
    f, domain, _ = FUNCTIONS[name]
    x = data.draw(domain, label="x")
    h = 1e-5
    for n in range(1, 5):
        lower = nth_derivative(f, n - 1) if n > 1 else (lambda v: f(Value(v)).data)
        numeric = (lower(x + h) - lower(x - h)) / (2 * h)
        got = nth_derivative(f, n)(x)
        assert abs(got - numeric) <= 1e-6 * max(1.0, abs(got), abs(lower(x))), (n, got, numeric)


def test_the_fourth_mixed_partial_of_a_product_of_four_inputs() -> None:
    f = lambda x, y, z, w: x * y * z * w  # noqa: E731
    point = (2.0, 3.0, 5.0, 7.0)
    assert grad(f, 0)(*point) == 105.0  # yzw
    assert grad(grad(f, 0), 1)(*point) == 35.0  # zw
    assert grad(grad(grad(f, 0), 1), 2)(*point) == 7.0  # w
    assert grad(grad(grad(grad(f, 0), 1), 2), 3)(*point) == 1.0
    assert grad(grad(grad(grad(f, 0), 0), 0), 0)(*point) == 0.0


# -- relu and max: piecewise linear, so every second derivative is 0 away from the kinks ----------


@SETTINGS
@given(x=finite_floats(-100, 100).filter(lambda x: abs(x) > 1e-3))
def test_relu_has_second_derivative_zero_away_from_zero(x: float) -> None:
    relu = lambda v: v.relu()  # noqa: E731
    assert grad(relu)(x) == (1.0 if x > 0 else 0.0)
    assert grad(grad(relu))(x) == 0.0
    assert grad(grad(grad(relu)))(x) == 0.0
    cube = lambda v: v.relu() ** 3  # noqa: E731  the relu's constant local passes x^3's through
    assert math.isclose(grad(grad(cube))(x), 6.0 * x if x > 0 else 0.0, rel_tol=1e-12)


@SETTINGS
@given(finite_floats(-100, 100), finite_floats(-100, 100))
def test_max_has_second_derivatives_zero_away_from_ties(a: float, b: float) -> None:
    assume(abs(a - b) > 1e-3)
    assert hessian(lambda x, y: maximum(x, y))(a, b) == [[0.0, 0.0], [0.0, 0.0]]
    squares = lambda x, y: maximum(x * x, y)  # noqa: E731
    assert grad(grad(squares, 0), 0)(a, b) == (2.0 if a * a > b else 0.0)


# -- gradients(): create_graph=False is backward, exactly; random expressions ---------------------

CASES = cases(max_steps=6, largest=1e3, kink_margin=1e-2)


@SETTINGS
@given(cases())
def test_gradients_equal_backward_exactly(case: Case) -> None:
    xs = case.values()
    out = case.expression.build(*xs)
    nodes = [n for n in topological_order(out) if not n.is_constant]  # constants: no gradient
    floats = gradients(out, nodes)
    values = gradients(out, nodes, create_graph=True)
    leaves_only = gradients(out, xs)
    assert all(node.grad == 0.0 for node in nodes)  # gradients() touched no .grad
    out.backward()
    assert floats == [node.grad for node in nodes]
    assert [v.data for v in values] == floats
    assert leaves_only == [x.grad for x in xs]


def _second_derivatives(case: Case) -> list[list[float]]:
    xs = case.values()
    first = gradients(case.expression.build(*xs), xs, create_graph=True)
    return [gradients(g, xs) for g in first]


@SETTINGS
@given(CASES)
def test_second_derivatives_are_slopes_of_the_gradient(case: Case) -> None:
    second = _second_derivatives(case)
    h = 1e-6
    for j in range(len(case.inputs)):
        up, down = list(case.inputs), list(case.inputs)
        up[j] += h
        down[j] -= h
        try:
            slopes = zip(analytic_grad(case.expression.build, *up),
                         analytic_grad(case.expression.build, *down))  # fmt: skip
            numeric = [(u - d) / (2 * h) for u, d in slopes]
        except (OverflowError, ValueError, ZeroDivisionError):
            assume(False)  # a step of h left the domain: not a place for differences
        scale = max([1.0] + [abs(g) for g in analytic_grad(case.expression.build, *case.inputs)])
        for i, n in enumerate(numeric):
            assert abs(second[i][j] - n) <= 1e-4 * max(scale, abs(n)), (i, j, second[i][j], n)


@SETTINGS
@given(cases())
def test_mixed_partials_are_symmetric(case: Case) -> None:
    second = _second_derivatives(case)
    scale = max([1.0] + [abs(h) for row in second for h in row])
    for i, row in enumerate(second):
        for j, h in enumerate(row):
            assert abs(h - second[j][i]) <= 1e-9 * scale, (i, j, h, second[j][i])


# -- hessian --------------------------------------------------------------------------------------


def least_squares(rows: list[tuple[float, float, float]]) -> Callable[[Value, Value], Value]:
    """L(w1, w2) = sum over rows (x1 w1 + x2 w2 - y)^2, the lectures' least-squares loss."""

    def loss(w1: Value, w2: Value) -> Value:
        return sum(((x1 * w1 + x2 * w2 - y) ** 2 for x1, x2, y in rows), Value(0.0))

    return loss


ROW = st.tuples(finite_floats(-3, 3), finite_floats(-3, 3), finite_floats(-3, 3))


@SETTINGS
@given(st.lists(ROW, min_size=1, max_size=6), finite_floats(-3, 3), finite_floats(-3, 3))
def test_hessian_of_least_squares_is_twice_x_transpose_x(
    rows: list[tuple[float, float, float]], w1: float, w2: float
) -> None:
    h = hessian(least_squares(rows))(w1, w2)
    xtx = [[sum(r[i] * r[j] for r in rows) for j in range(2)] for i in range(2)]
    for i in range(2):
        for j in range(2):
            assert math.isclose(h[i][j], 2 * xtx[i][j], rel_tol=1e-12, abs_tol=1e-12)


def test_hessian_of_the_notebook_example() -> None:
    # notebooks/09_higher_order.ipynb: X = [[1, 2], [3, 4], [5, 6]], y = [1, 2, 3]
    rows = [(1.0, 2.0, 1.0), (3.0, 4.0, 2.0), (5.0, 6.0, 3.0)]
    assert hessian(least_squares(rows))(0.5, -0.5) == [[70.0, 88.0], [88.0, 112.0]]


def test_hessian_is_a_list_of_lists_of_floats() -> None:
    h = hessian(lambda x, y: x * x * y + y.exp())(3.0, 0.0)
    assert h == [[0.0, 6.0], [6.0, 1.0]]
    assert all(type(v) is float for row in h for v in row)
    assert hessian(lambda x: x**3)(2.0) == [[12.0]]


# -- the graph of a derivative --------------------------------------------------------------------


def test_the_derivative_graph_is_built_from_the_op_table_rules() -> None:
    x = Value(0.5, "x")
    [dy] = gradients(x.tanh(), [x], create_graph=True)  # tanh's rule: 1 - t*t
    gates = [node.op for node in topological_order(dy) if not node.is_leaf]
    assert sorted(gates) == ["*", "*", "+", "tanh"]  # tanh, t*t, *-1, +1
    assert dy.data == 1.0 - math.tanh(0.5) ** 2
    assert x in topological_order(dy)


def test_a_derivative_graph_can_be_drawn() -> None:
    x = Value(0.5, "x")
    [dy] = gradients(x.tanh(), [x], create_graph=True)
    dy.label = "dy/dx"
    dy.backward()  # through the backward pass: x.grad is the second derivative
    source = draw(dy).source
    for gate in ("<tanh>", "<*>", "<*-1>", "<+1>", "<x>", "<dy/dx>"):
        assert gate in source
    assert ">0.79<" in source  # dy/dx = 1 - tanh(0.5)^2 = 0.786
    assert ">-0.73<" in source  # on x's wire: d2y/dx2 = -2 tanh(0.5) (1 - tanh(0.5)^2) = -0.727


def test_a_constant_derivative_is_a_leaf_and_its_derivative_is_zero() -> None:
    x = Value(2.0)
    [d] = gradients(x + 1.0, [x], create_graph=True)
    assert isinstance(d, Value) and d.is_leaf and d.data == 1.0
    assert gradients(d, [x]) == [0.0]
    assert grad(grad(lambda v: 3 * v + 1))(2.0) == 0.0


def test_a_result_may_be_a_node_of_the_original_graph() -> None:
    x, y = Value(2.0), Value(3.0)
    dx, dy = gradients(x * y, [x, y], create_graph=True)
    assert dx is y and dy is x


def test_inputs_not_reached_get_zero() -> None:
    x, y = Value(2.0), Value(3.0)
    assert gradients(x * 2, [x, y]) == [2.0, 0.0]
    dx, dy = gradients(x * 2, [x, y], create_graph=True)
    assert dx.data == 2.0 and dy.data == 0.0 and dy.is_leaf


def test_output_and_intermediate_nodes_as_inputs() -> None:
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    f = q * z
    assert gradients(f, [f, q, x, z]) == [1.0, -4.0, -4.0, 3.0]
    assert gradients(q, [q]) == [1.0]


def test_a_gradient_that_overflows_is_an_error_not_inf() -> None:
    x = Value(1e-300, "x")
    y = x * 1e300 * 1e300  # y = 1e300 is finite, dy/dx = 1e600 is not
    with pytest.raises(OverflowError, match="overflow"):
        y.backward()
    with pytest.raises(OverflowError, match=r"inputs\[0\]"):
        gradients(y, [x])
    with pytest.raises(OverflowError, match="overflows"):
        gradients(y, [x], create_graph=True)


def test_a_deep_chain_has_second_derivatives_without_recursion() -> None:
    x = Value(0.1)
    y = x
    for _ in range(3000):
        y = y * 0.999 + 0.001
    [dy] = gradients(y, [x], create_graph=True)
    [d2y] = gradients(dy, [x])
    assert math.isclose(dy.data, 0.999**3000, rel_tol=1e-9)
    assert d2y == 0.0


# -- arguments and no_grad ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "inputs", "message"),
    [
        (3.0, [], "output must be a Value"),
        (Value(1.0), Value(1.0), r"write \[x\]"),
        (Value(1.0), [1.0], r"inputs\[0\] must be a Value"),
        (Value(1.0), "x", "list or tuple of Values"),
        (Value(1.0), {Value(1.0)}, "list or tuple of Values"),
    ],
)
def test_bad_arguments_are_type_errors(output: object, inputs: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        gradients(output, inputs)  # type: ignore[call-overload]


def test_create_graph_inside_no_grad_is_an_error_but_floats_work() -> None:
    x = Value(2.0)
    y = x * x
    with no_grad():
        with pytest.raises(RuntimeError, match="no_grad"):
            gradients(y, [x], create_graph=True)
        assert gradients(y, [x]) == [4.0]


def test_transforms_inside_no_grad_are_errors_not_zeros() -> None:
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        grad(lambda x: x * x)(2.0)
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        hessian(lambda x: x * x)(2.0)


# -- grad / value_and_grad composition ------------------------------------------------------------


def test_grad_on_numbers_gives_floats_and_on_values_gives_values() -> None:
    f = lambda x, y: x * y.tanh()  # noqa: E731
    on_floats = grad(f)(2.0, 0.5)
    assert all(type(g) is float for g in on_floats)
    x = Value(2.0)
    on_values = grad(f)(x, 0.5)  # a number next to a Value becomes a new leaf
    assert all(isinstance(g, Value) for g in on_values)
    assert [g.data for g in on_values] == list(on_floats)
    assert gradients(on_values[1], [x]) == [1.0 - math.tanh(0.5) ** 2]  # d/dx (x (1 - tanh^2))
    out, g = value_and_grad(lambda v: v**3)(Value(2.0))
    assert isinstance(out, Value) and out.data == 8.0 and isinstance(g, Value) and g.data == 12.0


def test_grad_takes_partial_derivatives_even_of_related_values() -> None:
    a = Value(2.0)
    f = lambda p, q: p * q  # noqa: E731
    dp, dq = grad(f)(a, a * 3)  # q = 3a, but df/dp is q and df/dq is p
    assert (dp.data, dq.data) == (6.0, 2.0)
    assert gradients(dp, [a]) == [3.0]  # dp = q = 3a
    same = grad(f)(a, a)
    assert [g.data for g in same] == [2.0, 2.0]


def test_nested_grad_of_a_function_of_two_arguments_needs_argnums() -> None:
    f = lambda x, y: x * x * y  # noqa: E731
    with pytest.raises(TypeError, match="argnums"):
        grad(grad(f))(1.0, 2.0)
    assert grad(grad(f, 0), 1)(3.0, 2.0) == 6.0  # d/dy 2xy = 2x


def test_hessian_needs_numbers() -> None:
    with pytest.raises(TypeError, match="argument 0"):
        hessian(lambda x: x * x)(Value(2.0))


def test_newtons_method_of_the_readme_and_notebook() -> None:
    g = lambda x: x**4 - 3 * x**2 + x  # noqa: E731
    x = 2.0
    for _ in range(6):
        x = x - grad(g)(x) / grad(grad(g))(x)
    assert round(x, 6) == 1.130901
    assert abs(grad(g)(x)) < 1e-12 and grad(grad(g))(x) > 0  # a minimum
