"""autograd.expression: the whitelist parser behind the command line."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from autograd.expression import ExpressionError, parse, parse_bindings

NAMES = ("x", "y", "z")
Built = tuple[str, Callable[[dict[str, float]], float]]


def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


REFERENCE: dict[str, Callable[[float], float]] = {
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda v: max(v, 0.0),
    "softplus": lambda v: max(v, 0.0) + math.log1p(math.exp(-abs(v))),
    "exp": math.exp,
    "log": math.log,
    "leaky_relu": lambda v: v if v > 0 else 0.01 * v,  # the default slope, as x.leaky_relu()
}


def _leaf() -> st.SearchStrategy[Built]:
    names = st.sampled_from(NAMES).map(lambda n: (n, lambda env, n=n: env[n]))
    numbers = st.integers(0, 30).map(lambda k: (f"{k / 10}", lambda env, k=k: k / 10))
    return names | numbers


def _extend(children: st.SearchStrategy[Built]) -> st.SearchStrategy[Built]:
    def binary(op: str, a: Built, b: Built) -> Built:
        fa, fb = a[1], b[1]
        fn = {
            "+": lambda env: fa(env) + fb(env),
            "-": lambda env: fa(env) - fb(env),
            "*": lambda env: fa(env) * fb(env),
            "/": lambda env: fa(env) / fb(env),
        }[op]
        return f"({a[0]} {op} {b[0]})", fn

    def call(name: str, a: Built) -> Built:
        fa = a[1]
        return f"{name}({a[0]})", lambda env: REFERENCE[name](fa(env))

    def power(a: Built, c: int) -> Built:
        fa = a[1]
        return f"({a[0]}) ** {c}", lambda env: fa(env) ** c

    def maximum(a: Built, b: Built) -> Built:
        fa, fb = a[1], b[1]
        return f"max({a[0]}, {b[0]})", lambda env: max(fa(env), fb(env))

    def negate(a: Built) -> Built:
        fa = a[1]
        return f"-({a[0]})", lambda env: -fa(env)

    return (
        st.builds(binary, st.sampled_from("+-*/"), children, children)
        | st.builds(call, st.sampled_from(sorted(REFERENCE)), children)
        | st.builds(power, children, st.integers(1, 3))
        | st.builds(maximum, children, children)
        | st.builds(negate, children)
    )


expressions = st.recursive(_leaf(), _extend, max_leaves=8)


# Inputs are 0 or at least 1e-6 in size: at 1e-181, 1/x is fine but its derivative -1/x^2
# overflows, which the engine (rightly) reports as an error while the plain reference does not.
POINT = st.floats(-3, 3, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-6)


@settings(max_examples=80, deadline=None)
@given(expressions, st.tuples(*[POINT] * 3))
def test_whitelisted_expressions_compute_what_python_computes(
    built: Built, point: tuple[float, ...]
) -> None:
    text, reference = built
    env = dict(zip(NAMES, point))
    try:
        expected = reference(env)
    except (ArithmeticError, ValueError):
        expected = None
    if expected is not None and not math.isfinite(expected):
        expected = None
    expression = parse(text)
    values = {name: Value(env[name], name) for name in expression.names}
    if expected is None:
        with pytest.raises(ExpressionError):
            expression.evaluate(values)
        return
    try:
        result = expression.evaluate(values)
    except ExpressionError:
        pytest.fail(f"{text} at {env}: the engine refused what math computes ({expected!r})")
    got = result.data if isinstance(result, Value) else result
    assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), text


def test_names_come_in_order_of_first_use() -> None:
    assert parse("(x + y) * z + x").names == ("x", "y", "z")
    assert parse("1/(1+exp(-(w0*x0+w1*x1+w2)))").names == ("w0", "x0", "w1", "x1", "w2")


def test_the_lecture_circuits_build_the_lecture_gates_and_gradients() -> None:
    expression = parse("1/(1+exp(-(w0*x0+w1*x1+w2)))")
    values = {n: Value(v, n) for n, v in zip(expression.names, (2.0, -1.0, -3.0, -2.0, -3.0))}
    f = expression.evaluate(values)
    assert isinstance(f, Value) and f.op == "1/x" and round(f.data, 2) == 0.73
    f.backward()
    assert [round(values[n].grad, 2) for n in expression.names] == [-0.2, 0.39, -0.39, -0.59, 0.2]
    assert gradcheck(
        lambda a, b: parse("tanh(a*b) + softplus(a) - max(a, b)").evaluate({"a": a, "b": b}),
        0.3,
        -0.7,
    )


MALICIOUS = [
    "__import__('os').system('touch pwned')",
    "x.__class__.__mro__",
    "(lambda: 1)()",
    "open('/etc/passwd')",
    "exp.__globals__",
    "x[0]",
    "[c for c in 'ab']",
    "{c: 1 for c in 'ab'}",
    "(c for c in 'ab')",
    "x if y else z",
    "x < y",
    "x and y",
    "'text'",
    "b'bytes'",
    "f'{x}'",
    "1j",
    "True",
    "None",
    "...",
    "x // y",
    "x % y",
    "x @ y",
    "~x",
    "+x",
    "not x",
    "(x, y)",
    "[x]",
    "{x}",
    "(y := 2)",
    "exp(x=1)",
    "exp(*x)",
    "max(x)",
    "exp(x, y)",
    "exp",
    "getattr(x, 'data')",
    "x; import os",
    "import os",
    "",
    "x +",
    "(" * 300 + "x" + ")" * 300,
    "1+" * 6000 + "1",
    "x\0",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_anything_outside_the_whitelist_is_rejected_with_one_line(text: str) -> None:
    with pytest.raises(ExpressionError) as error:
        parse(text)
    assert "\n" not in str(error.value)


def test_unbound_names_and_impossible_values_are_named() -> None:
    with pytest.raises(ExpressionError, match=r"'z' has no value: pass it as z=<number>"):
        parse("x * z").evaluate({"x": 1.0})
    with pytest.raises(ExpressionError, match=r"cannot compute log\(x\)"):
        parse("log(x)").evaluate({"x": Value(-1.0)})
    with pytest.raises(ExpressionError, match="overflows"):
        parse("9.0 ** 9 ** 9 ** 9").evaluate({})


def test_a_call_may_leave_out_what_the_value_method_has_a_default_for() -> None:
    x = Value(-3.0, "x")
    f = parse("leaky_relu(x)").evaluate({"x": x})
    assert isinstance(f, Value) and f.data == Value(-3.0).leaky_relu().data == -0.03
    f.backward()
    assert x.grad == 0.01 and [p.data for p in f.parents] == [-3.0, 0.01]
    g = parse("leaky_relu(x, 0.2)").evaluate({"x": Value(-3.0, "x")})
    assert isinstance(g, Value) and g.data == pytest.approx(-0.6)
    assert parse("leaky_relu(-2) + x").evaluate({"x": 0.0}) == -0.02  # numbers stay floats


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max(x)", "max(x) has 1 argument: max takes 2 arguments, as in max(x, y)"),
        ("tanh(x, y)", "tanh(x, y) has 2 arguments: tanh takes 1 argument, as in tanh(x)"),
        ("exp()", "exp() has 0 arguments: exp takes 1 argument, as in exp(x)"),
        (
            "leaky_relu(x, 1, 2)",
            "leaky_relu(x, 1, 2) has 3 arguments: leaky_relu takes 1 or 2 arguments, as in "
            "leaky_relu(x) or leaky_relu(x, 0.01)",
        ),
    ],
)
def test_a_call_with_too_many_or_too_few_arguments_says_the_form_to_use(
    text: str, message: str
) -> None:
    with pytest.raises(ExpressionError) as error:
        parse(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("X*y", {"x": 1.0, "y": 2.0}, "'X' has no value: pass it as X=<number> (names are "
         "case-sensitive: x is given, X is not)"),
        ("rate*y", {"rte": 1.0, "y": 2.0}, "'rate' has no value: pass it as rate=<number> (rte "
         "is given but not used: is one of them misspelt?)"),
        ("x*w", {"x": 1.0, "y": 2.0}, "'w' has no value: pass it as w=<number>"),
        ("x", {"x": 1.0, "y": 2.0}, "y=2 is not used by the expression"),
    ],
)  # fmt: skip
def test_a_name_without_a_value_is_named_before_a_value_without_a_name(
    text: str, values: dict[str, float], message: str
) -> None:
    with pytest.raises(ExpressionError) as error:
        parse(text).check_values(values)
    assert str(error.value) == message
    if "no value" in message:
        with pytest.raises(ExpressionError) as error:
            parse(text).evaluate(values)
        assert str(error.value) == message
    parse(text).check_values({name: 1.0 for name in parse(text).names})  # exactly its names


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x"], "expected NAME=NUMBER"),
        (["x=-2", "x=3"], "given twice"),
        (["x=abc"], "must be a finite number"),
        (["x=inf"], "must be a finite number"),
        (["x=nan"], "must be a finite number"),
        (["exp=1"], "function name"),
        (["1x=2"], "expected NAME=NUMBER"),
        (["x==2"], "must be a finite number"),
        (["x=1e-400"], "1e-400, is too small for a float: it would be 0.0"),
        (["x=-0.5e-330"], "too small for a float"),
    ],
)
def test_bad_bindings_are_explained(arguments: list[str], message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_bindings(arguments)


def test_zero_written_any_way_is_zero() -> None:
    assert parse_bindings(["x=0e5", "y=-0.0", "z=0.000e-999"]) == {"x": 0.0, "y": 0.0, "z": 0.0}


def test_bindings_parse() -> None:
    assert parse_bindings(["x=-2", "y=5", "z = 1e-3"]) == {"x": -2.0, "y": 5.0, "z": 0.001}


# -- deep and huge expressions: a one-line error, never a RecursionError --------------------------

DEEP_WRAPPERS: dict[str, Callable[[str, int], str]] = {
    "unary minus": lambda inner, n: "-" * n + inner,
    "calls": lambda inner, n: "relu(" * n + inner + ")" * n,
    "parentheses": lambda inner, n: "(" * min(n, 190) + inner + ")" * min(n, 190),
    "sums": lambda inner, n: inner + "+x" * n,
    "powers": lambda inner, n: "x**" * n + inner if n < 1000 else inner + "*x" * n,
}


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(sorted(DEEP_WRAPPERS)),
    st.integers(1, 3200),
    st.sampled_from(["log(-x)", "x/0", "x*" + "9" * 400, "exp(x*1000)", "x**" + "9" * 30]),
)
def test_deep_expressions_fail_in_one_short_line(wrapper: str, depth: int, failing: str) -> None:
    """Whatever the nesting, an expression that cannot be computed gives an ExpressionError of one
    line that quotes at most a short piece of it, never a RecursionError."""
    text = DEEP_WRAPPERS[wrapper](failing, depth)
    if len(text) > 10_000:
        text = text[:10_000]
    with pytest.raises(ExpressionError) as error:
        parse(text).evaluate({"x": Value(2.0, "x")})
    message = str(error.value)
    assert "\n" not in message and len(message) < 500, message


def test_an_error_quotes_the_failing_part_as_typed_and_shortened() -> None:
    with pytest.raises(ExpressionError) as error:
        parse("relu(" + "-" * 2001 + "log(x - 2))").evaluate({"x": Value(1.0, "x")})
    assert str(error.value).startswith("cannot compute log(x - 2): log(-1.0) is undefined")
    with pytest.raises(ExpressionError) as error:
        parse("log(" + "-" * 2001 + "x)").evaluate({"x": Value(1.0, "x")})
    assert re.fullmatch(r"cannot compute log\(-+ \.\.\. -+x\): log\(-1\.0\) .*", str(error.value))


def test_numbers_too_large_for_a_float_are_named_briefly() -> None:
    with pytest.raises(ExpressionError, match=r"the number 9{35} \.\.\. 9{20} is too large"):
        parse("x*" + "9" * 400).evaluate({"x": 1.0})
    with pytest.raises(ExpressionError, match="a number has more than 4300 digits"):
        parse("x*" + "9" * 5000)
    with pytest.raises(ExpressionError, match=r"got '9{35} \.\.\. 9{20}'"):
        parse_bindings(["x=" + "9" * 400])


def test_nesting_past_the_parser_is_explained() -> None:
    with pytest.raises(ExpressionError, match="nests too deeply for Python's parser"):
        parse("-" * 3500 + "x")
