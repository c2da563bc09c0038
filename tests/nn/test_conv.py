"""Conv2d and MaxPool2d against a plain-numpy reference (values and gradients), and PyTorch.

The reference below is written from the definitions (correlation with stride and zero padding;
max pooling whose gradient goes to the maximum, split 0.5 / 0.5 on a tie at each max gate of the
row-major chain, as the engine's max does), independently of nn.conv's loops.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, no_grad, topological_order, weighted_sum

PROPERTY = settings(max_examples=40, deadline=None)


# -- the numpy reference -----------------------------------------------------------------------


def conv_reference(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: tuple[int, int], pad: tuple[int, int]
) -> np.ndarray:
    """out[o, r, c] = b[o] + sum(w[o] * window of the zero-padded x at (r*sh, c*sw))."""
    (sh, sw), (ph, pw) = stride, pad
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    rows, cols = (xp.shape[1] - kh) // sh + 1, (xp.shape[2] - kw) // sw + 1
    out = np.empty((w.shape[0], rows, cols))
    for o in range(w.shape[0]):
        for r in range(rows):
            for c in range(cols):
                window = xp[:, r * sh : r * sh + kh, c * sw : c * sw + kw]
                out[o, r, c] = b[o] + np.sum(w[o] * window)
    return out


def conv_reference_grads(
    x: np.ndarray,
    w: np.ndarray,
    stride: tuple[int, int],
    pad: tuple[int, int],
    upstream: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dL/dx, dL/dw, dL/db for L = sum(upstream * out)."""
    (sh, sw), (ph, pw) = stride, pad
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for o, r, c in np.ndindex(*upstream.shape):
        g = upstream[o, r, c]
        dw[o] += g * xp[:, r * sh : r * sh + kh, c * sw : c * sw + kw]
        dxp[:, r * sh : r * sh + kh, c * sw : c * sw + kw] += g * w[o]
    dx = dxp[:, ph : ph + x.shape[1], pw : pw + x.shape[2]]
    return dx, dw, upstream.sum(axis=(1, 2))


