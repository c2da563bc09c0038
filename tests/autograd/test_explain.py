"""autograd.explain: a gradient as the sum over paths of products of local gradients, checked
against the engine on random graphs; the lecture's derivations as printed; bounded explosion."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from autograd import Stepper, Value, explain, gradients
from autograd.drawing.labels import checks
from autograd.explain import latex_name
from autograd.graph import topological_order
from autograd.testing import Case, Expression, Instruction, cases
from tests.autograd.test_draw_support import chain_rule, sigmoid_circuit


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.integers(1, 10_000))
def test_the_sum_of_path_products_is_the_engines_gradient(case, max_paths: int) -> None:
    out = case.expression.build(*case.values())
    nodes = [node for node in topological_order(out) if not node.is_constant]
    exact = gradients(out, nodes)
    for node, g in zip(nodes, exact):
        found = explain(out, node, max_paths=max_paths)
        assert found.gradient == g
        scale = sum(abs(term.value) for term in found.terms)
        assert abs(found.total - g) <= 1e-9 * scale + 1e-12, (str(case.expression), found)
        if not found.grouped:
            assert len(found.terms) == found.paths <= max_paths
            assert all(not t.rest for t in found.terms)


CANCELLING_PATHS = Case(  # d/dx0 is 0: six paths whose float products add up to -4.16e-17
    Expression(
        1,
        (
            Instruction("sub", (0, 0)),
            Instruction("add_const", (1,), -2.0),
            Instruction("add_const", (2,), -2.0),
            Instruction("add", (3, 1)),
            Instruction("exp", (4,)),
            Instruction("add", (5, 2)),
        ),
    ),
    (1.0,),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_steps=6))
@example(CANCELLING_PATHS)
def test_the_numbers_shown_check_by_hand(case) -> None:
    out = case.expression.build(*case.values())
    leaves = [n for n in topological_order(out) if n.is_leaf and not n.is_constant]
    for leaf in leaves:
        found = explain(out, leaf)
        numbers_row = str(found).splitlines()[-2] if len(found.terms[0].factors) > 1 else None
        if numbers_row is None or "∂" in numbers_row or "(the other" in numbers_row:
            continue
        terms = [
            tuple(part.strip().strip("()") for part in term.split(" · "))
            for term in numbers_row.split(" = ", 1)[1].split(" + ")
        ]
        total = str(found).splitlines()[-1].split(" = ", 1)[1]
        if any(not all(_is_number(t) for t in term) for term in terms):
            continue
        assert checks(total, *terms), str(found)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def test_the_lecture_chain_rule() -> None:
    f, v = chain_rule()
    assert str(explain(f, v["x"], fmt="g")) == (
        "∂f/∂x = ∂f/∂q · ∂q/∂x\n      = z · 1\n      = -4 · 1\n      = -4"
    )
    assert str(explain(f, "z")) == "∂f/∂z = q\n      = 3.00"
    assert str(explain(f, f)) == "∂f/∂f = 1.00"
    assert explain(f, v["y"]).gradient == -4.0


def test_several_paths_are_summed() -> None:
    x, y = Value(3.0, "x"), Value(2.0, "y")
    g = x * x + x * y
    g.label = "g"
    found = explain(g, x)
    assert found.paths == 3 and not found.grouped and found.total == 8.0
    assert str(found) == (
        "∂g/∂x sums 3 paths from x to g, each the product of the local gradients along it.\n"
        "∂g/∂x = ∂g/∂n1 · ∂n1/∂x (local) + ∂g/∂n1 · ∂n1/∂x (local) + ∂g/∂n2 · ∂n2/∂x\n"
        "      = 1 · x + 1 · x + 1 · y\n"
        "      = 1.00 · 3.00 + 1.00 · 3.00 + 1.00 · 2.00\n"
        "      = 8.00"
    )


def test_paths_that_cancel_add_up_to_zero_not_to_rounding_noise() -> None:
    x = Value(1.0, "x")
    out = CANCELLING_PATHS.expression.build(x)
    found = explain(out, x)
    assert found.total == 0.0 == found.gradient
    assert str(found).splitlines()[-1].endswith("= 0.00")
    assert "0.018 ·" in str(found)  # the factors keep their short form
    a, b = Value(0.1, "a"), Value(0.2, "b")
    assert explain(a * b + a * 0.3, a).total == 0.2 + 0.3
    big = x * 1e16 - x * 1e16 + x  # exact products that cancel: the sum is exactly 1
    assert explain(big, x).total == 1.0 and str(explain(big, x)).endswith("= 1.00")


def test_a_local_gradient_is_marked_where_its_symbol_would_read_as_the_whole_one() -> None:
    """x feeds f directly and through n1 (f = x*y + x): the + gate's ∂f/∂x is 1, the whole
    ∂f/∂x is y + 1, so the local one says so, in the text, in LaTeX, in the stepper's caption
    and in the quiz's prompt; ∂n1/∂x (x reaches n1 once) stays as it is."""
    x, y = Value(3.0, "x"), Value(2.0, "y")
    f = x * y + x
    f.label = "f"
    found = explain(f, x)
    assert str(found).splitlines()[1] == "∂f/∂x = ∂f/∂n1 · ∂n1/∂x + ∂f/∂x (local)"
    assert r"\left.\frac{\partial f}{\partial x}\right|_{\mathrm{local}}" in found.latex
    captions = [Stepper(f).caption(k) for k in range(len(Stepper(f)))]
    assert any("+ → x:  ∂f/∂x (local) = 1.00;" in c for c in captions)
    assert any("* → x:  ∂n1/∂x = y = 2.00;" in c for c in captions)
    assert captions[-1] == "backward done: ∂f/∂x = 3.00, ∂f/∂y = 3.00"
    prompts = [q.prompt for q in Stepper(f).questions()]
    assert "what f passes back to x: ∂f/∂f · ∂f/∂x (local)" in prompts


