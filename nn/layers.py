"""Layers in the style of ``torch.nn``, built from Value gates: ``Linear``, ``ReLU``, ``Tanh``,
``Sigmoid``, ``Flatten``, ``Dropout`` and ``Sequential`` to chain them.

Each call takes and returns one sample: a Value, a number, or (nested) lists of them, such as a
list of features or an image ``[channel][row][col]`` (see :mod:`nn.conv`)::

    model = nn.Sequential(nn.Linear(2, 16, seed=0), nn.ReLU(), nn.Linear(16, 1, seed=1))
    score = model([0.5, -1.0])          # one Value, as MLP(2, [16, 1]) gives

* ``Linear(nin, nout)``: ``y_o = b_o + sum_i W_oi x_i`` (affine, no activation), one
  ``weighted_sum`` per output, so the gates are exactly a linear neuron's. ``.weight[o][i]`` and
  ``.bias[o]``.
* ``ReLU``, ``Tanh``, ``Sigmoid``: the engine's gate applied to every element, shape kept.
* ``Flatten``: nested lists to one flat list, row by row (``[c][i][j]`` goes to position
  ``c * H * W + i * W + j``, as ``torch.flatten``). No gates.
* ``Dropout(p)``: in training (``module.training``), each element is multiplied by 0 with
  probability ``p`` and by ``1 / (1 - p)`` otherwise (one ``*`` gate each), so the expected value
  is unchanged; after ``model.eval()`` it passes its input through.

Labels (the drawings' neuron convention, see :class:`nn.Module`): a layer's outputs are labelled
``"<layer name>/<unit>"``, ``linear1/n3`` for output 3 of a Linear. ``Sequential`` names its layers
by kind and position (``conv1``, ``pool1``, ``linear1``, ``linear2``, ...), and when an
activation or a dropout follows a layer it takes over the layer's labels, so a neuron is drawn
as one box holding its weighted sum and its activation, as in an MLP.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator
from typing import Any

from autograd import TraceError, Value, is_tracing, weighted_sum
from nn.checks import finite_float, whole_number
from nn.init import Initializer, Seed, make_rng
from nn.module import Module, as_inputs, check_parameters, initial_weights, is_sequence

MAX_NESTING = 32
"""How deeply a layer's input may nest lists (an image is 3 levels)."""


