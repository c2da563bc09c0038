"""Convolution and max pooling on images ``[channel][row][col]`` of Values or numbers.

``Conv2d(C, O, k)`` slides ``O`` filters of shape ``[C][kh][kw]`` over the image (a correlation,
as in PyTorch and the lectures: no kernel flip). With stride ``s`` and zero padding ``p``::

    out[o][r][c] = bias[o] + sum over ch, i, j of weight[o][ch][i][j] * x[ch][r*s-p+i][c*s-p+j]

    H_out = (H + 2p - kh) // s + 1,   W_out = (W + 2p - kw) // s + 1

Each output is one :func:`autograd.weighted_sum`, the gates of a linear neuron. Terms that fall
in the zero padding are left out (they would add 0 and pass no gradient). The same weight Value
feeds every position, so backward adds up its gradient over the positions ("gradients add at
branches")::

    dL/dweight[o][ch][i][j] = sum over r, c of dL/dout[o][r][c] * x[ch][r*s-p+i][c*s-p+j]

``MaxPool2d(k, stride=k)`` keeps the largest value of each ``kh x kw`` window of each channel,
with a chain of ``max`` gates (``((x1 max x2) max x3) max x4`` in row-major order). Backward routes
the gradient to the window's maximum; on a tie each ``max`` gate splits it 0.5 / 0.5, as the
engine's ``max`` does (PyTorch sends all of it to one input instead).

Pixels given as numbers become leaves labelled ``x<channel>.<row>.<col>`` (counting from 1, like
``x1, x2`` of a neuron). Outputs are labelled ``"<layer>/c<channel>.<row>.<col>"``, for example
``conv1/c2.3.4`` (feature map 2, row 3, column 4): one drawn unit per output pixel.
"""

from __future__ import annotations

import numbers
from typing import Any, Union

from autograd import Value, weighted_sum
from nn.checks import brief, whole_number
from nn.init import Initializer, Seed, make_rng
from nn.layers import Labelled, is_nested, is_number
from nn.module import check_parameters, initial_weights, shape_of

Image = list[list[list[Value]]]
Pair = Union[int, tuple[int, int], list[int]]


def pair(value: Any, what: str, low: int) -> tuple[int, int]:
    """An int >= ``low`` (used for both directions) or a pair ``(rows, cols)`` of them."""
    items = list(value) if isinstance(value, (tuple, list)) else [value, value]
    if len(items) != 2 or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and int(n) >= low for n in items
    ):
        raise ValueError(f"{what} must be an int >= {low} or a pair of them, got {brief(value)}")
    return int(items[0]), int(items[1])


def _as_config(value: tuple[int, int]) -> int | list[int]:
    return value[0] if value[0] == value[1] else list(value)


def read_image(x: Any, owner: str, channels: int | None) -> tuple[list[Value], int, int, int]:
    """The pixels of ``x`` (``[channel][row][col]``) as a flat row-major list of Values, and the
    shape ``(C, H, W)``; a ValueError naming the expected and the given shape otherwise."""
    expected = f"[{channels if channels is not None else 'channels'}][rows][cols]"
    given = shape_of(x)
    wrong = f"{owner} expects an image of shape {expected}, got shape {given}"
    if given.count("[") > 3:  # a batch [n][C][H][W] (or deeper)
        raise ValueError(f"{wrong}; pass one sample at a time")
    if not is_nested(x) or not len(x) or not all(is_nested(channel) for channel in x):
        hint = "; reshape a flat image first (X.reshape(-1, C, H, W))" if is_nested(x) else ""
        raise ValueError(f"{wrong}{hint}")
    if channels is not None and len(x) != channels:
        raise ValueError(wrong)
    height = len(x[0])
    if not height or not is_nested(x[0][0]):
        raise ValueError(wrong)
    width = len(x[0][0])
    flat: list[Value] = []
    for c, channel in enumerate(x):
        if len(channel) != height:
            raise ValueError(
                f"{owner} got a ragged image: channel {c} has {len(channel)} rows, channel 0 "
                f"has {height}"
            )
        for i, row in enumerate(channel):
            if not is_nested(row) or len(row) != width:
                got = f"{len(row)} columns" if is_nested(row) else f"{type(row).__name__} {row!r}"
                raise ValueError(
                    f"{owner} got a ragged image: [{c}][{i}] has {got}, [0][0] has {width} columns"
                )
            for j, pixel in enumerate(row):
                if type(pixel) is Value:
                    flat.append(pixel)
                    continue
                if is_nested(pixel):
                    raise ValueError(
                        f"pixel [{c}][{i}][{j}] of the image given to {owner} is a list, not a "
                        f"number or a Value: the image must have shape {expected}"
                    )
                if not is_number(pixel):
                    raise TypeError(
                        f"pixel [{c}][{i}][{j}] of the image given to {owner} must be a number or "
                        f"a Value, got {type(pixel).__name__} {pixel!r}"
                    )
                try:
                    flat.append(Value(pixel, f"x{c + 1}.{i + 1}.{j + 1}"))
                except (TypeError, ValueError) as error:
                    raise type(error)(f"pixel [{c}][{i}][{j}] of {owner}: {error}") from None
    return flat, len(x), height, width


def _output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


