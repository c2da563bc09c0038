"""``draw(root)``: a gradient-flow diagram of root's graph as a ``graphviz.Digraph``."""

from __future__ import annotations

from autograd.drawing.circuit import draw_circuit
from autograd.drawing.diagram import Diagram
from autograd.drawing.gradients import CurrentGradients, Gradients, backward_has_run
from autograd.drawing.labels import FONT, FONT_SIZE
from autograd.drawing.look import WIRE_COLOUR, Highlight, Look, graph_attributes
from autograd.drawing.record import draw_record
from autograd.drawing.scene import DEFAULT_MAX_NODES, Scene, build_scene
from autograd.value import Value

STYLES = ("circuit", "record")


def check_style(style: str | None, collapse: str | None) -> str:
    """The style to use: 'circuit' by default, 'record' for ``collapse='neuron'``."""
    if style is None:
        return "record" if collapse else "circuit"
    if style not in STYLES:
        raise ValueError(f"style={style!r} is not one of {', '.join(map(repr, STYLES))}")
    if collapse and style == "circuit":
        raise ValueError("collapse='neuron' draws boxes: use style='record' (or leave style out)")
    return style


def render_scene(
    scene: Scene,
    gradients: Gradients,
    look: Look,
    style: str,
    highlight: Highlight | None = None,
    caption: str | None = None,
    caption_width: float | None = None,
) -> Diagram:
    """The Diagram of ``scene`` in ``style`` with the given gradients (shared by the stepper)."""
    graph = Diagram(graph_attr=graph_attributes(look, caption, caption_width))
    if any(True for _ in scene.clusters()):
        graph.attr(ranksep="1.0")  # room for the many wires between layers
    graph.attr("node", fontname=FONT, fontsize=str(FONT_SIZE))
    graph.attr("edge", color=WIRE_COLOUR, arrowsize="0.7", penwidth="1.2")
    if style == "circuit":
        draw_circuit(graph, scene, gradients, look, highlight)
    else:
        draw_record(graph, scene, gradients, look, highlight)
    return graph


def draw(
    root: Value,
    *,
    style: str | None = None,
    rankdir: str = "LR",
    fmt: str = ".2f",
    grads: bool | None = None,
    heat: bool = False,
    collapse: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Diagram:
    """A diagram of everything ``root`` was computed from, as a ``graphviz.Digraph``.

    * ``style='circuit'`` (default): the cs231n figures, gates as circles, each wire with its
      forward value above (green) and its gradient below (red). ``style='record'``: micrograd's
      boxes ``label | data | grad`` with a circle per gate.
    * ``grads``: ``None`` shows gradients once backward has run (some node has a nonzero
      ``.grad``), else '?' on every wire; ``True`` or ``False`` force them on or off.
    * ``fmt``: the number format (``'.2f'``, ``'g'``, ...; width and precision at most 30);
      ``rankdir``: ``'LR'``, ``'TB'``, ...
    * ``heat=True``: wire width and colour by |gradient|; wires with zero gradient are grey.
    * ``collapse='neuron'``: one box per neuron (output labelled ``"<layer>/<neuron>"``), one
      cluster per layer; see :mod:`autograd.drawing.scene`.
    * ``max_nodes`` (500): more drawn nodes than this raise a ValueError instead of a slow
      layout, and so does a layout of more than 10 x max_nodes nodes: dot adds a hidden node for
      each rank a wire skips, so a value used far from where it was computed (``x`` in every
      step of a loop) costs as much as many nodes (see :func:`autograd.drawing.scene.layout_size`).
      At the limits ``dot`` takes a few seconds.

    ``diagram.save('f.svg')`` renders by suffix (.svg .png .pdf, or .dot for the text);
    ``diagram.source`` is the DOT text, which needs no Graphviz program.
    """
    chosen = check_style(style, collapse)
    if grads not in (None, True, False):
        raise ValueError(f"grads must be None (automatic), True or False, got {grads!r}")
    look = Look(fmt=fmt, rankdir=rankdir, heat=heat)
    scene = build_scene(root, collapse, max_nodes)
    shown = backward_has_run(root) if grads is None else grads
    return render_scene(scene, CurrentGradients(shown), look, chosen)
