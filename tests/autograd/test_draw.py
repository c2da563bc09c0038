"""autograd.draw: the DOT text (labels, values, gradients, ids, escaping) and the options."""

from __future__ import annotations

import decimal
import re

import graphviz
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value, draw, summary
from autograd.drawing.labels import number
from autograd.drawing.scene import build_scene, layout_size
from autograd.drawing.theme import LIGHT
from autograd.graph import topological_order
from autograd.testing import cases
from tests.autograd.test_draw_support import (
    chain_rule,
    needs_dot,
    plain_layout,
    sigmoid_circuit,
    wire_id,
    wires,
)


def test_returns_a_graphviz_digraph_that_shows_in_jupyter() -> None:
    f, _ = chain_rule()
    diagram = draw(f)
    assert isinstance(diagram, graphviz.Digraph)
    assert hasattr(diagram, "_repr_mimebundle_")
    assert "rankdir=LR" in diagram.source and "ordering=in" in diagram.source


def test_chain_rule_wires_carry_the_lecture_numbers() -> None:
    f, v = chain_rule()
    f.backward()
    found = wires(draw(f, fmt="g").source)
    expected = {
        "x": ("-2", "-4"),
        "y": ("5", "-4"),
        "z": ("-4", "3"),
        "q": ("3", "-4"),
        "f": ("-12", "1"),
    }
    for name, numbers in expected.items():
        assert found[wire_id(f, v[name])] == numbers, name
    assert len(found) == 5


def test_sigmoid_circuit_wires_carry_the_slide_numbers() -> None:
    f, v = sigmoid_circuit()
    f.backward()
    found = wires(draw(f).source)
    expected = {
        "w0": ("2.00", "-0.20"), "x0": ("-1.00", "0.39"), "w1": ("-3.00", "-0.39"),
        "x1": ("-2.00", "-0.59"), "w2": ("-3.00", "0.20"), "p0": ("-2.00", "0.20"),
        "p1": ("6.00", "0.20"), "s": ("4.00", "0.20"), "t": ("1.00", "0.20"),
        "neg": ("-1.00", "-0.20"), "e": ("0.37", "-0.53"), "d": ("1.37", "-0.53"),
        "f": ("0.73", "1.00"),
    }  # fmt: skip
    for name, numbers in expected.items():
        assert found[wire_id(f, v[name])] == numbers, name
    assert len(found) == len(expected)


def test_gates_are_circles_with_symbols_and_constants_folded_in() -> None:
    f, _ = sigmoid_circuit()
    source = draw(f).source
    gates = re.findall(r"label=<([^<>]*)> fillcolor=white margin=0.04 shape=circle", source)
    assert gates == ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]
    assert not re.search(r"label=<-?1> ", source), "constants are not drawn as nodes"


def test_a_number_on_the_left_of_a_division_or_power_is_drawn_on_the_left() -> None:
    x = Value(3.0, "x")
    source = draw(2**x + x**2 + 10 / x + x / 10 + 2 * x).source
    gates = re.findall(r"label=<([^<>]*)> fillcolor=white margin=0.04 shape=circle", source)
    assert sorted(g for g in gates if g != "+") == ["**2", "*2", "/10", "10/", "2**"]


def test_leaves_are_named_and_inputs_come_in_argument_order() -> None:
    f, v = chain_rule()
    source = draw(f).source
    for name in "xyz":
        assert f"label=<{name}>" in source
    # into the * gate: q (argument 0) before z (argument 1), so dot draws q above z
    q_in = source.index(f"{wire_id(f, v['q'])}:e -> ")
    z_in = source.index(f"{wire_id(f, v['z'])}:e -> ")
    assert q_in < z_in


def test_before_backward_gradients_show_as_question_marks_never_zero() -> None:
    f, _ = sigmoid_circuit()
    found = wires(draw(f).source)
    assert {grad for _, grad in found.values()} == {"?"}
    f.backward()
    assert "?" not in {grad for _, grad in wires(draw(f).source).values()}


