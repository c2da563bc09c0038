"""Modules: ``Neuron``, ``Layer`` and ``MLP``, built from :class:`autograd.Value` operations only.

micrograd's shapes work unchanged: ``MLP(2, [16, 16, 1])`` has ReLU hidden layers and a linear
output, ``Neuron(3, nonlin=False)`` is a linear neuron, and a layer with one neuron returns a single
Value instead of a list.

A neuron computes ``activation(b + w1 x1 + w2 x2 + ... + wn xn)``, one ``*`` gate per weight and one
``+`` gate per term, left to right, so its graph is exactly the lecture's circuit and can be drawn
and stepped like any other. (It builds them with :func:`autograd.weighted_sum`, which makes the
same gates as that expression with one call per gate instead of three.)
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Iterator, Mapping, Sequence, Sized
from collections.abc import Set as AbstractSet
from typing import Any, Union

import numpy as np

from autograd import Value, weighted_sum
from autograd.drawing import Group, register_grouping
from nn.checks import brief, finite_float, whole_number
from nn.init import Initializer, Seed, make_rng
from nn.init import get as get_initializer

Input = Union[Value, float, Sequence[Union[Value, float]]]
Output = Union[Value, list[Value]]

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "softplus": Value.softplus,
    "linear": None,
}
"""Activation name -> the gate applied to the weighted sum (``None``: no gate, linear)."""


class Module:
    """Base class: parameters, gradients and state of anything made of Values.

    Parameters are found by walking the module's public attributes in the order they were set:
    a ``Value`` is a parameter, a ``Module`` is walked in turn, lists and tuples item by item and
    dicts key by key, nested to any depth. Names are dotted paths: ``layers.0.neurons.2.w.1`` is
    weight 1 of neuron 2 of layer 0, and ``blocks.a.w`` is ``self.blocks["a"].w``. Each parameter
    and each module is visited once, so a module that refers back to its parent (any cycle) is
    fine. Attributes starting with ``_`` are not walked.

    ``.training`` is True until :meth:`eval` (set on every submodule; :meth:`train` sets it back):
    layers such as :class:`nn.Dropout` behave differently in training.

    Naming contract (what drawings such as ``autograd.draw(root, collapse='neuron')`` rely on):

    * every parameter's ``.label`` is its dotted :meth:`named_parameters` name, e.g.
      ``layers.0.neurons.2.w.1`` and ``layers.0.neurons.2.b`` in an MLP;
    * the Value returned by a neuron call (after its activation) is labelled
      ``"<layer name>/<neuron name>"``: an MLP names its layers ``layer1``, ``layer2``, ... and a
      layer names its neurons ``n1``, ``n2``, ..., so ``"layer2/n3"`` is the third neuron of the
      second layer. A standalone Layer is ``layer1`` and a standalone Neuron ``layer1/n1``;
    * data inputs are the Values the user gives, unchanged; plain numbers are turned into leaf
      Values labelled ``x1``, ``x2``, ... (once per call, shared by every neuron of the layer).

    :class:`NeuronGrouping` (registered with drawing as ``'neuron'``) reads these labels for it.
    """

    training: bool = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module's output for its inputs; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(x)")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- parameters ------------------------------------------------------------------------------

    def named_members(self) -> Iterator[tuple[str, Any]]:
        """``(name, attribute)`` for what the parameter walk starts from: the public attributes,
        in the order they were set (a container module such as :class:`nn.Sequential` names its
        items ``0``, ``1``, ... instead)."""
        return ((k, v) for k, v in vars(self).items() if not k.startswith("_"))

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(dotted name, parameter)`` pairs, each parameter once, in a fixed order."""
        named = [(name, p) for name, p in _walk(self) if isinstance(p, Value)]
        names: set[str] = set()
        for name, _ in named:
            if name in names:
                raise ValueError(
                    f"two parameters of {type(self).__name__} are both named {name!r}; give "
                    "them distinct names (dict keys that differ as text, without dots)"
                )
            names.add(name)
        return named

    def parameters(self) -> list[Value]:
        """Every parameter (a list of Values), in :meth:`named_parameters` order."""
        return [p for _, p in _walk(self) if isinstance(p, Value)]

    def modules(self) -> list[Module]:
        """This module and every module inside it, each once, in walk order."""
        return [self, *(m for _, m in _walk(self) if isinstance(m, Module))]

    def replayable(self) -> bool:
        """Whether the graph of a call is the same every time, so that ``nn.fit(...,
        compile=True)`` may record it once and replay it: False for a module that draws something
        new on every call (dropout's random mask, in training)."""
        return True

    def train(self, mode: bool = True) -> Module:
        """Set ``.training`` on this module and every module inside it; returns the module."""
        if not isinstance(mode, bool):
            raise TypeError(f"mode must be True or False, got {mode!r}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """``train(False)``: evaluation mode (dropout off); returns the module."""
        return self.train(False)

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.parameters():
            p.grad = 0.0

    def label_parameters(self) -> None:
        """Label every parameter with its dotted name (constructors call this; call it at the end
        of your own module's ``__init__`` to get the same labels)."""
        for name, p in self.named_parameters():
            p.label = name

    # -- state -----------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """``{dotted name: value}`` for every parameter."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; checks everything first, so on a ValueError (a
        missing or unexpected name, a value that is not a finite number) nothing has changed."""
        if not isinstance(state, Mapping):
            raise TypeError(f"state must be a dict of name -> number, got {type(state).__name__}")
        named = self.named_parameters()
        missing = [name for name, _ in named if name not in state]
        if missing:
            raise ValueError(
                f"state is missing parameter {missing[0]!r} ({len(missing)} missing in all); "
                f"it does not fit {self!r}"
            )
        expected = {name for name, _ in named}
        unexpected = [key for key in state if key not in expected]
        if unexpected:
            raise ValueError(
                f"state has unexpected parameter {unexpected[0]!r} ({len(unexpected)} unexpected "
                f"in all); it does not fit {self!r}"
            )
        values = [finite_float(state[name], f"parameter {name!r}") for name, _ in named]
        for (_, p), value in zip(named, values):
            p.data = value

    # -- description -----------------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture (repr, ``nn.save``)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.config().items())
        return f"{type(self).__name__}({args})"


def _walk(root: Module) -> Iterator[tuple[str, Value | Module]]:
    """Every Value and Module reachable from ``root``'s members, depth first in attribute order,
    with its dotted name; each object once (a cycle ends where it closes). An explicit stack, so
    nesting depth is not limited by Python's recursion limit."""
    seen = {id(root)}
    keep = [root]  # holds what ``seen`` counts, so no id is reused during the walk
    stack = list(reversed(list(root.named_members())))
    while stack:
        name, item = stack.pop()
        if isinstance(item, Module):
            items: Any = item.named_members()
        elif isinstance(item, (list, tuple)):
            items = ((str(i), x) for i, x in enumerate(item))
        elif isinstance(item, Mapping):
            items = ((str(k), v) for k, v in item.items())
        elif isinstance(item, Value):
            items = ()
        else:
            if isinstance(item, (set, frozenset)) and any(
                isinstance(x, (Value, Module)) for x in item
            ):
                raise TypeError(
                    f"{name!r} is a set holding parameters or modules; a set has no order to "
                    "name them by: use a list, a tuple or a dict"
                )
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        keep.append(item)
        if isinstance(item, (Value, Module)):
            yield name, item
        stack.extend(reversed([(f"{name}.{key}", x) for key, x in items]))


MAX_PARAMETERS = 1_000_000
"""The most parameters a layer (Neuron, Layer, MLP, Linear, Conv2d) may be built with: each is a
Python object (a Value, about 150 bytes) and a training step builds several gates per parameter, so
a million parameters is already hundreds of MB and seconds a step. Raise it
(``nn.module.MAX_PARAMETERS = ...``) to build more. A Sequential takes layers already built."""


def check_parameters(count: int, owner: str) -> None:
    """A ValueError, before anything is built, if ``owner`` would have too many parameters."""
    if count > MAX_PARAMETERS:
        shown = f"{count:,}" if count < 10**18 else brief(count)
        raise ValueError(
            f"{owner} would have {shown} parameters, more than nn.module.MAX_PARAMETERS = "
            f"{MAX_PARAMETERS:,}: each is a Python object (a scalar engine), so building it would "
            "take minutes and gigabytes; use smaller layers, or raise MAX_PARAMETERS"
        )


def _activation_name(activation: str | bool, nonlin: bool | None) -> str:
    """The activation's name; micrograd's ``nonlin=True/False`` means 'relu'/'linear'."""
    if nonlin is not None:
        if activation != "relu":
            raise ValueError(
                f"give activation= or nonlin=, not both (got {activation!r} and nonlin={nonlin!r})"
            )
        activation = bool(nonlin)
    if isinstance(activation, bool):
        return "relu" if activation else "linear"
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; use one of {list(ACTIVATIONS)}")
    return activation


def is_sequence(x: Any) -> bool:
    """Whether ``x`` is an ordered list-like of items (a list, tuple or numpy array; not a str, a
    set or a dict)."""
    return (
        not isinstance(x, (Value, numbers.Real, str, bytes, AbstractSet, Mapping))
        and isinstance(x, Sized)
        and hasattr(x, "__getitem__")
    )


def shape_of(x: Any) -> str:
    """The nesting of ``x`` as ``[4][3][3]`` (the lengths along its first items), ``[]`` for one
    number or Value: what error messages about shapes show."""
    lengths = []
    while is_sequence(x):
        lengths.append(len(x))
        if not len(x):
            break
        x = x[0]
    if len(lengths) > 8:  # a list nested thousands deep: say how deep, not every level
        return "".join(f"[{n}]" for n in lengths[:6]) + f"...({len(lengths)} levels)"
    return "".join(f"[{n}]" for n in lengths) or "[]"


def as_inputs(x: Input, n: int, owner: str) -> list[Value]:
    """The ``n`` inputs as Values: Values are kept, numbers become leaves labelled x1, x2, ..."""
    inputs: Any = [x] if isinstance(x, (Value, numbers.Real)) else x
    unordered = isinstance(inputs, (AbstractSet, Mapping))  # no input order
    if unordered or not hasattr(inputs, "__len__") or not hasattr(inputs, "__getitem__"):
        raise TypeError(
            f"{owner} takes a list of {n} numbers or Values, got {type(x).__name__}"
            + (" (it has no order: use a list)" if unordered else "")
        )
    given = len(inputs)
    first = inputs[0] if given else None
    if is_sequence(first):
        raise ValueError(
            f"{owner} expects a flat list of {n} inputs, got shape {shape_of(inputs)}; "
            "flatten it first (nn.Flatten())"
        )
    if given != n:
        raise ValueError(f"{owner} expects {n} inputs, got {given}")
    try:
        return [xi if type(xi) is Value else Value(xi, f"x{i}") for i, xi in enumerate(inputs, 1)]
    except (TypeError, ValueError) as error:
        raise type(error)(f"input of {owner}: {error}") from None


def initial_weights(init: str | Initializer, fan_in: int, rng: np.random.Generator) -> list[Value]:
    """``fan_in`` new weight Values from the initialiser ``init`` (see :mod:`nn.init`)."""
    weights = get_initializer(init)(fan_in, rng)
    if len(weights) != fan_in:
        raise ValueError(f"initialiser {init!r} gave {len(weights)} weights for {fan_in}")
    return [Value(finite_float(v, "initial weight")) for v in weights]


class Neuron(Module):
    """One neuron: ``activation(b + sum_i w_i x_i)`` with weights ``.w`` and bias ``.b``.

    ``init`` names an initialiser of :mod:`nn.init` (or is one); the bias starts at 0. ``seed`` is
    an int or a ``numpy.random.Generator``.
    """

    def __init__(
        self,
        nin: int,
        activation: str | bool = "relu",
        *,
        nonlin: bool | None = None,
        init: str | Initializer = "uniform",
        seed: Seed = None,
    ) -> None:
        self.nin = whole_number(nin, "nin (the number of inputs)")
        check_parameters(self.nin + 1, f"Neuron({self.nin})")
        self.activation = _activation_name(activation, nonlin)
        self._activate = ACTIVATIONS[self.activation]
        self.w = initial_weights(init, self.nin, make_rng(seed))
        self.b = Value(0.0)
        self.output_label = "layer1/n1"
        self.label_parameters()

    def _forward(self, xs: list[Value]) -> Value:
        """The hot path: ``xs`` are already ``nin`` Values."""
        act = weighted_sum(self.b, self.w, xs)
        if self._activate is not None:
            act = self._activate(act)
        act.label = self.output_label
        return act

    def forward(self, x: Input) -> Value:
        return self._forward(as_inputs(x, self.nin, "Neuron"))

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation}


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; ``.neurons``.

    Called on one input it returns a list of ``nout`` Values, or a single Value when ``nout == 1``.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | bool = "relu",
        *,
        nonlin: bool | None = None,
        init: str | Initializer = "uniform",
        seed: Seed = None,
        name: str = "layer1",
    ) -> None:
        self.nin = whole_number(nin, "nin (the number of inputs)")
        nout = whole_number(nout, "nout (the number of neurons)")
        check_parameters(nout * (self.nin + 1), f"Layer({self.nin}, {nout})")
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty str, got {name!r}")
        rng = make_rng(seed)
        self.neurons = [
            Neuron(self.nin, activation, nonlin=nonlin, init=init, seed=rng) for _ in range(nout)
        ]
        self._name = name
        for j, neuron in enumerate(self.neurons, 1):
            neuron.output_label = f"{name}/n{j}"
        self.label_parameters()

    @property
    def name(self) -> str:
        """The layer's name in output labels (``layer1``, ``layer2``, ... inside an MLP)."""
        return self._name

    @property
    def activation(self) -> str:
        """The activation every neuron of the layer applies."""
        return self.neurons[0].activation

    def _forward(self, xs: list[Value]) -> list[Value]:
        return [neuron._forward(xs) for neuron in self.neurons]

    def forward(self, x: Input) -> Output:
        out = self._forward(as_inputs(x, self.nin, "Layer"))
        return out[0] if len(out) == 1 else out

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nout": len(self.neurons),
            "activation": self.activation,
            "name": self.name,
        }


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` after ``nin`` inputs; ``.layers``.

    Hidden layers use ``activation``; the last layer uses ``output_activation`` (None: linear,
    micrograd's choice). Returns a single Value when the last layer has one neuron.

    >>> model = MLP(3, [4, 4, 1], seed=0)
    >>> model.num_parameters()
    41
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str | None = None,
        *,
        init: str | Initializer = "uniform",
        seed: Seed = None,
    ) -> None:
        self.nin = whole_number(nin, "nin (the number of inputs)")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {brief(nouts)}")
        sizes = [self.nin] + [whole_number(n, "each layer size in nouts") for n in nouts]
        count = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes, sizes[1:]))
        check_parameters(count, f"MLP({self.nin}, {brief(sizes[1:])})")
        self.activation = hidden = _activation_name(activation, None)
        self.output_activation = last = _activation_name(output_activation or "linear", None)
        rng = make_rng(seed)
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                hidden if i < len(nouts) - 1 else last,
                init=init,
                seed=rng,
                name=f"layer{i + 1}",
            )
            for i in range(len(nouts))
        ]
        self.label_parameters()

    def forward(self, x: Input) -> Output:
        xs = as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs[0] if len(xs) == 1 else xs

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": [len(layer.neurons) for layer in self.layers],
            "activation": self.activation,
            "output_activation": self.output_activation,
        }


DATA_LABEL = re.compile(r"x\d+(\.\d+)*")
"""How nn labels the leaves it makes from plain numbers (see :func:`as_inputs`, ``Conv2d``)."""


class NeuronGrouping:
    """How drawings collapse nn's networks, from the naming contract of :class:`Module`: a gate
    labelled ``"<layer>/<neuron>"`` is a neuron's output (``"layer2/n3"``: neuron n3, third in
    layer2), and a parameter's dotted name ends in its own (``layers.0.neurons.2.w.0`` is ``w1``,
    the weight of input x1; ``...b`` is ``b``)."""

    def group(self, node: Value) -> Group | None:
        layer, slash, neuron = (node.label or "").partition("/")
        if node.is_leaf or not slash or not layer or not neuron or "/" in neuron:
            return None
        number = neuron[1:]
        return Group(layer, neuron, int(number) if number.isdigit() else 0)

    def short_name(self, node: Value) -> str | None:
        if self.data(node):
            return None
        path = (node.label or "").split(".")
        if not node.is_leaf or len(path) < 2:
            return None
        return f"{path[-2]}{int(path[-1]) + 1}" if path[-1].isdigit() else path[-1]

    def data(self, node: Value) -> bool:
        """Whether a leaf is data nn made from numbers (``x1``, or ``x1.2.3`` for channel 1, row
        2, column 3 of an image): drawn outside the neurons even where only one reads it."""
        return node.is_leaf and DATA_LABEL.fullmatch(node.label or "") is not None


register_grouping("neuron", NeuronGrouping())