class Conv2d(Labelled):
    """2-D convolution: ``out_channels`` filters ``.weight[o][c][i][j]`` with biases ``.bias[o]``.

    ``kernel_size``, ``stride`` and ``padding`` are ints or ``(rows, cols)`` pairs (a ``[-1, 1]``
    edge filter is ``kernel_size=(1, 2)``). The weights of each filter are drawn by ``init``
    (:mod:`nn.init`, fan-in ``in_channels * kh * kw``); biases start at 0.
    """

    kind = "conv"

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Pair,
        stride: Pair = 1,
        padding: Pair = 0,
        *,
        init: str | Initializer = "uniform",
        seed: Seed = None,
    ) -> None:
        self.in_channels = whole_number(in_channels, "in_channels")
        self.out_channels = whole_number(out_channels, "out_channels")
        self.kernel_size = pair(kernel_size, "kernel_size", 1)
        self.stride = pair(stride, "stride", 1)
        self.padding = pair(padding, "padding", 0)
        kh, kw = self.kernel_size
        fan_in = self.in_channels * kh * kw
        check_parameters(
            self.out_channels * (fan_in + 1),
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size})",
        )
        rng = make_rng(seed)
        self.weight: list[Image] = []
        for _ in range(self.out_channels):
            flat = initial_weights(init, fan_in, rng)
            self.weight.append(
                [
                    [flat[(c * kh + i) * kw : (c * kh + i + 1) * kw] for i in range(kh)]
                    for c in range(self.in_channels)
                ]
            )
        self.bias = [Value(0.0) for _ in range(self.out_channels)]
        self.name = f"{self.kind}1"
        self._plan: tuple[tuple[int, int], list[tuple[list[int] | None, list[int]]]] | None = None
        self.label_parameters()

    def _terms(self, height: int, width: int) -> list[tuple[list[int] | None, list[int]]]:
        """For each output position (row-major): the indices of the filter's flat weights and of
        the image's flat pixels it multiplies (``None``: every weight, no padding in the window).
        Computed once per image size."""
        if self._plan is not None and self._plan[0] == (height, width):
            return self._plan[1]
        kh, kw = self.kernel_size
        sh, sw = self.stride
        ph, pw = self.padding
        terms: list[tuple[list[int] | None, list[int]]] = []
        for r in range(_output_size(height, kh, sh, ph)):
            for c in range(_output_size(width, kw, sw, pw)):
                weights, pixels = [], []
                for ch in range(self.in_channels):
                    for i in range(kh):
                        row = r * sh - ph + i
                        for j in range(kw):
                            col = c * sw - pw + j
                            if 0 <= row < height and 0 <= col < width:
                                weights.append((ch * kh + i) * kw + j)
                                pixels.append((ch * height + row) * width + col)
                full = len(weights) == self.in_channels * kh * kw
                terms.append((None if full else weights, pixels))
        self._plan = ((height, width), terms)
        return terms

    def forward(self, x: Any) -> Image:
        flat, _, height, width = read_image(x, repr(self), self.in_channels)
        (kh, kw), (ph, pw) = self.kernel_size, self.padding
        rows = _output_size(height, kh, self.stride[0], ph)
        cols = _output_size(width, kw, self.stride[1], pw)
        if rows < 1 or cols < 1:
            raise ValueError(
                f"{self!r} needs an image of at least {kh - 2 * ph}x{kw - 2 * pw} pixels (the "
                f"kernel minus the padding), got shape {shape_of(x)}"
            )
        terms = self._terms(height, width)
        out: Image = []
        for o, (bias, filters) in enumerate(zip(self.bias, self.weight)):
            weights = [w for channel in filters for row in channel for w in row]
            feature_map = []
            for r in range(rows):
                row_out = []
                for c in range(cols):
                    chosen, pixels = terms[r * cols + c]
                    ws = weights if chosen is None else [weights[k] for k in chosen]
                    y = weighted_sum(bias, ws, [flat[p] for p in pixels]) if pixels else bias + 0.0
                    y.label = f"{self.name}/c{o + 1}.{r + 1}.{c + 1}"
                    row_out.append(y)
                feature_map.append(row_out)
            out.append(feature_map)
        return out

    def config(self) -> dict[str, Any]:
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": _as_config(self.kernel_size),
            "stride": _as_config(self.stride),
            "padding": _as_config(self.padding),
        }


class MaxPool2d(Labelled):
    """Max pooling: the largest value of each ``kh x kw`` window, moved by ``stride`` (default:
    the kernel size, windows side by side), on every channel; ints or ``(rows, cols)`` pairs."""

    kind = "pool"

    def __init__(self, kernel_size: Pair, stride: Pair | None = None) -> None:
        self.kernel_size = pair(kernel_size, "kernel_size", 1)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", 1)
        self.name = f"{self.kind}1"

    def forward(self, x: Any) -> Image:
        flat, channels, height, width = read_image(x, repr(self), None)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        rows, cols = _output_size(height, kh, sh, 0), _output_size(width, kw, sw, 0)
        if rows < 1 or cols < 1:
            raise ValueError(
                f"{self!r} needs an image of at least {kh}x{kw} pixels, got shape {shape_of(x)}"
            )
        out: Image = []
        for ch in range(channels):
            pooled = []
            for r in range(rows):
                row_out = []
                for c in range(cols):
                    top, left = ch * height + r * sh, c * sw
                    window = [
                        flat[(top + i) * width + left + j] for i in range(kh) for j in range(kw)
                    ]
                    y = window[0]
                    for v in window[1:]:
                        y = y.max(v)
                    if len(window) > 1:  # a 1x1 window passes its pixel on unchanged
                        y.label = f"{self.name}/c{ch + 1}.{r + 1}.{c + 1}"
                    row_out.append(y)
                pooled.append(row_out)
            out.append(pooled)
        return out

    def config(self) -> dict[str, Any]:
        return {"kernel_size": _as_config(self.kernel_size), "stride": _as_config(self.stride)}


__all__ = ["Conv2d", "MaxPool2d", "pair", "read_image"]
