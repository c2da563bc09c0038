"""Text on the diagrams: number formatting, escaping, and the HTML-like labels graphviz draws.

Every piece of user text (labels, numbers) goes through :func:`escape` before it reaches a label,
so a label such as ``<script>alert(1)</script>`` is drawn as those characters in DOT, SVG and HTML.
"""

from __future__ import annotations

import html
import re

FONT = "Helvetica"
FONT_SIZE = 14
VALUE_COLOUR = "#2e7d32"  # forward values: green, above the wire (as in the cs231n figures)
GRAD_COLOUR = "#c62828"  # gradients: red, below the wire
UNKNOWN = "?"  # a gradient backward has not computed (yet)


MAX_FORMAT_FIGURES = 30
"""The largest width and precision a number format may ask for (a label, not a printout)."""
FORMAT_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?[eEfFgGn%]?"
)
"""Python's format spec for floats: [[fill]align][sign][z][#][0][width][,_][.precision][type]."""


def check_format(fmt: str) -> str:
    """``fmt`` if it formats a float (``'.2f'``, ``'g'``, ``'.3e'``), else a ValueError.

    Width and precision are at most :data:`MAX_FORMAT_FIGURES`: ``'>1000000000'`` would make every
    label a gigabyte, so it is refused before anything is formatted.
    """
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format spec string such as '.2f', got {fmt!r}")
    shown = fmt if len(fmt) <= 20 else fmt[:20] + "..."
    match = FORMAT_SPEC.fullmatch(fmt)
    for part in ("width", "precision"):
        figures = (match.group(part) or "").lstrip("0") if match else ""
        if len(figures) > 3 or int(figures or 0) > MAX_FORMAT_FIGURES:
            raise ValueError(
                f"fmt={shown!r} asks for a {part} above {MAX_FORMAT_FIGURES}, the most a label "
                "allows; use for example '.4g' or '12.6f'"
            )
    try:
        if match is None:
            raise ValueError(fmt)
        format(-1.5, fmt)
    except (ValueError, TypeError):
        raise ValueError(
            f"fmt={shown!r} is not a float format spec; use for example '.2f', '.4g' or 'g'"
        ) from None
    return fmt


def number(x: float | None, fmt: str) -> str:
    """``x`` formatted with ``fmt``; '?' for an unknown gradient; never a lone '-0.00'."""
    if x is None:
        return UNKNOWN
    text = format(x, fmt)
    if text.startswith("-") and not any(digit in text for digit in "123456789"):
        text = text[1:]
    return text


def escape(text: str) -> str:
    """User text made safe for an HTML-like graphviz label (and so for SVG and HTML)."""
    printable = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in text)
    return html.escape(printable, quote=True)


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """A generous estimate, in points, of how wide ``text`` is drawn (used to fix cell widths)."""
    wide = sum(1 for c in text if c.isupper() or c in "mwMW@%")
    return font_size * (0.62 * (len(text) - wide) + 0.95 * wide) + 4


def coloured(text: str, colour: str) -> str:
    """Escaped ``text`` in a font colour."""
    return f'<FONT COLOR="{colour}">{escape(text)}</FONT>'


def cell(content: str, width: float | None = None, height: float | None = None) -> str:
    """One table cell; with ``width`` and ``height`` its size is fixed, whatever the content."""
    if width is None or height is None:
        return f"<TD>{content}</TD>"
    return f'<TD FIXEDSIZE="TRUE" WIDTH="{width:.0f}" HEIGHT="{height:.0f}">{content}</TD>'


def html_label(body: str) -> str:
    """Wrap table markup as a graphviz HTML-like label (``<...>``)."""
    return f"<{body}>"
