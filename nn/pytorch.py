"""``to_torch``: the same network as a ``torch.nn.Module``, for when a scalar engine is too slow.

The PyTorch module has the same architecture and the same weights (float64, so its outputs equal
chainrule's to rounding) and takes batches: ``to_torch(model)(torch.tensor(X))`` for inputs
``X`` of shape ``(n, features)`` or ``(n, channels, rows, cols)``. Each converted module is in
training mode when its chainrule module is (``.training``: after ``model[2].eval()`` the
converted ``Dropout`` at index 2 evaluates inside a training model). PyTorch is an optional
extra: ``pip install -e '.[torch]'``; it is imported only when ``to_torch`` is called.

=======================================  ================================================
chainrule                                PyTorch
=======================================  ================================================
``MLP``, ``Layer``                       ``Sequential`` of ``Linear`` and activations
``Neuron``                               ``Sequential(Linear(nin, 1), activation)``
``Sequential``                           ``Sequential``
``Linear``, ``Conv2d``, ``MaxPool2d``    the module of the same name
``ReLU``, ``Tanh``, ``Sigmoid``          the module of the same name (``Softplus`` too)
``Flatten``, ``Dropout``                 the module of the same name
=======================================  ================================================
"""

from __future__ import annotations

import importlib
from typing import Any

from nn.conv import Conv2d, MaxPool2d
from nn.layers import Dropout, Flatten, Linear, ReLU, Sequential, Sigmoid, Tanh
from nn.module import MLP, Layer, Module, Neuron

ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "softplus": "Softplus"}
"""Activation name (as in ``nn.MLP``) -> the ``torch.nn`` module class."""

SOFTPLUS_THRESHOLD = 40.0
"""``torch.nn.Softplus`` returns x above its threshold (20 by default; just above it x differs
from log(1 + e^x) by e^-x, 1.25e-9 at x = 20.5). chainrule's softplus, x + log1p(e^-x) for
x > 0, is x itself in float64 from x = 33.3 (e^-x is less than half a unit in the last place of
x), so with threshold 40 PyTorch switches to x only where chainrule's value is already x, and
below it log1p(e^x) is finite: the outputs agree to rounding everywhere."""


def _activation(torch: Any, name: str) -> Any:
    """The ``torch.nn`` module of the activation ``name``."""
    if name == "softplus":
        return torch.nn.Softplus(threshold=SOFTPLUS_THRESHOLD)
    return getattr(torch.nn, ACTIVATIONS[name])()


def _torch() -> Any:
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(
            "nn.to_torch needs PyTorch: pip install -e '.[torch]' (or pip install torch)"
        ) from None


def _linear(torch: Any, weights: list[list[float]], biases: list[float]) -> Any:
    layer = torch.nn.Linear(len(weights[0]), len(weights), dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weights, dtype=torch.float64))
        layer.bias.copy_(torch.tensor(biases, dtype=torch.float64))
    return layer


def _dense(torch: Any, layer: Layer) -> list[Any]:
    """A Layer as [Linear] or [Linear, activation], in the Layer's training mode."""
    weights = [[w.data for w in neuron.w] for neuron in layer.neurons]
    modules = [_linear(torch, weights, [neuron.b.data for neuron in layer.neurons])]
    if layer.activation != "linear":
        modules.append(_activation(torch, layer.activation))
    return _with_mode(modules, layer.training)


def _convert(torch: Any, module: Module) -> Any:
    """``module`` as a torch module whose own ``.training`` is ``module.training`` (its parts
    carry their own flags, set when they are converted)."""
    converted = _build(torch, module)
    converted.training = module.training  # this module only: train() would set its children too
    return converted


def _with_mode(modules: list[Any], training: bool) -> list[Any]:
    """``modules`` (made from one chainrule module) with that module's training flag."""
    for m in modules:
        m.train(training)
    return modules


def _build(torch: Any, module: Module) -> Any:
    tnn = torch.nn
    if isinstance(module, MLP):
        return tnn.Sequential(*(m for layer in module.layers for m in _dense(torch, layer)))
    if isinstance(module, Layer):
        return tnn.Sequential(*_dense(torch, module))
    if isinstance(module, Neuron):
        weights = [[w.data for w in module.w]]
        modules = [_linear(torch, weights, [module.b.data])]
        if module.activation != "linear":
            modules.append(_activation(torch, module.activation))
        return tnn.Sequential(*_with_mode(modules, module.training))
    if isinstance(module, Sequential):
        return tnn.Sequential(*(_convert(torch, m) for m in module))
    if isinstance(module, Linear):
        weights = [[w.data for w in row] for row in module.weight]
        return _linear(torch, weights, [b.data for b in module.bias])
    if isinstance(module, Conv2d):
        conv = tnn.Conv2d(
            module.in_channels,
            module.out_channels,
            module.kernel_size,
            stride=module.stride,
            padding=module.padding,
            dtype=torch.float64,
        )
        kernels: Any = [[[[w.data for w in row] for row in ch] for ch in f] for f in module.weight]
        with torch.no_grad():
            conv.weight.copy_(torch.tensor(kernels, dtype=torch.float64))
            conv.bias.copy_(torch.tensor([b.data for b in module.bias], dtype=torch.float64))
        return conv
    if isinstance(module, MaxPool2d):
        return tnn.MaxPool2d(module.kernel_size, stride=module.stride)
    simple = {ReLU: tnn.ReLU, Tanh: tnn.Tanh, Sigmoid: tnn.Sigmoid, Flatten: tnn.Flatten}
    if type(module) in simple:
        return simple[type(module)]()
    if isinstance(module, Dropout):
        return tnn.Dropout(module.p)
    raise TypeError(
        f"to_torch converts MLP, Layer, Neuron, Sequential, Linear, Conv2d, MaxPool2d, ReLU, "
        f"Tanh, Sigmoid, Flatten and Dropout; not {type(module).__name__}"
    )


def to_torch(model: Module) -> Any:
    """An equivalent ``torch.nn.Module`` (float64) with ``model``'s weights; see the module doc."""
    if not isinstance(model, Module):
        raise TypeError(f"to_torch takes an nn.Module, got {type(model).__name__}")
    torch = _torch()
    return _convert(torch, model)


__all__ = ["to_torch"]
