"""Options shared by both drawing styles: number format, direction, heat colours, highlights."""

from __future__ import annotations

from dataclasses import dataclass

from autograd.drawing.gradients import Gradients
from autograd.drawing.labels import FONT, FONT_SIZE, check_format, escape, html_label, text_width
from autograd.value import Value

RANKDIRS = ("LR", "RL", "TB", "BT")
WIRE_COLOUR = "#444444"
DEAD_COLOUR = "#b0b0b0"  # heat: a wire whose gradient is exactly zero (a dead ReLU path)
HEAT_COLOUR = "#c62828"
ACTIVE_GATE = "#ffd54f"  # the stepper's current gate
ACTIVE_WIRE = "#fff3c4"  # the wire receiving the current step's gradient
UPSTREAM_WIRE = "#e3f2fd"  # the current gate's own (upstream) gradient
MIN_WIRE_WIDTH = 36  # points: short numbers still get a visible stretch of wire
NETWORK_SIMPLEX_LIMIT = "3"
"""dot's ``nslimit``: at most 3 x (number of nodes) iterations to place nodes. Ordinary graphs
need fewer (an MLP's about 1.5 x), so their layout is unchanged; a value used in every step of a
long loop could otherwise take dot minutes."""


@dataclass(frozen=True)
class Look:
    """How to draw: number format, direction, heat, and (for the stepper) fixed cell sizes.

    ``sizing``, when given, is a second set of gradients whose numbers must fit in every cell as
    well: the stepper passes the final gradients, so that '?' and the number it becomes take the
    same room and nothing moves between frames.
    """

    fmt: str = ".2f"
    rankdir: str = "LR"
    heat: bool = False
    sizing: Gradients | None = None

    def __post_init__(self) -> None:
        check_format(self.fmt)
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"rankdir={self.rankdir!r:.40} is not one of {', '.join(RANKDIRS)}")


@dataclass(frozen=True)
class Highlight:
    """The stepper's current step: the gate passing gradient, and which input receives it."""

    gate: Value
    index: int


def graph_attributes(
    look: Look, caption: str | None, caption_width: float | None
) -> dict[str, str]:
    """Graph-level DOT attributes; a caption (fixed width if given) is drawn under the diagram."""
    attributes = {
        "rankdir": look.rankdir,
        "ordering": "in",
        "nodesep": "0.2",
        "ranksep": "0.3",
        "nslimit": NETWORK_SIMPLEX_LIMIT,
        "bgcolor": "white",
        "fontname": FONT,
        "fontsize": str(FONT_SIZE),
    }
    if caption is not None:
        width = caption_width if caption_width is not None else text_width(caption)
        attributes["label"] = html_label(
            '<TABLE BORDER="0" CELLPADDING="2"><TR>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{width:.0f}" HEIGHT="{FONT_SIZE + 10}">'
            f"{escape(caption)}</TD></TR></TABLE>"
        )
        attributes["labelloc"] = "b"
    return attributes


def heat_style(gradient: float | None, largest: float) -> dict[str, str]:
    """Wire width and colour by |gradient| (relative to the largest); zero gradients grey."""
    if gradient is None:
        return {}
    if gradient == 0.0 or largest == 0.0:
        return {"color": DEAD_COLOUR, "penwidth": "1"}
    share = min(abs(gradient) / largest, 1.0)
    alpha = int(round(0x60 + (0xFF - 0x60) * share))
    return {"color": f"{HEAT_COLOUR}{alpha:02x}", "penwidth": f"{1 + 4 * share:.2f}"}