def test_grads_option_forces_gradients_on_or_off() -> None:
    f, v = chain_rule()
    assert wires(draw(f, grads=True).source)[wire_id(f, v["x"])] == ("-2.00", "0.00")
    f.backward()
    assert {g for _, g in wires(draw(f, grads=False).source).values()} == {"?"}
    with pytest.raises(ValueError, match="grads"):
        draw(f, grads="yes")  # type: ignore[arg-type]


def test_same_graph_gives_the_same_dot_text_with_ids_in_topological_order() -> None:
    first, _ = sigmoid_circuit()
    second, _ = sigmoid_circuit()
    assert draw(first).source == draw(first).source == draw(second).source
    ids = re.findall(r"^\s*(n\d+) \[", draw(first).source, re.M)
    order = topological_order(first)
    assert ids == [f"n{order.index(n)}" for n in order if not n.is_constant]


def test_a_node_used_twice_gets_a_trunk_and_branches_whose_gradients_add_up() -> None:
    x = Value(3.0, "x")
    f = x * x + x
    f.backward()
    found = wires(draw(f, fmt="g").source)
    trunk = wire_id(f, x)
    assert found[trunk] == ("3", "7")
    branches = [grad for wire, (_, grad) in found.items() if wire.startswith(trunk + "_")]
    assert sorted(branches) == ["1", "3", "3"]


@pytest.mark.parametrize(
    "label",
    ["<script>alert(1)</script>", 'a "quoted" & <b>bold</b>', "x]; evil [label=1", "line\nbreak"],
)
def test_labels_are_escaped_in_the_dot_text(label: str) -> None:
    x = Value(1.0, label)
    y = x * 2
    y.label = label
    source = draw(y).source
    assert "<script>" not in source and "<b>" not in source
    assert "&lt;" in source or "&quot;" in source or "]" in source
    assert source.count("\n") == draw(Value(1.0, "x") * 2).source.count("\n")


def test_record_style_boxes_show_name_data_and_grad() -> None:
    f, _ = chain_rule()
    f.backward()
    source = re.sub(r"</FONT><FONT[^>]*>", "", draw(f, style="record").source)
    for text in ("data -2.00", "grad -4.00", "data -12.00", "grad 1.00", ">q<", ">f<", ">x<"):
        assert text in source
    assert len(re.findall(r"shape=circle", source)) == 2


def test_record_style_names_every_gate_box_the_way_summary_does() -> None:
    x, y = Value(2.0, "x"), Value(3.0, "y")
    loss = (x * y + 1.0) ** 2  # no labels on the gates: n1, n2, n3 as summary names them
    source = draw(loss, style="record").source
    names = re.findall(r"<TD[^>]*><FONT COLOR=\"#333333\">(\w+)</FONT></TD>", source)
    assert names == ["x", "y", "n1", "n2", "n3"]
    assert [line.split()[0] for line in summary(loss).splitlines()[1:]] == names


def test_heat_colours_wires_by_gradient_and_greys_dead_relu_paths() -> None:
    a, b = Value(-2.0, "a"), Value(3.0, "b")
    f = a.relu() + 4 * b
    f.backward()
    source = draw(f, heat=True).source
    dead = wire_id(f, a)
    assert re.search(rf"n\d+ -> {dead}:w \[arrowhead=none color=\"{LIGHT.dead_wire}\"", source)
    widths = [float(w) for w in re.findall(r"penwidth=([0-9.]+)\]", source)]
    assert max(widths) == 5.0 and min(widths) == 1.0