def pool_reference(
    x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], upstream: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pooled maxima and dL/dx for L = sum(upstream * out), ties split as a max chain."""
    (kh, kw), (sh, sw) = kernel, stride
    rows, cols = (x.shape[1] - kh) // sh + 1, (x.shape[2] - kw) // sw + 1
    out, dx = np.empty((x.shape[0], rows, cols)), np.zeros_like(x)
    for ch, r, c in np.ndindex(x.shape[0], rows, cols):
        cells = [(r * sh + i, c * sw + j) for i in range(kh) for j in range(kw)]
        best, share = x[ch][cells[0]], {cells[0]: 1.0}
        for cell in cells[1:]:
            v = x[ch][cell]
            if v > best:
                best, share = v, {cell: 1.0}
            elif v == best:  # max(m, v) at a tie: half to the running max, half to v
                share = {k: s * 0.5 for k, s in share.items()}
                share[cell] = share.get(cell, 0.0) + 0.5
        out[ch, r, c] = best
        for cell, s in share.items():
            dx[(ch, *cell)] += s * upstream[ch, r, c]
    return out, dx


# -- helpers ---------------------------------------------------------------------------------------


def leaves(x: np.ndarray) -> list[Any]:
    """An image of leaf Values with the values of x."""
    return [[[Value(float(v)) for v in row] for row in channel] for channel in x]


def data(image: list[Any]) -> np.ndarray:
    return np.array([[[v.data for v in row] for row in channel] for channel in image])


def grads(image: list[Any]) -> np.ndarray:
    return np.array([[[v.grad for v in row] for row in channel] for channel in image])


def backward_with(out: list[Any], upstream: np.ndarray) -> None:
    """Backward of L = sum(upstream * out) (one weighted_sum over every output)."""
    flat = [v for channel in out for row in channel for v in row]
    weighted_sum(0.0, flat, upstream.ravel().tolist()).backward()


def set_weights(conv: nn.Conv2d, w: np.ndarray, b: np.ndarray) -> None:
    for (o, c, i, j), value in np.ndenumerate(w):
        conv.weight[o][c][i][j].data = float(value)
    for o, value in enumerate(b):
        conv.bias[o].data = float(value)


pairs = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
numbers = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


@st.composite
def conv_cases(draw: Any) -> dict[str, Any]:
    channels, out_channels = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = nn.conv.pair(draw(pairs), "kernel", 1)
    stride = nn.conv.pair(
        draw(st.one_of(st.integers(1, 2), st.tuples(*[st.integers(1, 3)] * 2))), "s", 1
    )
    padding = nn.conv.pair(
        draw(st.one_of(st.integers(0, 2), st.tuples(*[st.integers(0, 2)] * 2))), "p", 0
    )
    height = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 7))
    width = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 7))
    shape = (channels, height, width)
    x = np.array(draw(st.lists(numbers, min_size=math.prod(shape), max_size=math.prod(shape))))
    w_shape = (out_channels, channels, *kernel)
    w = np.array(draw(st.lists(numbers, min_size=math.prod(w_shape), max_size=math.prod(w_shape))))
    b = np.array(draw(st.lists(numbers, min_size=out_channels, max_size=out_channels)))
    return {
        "x": x.reshape(shape),
        "w": w.reshape(w_shape),
        "b": b,
        "stride": stride,
        "padding": padding,
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


@st.composite
def pool_cases(draw: Any, distinct: bool = False) -> dict[str, Any]:
    """Images to pool; with ``distinct``, no two pixels are equal (no ties anywhere)."""
    kernel = nn.conv.pair(draw(pairs), "kernel", 1)
    stride = nn.conv.pair(draw(st.one_of(st.none(), pairs)) or kernel, "stride", 1)
    shape = (
        draw(st.integers(1, 3)),
        draw(st.integers(kernel[0], 7)),
        draw(st.integers(kernel[1], 7)),
    )
    # else few distinct values, so that windows often hold ties
    pixel = numbers if distinct else st.one_of(st.integers(-2, 2).map(float), numbers)
    size = math.prod(shape)
    x = np.array(draw(st.lists(pixel, min_size=size, max_size=size, unique=distinct)))
    return {
        "x": x.reshape(shape),
        "kernel": kernel,
        "stride": stride,
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


def run_conv(case: dict[str, Any]) -> tuple[nn.Conv2d, list[Any], list[Any], np.ndarray]:
    w, stride, padding = case["w"], case["stride"], case["padding"]
    conv = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2:], stride=stride, padding=padding)
    set_weights(conv, w, case["b"])
    image = leaves(case["x"])
    out = conv(image)
    upstream = np.random.default_rng(case["seed"]).standard_normal(data(out).shape)
    backward_with(out, upstream)
    return conv, image, out, upstream


# -- Conv2d ---------------------------------------------------------------------------------------


@PROPERTY
@given(conv_cases())
def test_conv2d_values_and_gradients_equal_the_numpy_reference(case: dict[str, Any]) -> None:
    conv, image, out, upstream = run_conv(case)
    x, w, stride, padding = case["x"], case["w"], case["stride"], case["padding"]
    np.testing.assert_allclose(
        data(out), conv_reference(x, w, case["b"], stride, padding), atol=1e-12
    )
    dx, dw, db = conv_reference_grads(x, w, stride, padding, upstream)
    np.testing.assert_allclose(grads(image), dx, atol=1e-12)
    weight_grads = np.array(
        [[[[v.grad for v in row] for row in ch] for ch in f] for f in conv.weight]
    )
    np.testing.assert_allclose(weight_grads, dw, atol=1e-12)
    np.testing.assert_allclose([b.grad for b in conv.bias], db, atol=1e-12)


@PROPERTY
@given(conv_cases())
def test_conv2d_equals_pytorch(case: dict[str, Any]) -> None:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (pip install -e '.[torch]')"
    )
    conv, image, out, upstream = run_conv(case)
    x = torch.tensor(case["x"][None], requires_grad=True)
    w = torch.tensor(case["w"], requires_grad=True)
    b = torch.tensor(case["b"], requires_grad=True)
    y = torch.nn.functional.conv2d(x, w, b, stride=case["stride"], padding=case["padding"])
    (y[0] * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(data(out), y[0].detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(grads(image), x.grad[0].numpy(), atol=1e-12)
    weight_grads = np.array(
        [[[[v.grad for v in row] for row in ch] for ch in f] for f in conv.weight]
    )
    np.testing.assert_allclose(weight_grads, w.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose([p.grad for p in conv.bias], b.grad.numpy(), atol=1e-12)


def test_one_weight_value_feeds_every_position_and_its_gradient_is_their_sum() -> None:
    """The lecture's [-1, 1] edge filter: out[r][c] = x[r][c+1] - x[r][c]."""
    conv = nn.Conv2d(1, 1, (1, 2))
    set_weights(conv, np.array([[[[-1.0, 1.0]]]]), np.array([0.0]))
    x = np.arange(12.0).reshape(1, 3, 4) ** 2
    image = leaves(x)
    out = conv(image)
    np.testing.assert_array_equal(data(out)[0], x[0, :, 1:] - x[0, :, :-1])
    left = conv.weight[0][0][0][0]
    products = [
        node for o in out[0] for y in o for node in topological_order(y) if left in node.parents
    ]
    assert len({id(p) for p in products}) == 3 * 3  # one * gate per output position, one weight
    backward_with(out, np.ones((1, 3, 3)))
    assert left.grad == x[0, :, :-1].sum()  # sum over positions of the pixel it multiplies
    assert conv.weight[0][0][0][1].grad == x[0, :, 1:].sum()
    assert conv.bias[0].grad == 9.0


