"""The cs231n look: gates as circles, and on every wire its forward value above (green) and the
gradient flowing back along it below (red).

Each wire is drawn through a small label node: two table rows split by a rule that continues
the wire, so the value sits above the line and the gradient below it. A node used by several gates
gets one trunk wire with its total gradient, then one branch wire per use with that use's
contribution: the branches' gradients add up to the trunk's ("gradients add at branches").
"""

from __future__ import annotations

from dataclasses import dataclass

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
from autograd.drawing.look import (
    ACTIVE_GATE,
    ACTIVE_WIRE,
    MIN_WIRE_WIDTH,
    UPSTREAM_WIRE,
    Highlight,
    Look,
    heat_style,
)
from autograd.drawing.scene import Item, Link, Scene

NAME_COLOUR = "#333333"


@dataclass(frozen=True)
class Wire:
    """One labelled stretch of wire, drawn as a label node ``id`` fed from ``tail``.

    ``link`` is the use of ``item`` the wire leads to (None for a trunk or the output wire, which
    carry the node's total gradient).
    """

    id: str
    tail: str  # a node id, or a trunk's east side ("w3:e") for a branch
    item: Item  # the node whose value the wire carries
    link: Link | None
    named: bool  # show the gate's label next to its value


def plan_wires(scene: Scene) -> tuple[list[Wire], dict[Link, Wire]]:
    """Every wire (one per node and use, plus a trunk where a node fans out), and each link's."""
    wires = []
    ends: dict[Link, Wire] = {}
    for item in scene.items:
        uses = scene.outgoing(item)
        trunk = Wire(f"w{item.id[1:]}", item.id, item, None, item is not scene.root)
        if item is scene.root or uses:
            wires.append(trunk)
        if len(uses) == 1:
            ends[uses[0]] = trunk
        elif len(uses) > 1:
            for j, link in enumerate(uses):
                branch = Wire(f"{trunk.id}_{j}", f"{trunk.id}:e", item, link, False)
                wires.append(branch)
                ends[link] = branch
    return wires, ends


def _gradient(wire: Wire, gradients: Gradients) -> float | None:
    if wire.link is None:
        return gradients.node(wire.item.value)
    assert wire.link.index is not None, "collapsed links are drawn in the record style"
    return gradients.edge(wire.link.target.value, wire.link.index)


def _is_active(wire: Wire, scene: Scene, highlight: Highlight) -> bool:
    """Does ``wire`` carry the gradient of the current step (into gate input ``index``)?"""
    target = scene.by_value[highlight.gate]
    source = scene.by_value.get(highlight.gate.parents[highlight.index])
    if source is None or wire.item is not source:
        return False
    if wire.link is None:
        return len(scene.outgoing(source)) == 1
    return wire.link.target is target and wire.link.index == highlight.index


def _wire_label(wire: Wire, value: str, grad: str, width: float | None, fill: str | None) -> str:
    name = wire.item.name if wire.named and wire.item.kind == "gate" else None
    top = coloured(value, VALUE_COLOUR)
    if name:
        top = f"{coloured(name + ' = ', NAME_COLOUR)}{top}"
    if width is None:
        cells = (
            f'<TD WIDTH="{MIN_WIRE_WIDTH}">{top}</TD>',
            f"<TD>{coloured(grad, GRAD_COLOUR)}</TD>",
        )
    else:
        size = f'FIXEDSIZE="TRUE" WIDTH="{width:.0f}" HEIGHT="{FONT_SIZE + 3}"'
        cells = (f"<TD {size}>{top}</TD>", f"<TD {size}>{coloured(grad, GRAD_COLOUR)}</TD>")
    background = f' BGCOLOR="{fill}"' if fill else ""
    return html_label(
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"{background}>'
        f"<TR>{cells[0]}</TR><HR/><TR>{cells[1]}</TR></TABLE>"
    )


def draw_circuit(
    graph: graphviz.Digraph,
    scene: Scene,
    gradients: Gradients,
    look: Look,
    highlight: Highlight | None = None,
) -> None:
    """Add the circuit drawing of ``scene`` to ``graph``."""
    wires, ends = plan_wires(scene)
    shown = {wire.id: _gradient(wire, gradients) for wire in wires}
    largest = max((abs(g) for g in shown.values() if g is not None), default=0.0)
    active_gate = scene.by_value[highlight.gate] if highlight else None

    for item in scene.items:
        if item.kind == "input":
            graph.node(
                item.id,
                html_label(escape(item.text)),
                shape="none",
                margin="0.04,0",
                width="0",
                height="0",
            )
        else:
            gate_fill = ACTIVE_GATE if item is active_gate else "white"
            graph.node(
                item.id, html_label(escape(item.text)), shape="circle", style="filled",
                fillcolor=gate_fill, width="0.5", margin="0.02",
            )  # fmt: skip
    graph.node(
        "out",
        html_label(escape(scene.root.name or "")),
        shape="none",
        margin="0.04,0",
        width="0",
        height="0",
    )

    for wire in wires:
        value = number(wire.item.value.data, look.fmt)
        grad = number(shown[wire.id], look.fmt)
        width: float | None = None
        if look.sizing is not None:
            final = number(_gradient(wire, look.sizing), look.fmt)
            name = f"{wire.item.name} = " if wire.named and wire.item.name else ""
            texts = (name + value, grad, final, UNKNOWN)
            width = max(MIN_WIRE_WIDTH, *(text_width(t) for t in texts))
        fill: str | None = None
        if highlight is not None and _is_active(wire, scene, highlight):
            fill = ACTIVE_WIRE
        elif wire.item is active_gate and wire.link is None:
            fill = UPSTREAM_WIRE
        graph.node(wire.id, _wire_label(wire, value, grad, width, fill), shape="plain")

    heat = {w.id: heat_style(shown[w.id], largest) if look.heat else {} for w in wires}
    for wire in wires:  # into each wire's label: no arrowhead, the wire goes on through the label
        graph.edge(wire.tail, f"{wire.id}:w", arrowhead="none", **heat[wire.id])
    for link in scene.links:  # out of the labels into the gates, in argument order
        wire = ends[link]
        graph.edge(f"{wire.id}:e", link.target.id, **heat[wire.id])
    root_wire = f"w{scene.root.id[1:]}"
    graph.edge(f"{root_wire}:e", "out", **heat[root_wire])
