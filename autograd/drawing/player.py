"""The stepper's outputs without a kernel: one self-contained HTML page, and an animated GIF.

The page holds the drawing once: ``dot`` lays it out a single time (:class:`Layout`), with every
cell that changes between frames marked by a unique background colour, which is then turned into
element ids; each frame is the list of cell texts and fills that differ from the frame before, and
the page's script applies them. So a page grows with the number of steps by a few bytes a step,
not by a whole SVG a step. Captions are HTML text beside the drawing, which scales to the window.

The page loads nothing from the network (its Content-Security-Policy forbids it) and runs only its
own script (allowed by hash, so an injected ``<script>`` could not run even if it got past the
escaping); frame data sit in a JSON block that is never executed. Keys: arrows step, Home/End
jump, space plays.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from string import Template
from typing import Any, Union

from autograd.checks import brief
from autograd.drawing.cells import Cell, Picture
from autograd.drawing.draw import Style, render
from autograd.drawing.labels import escape
from autograd.drawing.theme import LIGHT, Theme

MARK = "#fd{:04x}"  # the background that names cell number k in the layout's render
MAX_CELLS = 0x10000
CELL = re.compile(
    r'<polygon fill="#fd([0-9a-f]{4})"([^>]*?)points="([^"]*)"\s*/>\s*'
    r'((?:<polygon fill="none"[^>]*/>\s*)*)'  # its border, if the table draws one
    r"((?:<text\b[^>]*>[^<]*</text>\s*)+)",
    re.I,
)
GATE = re.compile(r'(<g id="gate_([^"]+)" class="node">\s*)<ellipse fill="[^"]*"')
SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
NOTEBOOK_WIDTH = 880  # pixels: about the width of a notebook's output area
READABLE = 0.8  # a page's drawing at least this fraction of its size (it scrolls sideways)
ATTRIBUTE = re.compile(r'\b(y|font-family|font-size)="([^"]*)"')


@dataclass(frozen=True)
class CellSlot:
    """Where a cell sits in the layout's SVG: its box and its text's baseline and font."""

    key: str
    box: str  # the polygon's other attributes and points
    border: str  # the cell's border, drawn over its background
    x: float  # the middle of the box: the text is centred on it
    text: str  # y, font-family, font-size of the text


@dataclass(frozen=True)
class GateSlot:
    """Where a gate's fill sits in the layout's SVG."""

    key: str
    head: str  # the node group's opening tag


Slot = Union[str, CellSlot, GateSlot]


def _cell_svg(slot: CellSlot, cell: Cell) -> str:
    prefix = (
        f'<tspan fill="{cell.prefix_colour}">{html.escape(cell.prefix)}</tspan>'
        if cell.prefix
        else ""
    )
    return (
        f'<polygon id="b-{slot.key}" fill="{cell.fill or "none"}"{slot.box}/>\n{slot.border}'
        f'<text id="t-{slot.key}" text-anchor="middle" xml:space="preserve" x="{slot.x:.2f}"'
        f'{slot.text}>{prefix}<tspan fill="{cell.colour}">{html.escape(cell.text)}</tspan></text>\n'
    )


class Layout:
    """A drawing laid out once by ``dot``, as SVG with a slot for every part that changes."""

    def __init__(self, slots: list[Slot]) -> None:
        self.slots = slots

    @classmethod
    def build(cls, drawing: Style, first: Picture, widths: dict[str, float]) -> Layout:
        """Render ``drawing`` once, each cell marked, and find every cell and gate in the SVG."""
        keys = list(first.cells)
        if len(keys) > MAX_CELLS:
            raise ValueError(f"a drawing with {len(keys)} cells is too large for one page")
        marks = {key: MARK.format(k) for k, key in enumerate(keys)}
        svg = render(drawing, first, widths, marks=marks).pipe(format="svg", encoding="utf-8")
        svg = re.sub(r"<!--.*?-->\n?", "", svg[svg.index("<svg") :], flags=re.S)
        found: list[tuple[int, int, CellSlot | GateSlot]] = []
        for match in CELL.finditer(svg):
            number, rest, points, border, texts = match.groups()
            xs = [float(pair.split(",")[0]) for pair in points.split()]
            attributes = "".join(f' {a}="{v}"' for a, v in ATTRIBUTE.findall(texts.split(">")[0]))
            slot = CellSlot(
                keys[int(number, 16)], f'{rest}points="{points}"', border,
                (min(xs) + max(xs)) / 2, attributes,
            )  # fmt: skip
            found.append((match.start(), match.end(), slot))
        for match in GATE.finditer(svg):
            found.append((match.start(), match.end(), GateSlot(match.group(2), match.group(1))))
        if len([f for f in found if isinstance(f[2], CellSlot)]) != len(keys):
            raise RuntimeError(
                "dot's SVG did not show every cell of the drawing; this Graphviz version draws "
                "tables differently from the one chainrule was made with"
            )
        slots: list[Slot] = []
        position = 0
        for start, end, part in sorted(found, key=lambda f: f[0]):
            slots += [svg[position:start], part]
            position = end
        slots.append(svg[position:])
        return cls(slots)

    def size(self) -> tuple[float, float]:
        """The drawing's width and height as dot laid it out, in points."""
        head = self.slots[0]
        match = SIZE.search(head) if isinstance(head, str) else None
        return (float(match.group(1)), float(match.group(2))) if match else (400.0, 200.0)

    def aspect(self) -> float:
        """The drawing's height over its width."""
        width, height = self.size()
        return height / width

    def svg(self, picture: Picture) -> str:
        """The SVG showing ``picture`` (its cells' texts and fills, its gates' fills)."""
        parts = []
        for slot in self.slots:
            if isinstance(slot, str):
                parts.append(slot)
            elif isinstance(slot, CellSlot):
                parts.append(_cell_svg(slot, picture.cells[slot.key]))
            else:
                parts.append(
                    f'{slot.head}<ellipse id="e-{slot.key}" fill="{picture.gates[slot.key]}"'
                )
        return "".join(parts)