def test_padding_terms_are_left_out_and_a_window_in_the_padding_is_the_bias() -> None:
    conv = nn.Conv2d(1, 1, 1, padding=1)
    set_weights(conv, np.array([[[[2.0]]]]), np.array([0.5]))
    out = conv([[[3.0]]])
    assert data(out).tolist() == [[[0.5, 0.5, 0.5], [0.5, 6.5, 0.5], [0.5, 0.5, 0.5]]]
    corner = out[0][0][0]
    assert corner is not conv.bias[0] and conv.bias[0].label == "bias.0"
    backward_with(out, np.ones((1, 3, 3)))
    assert conv.bias[0].grad == 9.0 and conv.weight[0][0][0][0].grad == 3.0


def test_conv2d_parameters_labels_and_config() -> None:
    conv = nn.Conv2d(2, 3, (1, 2), stride=(1, 2), padding=1, seed=0)
    names = [name for name, _ in conv.named_parameters()]
    assert names[:3] == ["weight.0.0.0.0", "weight.0.0.0.1", "weight.0.1.0.0"]
    assert names[-3:] == ["bias.0", "bias.1", "bias.2"]
    assert conv.num_parameters() == 3 * 2 * 2 + 3
    assert all(p.label == name for name, p in conv.named_parameters())
    assert conv.config() == {
        "in_channels": 2,
        "out_channels": 3,
        "kernel_size": [1, 2],
        "stride": [1, 2],
        "padding": 1,
    }
    out = conv([[[1.0, 2.0]], [[3.0, 4.0]]])
    assert out[2][1][0].label == "conv1/c3.2.1"
    inputs = {n.label for n in topological_order(out[0][1][0]) if n.is_leaf}
    assert inputs == {"x1.1.1", "x2.1.1", "weight.0.0.0.1", "weight.0.1.0.1", "bias.0"}


def test_conv2d_initialisers_and_seed() -> None:
    a, b = nn.Conv2d(3, 4, 3, seed=1), nn.Conv2d(3, 4, 3, seed=1)
    assert a.state_dict() == b.state_dict() != nn.Conv2d(3, 4, 3, seed=2).state_dict()
    he = nn.Conv2d(8, 50, 3, init="he", seed=0)
    weights = np.array([p.data for name, p in he.named_parameters() if name.startswith("weight")])
    assert weights.std() == pytest.approx(np.sqrt(2 / 72), rel=0.05)  # fan-in 8 * 3 * 3


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ([1.0] * 16, r"expects an image of shape \[1\]\[rows\]\[cols\], got shape \[16\]; reshape"),
        ([[[1.0] * 4] * 4] * 2, r"shape \[1\]\[rows\]\[cols\], got shape \[2\]\[4\]\[4\]"),
        ([[[1.0] * 4, [1.0] * 3]], r"ragged image: \[0\]\[1\] has 3 columns, \[0\]\[0\] has 4"),
        ([[[1.0] * 2] * 2], r"at least 3x3 pixels .* got shape \[1\]\[2\]\[2\]"),
        ([[[1.0, "a", 1.0]] * 3], r"pixel \[0\]\[0\]\[1\] .* got str 'a'"),
        ([[[1.0, float("nan"), 1.0]] * 3], r"pixel \[0\]\[0\]\[1\] .*finite"),
    ],
)
def test_conv2d_shape_errors_name_expected_and_actual_shapes(x: Any, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        nn.Conv2d(1, 2, 3)(x)


BATCH = r"got shape \[{}\]\[1\]\[8\]\[8\]; pass one sample at a time"


@pytest.mark.parametrize("n", [1, 3])
def test_a_batch_is_a_value_error_naming_both_shapes(n: int) -> None:
    images = np.linspace(0.0, 1.0, n * 64).reshape(n, 1, 8, 8)  # as X.reshape(-1, 1, 8, 8)[:n]
    expected = r"expects an image of shape \[{}\]\[rows\]\[cols\], "
    for batch in [images, images.tolist()]:
        with pytest.raises(ValueError, match=expected.format(1) + BATCH.format(n)):
            nn.Conv2d(1, 2, 3)(batch)
        with pytest.raises(ValueError, match=expected.format("channels") + BATCH.format(n)):
            nn.MaxPool2d(2)(batch)
        with pytest.raises(ValueError, match=BATCH.format(n)):
            nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())(batch)
    assert len(nn.Conv2d(1, 2, 3)(images[0])) == 2  # one sample at a time works


