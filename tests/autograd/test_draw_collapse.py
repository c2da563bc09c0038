"""collapse: one box per group (nn's neurons), the groups of a layer in one table in order, the
inside of neurons hidden, dead ReLUs grey; the grouping comes from nn, not from parsing labels."""

from __future__ import annotations

import re

import pytest

from autograd import Value, draw
from autograd.drawing import Group
from autograd.drawing.scene import build_scene
from autograd.drawing.theme import LIGHT
from autograd.report import node_names
from tests.autograd.test_draw_support import needs_dot, plain_layout

nn = pytest.importorskip("nn")  # registers the 'neuron' grouping


def _network() -> tuple[Value, list[Value], list[Value]]:
    """A hand-built 3-2-1 net following nn's naming contract, with a squared-error loss."""
    xs = [Value(v, f"x{i}") for i, v in enumerate([0.5, -1.0, 2.0], 1)]

    def neuron(inputs: list[Value], name: str, weights: list[float]) -> Value:
        w = [Value(v, f"{name}.w{i}") for i, v in enumerate(weights)]
        b = Value(0.1, f"{name}.b")
        out = sum((wi * xi for wi, xi in zip(w, inputs)), b).tanh()
        out.label = name
        return out

    hidden = [neuron(xs, "layer1/n1", [0.2, -0.4, 0.1]), neuron(xs, "layer1/n2", [-0.3, 0.5, 0.7])]
    out = neuron(hidden, "layer2/n1", [1.5, -0.8])
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    return loss, xs, hidden + [out]


def _boxes(source: str) -> dict[str, str]:
    """Box (node id or table port) -> the name in its first cell, for every box."""
    found = {}
    for line in source.splitlines():
        node = re.match(r"\s*(\w+) \[label=<(.*)> shape=plain\]$", line)
        if node is None:
            continue
        tables = re.findall(
            r'<TABLE(?: PORT="(\w+)")?[^>]*><TR><TD[^>]*><FONT[^>]*>([^<]*)<', node[2]
        )
        for port, name in tables:
            found[port or node[1]] = name
    return found


def _cells(source: str, box: str) -> str:
    """The markup of one box (a table with PORT=box, or the node box)."""
    match = re.search(rf'<TABLE PORT="{box}".*?</TABLE>', source) or re.search(
        rf"^\s*{box} \[label=<(.*)> shape=plain\]$", source, re.M
    )
    assert match is not None
    return match[0]


def _edges(source: str) -> set[tuple[str, str]]:
    """Box-to-box edges (ports stand for the boxes of a layer table)."""
    pairs = re.findall(r"^\s*([\w:]+) -> ([\w:]+)", source, re.M)

    def box(end: str) -> str:
        parts = end.split(":")
        return parts[1] if parts[0].startswith("L") else parts[0].removesuffix("_op")

    return {(box(tail), box(head)) for tail, head in pairs}


def test_collapse_draws_inputs_neurons_and_the_loss_only() -> None:
    loss, xs, neurons = _network()
    loss.backward()
    source = draw(loss, collapse="neuron").source
    names = _boxes(source)
    minus_one = node_names(loss)[loss.parents[0]]  # out - 1: named as summary names it
    expected = ["x1", "x2", "x3", "n1", "n2", "n1", minus_one, "loss"]
    assert sorted(names.values()) == sorted(expected)
    assert not any(".w" in name or ".b" in name for name in names.values()), "weights hidden"
    assert "tanh" not in source, "the gates inside neurons are hidden"
    ids = {name: box for box, name in names.items() if name.startswith("x")}
    layer1 = [box for box, name in names.items() if name in ("n1", "n2")][:2]
    layer2 = next(box for box, name in names.items() if name == "n1" and box not in layer1)
    edges = _edges(source)
    for x in ("x1", "x2", "x3"):
        for n in layer1:
            assert (ids[x], n) in edges
    assert (layer1[0], layer2) in edges and (ids["x1"], layer2) not in edges
    flat = re.sub(r"</FONT><FONT[^>]*>", "", source)
    for neuron in neurons:
        assert f"grad {neuron.grad:.2f}" in flat and f"data {neuron.data:.2f}" in flat


def test_one_table_per_layer_holding_its_neurons_in_order() -> None:
    nn_model = nn.MLP(3, [16, 16, 1], seed=0)
    loss = (nn_model([0.5, -1.0, 2.0]) - 1.0) ** 2
    loss.backward()
    source = draw(loss, collapse="neuron").source
    layers = re.findall(r"^\s*(L\d+) \[label=<(.*)> shape=plain\]$", source, re.M)
    assert [re.search(r"dashed[^>]*><TR><TD[^>]*>(\w+)<", body)[1] for _, body in layers] == [
        "layer1", "layer2", "layer3",
    ]  # fmt: skip
    for _, body in layers[:2]:
        rows = re.findall(r'<TABLE PORT="\w+"[^>]*><TR><TD[^>]*><FONT[^>]*>(n\d+)<', body)
        assert rows == [f"n{k}" for k in range(1, 17)]