def _template(name: str) -> str:
    return resources.files("autograd.drawing").joinpath(name).read_text(encoding="utf-8")


def _script(name: str) -> tuple[str, str]:
    """A page's script and its hash for the Content-Security-Policy (only it may run)."""
    script = _template(name)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return script, f"sha256-{digest}"


def fill_changes(base: Picture, picture: Picture) -> dict[str, dict[str, str]]:
    """The cell fills (``f``) and gate fills (``g``) of ``picture`` that differ from ``base``."""
    return {
        "f": {
            key: cell.fill or "none"
            for key, cell in picture.cells.items()
            if cell.fill != base.cells[key].fill
        },
        "g": {key: fill for key, fill in picture.gates.items() if fill != base.gates[key]},
    }


def frame_changes(pictures: Iterable[Picture]) -> tuple[Picture, list[dict[str, dict[str, str]]]]:
    """The first picture, and for each later one what differs from the one before it: cell
    texts (``t``), cell fills (``f``) and gate fills (``g``), by key."""
    iterator = iter(pictures)
    first = previous = next(iterator)
    changes = []
    for picture in iterator:
        change: dict[str, dict[str, str]] = {"t": {}, "f": {}, "g": {}}
        for key, cell in picture.cells.items():
            before = previous.cells[key]
            if cell.text != before.text:
                change["t"][key] = cell.text
            if cell.fill != before.fill:
                change["f"][key] = cell.fill or "none"
        for key, fill in picture.gates.items():
            if fill != previous.gates[key]:
                change["g"][key] = fill
        changes.append({part: values for part, values in change.items() if values})
        previous = picture
    return first, changes


def _json_in_html(data: object) -> str:
    """JSON that cannot end its <script> block early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def check_delay(delay_ms: object) -> int:
    """``delay_ms`` if it is an int of milliseconds from 50 to 60,000, else a ValueError."""
    if isinstance(delay_ms, bool) or not isinstance(delay_ms, int) or not 50 <= delay_ms <= 60_000:
        raise ValueError(
            f"delay_ms must be an int from 50 to 60000 (milliseconds), got {brief(delay_ms)}"
        )
    return delay_ms


def html_page(
    layout: Layout,
    pictures: Iterable[Picture],
    captions: list[str],
    title: str,
    delay_ms: int = 1200,
    theme: Theme = LIGHT,
) -> str:
    """The player page: the layout, each frame's changes, the captions, and the controls."""
    check_delay(delay_ms)
    first, changes = frame_changes(pictures)
    script, script_hash = _script("stepper.js")
    return Template(_template("stepper.html")).substitute(
        title=escape(title),
        script=script,
        script_hash=script_hash,
        svg=layout.svg(first),
        caption=escape(captions[0]),
        frames=_json_in_html({"captions": captions, "changes": changes}),
        last=len(captions) - 1,
        delay=int(delay_ms),
        background=theme.background,
        foreground=theme.text,
        captions="".join(f"<li>{escape(caption)}</li>" for caption in captions),
        min_width=round(layout.size()[0] * READABLE),
    )