def test_options_are_checked() -> None:
    f, _ = chain_rule()
    assert "rankdir=TB" in draw(f, rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        draw(f, rankdir="up")
    with pytest.raises(ValueError, match="fmt"):
        draw(f, fmt="%d")
    with pytest.raises(ValueError, match="style"):
        draw(f, style="fancy")
    with pytest.raises(ValueError, match="collapse"):
        draw(f, collapse="layer")
    with pytest.raises(TypeError, match="Value"):
        draw(3.0)  # type: ignore[arg-type]


def test_negative_zero_is_not_drawn_with_a_sign() -> None:
    x = Value(-1e-9, "x")
    f = x * 1
    assert wires(draw(f, fmt=".2f").source)[wire_id(f, x)][0] == "0.00"
    assert wires(draw(f).source)[wire_id(f, x)][0] == "-1.0e-09", "auto shows it is not 0"


def test_too_many_nodes_raise_an_error_that_says_what_to_do() -> None:
    x = Value(1.0, "x")
    f = x
    for _ in range(600):
        f = f * 1.0001
    with pytest.raises(ValueError, match=r"601 nodes.*max_nodes=601") as error:
        draw(f)
    assert "collapse" not in str(error.value), "no neurons here: collapsing would not help"
    assert draw(f, max_nodes=601).source.count("shape=circle") == 600


def test_a_value_used_all_along_a_long_graph_is_refused_before_dot_runs() -> None:
    x = Value(0.5, "x")
    f = x
    for _ in range(300):
        f = f + x  # x's wires would cross the whole drawing, 300 times
    with pytest.raises(ValueError, match=r"x is used by 301 gates.*autograd.summary"):
        draw(f)
    short = x
    for _ in range(60):
        short = short + x
    assert draw(short).source.count("shape=circle") == 60


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(cases(max_steps=6))
def test_every_wire_shows_its_nodes_value_and_gradient(case) -> None:  # type: ignore[no-untyped-def]
    f = case.expression.build(*case.values())
    f.backward()
    found = wires(draw(f, fmt=".6g").source)
    for node in topological_order(f):
        if node.is_constant:
            continue
        value, grad = found[wire_id(f, node)]
        assert value == format(node.data, ".6g").lstrip("-") or value == format(node.data, ".6g")
        assert grad in (format(node.grad, ".6g"), format(node.grad, ".6g").lstrip("-"))


@needs_dot
@pytest.mark.parametrize("rankdir", ["LR", "RL", "TB", "BT"])
def test_wires_run_straight_into_their_labels_in_every_direction(rankdir: str) -> None:
    f, v = sigmoid_circuit()
    f.backward()
    nodes, edges = plain_layout(draw(f, rankdir=rankdir).source)
    inward = {"LR": (-1, 0), "RL": (1, 0), "TB": (0, 1), "BT": (0, -1)}[rankdir]
    checked = 0
    for _, head, points in edges:
        if not head.startswith("w"):
            continue
        x, y, width, height = nodes[head]
        entry = (x + inward[0] * width / 2, y + inward[1] * height / 2)  # where the bar starts
        assert points[-1] == pytest.approx(entry, abs=0.04), (head, rankdir)  # inches
        along = 0 if inward[0] else 1  # no point of the wire lies beyond its entry: no hook
        side = inward[along]
        assert all((p[along] - entry[along]) * side >= -0.02 for p in points), (head, rankdir)
        checked += 1
    assert checked == 13


def test_heat_wires_keep_their_colour_and_width_through_their_labels() -> None:
    a, b = Value(-2.0, "a"), Value(3.0, "b")
    f = a.relu() * b + 4 * b
    f.backward()
    for rankdir, size in (("LR", "HEIGHT"), ("TB", "WIDTH")):
        source = draw(f, heat=True, rankdir=rankdir).source
        styles = dict(
            re.findall(r"-> (w[0-9_]+):[nsew] \[arrowhead=none (color=\S+ penwidth=\S+)\]", source)
        )
        assert len(styles) == len(wires(source)) == 8
        for wire, style in styles.items():
            colour, width = re.match(r'color="?([^" ]+)"? penwidth=(\S+)', style).groups()
            label = re.search(rf"^\s*{wire} \[label=<(.*)> shape=plain\]$", source, re.M)[1]
            bar = rf'{size}="{width}"[^>]*BGCOLOR="{colour}"></TD>'
            assert re.search(bar, label), (wire, rankdir)


def test_names_all_puts_every_gate_name_on_its_wire_as_summary_names_it() -> None:
    f, v = sigmoid_circuit()
    f.backward()
    source = draw(f, names="all").source
    named = re.findall(r'<FONT COLOR="#333333">(\w+) = </FONT>', source)
    assert named == [f"n{k}" for k in range(1, 8)]
    table = summary(f).splitlines()
    assert [line.split()[0] for line in table[1:] if line.startswith("n")] == named
    assert re.findall(r'<FONT COLOR="#333333">(\w+) = </FONT>', draw(f).source) == []
    with pytest.raises(ValueError, match="names"):
        draw(f, names="some")


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_the_default_format_never_shows_a_nonzero_as_zero(x: float) -> None:
    text = number(x)
    shown, exact = decimal.Decimal(text), decimal.Decimal(x)
    assert (shown == 0) == (x == 0.0), text
    if x:
        assert abs(shown - exact) <= decimal.Decimal("0.05") * abs(exact), "two significant digits"
    if 0.01 <= abs(x) < 1e6:
        assert text == format(x, ".2f") or abs(x) < 0.1, "two decimals, as the lecture shows"


def test_the_default_format_shows_the_lecture_numbers_as_the_lecture_does() -> None:
    for x, text in [(0.7310585786, "0.73"), (-0.1966119, "-0.20"), (-12.0, "-12.00"),
                    (1.0, "1.00"), (-0.0042, "-0.0042"), (0.0, "0.00"), (-1e-9, "-1.0e-09"),
                    (3.2e7, "3.2e+07")]:  # fmt: skip
        assert number(x) == text


@pytest.mark.parametrize("fmt", ["%d", "d", ">10", ".2q", "", 3, None, ",.2f"])
def test_a_bad_number_format_is_a_clear_value_error(fmt: object) -> None:
    f, _ = chain_rule()
    if fmt == "":
        assert draw(f, fmt=fmt).source  # '' is a float format: Python's shortest repr
        return
    with pytest.raises(ValueError, match=r"not a number format.*'\.2f'"):
        draw(f, fmt=fmt)  # type: ignore[arg-type]


# -- bounded work: number formats and layouts dot would take minutes on ---------------------------


@pytest.mark.parametrize("fmt", [">1000000000", ".1000000000f", "x" * 10**6])
def test_a_huge_number_format_is_refused_at_once_in_a_short_message(fmt: str) -> None:
    """No width, and a precision of at most two digits: '>1000000000' would make a gigabyte per
    label; the message quotes at most 40 characters of what was given."""
    with pytest.raises(ValueError, match="is not a number format") as error:
        draw(Value(-1.5, "x") * 2.0, fmt=fmt)
    assert len(str(error.value)) < 200


def horner(steps: int) -> Value:
    """A polynomial by Horner's rule: x is used in every step, far from where it was made."""
    x, p = Value(0.3, "x"), Value(1.0, "c")
    for _ in range(steps):
        p = p * x + 1.0
    return p


@settings(deadline=None)
@given(st.integers(1, 60))
def test_the_layout_size_is_the_nodes_plus_the_ranks_wires_skip(steps: int) -> None:
    """Horner's rule: c and x at rank 0, step k's * at rank 2k - 1 and its + at 2k. Only x's wires
    skip ranks (2k - 2 into step k), so dot lays out 2n + 2 nodes plus n(n - 1) hidden ones."""
    scene = build_scene(horner(steps), max_nodes=10**6)
    assert len(scene.items) == 2 * steps + 2
    assert layout_size(scene) == 2 * steps + 2 + steps * (steps - 1)
    chain = Value(0.5, "x")
    for _ in range(steps):
        chain = chain.tanh()
    assert layout_size(build_scene(chain)) == steps + 1  # a chain skips no rank


def test_a_layout_with_wires_skipping_many_ranks_is_refused() -> None:
    """Horner's rule for 90 steps is 182 nodes, but dot would lay out 8,192: dot takes minutes on
    such graphs, so draw refuses them at once and says how to draw them anyway."""
    with pytest.raises(ValueError) as error:
        draw(horner(90))
    assert str(error.value) == (
        "the graph has 182 nodes to draw, but x is used by 90 gates spread along it, so dot "
        "would lay out 8192 nodes (one more for each column a wire crosses), more than 16 x "
        "max_nodes=500, and take minutes: draw a smaller part of the graph, read the numbers "
        "with autograd.summary(root), or pass max_nodes=512 to draw it anyway"
    )
    assert "nslimit=1" in draw(horner(90), max_nodes=512).source
    assert draw(horner(88)).source.count("shape=circle") == 176  # 178 + 7656 = 7834 <= 8000