def test_a_pixel_that_is_a_list_is_a_value_error() -> None:
    image = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, [9.0]]]]
    with pytest.raises(ValueError, match=r"pixel \[0\]\[2\]\[2\] .* is a list, not a number"):
        nn.Conv2d(1, 2, 3)(image)


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Conv2d(0, 1, 3),
        lambda: nn.Conv2d(1, 1, 0),
        lambda: nn.Conv2d(1, 1, (2, 2, 2)),
        lambda: nn.Conv2d(1, 1, 3, stride=0),
        lambda: nn.Conv2d(1, 1, 3, padding=-1),
        lambda: nn.Conv2d(1, 1, 2.5),
        lambda: nn.MaxPool2d(0),
        lambda: nn.MaxPool2d(2, stride=(1, 0)),
    ],
)
def test_bad_conv_and_pool_arguments(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


# -- MaxPool2d ------------------------------------------------------------------------------------


@PROPERTY
@given(pool_cases())
def test_maxpool_values_and_gradient_routing_equal_the_numpy_reference(
    case: dict[str, Any],
) -> None:
    image = leaves(case["x"])
    out = nn.MaxPool2d(case["kernel"], case["stride"])(image)
    upstream = np.random.default_rng(case["seed"]).standard_normal(data(out).shape)
    backward_with(out, upstream)
    expected, dx = pool_reference(case["x"], case["kernel"], case["stride"], upstream)
    np.testing.assert_array_equal(data(out), expected)
    np.testing.assert_allclose(grads(image), dx, atol=1e-12)


@PROPERTY
@given(pool_cases(distinct=True))
def test_maxpool_equals_pytorch_without_ties(case: dict[str, Any]) -> None:
    """Without ties (PyTorch routes a tie to one input, the engine splits it)."""
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (pip install -e '.[torch]')"
    )
    x = case["x"]
    image = leaves(x)
    out = nn.MaxPool2d(case["kernel"], case["stride"])(image)
    upstream = np.random.default_rng(case["seed"]).standard_normal(data(out).shape)
    backward_with(out, upstream)
    tx = torch.tensor(x[None], requires_grad=True)
    y = torch.nn.functional.max_pool2d(tx, case["kernel"], case["stride"])
    (y[0] * torch.tensor(upstream)).sum().backward()
    np.testing.assert_array_equal(data(out), y[0].detach().numpy())
    np.testing.assert_allclose(grads(image), tx.grad[0].numpy(), atol=1e-12)


def test_maxpool_routes_the_gradient_to_the_maximum_and_splits_ties() -> None:
    x = np.array(
        [[[1.0, 5.0, 2.0, 2.0], [3.0, 4.0, 2.0, 0.0], [0.0, 0.0, 7.0, 7.0], [0.0, 0.0, 7.0, 7.0]]]
    )
    image = leaves(x)
    out = nn.MaxPool2d(2)(image)
    assert data(out).tolist() == [[[5.0, 2.0], [0.0, 7.0]]]
    assert all(node.op == "max" for node in topological_order(out[0][0][0]) if not node.is_leaf)
    backward_with(out, np.ones((1, 2, 2)))
    # one winner takes all; ties split at each gate of the chain ((a max b) max c) max d
    assert grads(image)[0].tolist() == [
        [0.0, 1.0, 0.25, 0.25],
        [0.0, 0.0, 0.5, 0.0],
        [0.125, 0.125, 0.125, 0.125],
        [0.25, 0.5, 0.25, 0.5],
    ]
    assert out[0][1][1].label == "pool1/c1.2.2"


def test_maxpool_needs_a_window_and_keeps_channels() -> None:
    with pytest.raises(ValueError, match=r"at least 3x3 pixels, got shape \[2\]\[2\]\[5\]"):
        nn.MaxPool2d(3)([[[0.0] * 5] * 2] * 2)
    out = nn.MaxPool2d((1, 2), stride=1)([[[1.0, 3.0, 2.0]], [[0.0, -1.0, 4.0]]])
    assert data(out).tolist() == [[[3.0, 3.0]], [[0.0, 4.0]]]
    assert nn.MaxPool2d(2).config() == {"kernel_size": 2, "stride": 2}


def test_layers_run_under_no_grad() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 2, seed=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
    with no_grad():
        out = model([[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]])
    assert len(out) == 2 and all(v.is_leaf for v in out)


def test_a_collapsed_convolution_draws_every_pixel_it_reads() -> None:
    """A corner pixel is read by one output only; it is data, not part of that output's unit."""
    from autograd import draw

    conv = nn.Conv2d(1, 1, (1, 2), seed=0)
    out = conv([[[0.0, 0.0, 1.0], [0.0, 1.0, 1.0]]])
    total = out[0][0][0] + out[0][0][1] + out[0][1][0] + out[0][1][1]
    source = draw(total, collapse="neuron").source
    for row in (1, 2):
        for col in (1, 2, 3):
            assert f">x1.{row}.{col}<" in source
    assert "c1.2.2" in source and ">weight.0.0.0.0<" in source
