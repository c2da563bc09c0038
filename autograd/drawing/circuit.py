"""The cs231n look: gates as circles, and on every wire its forward value above (green) and the
gradient flowing back along it below (red).

Each wire is drawn through a small label node: a table of the value, a bar, and the gradient. The
bar carries the wire through the label (in the wire's colour and width, so a heat-coloured wire
stays one piece), with the value above it and the gradient below; top to bottom (``rankdir='TB'``)
the value is left of it and the gradient right. A node used by several gates gets one trunk wire
with its total gradient, then one branch wire per use with that use's contribution: the branches'
gradients add up to the trunk's ("gradients add at branches").
"""

from __future__ import annotations

from dataclasses import dataclass

import graphviz

from autograd.drawing.cells import Cell, Picture
from autograd.drawing.gradients import Gradients, link_gradient
from autograd.drawing.labels import FONT_SIZE, coloured, escape, html_label, shown_number
from autograd.drawing.look import MIN_WIRE_WIDTH, WIRE_WIDTH, Highlight, Look, heat_style
from autograd.drawing.scene import Item, Link, Scene
from autograd.drawing.tangents import Tangents
from autograd.value import Value

CELL_HEIGHT = FONT_SIZE + 3


@dataclass(frozen=True)
class Wire:
    """One labelled stretch of wire, drawn as a label node ``id`` fed from ``tail``.

    ``link`` is the use of ``item`` the wire leads to (None for a trunk or the output wire, which
    carry the node's total gradient).
    """

    id: str
    tail: str  # a node id, or a trunk's outgoing side ("w3:e") for a branch
    item: Item  # the node whose value the wire carries
    link: Link | None
    named: bool  # show the gate's name before its value ("q = 3.00")


def plan_wires(scene: Scene, look: Look) -> tuple[list[Wire], dict[Link, Wire]]:
    """Every wire (one per node and use, plus a trunk where a node fans out), and each link's."""
    out = look.ports[1]
    wires = []
    ends: dict[Link, Wire] = {}
    for item in scene.items:
        uses = scene.outgoing(item)
        named = item is not scene.root and item.kind == "gate"
        named = named and (look.names == "all" or item.labelled)
        trunk = Wire(f"w{item.id[1:]}", item.id, item, None, named)
        if item is scene.root or uses:
            wires.append(trunk)
        if len(uses) == 1:
            ends[uses[0]] = trunk
        elif len(uses) > 1:
            for j, link in enumerate(uses):
                branch = Wire(f"{trunk.id}_{j}", f"{trunk.id}:{out}", item, link, False)
                wires.append(branch)
                ends[link] = branch
    return wires, ends


