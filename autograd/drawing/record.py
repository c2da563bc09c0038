"""The micrograd look: a box per value (name | data | grad) and a small circle per gate.

Also the look of ``collapse``: one box per group (a neuron: name, data, its output's gradient and,
behind an activation, the gradient at its pre-activation), the groups of a cluster (a layer) as
rows of one table in their order, with arrows straight from each group's inputs (the weights and
sums inside it are hidden). A link into a group carries what flows back through the group to that
input, so a dead ReLU (its activation passes nothing back) has grey links and a grey box.
"""

from __future__ import annotations

import graphviz

from autograd.drawing.cells import Cell, Picture
from autograd.drawing.gradients import Gradients, link_gradient
from autograd.drawing.labels import FONT_SIZE, coloured, escape, html_label, shown_number
from autograd.drawing.look import Highlight, Look, heat_style
from autograd.drawing.scene import Item, Scene
from autograd.drawing.tangents import Tangents
from autograd.value import Value

CELL_HEIGHT = FONT_SIZE + 14
PARTS = ("n", "d", "t", "g", "p")  # name, data, tangent, grad, pre-activation grad


class Record:
    """The box drawing of one scene: pictures and DOT per state."""

    minimum_width = 0.0
    tangents: Tangents | None = None  # forward mode drawn: a tangent cell in each box

    def __init__(self, scene: Scene, look: Look) -> None:
        self.scene, self.look = scene, look
        self.clusters = list(scene.clusters())
        self.in_cluster = {
            item: k for k, (_, members) in enumerate(self.clusters) for item in members
        }

    def _boxes(self, edges: frozenset[tuple[Value, int]], nodes: frozenset[Value]) -> set[Item]:
        found = {self.scene.item_of(gate.parents[i]) for gate, i in edges}
        found |= {self.scene.item_of(node) for node in nodes}
        return {item for item in found if item is not None}

    def picture(self, state: Gradients, highlight: Highlight | None = None) -> Picture:
        """The cells and gate fills for ``state``, with ``highlight``'s marks."""
        mark = highlight or Highlight()
        receiving = self._boxes(mark.to_edges, mark.to_nodes)
        reading = self._boxes(mark.from_edges, mark.from_nodes)
        fmt, theme = self.look.fmt, self.look.theme
        picture = Picture()
        for item in self.scene.items:
            value = state.value(item.value)
            fill = None
            if item in receiving:
                fill = theme.active_wire
            elif item in reading:
                fill = theme.upstream_wire
            elif item.dead and value is not None:
                fill = theme.dead_fill
            name = item.text if item.kind != "gate" else item.name
            active = item.value is mark.gate
            name_fill = theme.active_gate if active and item.kind == "neuron" else fill
            picture.cells[f"{item.id}n"] = Cell(name, theme.name_text, name_fill)
            data = shown_number(value, fmt)
            picture.cells[f"{item.id}d"] = Cell(data, theme.value, fill, "data ", theme.value)
            if self.tangents is not None:
                tangent = shown_number(self.tangents.of_node(item.value), fmt)
                prefix = self.tangents.prefix
                picture.cells[f"{item.id}t"] = Cell(
                    tangent, theme.tangent, fill, prefix, theme.tangent
                )
            grad = shown_number(state.node(item.value), fmt)
            picture.cells[f"{item.id}g"] = Cell(grad, theme.grad, fill, "grad ", theme.grad)
            if item.pre is not None:
                pre = shown_number(state.node(item.pre), fmt)
                prefix = "pre-act grad "
                picture.cells[f"{item.id}p"] = Cell(pre, theme.grad, fill, prefix, theme.grad)
            if item.kind == "gate":
                picture.gates[item.id] = theme.active_gate if active else theme.gate_fill
        return picture

    def draw(
        self,
        graph: graphviz.Digraph,
        picture: Picture,
        widths: dict[str, float],
        marks: dict[str, str] | None = None,
        heat: Gradients | None = None,
    ) -> None:
        """Add the drawing to ``graph`` (``widths``, ``marks`` and ``heat`` as for the circuit)."""
        scene, theme = self.scene, self.look.theme
        into, out = self.look.ports
        for item in scene.items:
            if item in self.in_cluster:
                continue
            keys = [f"{item.id}{part}" for part in PARTS if f"{item.id}{part}" in picture.cells]
            sizes = {key: widths.get(key, 0.0) for key in keys}
            graph.node(item.id, html_label(self._box(keys, picture, sizes, marks)), shape="plain")
            if item.kind == "gate":
                extra = {"id": f"gate_{item.id}"} if marks is not None else {}
                graph.node(
                    f"{item.id}_op", html_label(escape(item.text)), shape="circle",
                    style="filled", fillcolor=picture.gates[item.id], width="0.45",
                    margin="0.06", **extra,
                )  # fmt: skip
        for k, (cluster, members) in enumerate(self.clusters):
            graph.node(
                f"L{k}",
                html_label(self._cluster(cluster, members, picture, widths, marks)),
                shape="plain",
            )
        inputs = scene.fed_inputs()
        if len(inputs) > 1:  # data inputs in their order, x1 above x2
            with graph.subgraph() as column:
                column.attr(rank="same")
                for first, second in zip(inputs, inputs[1:]):
                    column.edge(first.id, second.id, style="invis")

        def end(item: Item, side: str) -> str:
            k = self.in_cluster.get(item)
            return item.id if k is None else f"L{k}:{item.id}:{side}"

        largest = 0.0
        gradients = {}
        if heat is not None:
            gradients = {id(link): link_gradient(link, heat) for link in scene.links}
            gradients.update({id(item): heat.node(item.value) for item in scene.items})
            largest = max((abs(g) for g in gradients.values() if g is not None), default=0.0)
        for link in scene.links:
            style = {} if heat is None else heat_style(gradients.get(id(link)), largest, theme)
            head = f"{link.target.id}_op" if link.target.kind == "gate" else end(link.target, into)
            graph.edge(end(link.source, out), head, **style)
        for item in scene.items:
            if item.kind == "gate":
                style = {} if heat is None else heat_style(gradients.get(id(item)), largest, theme)
                graph.edge(f"{item.id}_op", item.id, **style)

    def _cells(
        self,
        keys: list[str],
        picture: Picture,
        sizes: dict[str, float],
        marks: dict[str, str] | None,
    ) -> list[str]:
        cells = []
        for key in keys:
            cell = picture.cells[key]
            fill = marks[key] if marks is not None else cell.fill
            background = f' BGCOLOR="{fill}"' if fill else ""
            size = f' FIXEDSIZE="TRUE" WIDTH="{sizes[key] + 10:.0f}" HEIGHT="{CELL_HEIGHT}"'
            text = coloured(cell.prefix, cell.prefix_colour) if cell.prefix else ""
            cells.append(f"<TD{size}{background}>{text}{coloured(cell.text, cell.colour)}</TD>")
        return cells

    def _box(
        self,
        keys: list[str],
        picture: Picture,
        sizes: dict[str, float],
        marks: dict[str, str] | None,
        port: str = "",
    ) -> str:
        """One box: its cells in a row (left to right) or a column (top to bottom)."""
        cells = self._cells(keys, picture, sizes, marks)
        rows = (
            "".join(f"<TR>{c}</TR>" for c in cells)
            if port and self.look.across
            else f"<TR>{''.join(cells)}</TR>"
        )
        port_text = f' PORT="{port}"' if port else ""
        return (
            f'<TABLE{port_text} BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="0" '
            f'COLOR="{self.look.theme.box}">{rows}</TABLE>'
        )

    def _cluster(
        self,
        cluster: str,
        members: list[Item],
        picture: Picture,
        widths: dict[str, float],
        marks: dict[str, str] | None,
    ) -> str:
        """A cluster (a layer) as one table: its name, then its groups in order, as rows (left
        to right drawings) or columns (top to bottom), each box's cells aligned with the rest."""
        column = {
            part: max((widths.get(f"{m.id}{part}", 0.0) for m in members), default=0.0)
            for part in PARTS
        }
        boxes = []
        for member in members:
            keys = [f"{member.id}{p}" for p in PARTS if f"{member.id}{p}" in picture.cells]
            sizes = {key: column[key[-1]] for key in keys}
            if self.look.across:
                sizes = {key: max(column.values()) for key in keys}
            boxes.append(self._box(keys, picture, sizes, marks, port=member.id))
        title = f"<TD>{escape(cluster)}</TD>"
        if self.look.across:  # the name beside the boxes: wires come in at their tops
            rows = "<TR>" + title + "".join(f"<TD>{box}</TD>" for box in boxes) + "</TR>"
        else:  # the name above them: wires come in at their sides
            rows = f"<TR>{title}</TR>" + "".join(f"<TR><TD>{box}</TD></TR>" for box in boxes)
        return (
            f'<TABLE BORDER="1" STYLE="rounded,dashed" COLOR="{self.look.theme.cluster}" '
            f'CELLBORDER="0" CELLSPACING="6" CELLPADDING="0">{rows}</TABLE>'
        )