def is_number(x: Any) -> bool:
    """Whether ``x`` is a real number (int, float, numpy scalar; not a bool)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def is_nested(x: Any) -> bool:
    """Whether ``x`` is a list-like of items (a list, tuple or numpy array; not a str, a set or a
    dict: they have no order)."""
    return is_sequence(x)


def map_values(f: Callable[[Value], Any], x: Any, owner: str, depth: int = 0) -> Any:
    """``f`` applied to every element of ``x`` (numbers become leaf Values first), same nesting."""
    if isinstance(x, Value):
        return f(x)
    if is_number(x):
        return f(Value(x))
    if not is_nested(x):
        raise TypeError(
            f"{owner} takes numbers, Values or lists of them, got {type(x).__name__} {x!r}"
        )
    if depth >= MAX_NESTING:
        raise ValueError(f"the input of {owner} nests lists more than {MAX_NESTING} levels deep")
    return [map_values(f, item, owner, depth + 1) for item in x]


def flatten(x: Any, owner: str = "Flatten") -> list[Any]:
    """The elements of nested lists ``x`` in row-major order (a single element gives ``[x]``)."""
    flat: list[Any] = []
    stack = [(x, 0)]
    while stack:
        item, depth = stack.pop()
        if is_nested(item):
            if depth >= MAX_NESTING:
                raise ValueError(
                    f"the input of {owner} nests lists more than {MAX_NESTING} levels deep"
                )
            stack.extend((sub, depth + 1) for sub in reversed(list(item)))
        elif isinstance(item, Value) or is_number(item):
            flat.append(item)
        else:
            raise TypeError(
                f"{owner} takes numbers, Values or lists of them, got {type(item).__name__} "
                f"{item!r}"
            )
    return flat


class Labelled(Module):
    """A layer whose outputs are labelled ``"<name>/<unit>"``; ``name`` is ``<kind>1`` on its own
    and set by :class:`Sequential` by position."""

    kind = "layer"
    name: str


class Linear(Labelled):
    """``y = W x + b``: ``nout`` outputs, each ``b_o + sum_i W_oi x_i``; ``.weight[o][i]``,
    ``.bias[o]``.

    The weights of each output are drawn by the initialiser ``init`` (:mod:`nn.init`, with the
    number of inputs as fan-in; ``'uniform'``, U(-1, 1), as :class:`nn.Neuron`), biases start at
    0. Returns a list of ``nout`` Values, or one Value when ``nout == 1`` (as :class:`nn.Layer`).
    """

    kind = "linear"

    def __init__(
        self, nin: int, nout: int, *, init: str | Initializer = "uniform", seed: Seed = None
    ) -> None:
        self.nin = whole_number(nin, "nin (the number of inputs)")
        self.nout = whole_number(nout, "nout (the number of outputs)")
        check_parameters(self.nout * (self.nin + 1), f"Linear({self.nin}, {self.nout})")
        rng = make_rng(seed)
        self.weight = [initial_weights(init, self.nin, rng) for _ in range(self.nout)]
        self.bias = [Value(0.0) for _ in range(self.nout)]
        self.name = f"{self.kind}1"
        self.label_parameters()

    def forward(self, x: Any) -> Value | list[Value]:
        xs = as_inputs(x, self.nin, "Linear")
        out = []
        for j, (row, b) in enumerate(zip(self.weight, self.bias), 1):
            y = weighted_sum(b, row, xs)
            y.label = f"{self.name}/n{j}"
            out.append(y)
        return out[0] if self.nout == 1 else out

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout}


class Activation(Module):
    """An activation function applied to every element of its input (shape kept)."""

    elementwise = True

    def gate(self, x: Value) -> Value:
        """The activation of one element; subclasses define it."""
        raise NotImplementedError

    def forward(self, x: Any) -> Any:
        return map_values(self.gate, x, type(self).__name__)


class ReLU(Activation):
    """``max(0, x)`` for every element (the ``relu`` gate)."""

    def gate(self, x: Value) -> Value:
        return x.relu()


class Tanh(Activation):
    """``tanh(x)`` for every element (the ``tanh`` gate)."""

    def gate(self, x: Value) -> Value:
        return x.tanh()


class Sigmoid(Activation):
    """``1 / (1 + e^-x)`` for every element (the ``sigmoid`` gate)."""

    def gate(self, x: Value) -> Value:
        return x.sigmoid()


class Flatten(Module):
    """Nested lists to one flat list in row-major order, as ``torch.nn.Flatten`` (no gates)."""

    def forward(self, x: Any) -> list[Any]:
        return flatten(x)


class Dropout(Module):
    """Inverted dropout: in training each element becomes ``x * 0`` with probability ``p``, else
    ``x * 1/(1 - p)``; after ``eval()`` the input passes through unchanged. ``seed`` is an int or a
    ``numpy.random.Generator`` (the mask of each call is drawn from it)."""

    elementwise = True

    def __init__(self, p: float = 0.5, *, seed: Seed = None) -> None:
        self.p = finite_float(p, "the dropout probability p")
        if not 0.0 <= self.p < 1.0:
            raise ValueError(f"the dropout probability p must be in [0, 1), got {p!r}")
        self._rng = make_rng(seed)

    def replayable(self) -> bool:
        """A new random mask on every call in training: not replayable then."""
        return not self.training or self.p == 0.0

    def forward(self, x: Any) -> Any:
        if not self.training or self.p == 0.0:
            return x
        if is_tracing():  # before drawing: a refused recording leaves the random state as it was
            raise TraceError(
                f"Dropout(p={self.p}) draws a new mask on every call in training, so a compiled "
                "step would replay the first one: train without compile=True, or switch it off "
                "(model.eval(), or p=0)"
            )
        p, keep, random = self.p, 1.0 / (1.0 - self.p), self._rng.random
        return map_values(lambda v: v * (0.0 if random() < p else keep), x, "Dropout")

    def config(self) -> dict[str, Any]:
        return {"p": self.p}


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    ``model[i]`` is the i-th module, ``len(model)`` how many; parameter names start with the
    position, as in PyTorch: ``0.weight.1.2`` is ``model[0].weight[1][2]``.
    """

    def __init__(self, *modules: Module) -> None:
        if not modules:
            raise ValueError("Sequential needs at least one module")
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential takes modules (nn.Linear(...), nn.ReLU(), ...); item {i} is "
                    f"{type(module).__name__} {module!r}"
                )
        self._modules = list(modules)
        counts: dict[str, int] = {}
        for module in modules:
            if isinstance(module, Labelled):
                counts[module.kind] = counts.get(module.kind, 0) + 1
                module.name = f"{module.kind}{counts[module.kind]}"
        self._prefixes = tuple(f"{m.name}/" for m in modules if isinstance(m, Labelled))
        self.label_parameters()

    def named_members(self) -> Iterator[tuple[str, Any]]:
        return ((str(i), module) for i, module in enumerate(self._modules))

    def __getitem__(self, index: int) -> Module:
        return self._modules[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    def forward(self, x: Any) -> Any:
        for module in self._modules:
            out = module(x)
            if getattr(module, "elementwise", False):
                _hand_over_labels(x, out, self._prefixes)
            x = out
        return x

    def config(self) -> dict[str, Any]:
        return {
            "modules": [
                {"class": type(module).__name__, "config": module.config()}
                for module in self._modules
            ]
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(module) for module in self._modules)})"


def _hand_over_labels(before: Any, after: Any, prefixes: tuple[str, ...]) -> None:
    """Move each unit label of one of the layers (``"linear1/n3"``, by its ``prefixes``) from an
    element of ``before`` to the element of ``after`` computed from it, so that the unit ends at
    its activation."""
    if not prefixes:
        return
    for old, new in zip(flatten(before, "Sequential"), flatten(after, "Sequential")):
        if (
            isinstance(old, Value)
            and isinstance(new, Value)
            and new is not old
            and old.label is not None
            and old.label.startswith(prefixes)
        ):
            new.label, old.label = old.label, None


__all__ = [
    "Activation",
    "Dropout",
    "Flatten",
    "Labelled",
    "Linear",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "flatten",
    "is_nested",
    "is_number",
    "map_values",
]
