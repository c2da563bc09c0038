"""``draw(root)``: a gradient-flow diagram of root's graph as a ``graphviz.Digraph``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

from autograd.drawing.cells import Picture, cell_widths
from autograd.drawing.circuit import Circuit
from autograd.drawing.diagram import Diagram
from autograd.drawing.gradients import CurrentGradients, Gradients, backward_has_run
from autograd.drawing.grouping import Collapse
from autograd.drawing.labels import DEFAULT_FMT, FONT, FONT_SIZE, escape, html_label
from autograd.drawing.look import WIRE_WIDTH, Look, graph_attributes
from autograd.drawing.record import Record
from autograd.drawing.scene import DEFAULT_MAX_NODES, Scene, build_scene
from autograd.drawing.tangents import Tangents
from autograd.drawing.theme import Theme, find_theme
from autograd.value import Value

STYLES = ("circuit", "record")
Style = Union[Circuit, Record]
CAPTION_LINE = FONT_SIZE + 6


def check_style(style: str | None, collapse: Collapse) -> str:
    """The style to use: 'circuit' by default, 'record' when collapsing."""
    if style is None:
        return "record" if collapse is not None else "circuit"
    if style not in STYLES:
        raise ValueError(f"style={style!r} is not one of {', '.join(map(repr, STYLES))}")
    if collapse is not None and style == "circuit":
        raise ValueError("collapse draws boxes: use style='record' (or leave style out)")
    return style


def make_style(scene: Scene, look: Look, style: str) -> Style:
    """The drawing of ``scene`` in ``style``."""
    return Circuit(scene, look) if style == "circuit" else Record(scene, look)


def render(
    drawing: Style,
    picture: Picture,
    widths: dict[str, float],
    *,
    caption: list[str] | None = None,
    caption_size: tuple[float, int] | None = None,
    marks: dict[str, str] | None = None,
    heat: Gradients | None = None,
) -> Diagram:
    """The Diagram of one picture; ``caption`` (lines of text, in a box of ``caption_size``:
    width in points and lines, the same in every frame) goes under it."""
    graph = Diagram(graph_attr=graph_attributes(drawing.look))
    if caption is not None:
        width, lines = caption_size or (0.0, len(caption))
        padded = [escape(line) for line in caption] + ["&#160;"] * (lines - len(caption))
        text = "<BR/>".join(padded)  # every frame as many lines: the text sits alike in each
        graph.attr(
            label=html_label(
                '<TABLE BORDER="0" CELLPADDING="2"><TR>'
                f'<TD FIXEDSIZE="TRUE" WIDTH="{width:.0f}" HEIGHT="{lines * CAPTION_LINE}" '
                f'BALIGN="LEFT" ALIGN="LEFT">{text}</TD></TR></TABLE>'
            ),
            labelloc="b",
            labeljust="l",
        )
    if any(True for _ in drawing.scene.clusters()):
        graph.attr(ranksep="1.0")  # room for the many wires between layers
    theme = drawing.look.theme
    graph.attr("node", fontname=FONT, fontsize=str(FONT_SIZE), fontcolor=theme.text)
    graph.attr("node", color=theme.wire)
    graph.attr("edge", color=theme.wire, arrowsize="0.7", penwidth=str(WIRE_WIDTH))
    drawing.draw(graph, picture, widths, marks, heat)
    return graph


def draw(
    root: Value,
    *,
    style: str | None = None,
    rankdir: str = "LR",
    fmt: str = DEFAULT_FMT,
    grads: bool | None = None,
    heat: bool = False,
    collapse: Collapse = None,
    names: str = "labels",
    short_names: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    theme: str | Theme = "light",
    tangents: Mapping[Value, float] | None = None,
) -> Diagram:
    """A diagram of everything ``root`` was computed from, as a ``graphviz.Digraph``.

    * ``style='circuit'`` (default): the cs231n figures, gates as circles, each wire with its
      forward value above (green) and its gradient below (red). ``style='record'``: micrograd's
      boxes ``name | data | grad`` with a circle per gate.
    * ``grads``: ``None`` shows gradients once backward has run (some node has a nonzero
      ``.grad``), else '?' on every wire; ``True`` or ``False`` force them on or off.
    * ``fmt``: the number format: ``'auto'`` (two decimals, more for small numbers, so a nonzero
      never shows as 0: ``0.73``, ``-0.0042``), or a float format spec without a width
      (``'.2f'``, ``'g'``, ``'+.3e'``; a precision of at most two digits).
    * ``rankdir``: ``'LR'`` (left to right), ``'TB'`` (top to bottom), ``'RL'``, ``'BT'``.
    * ``heat=True``: wire width and colour by |gradient|; wires with zero gradient are grey.
    * ``collapse='neuron'``: one box per neuron, the neurons of a layer in one table in their
      order; a dead ReLU's box and links are grey (see :mod:`autograd.drawing.grouping`: ``nn``
      registers 'neuron'; a grouping object or a mapping ``{output: Group}`` works too).
    * ``names``: ``'labels'`` names the labelled gates on their wires (``q = 3.00``), ``'all'``
      every gate (``n3 = 4.00``, the names :func:`autograd.summary` uses).
    * ``short_names=True``: leaves get the short names their library gives (``nn``: ``w1``,
      ``b`` instead of ``layers.0.neurons.2.w.0``).
    * ``max_nodes`` (500): more drawn nodes than this raise a ValueError instead of a slow
      layout, and so does a layout of more than 16 x max_nodes nodes: dot adds a hidden node for
      each rank a wire skips, so a value used far from where it was computed (``x`` in every
      step of a loop) costs as much as many nodes (see :func:`autograd.drawing.scene.layout_size`).
      At the limits ``dot`` takes a few seconds.
    * ``theme``: the colours: ``'light'`` (the lecture figures), ``'colorblind'`` (values blue,
      gradients vermillion: told apart with any common colour-vision deficiency) or ``'dark'``.
    * ``tangents={x: 1.0}``: forward mode drawn: beside each value, in blue, its tangent, the
      derivative d value / d x (:func:`autograd.tangents`; several seeds give a directional
      derivative), so one picture shows forward mode (one input, every node) next to reverse
      mode's gradients (one output, every input).

    ``diagram.save('f.svg')`` renders by suffix (.svg .png .pdf, or .dot for the text;
    ``dpi=192`` for a sharper PNG); ``diagram.source`` is the DOT text, which needs no program.
    """
    chosen = check_style(style, collapse)
    if grads not in (None, True, False):
        raise ValueError(f"grads must be None (automatic), True or False, got {grads!r}")
    look = Look(fmt=fmt, rankdir=rankdir, heat=heat, names=names, theme=find_theme(theme))
    scene = build_scene(root, collapse, max_nodes, short_names)
    drawing = make_style(scene, look, chosen)
    state = CurrentGradients(backward_has_run(root) if grads is None else grads)
    if tangents is not None:
        drawing.tangents = Tangents.of(root, tangents)
    picture = drawing.picture(state)
    widths = cell_widths([picture], drawing.minimum_width)
    return render(drawing, picture, widths, heat=state if heat else None)