@needs_dot
def test_inputs_are_drawn_in_order_x1_above_x2_above_x3() -> None:
    model = nn.MLP(3, [6, 6, 1], seed=1)
    loss = (model([0.5, -1.0, 2.0]) - 1.0) ** 2
    source = draw(loss, collapse="neuron").source
    boxes = _boxes(source)
    nodes, _ = plain_layout(source)
    ys = [nodes[box][1] for name in ("x1", "x2", "x3") for box, n in boxes.items() if n == name]
    assert ys == sorted(ys, reverse=True) and len(set(ys)) == 3  # plain's y grows upwards


def test_a_dead_relu_is_grey_and_passes_back_nothing() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    scene = build_scene(loss, "neuron")
    dead = [item for item in scene.items if item.dead]
    alive = [item for item in scene.items if item.kind == "neuron" and not item.dead]
    assert dead and alive and all(item.value.data == 0.0 for item in dead)
    source = draw(loss, collapse="neuron", heat=True).source
    flat = re.sub(r"</FONT><FONT[^>]*>", "", source)
    for item in dead:
        cells = re.sub(r"</FONT><FONT[^>]*>", "", _cells(source, item.id))
        assert cells.count(f'BGCOLOR="{LIGHT.dead_fill}"') == 4 and "pre-act grad 0.00" in cells
        assert item.value.grad != 0.0, (
            "its output does get a gradient: the wire after it is not grey"
        )
        into = re.findall(rf"-> L\d+:{item.id}:w \[([^\]]*)\]", source)
        assert into and all(LIGHT.dead_wire in style for style in into)
    for item in alive:
        assert LIGHT.dead_fill not in _cells(source, item.id)
        into = re.findall(rf"-> L\d+:{item.id}:w \[([^\]]*)\]", source)
        assert into and not any(LIGHT.dead_wire in style for style in into)
    assert "pre-act grad" in flat


def test_the_grouping_is_handed_in_not_read_from_labels() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    h = (a * 3.0 + b).tanh()
    h.label = "layer1/n1"  # nn's pattern: grouped only by a grouping that says so
    out = h * b
    out.label = "out"
    mine = {h: Group("block", "u1", 1)}
    source = draw(out, collapse=mine).source
    assert "block" in source and ">u1<" in source and "tanh" not in source
    assert "tanh" in draw(out, collapse={}).source, "an empty mapping groups nothing"
    with pytest.raises(ValueError, match=r"collapse='layers' is not a registered grouping"):
        draw(out, collapse="layers")
    with pytest.raises(ValueError, match="collapse=3 is not supported"):
        draw(out, collapse=3)  # type: ignore[arg-type]


def test_collapse_keeps_the_graph_small_and_checks_its_style() -> None:
    loss, _, _ = _network()
    assert len(_boxes(draw(loss, collapse="neuron").source)) < len(
        _boxes(draw(loss, style="record").source)
    )
    with pytest.raises(ValueError, match="record"):
        draw(loss, collapse="neuron", style="circuit")


def test_an_mlp_3_6_6_1_collapses_to_one_box_per_neuron() -> None:
    model = nn.MLP(3, [6, 6, 1], seed=0)
    xs = [Value(v, f"x{i}") for i, v in enumerate([0.5, -1.0, 2.0], 1)]
    loss = (model(xs) - 1.0) ** 2
    loss.backward()
    with pytest.raises(ValueError, match="collapse='neuron'"):
        draw(loss, max_nodes=100)
    source = draw(loss, collapse="neuron", max_nodes=100).source
    names = list(_boxes(source).values())
    assert sorted(n for n in names if n.startswith("n") and len(n) == 2) == sorted(
        [f"n{j}" for j in range(1, 7)] * 2 + ["n1"]
    )
    assert {"x1", "x2", "x3"} <= set(names)
    assert len(re.findall(r"^\s*L\d+ \[", source, re.M)) == 3


def test_short_names_replace_nn_parameter_paths() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    long = draw(loss, style="record").source
    short = draw(loss, style="record", short_names=True).source
    assert "layers.0.neurons.1.w.0" in long and "layers." not in short
    names = set(re.findall(r"<TD[^>]*><FONT COLOR=\"#333333\">(\w+)</FONT></TD>", short))
    assert {"w1", "w2", "b", "x1", "x2"} <= names


@needs_dot
def test_collapsed_mlp_renders() -> None:
    model = nn.MLP(3, [6, 6, 1], seed=0)
    loss = (model([Value(0.5, "x1"), Value(-1.0, "x2"), Value(2.0, "x3")]) - 1.0) ** 2
    loss.backward()
    svg = draw(loss, collapse="neuron").pipe(format="svg", encoding="utf-8")
    assert svg.count(">layer2<") == 1 and svg.count(">n6<") == 2
