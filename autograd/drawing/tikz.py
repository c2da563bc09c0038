"""A diagram as TikZ, for LaTeX documents and Beamer slides, laid out exactly as ``dot`` lays it.

``dot -Tjson`` gives, besides every position, the drawing operations of its xdot format: ellipses,
polygons, Bézier curves and text, each with its colours, pen width and font. Each is written as a
TikZ command in big points (dot's unit, 1/72 inch), so the TikZ picture has the same layout and
the same colours as dot's SVG: values above and gradients below each wire. Text is set in the sans
serif font, centred where dot centred it (TeX's letters are not exactly as wide as dot assumed),
with LaTeX's special characters escaped and the few non-ASCII symbols the diagrams use (∂, →, ×,
σ, ...) as math; any other is written as ``?``, so the file compiles with pdflatex.
"""

from __future__ import annotations

import json
import re
from typing import Any

TEXT_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "\u00a0": "~",
}
SYMBOLS = {
    "∂": r"$\partial$",
    "→": r"$\rightarrow$",
    "←": r"$\leftarrow$",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "−": r"$-$",
    "σ": r"$\sigma$",
    "η": r"$\eta$",
    "√": r"$\surd$",
    "ṫ": r"$\dot{t}$",
    "…": r"\ldots{}",
    "✓": r"$\checkmark$",
}
NAMED = {"white": "FFFFFF", "black": "000000"}
ALIGN = {"l": 0.0, "c": 0.5, "r": 1.0}
LINE_WIDTH = re.compile(r"setlinewidth\(([\d.]+)\)")
BORDER = 2.0  # big points around the picture on a standalone document's page
STANDALONE = r"""\documentclass{article}
\usepackage[paperwidth=%(width).2fbp, paperheight=%(height).2fbp, margin=0pt]{geometry}
\usepackage[T1]{fontenc}
\usepackage[scaled]{helvet}
\usepackage{amssymb}
\usepackage{tikz}
\renewcommand{\familydefault}{\sfdefault}
\pagestyle{empty}
\begin{document}
\noindent
%(picture)s
\end{document}
"""


def latex_text(text: str) -> str:
    """``text`` for LaTeX's text mode: special characters escaped, symbols as math."""
    return "".join(
        TEXT_SPECIAL.get(c) or SYMBOLS.get(c) or (c if c.isascii() and c.isprintable() else "?")
        for c in text
    )


