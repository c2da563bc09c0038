"""autograd.draw: the DOT text (labels, values, gradients, ids, escaping) and the options."""

from __future__ import annotations

import re

import graphviz
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value, draw
from autograd.drawing.look import DEAD_COLOUR
from autograd.drawing.scene import build_scene, layout_size
from autograd.graph import topological_order
from autograd.testing import cases
from tests.autograd.test_draw_support import chain_rule, sigmoid_circuit, wire_id, wires


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
    gates = re.findall(r"label=<([^<>]*)> fillcolor=white margin=0.02 shape=circle", source)
    assert gates == ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]
    assert not re.search(r"label=<-?1> ", source), "constants are not drawn as nodes"


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


def test_record_style_boxes_show_label_data_and_grad() -> None:
    f, _ = chain_rule()
    f.backward()
    source = draw(f, style="record").source
    for text in ("data -2.00", "grad -4.00", "data -12.00", "grad 1.00", ">q<", ">f<"):
        assert text in source
    assert len(re.findall(r"shape=circle", source)) == 2


def test_heat_colours_wires_by_gradient_and_greys_dead_relu_paths() -> None:
    a, b = Value(-2.0, "a"), Value(3.0, "b")
    f = a.relu() + 4 * b
    f.backward()
    source = draw(f, heat=True).source
    dead = wire_id(f, a)
    assert re.search(rf"n\d+ -> {dead}:w \[arrowhead=none color=\"{DEAD_COLOUR}\"", source)
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
    assert wires(draw(f).source)[wire_id(f, x)][0] == "0.00"


def test_too_many_nodes_raise_an_error_that_suggests_collapsing() -> None:
    x = Value(1.0, "x")
    f = x
    for _ in range(600):
        f = f * 1.0001
    with pytest.raises(ValueError, match=r"collapse='neuron'.*max_nodes=601"):
        draw(f)
    assert draw(f, max_nodes=601).source.count("shape=circle") == 600


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


# -- bounded work: number formats and layouts dot would take minutes on ---------------------------

SPEC = st.tuples(
    st.sampled_from(["", "<", ">", "^", "*>", "=", " ^"]),
    st.sampled_from(["", "+", "-", " "]),
    st.sampled_from(["", "0"]),
    st.one_of(st.just(""), st.integers(0, 10**12).map(str)),
    st.sampled_from(["", ",", "_"]),
    st.one_of(st.just(""), st.integers(0, 10**12).map(lambda p: f".{p}")),
    st.sampled_from(["", "f", "e", "g", "%", "G", "E"]),
)


@settings(max_examples=150, deadline=None)
@given(SPEC)
def test_a_number_format_is_refused_before_formatting_if_too_wide(parts: tuple[str, ...]) -> None:
    """Width and precision up to 30 draw; past that, a ValueError at once (a format such as
    '>1000000000' would make a gigabyte per label)."""
    fmt = "".join(parts)
    width, precision = parts[3], parts[5][1:]
    f = Value(-1.5, "x") * 2.0
    if max(int(width or 0), int(precision or 0)) > 30:
        with pytest.raises(ValueError, match="above 30, the most a label allows"):
            draw(f, fmt=fmt)
    else:
        try:
            expected = format(-3.0, fmt)
        except ValueError:  # for example ',' with the 'n' type: not a float format
            with pytest.raises(ValueError, match="not a float format spec"):
                draw(f, fmt=fmt)
        else:
            assert expected.replace("&", "&amp;").replace("<", "&lt;") in draw(f, fmt=fmt).source


def horner(steps: int) -> Value:
    """A polynomial by Horner's rule: x is used in every step, far from where it was made."""
    x, p = Value(0.3, "x"), Value(1.0, "c")
    for _ in range(steps):
        p = p * x + 1.0
    return p


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
    """Horner's rule for 75 steps is 152 nodes, but dot would lay out 5,702: dot takes minutes on
    such graphs, so draw refuses them at once and says how to draw them anyway."""
    with pytest.raises(ValueError) as error:
        draw(horner(75))
    assert str(error.value) == (
        "the graph has 152 nodes to draw, but its wires skip so many ranks (a value used far "
        "from where it was computed) that dot would lay out 5702 nodes, more than 10 x "
        "max_nodes=500, and take very long: pass collapse='neuron' (one node per neuron) or "
        "pass max_nodes=571 to draw it anyway"
    )
    assert "nslimit=3" in draw(horner(75), max_nodes=571).source
    assert draw(horner(70)).source.count("shape=circle") == 140  # 142 + 4830 = 4972 <= 5000
