"""The parts of a drawing that change from one stepper frame to the next.

A :class:`Picture` is what a style shows for one state of the graph: each **cell** (a number on a
wire or in a box, a fixed text before it such as ``n3 = `` or ``grad ``, and a background) and
each **gate**'s fill, by key. The DOT text is built from a picture; the stepper's page renders the
layout once and moves from frame to frame by changing only cell texts and fills (see
:mod:`autograd.drawing.player`), so every cell is given one fixed size, :func:`cell_widths`, that
fits every text it shows in any frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from autograd.drawing.labels import text_width
from autograd.drawing.theme import LIGHT

NAME_COLOUR = LIGHT.name_text


class Cell(NamedTuple):
    """One table cell whose text or background may change (a tuple: a stepper makes millions)."""

    text: str  # the number, or '?'
    colour: str
    fill: str | None = None  # background (None: none)
    prefix: str = ""  # a fixed text before it: "n3 = ", "grad "
    prefix_colour: str = NAME_COLOUR


@dataclass
class Picture:
    """Every changing part of a drawing, by key: cells, and gate fills."""

    cells: dict[str, Cell] = field(default_factory=dict)
    gates: dict[str, str] = field(default_factory=dict)


def cell_widths(pictures: Iterable[Picture], minimum: float = 0.0) -> dict[str, float]:
    """For each cell key, a width (points) that fits its text in every one of ``pictures``."""
    widths: dict[str, float] = {}
    for picture in pictures:
        for key, cell in picture.cells.items():
            width = text_width(cell.prefix + cell.text)
            if width > widths.get(key, minimum):
                widths[key] = width
    return {key: max(width, minimum) for key, width in widths.items()}