@dataclass(frozen=True)
class Blank:
    """A quiz blank as the page needs it (see :mod:`autograd.quiz`)."""

    letter: str
    prompt: str
    cells: tuple[str, ...]
    answer: float
    shown: str
    tolerance: float
    hint: str
    colour: str  # the colour of its number once answered
    marks: dict[str, dict[str, str]]  # the fills while it is being answered


def quiz_page(
    layout: Layout, picture: Picture, blanks: list[Blank], title: str, theme: Theme, what: str
) -> str:
    """The quiz page: the drawing with lettered blanks, a field for each, marking and hints."""
    script, script_hash = _script("quiz.js")
    items = "\n".join(
        f'<li class="question" id="item-{b.letter}"><label for="answer-{b.letter}">'
        f'<span class="letter">({b.letter})</span> {escape(b.prompt)}</label>'
        f'<input id="answer-{b.letter}" type="text" inputmode="decimal" spellcheck="false" '
        f'aria-describedby="feedback-{b.letter}"> <button type="button" id="check-{b.letter}">'
        f'check</button><p class="feedback" id="feedback-{b.letter}" aria-live="polite"></p>'
        "</li>"
        for b in blanks
    )
    data = {
        "questions": [
            {
                "letter": b.letter,
                "cells": list(b.cells),
                "answer": b.answer,
                "shown": b.shown,
                "tolerance": b.tolerance,
                "hint": b.hint,
                "colour": b.colour,
            }
            for b in blanks
        ],
        "marks": {b.letter: b.marks for b in blanks},
        "right_fill": theme.right_fill,
        "wrong_fill": theme.wrong_fill,
    }
    if not blanks:
        raise ValueError("a quiz page needs at least one blank")
    if len(blanks) == 1:
        fill = f"Fill in the blank ({blanks[0].letter}): type the number and press Enter."
    else:
        fill = (
            f"Fill in each blank, ({blanks[0].letter}) to ({blanks[-1].letter}): type the number "
            "and press Enter (Tab moves to the next blank)."
        )
    return Template(_template("quiz.html")).substitute(
        title=escape(title),
        script=script,
        script_hash=script_hash,
        svg=layout.svg(picture),
        questions=items,
        data=_json_in_html(data),
        count=len(blanks),
        fill=fill,
        min_width=round(layout.size()[0] * READABLE),
        what=escape(what),
        background=theme.background,
        foreground=theme.text,
        right=theme.right,
        wrong=theme.wrong,
        blank=theme.blank,
    )


def pillow(what: str) -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            f"{what} needs Pillow: pip install pillow (from a chainrule checkout: pip install -e "
            "'.[gif]')"
        ) from None
    return Image


def gif_bytes(pngs: list[bytes], delay_ms: int = 1200) -> bytes:
    """Assemble PNG frames into a looping GIF (needs Pillow); the last frame stays longer."""
    check_delay(delay_ms)
    image_module = pillow("Stepper.to_gif")
    images = [image_module.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    frames = []
    for image in images:
        canvas = image_module.new("RGB", (width, height), "white")
        canvas.paste(image, (0, 0))
        frames.append(canvas.quantize(colors=64, method=image_module.Quantize.MEDIANCUT))
    durations = [delay_ms] * (len(frames) - 1) + [delay_ms * 3]
    out = io.BytesIO()
    frames[0].save(
        out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0
    )
    return out.getvalue()


def pdf_bytes(pngs: list[bytes], dpi: float) -> bytes:
    """PNG frames as the pages of one PDF (needs Pillow), at ``dpi`` pixels per inch."""
    image_module = pillow("Stepper.to_pdf")
    images = [image_module.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def notebook_frame(page: str, aspect: float, title: str) -> str:
    """A page shown in a notebook's output: an iframe whose ``srcdoc`` is the page, so that its
    own script and Content-Security-Policy apply (sandboxed: the script cannot reach the
    notebook). Its height leaves room for the controls and the caption above the drawing."""
    height = int(min(max(190 + NOTEBOOK_WIDTH * aspect, 320), 900))
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="{escape(title)}" style="width: 100%; height: {height}px; '
        'border: 0;"></iframe>'
    )
