"""Options shared by both drawing styles: number format, direction, names, heat, colours, marks."""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd.drawing.labels import FONT, FONT_SIZE, check_format
from autograd.drawing.theme import LIGHT, Theme, find_theme
from autograd.value import Value

RANKDIRS = ("LR", "RL", "TB", "BT")
NAMES = ("labels", "all")
WIRE_WIDTH = 1  # points: a wire, and the bar that carries it through its label
MIN_WIRE_WIDTH = 36  # points: short numbers still get a visible stretch of wire
PORTS = {"LR": ("w", "e"), "RL": ("e", "w"), "TB": ("n", "s"), "BT": ("s", "n")}
"""Per direction, the sides where a wire enters and leaves a node."""


@dataclass(frozen=True)
class Look:
    """How to draw: number format, direction, which gates are named on their wire, heat, the
    colour theme (a name or a :class:`~autograd.drawing.theme.Theme`)."""

    fmt: str = "auto"
    rankdir: str = "LR"
    heat: bool = False
    names: str = "labels"  # 'labels': labelled gates only; 'all': every gate (n1, n2, ...)
    theme: Theme = LIGHT

    def __post_init__(self) -> None:
        object.__setattr__(self, "theme", find_theme(self.theme))
        check_format(self.fmt)
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"rankdir={self.rankdir!r:.40} is not one of {', '.join(RANKDIRS)}")
        if self.names not in NAMES:
            raise ValueError(f"names={self.names!r:.40} is not one of {', '.join(NAMES)}")
        if self.heat not in (True, False):
            raise ValueError(f"heat must be True or False, got {self.heat!r:.40}")

    @property
    def ports(self) -> tuple[str, str]:
        """The sides of a node where wires come in and go out, in this direction."""
        return PORTS[self.rankdir]

    @property
    def across(self) -> bool:
        """Do wires run top to bottom (TB, BT), so a wire's label puts value and gradient side by
        side instead of above and below?"""
        return self.rankdir in ("TB", "BT")


@dataclass(frozen=True)
class Highlight:
    """What the stepper's current frame marks: the gate at work (``gate``), the wires or boxes
    receiving a number (``to_*``: yellow) and those it is computed from (``from_*``: blue). Wires
    are named by graph edge ``(gate, input position)`` or by node (the wire leaving it)."""

    gate: Value | None = None
    to_edges: frozenset[tuple[Value, int]] = field(default_factory=frozenset)
    to_nodes: frozenset[Value] = field(default_factory=frozenset)
    from_edges: frozenset[tuple[Value, int]] = field(default_factory=frozenset)
    from_nodes: frozenset[Value] = field(default_factory=frozenset)


def graph_attributes(look: Look) -> dict[str, str]:
    """Graph-level DOT attributes.

    ``nslimit``/``nslimit1`` bound dot's network-simplex passes: a graph with long wires (a value
    used all along a chain) otherwise takes minutes to place; the lecture diagrams come out the
    same with the bound.
    """
    return {
        "rankdir": look.rankdir,
        "ordering": "in",
        "nodesep": "0.2",
        "ranksep": "0.3",
        "bgcolor": look.theme.background,
        "fontcolor": look.theme.text,
        "fontname": FONT,
        "fontsize": str(FONT_SIZE),
        "nslimit": "1",
        "nslimit1": "1",
    }


def heat_style(gradient: float | None, largest: float, theme: Theme = LIGHT) -> dict[str, str]:
    """Wire width and colour by |gradient| (relative to the largest); zero gradients grey."""
    if gradient is None:
        return {}
    if gradient == 0.0 or largest == 0.0:
        return {"color": theme.dead_wire, "penwidth": str(WIRE_WIDTH)}
    share = min(abs(gradient) / largest, 1.0)
    alpha = int(round(0x60 + (0xFF - 0x60) * share))
    return {"color": f"{theme.heat}{alpha:02x}", "penwidth": str(round(1 + 4 * share))}
