"""Colour themes: ``theme='light'`` (the lecture figures: values green, gradients red),
``'colorblind'`` and ``'dark'``.

``'colorblind'`` takes its colours from Okabe and Ito's palette, which people with any of the
common colour-vision deficiencies can tell apart: values blue, gradients vermillion, tangents
reddish purple; the highlights are yellow and light blue. ``'dark'`` draws light text and wires
on a dark background (slides with a dark background, a notebook's dark mode).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """Every colour a drawing uses."""

    name: str
    background: str
    text: str  # gate symbols, input names, captions
    name_text: str  # the names before a value ("q = ")
    value: str  # forward values (above a wire)
    grad: str  # gradients (below a wire)
    tangent: str  # forward-mode tangents (beside a value)
    wire: str
    gate_fill: str
    active_gate: str  # the stepper's gate at work
    active_wire: str  # the wire receiving the current step's number
    upstream_wire: str  # the wires the current step reads
    dead_wire: str  # heat: a wire whose gradient is exactly zero
    dead_fill: str  # a neuron that passes nothing back
    heat: str  # heat: the colour of a large gradient
    box: str  # a record box's border
    cluster: str  # a layer's dashed border
    right: str  # a quiz answer marked right: its text
    wrong: str  # ... and wrong
    right_fill: str  # ... the background of its cell
    wrong_fill: str
    blank: str  # a quiz blank


LIGHT = Theme(
    name="light",
    background="white",
    text="#000000",
    name_text="#333333",
    value="#2e7d32",
    grad="#c62828",
    tangent="#1565c0",
    wire="#444444",
    gate_fill="white",
    active_gate="#ffd54f",
    active_wire="#fff3c4",
    upstream_wire="#e3f2fd",
    dead_wire="#b0b0b0",
    dead_fill="#e0e0e0",
    heat="#c62828",
    box="#444444",
    cluster="#888888",
    right="#2e7d32",
    wrong="#c62828",
    right_fill="#c8e6c9",
    wrong_fill="#ffcdd2",
    blank="#6a1b9a",
)
COLORBLIND = Theme(
    name="colorblind",
    background="white",
    text="#000000",
    name_text="#333333",
    value="#0072b2",
    grad="#d55e00",
    tangent="#cc79a7",
    wire="#444444",
    gate_fill="white",
    active_gate="#f0e442",
    active_wire="#fbf6c1",
    upstream_wire="#d7ebf7",
    dead_wire="#b0b0b0",
    dead_fill="#e0e0e0",
    heat="#d55e00",
    box="#444444",
    cluster="#888888",
    right="#0072b2",
    wrong="#d55e00",
    right_fill="#cde4f3",
    wrong_fill="#f7d9c6",
    blank="#000000",
)
DARK = Theme(
    name="dark",
    background="#1e1e1e",
    text="#e8e8e8",
    name_text="#cfcfcf",
    value="#81c784",
    grad="#ff8a80",
    tangent="#82b1ff",
    wire="#bdbdbd",
    gate_fill="#2b2b2b",
    active_gate="#8d6e00",
    active_wire="#4a3f00",
    upstream_wire="#0d3552",
    dead_wire="#5f5f5f",
    dead_fill="#3a3a3a",
    heat="#ff5252",
    box="#bdbdbd",
    cluster="#9e9e9e",
    right="#81c784",
    wrong="#ff8a80",
    right_fill="#1f3d22",
    wrong_fill="#4d2323",
    blank="#ce93d8",
)
THEMES = {theme.name: theme for theme in (LIGHT, COLORBLIND, DARK)}


def find_theme(theme: str | Theme) -> Theme:
    """The theme called ``theme`` (or ``theme`` itself, a :class:`Theme`), else ValueError."""
    if isinstance(theme, Theme):
        return theme
    if isinstance(theme, str) and theme in THEMES:
        return THEMES[theme]
    raise ValueError(f"theme={theme!r} is not one of {', '.join(map(repr, THEMES))}")