class _Colours:
    """The colours of a picture, each defined once and named c0, c1, ..."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, colour: str) -> tuple[str, float] | None:
        """The TikZ name and opacity of an xdot colour (``#rrggbb``, ``#rrggbbaa``, a few
        names); None for a transparent one."""
        colour = colour.strip().lower()
        if colour in ("none", "transparent", ""):
            return None
        hex_digits = NAMED.get(colour, colour.lstrip("#"))
        if not re.fullmatch(r"[0-9a-f]{6}([0-9a-f]{2})?", hex_digits, re.I):
            hex_digits = "000000"  # a colour name Graphviz knows and this table does not
        alpha = int(hex_digits[6:8], 16) / 255 if len(hex_digits) == 8 else 1.0
        if alpha == 0.0:
            return None
        rgb = hex_digits[:6].upper()
        name = self.names.setdefault(rgb, f"c{len(self.names)}")
        return name, alpha

    def definitions(self) -> list[str]:
        return [rf"\definecolor{{{name}}}{{HTML}}{{{rgb}}}" for rgb, name in self.names.items()]


def _point(p: list[float]) -> str:
    return f"({p[0]:.2f},{p[1]:.2f})"


class _Painter:
    """Turns xdot drawing operations into TikZ commands, keeping the pen state between them."""

    def __init__(self, colours: _Colours) -> None:
        self.colours = colours
        self.lines: list[str] = []
        self.reset()

    def reset(self) -> None:
        """dot's defaults, before each object's operations."""
        self.pen: tuple[str, float] | None = self.colours("#000000")
        self.fill: tuple[str, float] | None = None
        self.width = 1.0
        self.dash = ""
        self.font_size = 14.0
        self.bold = False

    def _options(self, filled: bool) -> str:
        options = []
        if self.pen is not None:
            options.append(f"draw={self.pen[0]}")
            if self.pen[1] < 1.0:
                options.append(f"draw opacity={self.pen[1]:.3f}")
        if filled and self.fill is not None:
            options.append(f"fill={self.fill[0]}")
            if self.fill[1] < 1.0:
                options.append(f"fill opacity={self.fill[1]:.3f}")
        options.append(f"line width={self.width:g}bp")
        if self.dash:
            options.append(self.dash)
        return ", ".join(options)

    def _shape(self, path: str, filled: bool) -> None:
        if self.pen is None and not (filled and self.fill is not None):
            return
        command = r"\path" if self.pen is None else r"\draw"
        self.lines.append(f"{command}[{self._options(filled)}] {path};")

    def run(self, operations: list[dict[str, Any]]) -> None:
        for op in operations:
            kind = op["op"]
            if kind == "c":
                self.pen = self.colours(op["color"])
            elif kind == "C":
                self.fill = self.colours(op["color"])
            elif kind == "S":
                self._style(op["style"])
            elif kind == "F":
                self.font_size = float(op["size"])
                self.bold = "bold" in op["face"].lower()
            elif kind in ("E", "e"):
                x, y, rx, ry = op["rect"]
                path = f"({x:.2f},{y:.2f}) ellipse [x radius={rx:.2f}bp, y radius={ry:.2f}bp]"
                self._shape(path, kind == "E")
            elif kind in ("P", "p", "L"):
                path = " -- ".join(_point(p) for p in op["points"])
                self._shape(path + (" -- cycle" if kind != "L" else ""), kind == "P")
            elif kind in ("B", "b"):
                # dot's JSON writes every curve (an edge, a rounded table border) as "b", which
                # xdot reserves for filled ones, and a border would inherit the last fill of the
                # table's cells; its SVG leaves curves unfilled, and so does this
                self._shape(self._bezier(op["points"]), filled=False)
            elif kind == "T":
                self._text(op)

    def _style(self, style: str) -> None:
        width = LINE_WIDTH.match(style)
        if width:
            self.width = float(width.group(1))
        elif style.startswith(("dashed", "dotted")):  # Graphviz 2.43 may append junk
            self.dash = style[:6]
        elif style == "solid":
            self.dash = ""
        elif style == "invis":
            self.pen = self.fill = None

    @staticmethod
    def _bezier(points: list[list[float]]) -> str:
        path = _point(points[0])
        for k in range(1, len(points) - 2, 3):
            c1, c2, end = points[k : k + 3]
            path += f" .. controls {_point(c1)} and {_point(c2)} .. {_point(end)}"
        return path

    def _text(self, op: dict[str, Any]) -> None:
        x, y = op["pt"]
        x += (0.5 - ALIGN.get(op.get("align", "c"), 0.5)) * float(op.get("width", 0.0))
        colour = self.pen[0] if self.pen is not None else "black"
        size = self.font_size
        bold = r"\bfseries" if self.bold else ""
        font = rf"\sffamily{bold}\fontsize{{{size:g}}}{{{size * 1.2:g}}}\selectfont"
        self.lines.append(
            rf"\node[anchor=base, inner sep=0, text={colour}, font={font}] at ({x:.2f},{y:.2f}) "
            f"{{{latex_text(op['text'])}}};"
        )


DRAWINGS = ("_draw_", "_ldraw_", "_hdraw_", "_tdraw_", "_hldraw_", "_tldraw_")


def tikz_picture(layout_json: str, standalone: bool = False) -> str:
    """The ``tikzpicture`` of dot's JSON output (``dot -Tjson``); ``standalone``: a whole
    document (an ``article`` whose page ``geometry`` fits the picture) that pdflatex compiles as
    it is."""
    graph = json.loads(layout_json)
    colours = _Colours()
    painter = _Painter(colours)
    painter.run(graph.get("_draw_", []))
    objects = graph.get("objects", [])
    clusters = [o for o in objects if "nodes" in o]
    nodes = [o for o in objects if "nodes" not in o]
    for part in clusters + graph.get("edges", []) + nodes:
        for key in DRAWINGS:
            painter.reset()
            painter.run(part.get(key, []))
    painter.reset()
    painter.run(graph.get("_ldraw_", []))  # the graph's own label (a stepper frame's caption)
    body = "\n".join(
        [r"\begin{tikzpicture}[x=1bp, y=1bp]", *colours.definitions(), *painter.lines]
        + [r"\end{tikzpicture}"]
    )
    if not standalone:
        return body + "\n"
    x0, y0, x1, y1 = (float(v) for v in graph.get("bb", "0,0,0,0").split(","))
    # a page the size of dot's bounding box, and the picture clipped to it
    body = body.replace(
        "\n",
        f"\n\\useasboundingbox ({x0 - BORDER:.2f},{y0 - BORDER:.2f}) rectangle "
        f"({x1 + BORDER:.2f},{y1 + BORDER:.2f});\n",
        1,
    )
    size = {"width": x1 - x0 + 2 * BORDER, "height": y1 - y0 + 2 * BORDER}
    return STANDALONE % {**size, "picture": body}
