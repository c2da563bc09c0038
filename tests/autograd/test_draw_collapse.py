"""collapse='neuron': one box per neuron, one cluster per layer, the inside of neurons hidden."""

from __future__ import annotations

import re

import pytest

from autograd import Value, draw
from tests.autograd.test_draw_support import needs_dot


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
    """Node id -> its first table cell (the name), for every box."""
    return dict(re.findall(r"^\s*(n\d+) \[label=<<TABLE[^>]*><TR><TD>([^<]*)</TD>", source, re.M))


def _edges(source: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)", source, re.M)


def test_collapse_draws_inputs_neurons_and_the_loss_only() -> None:
    loss, xs, neurons = _network()
    loss.backward()
    source = draw(loss, collapse="neuron").source
    names = _boxes(source)
    drawn = set(names.values())
    assert {"x1", "x2", "x3", "layer1/n1", "layer1/n2", "layer2/n1", "loss"} <= drawn
    assert not any(".w" in name or ".b" in name for name in drawn), "weights are hidden"
    assert "tanh" not in source, "the gates inside neurons are hidden"
    ids = {name: node for node, name in names.items()}
    edges = set(_edges(source))
    for x in ("x1", "x2", "x3"):
        for n in ("layer1/n1", "layer1/n2"):
            assert (ids[x], ids[n]) in edges
    assert (ids["layer1/n1"], ids["layer2/n1"]) in edges
    assert (ids["x1"], ids["layer2/n1"]) not in edges
    for neuron in neurons:
        assert f"grad {neuron.grad:.2f}" in source and f"data {neuron.data:.2f}" in source


def test_one_cluster_per_layer_holding_its_neurons() -> None:
    loss, _, _ = _network()
    source = draw(loss, collapse="neuron").source
    clusters = re.findall(r"subgraph (cluster_\d+) \{\n[^\n]*label=<([^>]*)>", source)
    assert [label for _, label in clusters] == ["layer1", "layer2"]
    first = source[source.index("subgraph cluster_0") : source.index("subgraph cluster_1")]
    assert "layer1/n1" in first and "layer1/n2" in first and "layer2/n1" not in first


def test_collapse_keeps_the_graph_small_and_checks_its_style() -> None:
    loss, _, _ = _network()
    assert len(_boxes(draw(loss, collapse="neuron").source)) < len(
        _boxes(draw(loss, style="record").source)
    )
    with pytest.raises(ValueError, match="record"):
        draw(loss, collapse="neuron", style="circuit")


def test_an_mlp_3_6_6_1_collapses_to_one_box_per_neuron() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(3, [6, 6, 1], seed=0)
    xs = [Value(v, f"x{i}") for i, v in enumerate([0.5, -1.0, 2.0], 1)]
    loss = (model(xs) - 1.0) ** 2
    loss.backward()
    with pytest.raises(ValueError, match="collapse='neuron'"):
        draw(loss, max_nodes=100)
    source = draw(loss, collapse="neuron", max_nodes=100).source
    names = set(_boxes(source).values())
    neurons = {f"layer{k}/n{j}" for k, size in ((1, 6), (2, 6), (3, 1)) for j in range(1, size + 1)}
    assert neurons <= names
    assert names - neurons == {"x1", "x2", "x3"}
    assert len(re.findall(r"subgraph cluster_", source)) == 3


@needs_dot
def test_collapsed_mlp_renders() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(3, [6, 6, 1], seed=0)
    loss = (model([Value(0.5, "x1"), Value(-1.0, "x2"), Value(2.0, "x3")]) - 1.0) ** 2
    loss.backward()
    svg = draw(loss, collapse="neuron").pipe(format="svg", encoding="utf-8")
    assert svg.count("layer2/n") == 6
