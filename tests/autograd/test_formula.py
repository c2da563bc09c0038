"""autograd.formula: a rule written out as text says exactly what the rule computes."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import functions, ops
from autograd.formula import Expr, derivatives, name, number, output_formula, render, symbolic
from autograd.testing import gate_inputs

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
NAMESPACE = {
    name: getattr(functions, name)
    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "sin", "cos", "where", "abs")
}


def test_the_lecture_gates_read_as_on_the_slides() -> None:
    assert derivatives(ops.MUL, ["q", "z"], "f") == ["z", "q"]
    assert derivatives(ops.ADD, ["x", "y"], "q") == ["1", "1"]
    assert derivatives(ops.SIGMOID, ["x"], "s") == ["s * (1 - s)"]
    assert derivatives(ops.TANH, ["x"], "t") == ["1 - t * t"]
    assert derivatives(ops.EXP, ["x"], "e") == ["e"]
    assert derivatives(ops.RECIPROCAL, ["x"], "r") == ["-r * r"]
    assert output_formula(ops.MUL, ["q", "z"]) == "q * z"


def test_constant_inputs_are_folded_in() -> None:
    assert derivatives(ops.POW, ["x", 2.0])[0] == "2 * x"
    assert derivatives(ops.POW, ["x", 3.0])[0] == "3 * x ** 2"
    assert derivatives(ops.MUL, ["x", -1.0]) == ["-1", "x"]
    assert derivatives(ops.LEAKY_RELU, ["x", 0.1])[0] == "where(x > 0, 1, 0.1)"


@pytest.mark.parametrize("op_name", sorted(ops.OPS))
@SETTINGS
@given(data=st.data())
def test_the_text_of_every_rule_computes_what_the_rule_computes(
    op_name: str, data: st.DataObject
) -> None:
    """Evaluate the printed formulas with Python at a point: the rule's own numbers."""
    op = ops.OPS[op_name]
    xs = data.draw(gate_inputs(op), label="inputs")
    out, *local = op.rule(*xs)
    names = ["x", "y"][: op.arity]
    scope: dict[str, Any] = {**NAMESPACE, **dict(zip(names, xs)), "out": out}
    assert eval(output_formula(op, names), scope) == pytest.approx(out, rel=1e-12)  # noqa: S307
    for text, expected in zip(derivatives(op, names, "out"), local):
        assert eval(text, scope) == pytest.approx(expected, rel=1e-12, abs=1e-300)  # noqa: S307


def trees(depth: int = 3) -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.sampled_from([name("a"), name("b"), name("c")]),
        st.integers(-3, 3).map(lambda k: number(float(k))),
    )
    operators = st.sampled_from(["+", "-", "*", "/", "**", "neg"])

    def extend(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.tuples(operators, inner, inner).map(lambda t: _apply(*t))

    return st.recursive(leaves, extend, max_leaves=6)


def _apply(operator: str, a: Expr, b: Expr) -> Expr:
    if operator == "neg":
        return -a
    return {
        "+": a + b,
        "-": a - b,
        "*": a * b,
        "/": a / b,
        "**": a**b,
    }[operator]


def _value(expr: Expr, scope: dict[str, float]) -> float:
    """The tree's value computed from the tree itself (not from its text)."""
    if expr.kind == "name":
        return scope[expr.value]
    if expr.kind == "number":
        return float(expr.value)
    args = [_value(a, scope) for a in expr.args]
    if expr.kind == "neg":
        return -args[0]
    a, b = args
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "**": a**b}[expr.kind]


@SETTINGS
@given(trees())
def test_rendering_puts_parentheses_where_python_needs_them(expr: Expr) -> None:
    scope = {"a": 1.7, "b": -0.6, "c": 2.3}
    try:
        expected = _value(expr, scope)
    except (ArithmeticError, ValueError, TypeError):
        return  # 0 ** -1, a complex power: nothing to compare
    if isinstance(expected, complex) or not math.isfinite(expected):
        return
    assert eval(render(expr), dict(scope)) == pytest.approx(expected, rel=1e-9)  # noqa: S307


def test_rendering_examples() -> None:
    a, b, c = name("a"), name("b"), name("c")
    assert render(a - (b - c)) == "a - (b - c)"
    assert render((a - b) - c) == "a - b - c"
    assert render(a / (b * c)) == "a / (b * c)"
    assert render((a**b) ** c) == "(a ** b) ** c"
    assert render(a ** (b**c)) == "a ** b ** c"
    assert render((-a) ** 2) == "(-a) ** 2"
    assert render(-(a**2)) == "-a ** 2"
    assert render(a * (b + c)) == "a * (b + c)"
    assert render(a * 1.0 + 0.0) == "a"


def test_a_rule_that_branches_on_its_input_is_refused() -> None:
    def branching(x: Any) -> tuple[Any, Any]:
        return (x, 1.0) if x > 0 else (0.0, 0.0)

    op = ops.Op("branching", "b", branching, lambda x: x if x > 0 else 0.0, 1)
    with pytest.raises(TypeError, match="where"):
        symbolic(op, [name("x")])


def test_a_wrong_number_of_inputs_is_an_error() -> None:
    with pytest.raises(ValueError, match="takes 2"):
        derivatives(ops.MUL, ["x"])


def test_latex_of_every_rule() -> None:
    from autograd.formula import latex

    expected = {
        "add": ["1", "1"],
        "mul": ["y", "x"],
        "div": ["\\frac{1}{y}", "\\frac{-out}{y}"],
        "tanh": ["1 - out \\cdot out"],
        "sigmoid": ["out \\cdot \\left(1 - out\\right)"],
        "sqrt": ["0.5 \\cdot x^{-0.5}"],
        "max": [
            "\\begin{cases} 1 & x > y \\\\ 0 & x < y \\\\ 0.5 & \\text{else} \\end{cases}",
            "\\begin{cases} 1 & y > x \\\\ 0 & y < x \\\\ 0.5 & \\text{else} \\end{cases}",
        ],
        "softplus": ["\\sigma\\left(x\\right)"],
    }
    for op in ops.OPS.values():
        inputs: list = [name("x"), name("y")][: op.arity]
        if op.name == "leaky_relu":
            inputs[1] = 0.1
        traced = symbolic(op, inputs, "out")
        texts = [latex(local, traced.names) for local in traced.locals]
        assert all(texts), op
        if op.name in expected:
            assert texts == expected[op.name], op
    traced = symbolic(ops.POW, [name("w0"), 2.0], "out")
    assert latex(traced.locals[0], traced.names, lambda n: n.upper()) == "2 \\cdot W0"
