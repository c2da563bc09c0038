"""The micrograd look: a box per value (label | data | grad) and a small circle per gate.

Also the look of ``collapse='neuron'``: one box per neuron inside one cluster per layer, with
arrows straight from each neuron's inputs (the weights and sums inside it are hidden).
"""

from __future__ import annotations

import graphviz

from autograd.drawing.gradients import Gradients
from autograd.drawing.labels import (
    FONT_SIZE,
    GRAD_COLOUR,
    UNKNOWN,
    VALUE_COLOUR,
    coloured,
    escape,
    html_label,
    number,
    text_width,
)
from autograd.drawing.look import ACTIVE_GATE, ACTIVE_WIRE, Highlight, Look, heat_style
from autograd.drawing.scene import Item, Link, Scene


def _cell(content: str, texts: tuple[str, ...], fixed: bool) -> str:
    if not fixed:
        return f"<TD>{content}</TD>"
    width = max(text_width(t) for t in texts) + 2
    return f'<TD FIXEDSIZE="TRUE" WIDTH="{width:.0f}" HEIGHT="{FONT_SIZE + 14}">{content}</TD>'


def _box_label(item: Item, gradients: Gradients, look: Look, fill: str | None) -> str:
    """``label | data 2.00 | grad -0.20`` as a one-row table; '?' for an unknown gradient."""
    value = item.value
    data = "data " + number(value.data, look.fmt)
    grad = "grad " + number(gradients.node(value), look.fmt)
    fixed = look.sizing is not None
    final = "grad " + number(look.sizing.node(value), look.fmt) if look.sizing else grad
    name = item.name if item.kind == "gate" else item.text
    cells = f"<TD>{escape(name)}</TD>" if name else ""
    cells += _cell(coloured(data, VALUE_COLOUR), (data,), fixed)
    cells += _cell(coloured(grad, GRAD_COLOUR), (grad, final, "grad " + UNKNOWN), fixed)
    background = f' BGCOLOR="{fill}"' if fill else ""
    return html_label(
        f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"{background}>'
        f"<TR>{cells}</TR></TABLE>"
    )


def _link_gradient(link: Link, gradients: Gradients) -> float | None:
    """The gradient along a link; through a collapsed neuron, the gradient of the node it leaves."""
    if link.index is None:
        return gradients.node(link.source.value)
    return gradients.edge(link.target.value, link.index)


def draw_record(
    graph: graphviz.Digraph,
    scene: Scene,
    gradients: Gradients,
    look: Look,
    highlight: Highlight | None = None,
) -> None:
    """Add the box drawing of ``scene`` to ``graph``."""
    active_gate = scene.by_value[highlight.gate] if highlight else None
    receiving = highlight.gate.parents[highlight.index] if highlight else None
    for item in scene.items:
        fill = ACTIVE_WIRE if item.value is receiving else None
        label = _box_label(item, gradients, look, fill)
        if item.cluster is None:
            graph.node(item.id, label, shape="plain")
        if item.kind == "gate":
            gate_fill = ACTIVE_GATE if item is active_gate else "white"
            graph.node(
                f"{item.id}_op", html_label(escape(item.text)), shape="circle", style="filled",
                fillcolor=gate_fill, width="0.4", margin="0.02",
            )  # fmt: skip
    for number_, (layer, neurons) in enumerate(scene.clusters()):
        with graph.subgraph(name=f"cluster_{number_}") as cluster:
            cluster.attr(label=html_label(escape(layer)), style="rounded,dashed", color="#888888")
            for item in neurons:
                cluster.node(item.id, _box_label(item, gradients, look, None), shape="plain")

    heats = [_link_gradient(link, gradients) for link in scene.links]
    largest = max((abs(g) for g in heats if g is not None), default=0.0)
    for link, gradient in zip(scene.links, heats):
        style = heat_style(gradient, largest) if look.heat else {}
        head = f"{link.target.id}_op" if link.target.kind == "gate" else link.target.id
        graph.edge(link.source.id, head, **style)
    for item in scene.items:
        if item.kind == "gate":
            style = heat_style(gradients.node(item.value), largest) if look.heat else {}
            graph.edge(f"{item.id}_op", item.id, **style)