def test_the_sigmoid_neuron_brackets_negative_factors() -> None:
    f, v = sigmoid_circuit()
    text = str(explain(f, v["w0"]))
    assert text.splitlines()[1].endswith("= (-f · f) · 1 · n6 · (-1) · 1 · 1 · x0")
    assert text.splitlines()[2].endswith("= -0.53 · 1.00 · 0.37 · (-1.00) · 1.00 · 1.00 · (-1.00)")
    assert text.endswith("= -0.20")


def test_a_sum_in_a_product_is_bracketed() -> None:
    x = Value(0.5, "x")
    t = x.tanh()
    t.label = "t"
    f = t * 3.0
    f.label = "f"
    assert str(explain(f, x)).splitlines()[1].endswith("= 3 · (1 - t · t)")


def test_path_explosion_is_grouped_by_the_first_edge() -> None:
    x = y = Value(1.01, "x")
    for _ in range(12):
        y = y * y
    y.label = "y"
    found = explain(y, x)
    assert found.paths == 4096 and found.grouped and len(found.terms) == 2
    lines = str(found).splitlines()
    assert lines[0].startswith("∂y/∂x sums 4,096 paths from x to y, too many to write out")
    assert lines[1] == "∂y/∂x = ∂y/∂n1 · ∂n1/∂x (local) + ∂y/∂n1 · ∂n1/∂x (local)"
    assert lines[2] == "      = ∂y/∂n1 · x + ∂y/∂n1 · x"
    assert found.total == pytest.approx(found.gradient, rel=1e-12)


def test_many_uses_are_summed_beyond_the_listed_terms() -> None:
    x = Value(1.0, "x")
    s = x * 1.0
    for k in range(2, 21):
        s = s + x * float(k)
    found = explain(s, x)
    assert found.grouped and len(found.terms) == 9 and found.terms[-1].rest == 12
    assert "(the other 12 terms)" in str(found)
    assert found.total == pytest.approx(210.0)


def test_a_long_chain_is_grouped() -> None:
    x = y = Value(0.1, "x")
    for _ in range(100):
        y = y + 1.0
    found = explain(y, x)
    assert found.paths == 1 and found.grouped and found.total == 1.0


def test_latex() -> None:
    f, v = chain_rule()
    found = explain(f, v["x"])
    assert found.latex == (
        "\\begin{aligned}\n"
        "\\frac{\\partial f}{\\partial x} &= \\frac{\\partial f}{\\partial q} \\cdot "
        "\\frac{\\partial q}{\\partial x} \\\\\n"
        "&= z \\cdot 1 \\\\\n&= -4.00 \\cdot 1.00 \\\\\n&= -4.00\n\\end{aligned}"
    )
    assert found._repr_latex_() == f"$$\n{found.latex}\n$$"
    x = Value(0.5, "x")
    relu = (x * 2.0).relu()
    assert "\\begin{cases} 1 & n_{1} > 0 \\\\ 0 & \\text{else} \\end{cases}" in (
        explain(relu, x).latex
    )


def test_names_in_latex() -> None:
    assert latex_name("w0") == "w_{0}"
    assert latex_name("E_total") == "E_{\\mathrm{total}}"
    assert latex_name("loss") == "\\mathrm{loss}"
    assert latex_name("-1") == "-1"
    assert latex_name("layers.0.w_1") == "\\mathrm{layers.0.w\\_1}"
    assert latex_name("a{b}$\\σ") == "\\mathrm{a\\{b\\}\\$\\backslash{}?}"


def test_bad_arguments_are_named() -> None:
    f, v = chain_rule()
    with pytest.raises(ValueError, match="no node of the graph is called 'w'; its nodes: x, y"):
        explain(f, "w")
    with pytest.raises(ValueError, match="not in the graph of f"):
        explain(f, Value(1.0))
    with pytest.raises(TypeError, match="root must be a Value"):
        explain(3.0, v["x"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_paths must be a positive int"):
        explain(f, v["x"], max_paths=0)
    with pytest.raises(ValueError, match="fmt="):
        explain(f, v["x"], fmt="x")
    three = v["x"] * 3.0
    with pytest.raises(ValueError, match="a constant"):
        explain(three, three.parents[1])


def test_explain_touches_no_grad() -> None:
    f, v = chain_rule()
    explain(f, v["x"])
    assert all(node.grad == 0.0 for node in topological_order(f))


def test_a_name_two_nodes_share_is_refused_and_the_node_list_is_short() -> None:
    h1, h2 = Value(1.0, "h"), Value(2.0, "h")
    f = h1 * h2
    with pytest.raises(ValueError, match="2 nodes of the graph are called 'h': pass the Value"):
        explain(f, "h")
    total = Value(0.0, "t")
    for k in range(200):
        total = total + Value(float(k), f"w{k}")
    with pytest.raises(ValueError) as error:
        explain(total, "nope")
    assert len(str(error.value)) < 300 and "more" in str(error.value)


def test_astronomically_many_paths_are_counted_by_their_size() -> None:
    x = Value(0.3, "x")
    y = x
    for _ in range(14_500):  # every step doubles the paths: 2^14500
        y = (y + y) * 0.5
    found = explain(y, x)
    assert "sums more than 10^4364 paths" in found.header
    assert found.gradient == pytest.approx(1.0)