class Circuit:
    """The circuit drawing of one scene: its wires planned once, pictures and DOT per state."""

    minimum_width = MIN_WIRE_WIDTH
    tangents: Tangents | None = None  # forward mode drawn: a tangent beside each value

    def __init__(self, scene: Scene, look: Look) -> None:
        if any(link.index is None for link in scene.links):
            raise ValueError("collapse draws boxes: use style='record' (or leave style out)")
        self.scene, self.look = scene, look
        self.wires, self.ends = plan_wires(scene, look)
        self.trunks = {wire.item.value: wire for wire in self.wires if wire.link is None}
        self.by_edge = {edge: self.ends[link] for link in scene.links for edge in link.edges}
        self.gate_ids = [(item.id, item.value) for item in scene.items if item.kind == "gate"]

    def _gradient(self, wire: Wire, state: Gradients) -> float | None:
        if wire.link is None:
            return state.node(wire.item.value)
        return link_gradient(wire.link, state)

    def _marked(self, edges: frozenset[tuple[Value, int]], nodes: frozenset[Value]) -> set[str]:
        found = {self.by_edge[e].id for e in edges if e in self.by_edge}
        return found | {self.trunks[n].id for n in nodes if n in self.trunks}

    def picture(self, state: Gradients, highlight: Highlight | None = None) -> Picture:
        """The cells and gate fills for ``state``, with ``highlight``'s marks."""
        mark = highlight or Highlight()
        receiving = self._marked(mark.to_edges, mark.to_nodes)
        reading = self._marked(mark.from_edges, mark.from_nodes)
        fmt, value_of, theme = self.look.fmt, state.value, self.look.theme
        cells = {}
        for wire in self.wires:
            fill = theme.active_wire if wire.id in receiving else None
            if fill is None and wire.id in reading:
                fill = theme.upstream_wire
            prefix = f"{wire.item.name} = " if wire.named else ""
            value = shown_number(value_of(wire.item.value), fmt)
            cells[f"{wire.id}v"] = Cell(value, theme.value, fill, prefix, theme.name_text)
            if self.tangents is not None:
                tangent = shown_number(self.tangents.of_node(wire.item.value), fmt)
                t = self.tangents.prefix
                cells[f"{wire.id}t"] = Cell(tangent, theme.tangent, fill, t, theme.tangent)
            gradient = shown_number(self._gradient(wire, state), fmt)
            cells[f"{wire.id}g"] = Cell(gradient, theme.grad, fill, "", theme.name_text)
        gates = {
            key: theme.active_gate if node is mark.gate else theme.gate_fill
            for key, node in self.gate_ids
        }
        return Picture(cells, gates)

    def draw(
        self,
        graph: graphviz.Digraph,
        picture: Picture,
        widths: dict[str, float],
        marks: dict[str, str] | None = None,
        heat: Gradients | None = None,
    ) -> None:
        """Add the drawing to ``graph``: ``widths`` fix each cell's size, ``marks`` (for the
        stepper's page) give each cell a background colour that names it, ``heat`` colours the
        wires by these gradients."""
        scene, look = self.scene, self.look
        for item in scene.items:
            label = html_label(escape(item.text))
            if item.kind == "input":
                graph.node(item.id, label, shape="none", margin="0.04,0", width="0", height="0")
                continue
            extra = {"id": f"gate_{item.id}"} if marks is not None else {}
            graph.node(
                item.id, label, shape="circle", style="filled", fillcolor=picture.gates[item.id],
                width="0.5", margin="0.04", **extra,
            )  # fmt: skip
        root = scene.root
        shown = root.name if look.names == "all" or root.labelled or root.kind == "input" else ""
        graph.node("out", html_label(escape(shown)), shape="none", margin="0.04,0", width="0")

        styles: dict[str, dict[str, str]] = {wire.id: {} for wire in self.wires}
        if heat is not None:
            gradients = {wire.id: self._gradient(wire, heat) for wire in self.wires}
            largest = max((abs(g) for g in gradients.values() if g is not None), default=0.0)
            styles = {key: heat_style(g, largest, look.theme) for key, g in gradients.items()}
        for wire in self.wires:
            label = self._label(wire, picture, widths, marks, styles[wire.id])
            graph.node(wire.id, label, shape="plain")

        into, out = look.ports
        for wire in self.wires:  # into each wire's label: no arrowhead, the wire goes on through
            graph.edge(wire.tail, f"{wire.id}:{into}", arrowhead="none", **styles[wire.id])
        for link in scene.links:  # out of the labels into the gates, in argument order
            wire = self.ends[link]
            graph.edge(f"{wire.id}:{out}", link.target.id, **styles[wire.id])
        root_wire = self.trunks[root.value].id
        graph.edge(f"{root_wire}:{out}", "out", **styles[root_wire])

    def _label(
        self,
        wire: Wire,
        picture: Picture,
        widths: dict[str, float],
        marks: dict[str, str] | None,
        style: dict[str, str],
    ) -> str:
        """The value (and its tangent), the bar that carries the wire on, and the gradient."""
        tangent = f"{wire.id}t" in picture.cells
        keys = [f"{wire.id}v"] + ([f"{wire.id}t"] if tangent else []) + [f"{wire.id}g"]
        sizes = {key: widths.get(key, MIN_WIRE_WIDTH) for key in keys}
        if tangent:  # the value and tangent side by side, as wide as the gradient together
            top = sizes[keys[0]] + sizes[keys[1]]
            if sizes[keys[2]] > top:
                sizes[keys[0]] += sizes[keys[2]] - top
            sizes[keys[2]] = sizes[keys[0]] + sizes[keys[1]]
        else:
            sizes = dict.fromkeys(keys, max(sizes.values()))
        cells = {}
        for key in keys:
            cell = picture.cells[key]
            fill = marks[key] if marks is not None else cell.fill
            background = f' BGCOLOR="{fill}"' if fill else ""
            text = coloured(cell.prefix, cell.prefix_colour) if cell.prefix else ""
            size = f'FIXEDSIZE="TRUE" WIDTH="{sizes[key]:.0f}" HEIGHT="{CELL_HEIGHT}"'
            span = ' COLSPAN="2"' if tangent and key == keys[-1] and not self.look.across else ""
            cells[key] = (
                f"<TD {size}{span}{background}>{text}{coloured(cell.text, cell.colour)}</TD>"
            )
        value, gradient = cells[keys[0]], cells[keys[-1]]
        thickness = style.get("penwidth", str(WIRE_WIDTH))
        colour = style.get("color", self.look.theme.wire)
        if self.look.across and tangent:  # the tangent under the value, left of the bar
            bar = _bar(thickness, str(2 * CELL_HEIGHT), colour).replace("<TD ", '<TD ROWSPAN="2" ')
            gradient = gradient.replace("<TD ", '<TD ROWSPAN="2" ')
            rows = f"<TR>{value}{bar}{gradient}</TR><TR>{cells[keys[1]]}</TR>"
        elif self.look.across:
            rows = f"<TR>{value}{_bar(thickness, str(CELL_HEIGHT), colour)}{gradient}</TR>"
        else:
            width = sum(sizes[key] for key in keys[:-1])
            upper = value + (cells[keys[1]] if tangent else "")
            bar = _bar(f"{width:.0f}", thickness, colour)
            if tangent:
                bar = bar.replace("<TD ", '<TD COLSPAN="2" ')
            rows = f"<TR>{upper}</TR><TR>{bar}</TR><TR>{gradient}</TR>"
        return html_label(
            f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'
        )


def _bar(width: str, height: str, colour: str) -> str:
    """The cell that carries a wire through its label."""
    return f'<TD FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}" BGCOLOR="{colour}"></TD>'
