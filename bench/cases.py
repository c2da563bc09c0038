"""What is measured: the same graphs built by chainrule, micrograd and (when installed) PyTorch.

Engines are adapters with one small interface (:class:`Engine`): make a leaf, run backward, and
build a training step for a model of given sizes. Every case makes one ``Run`` per engine (see
:mod:`bench.timing`) that times only the work named by its phases.

* ``chain``: ``y = y * c + d`` repeated, ``n`` op nodes (two per line), ``forward`` and
  ``backward`` per op node, and ``forward: collector``, the part of the forward that Python's
  cyclic collector took (timed with a ``gc.callbacks`` hook). The deepest possible graph:
  micrograd's recursive backward needs ``sys.setrecursionlimit`` raised (done for it only, and
  put back).
* ``chain, gc off``: the same with the garbage collector off while it runs (not how users run
  it; shows the collector's share).
* ``wide sum``: ``sum(leaves)`` over ``n`` leaves made beforehand, ``n`` add nodes.
* ``moons step``: one SGD step of micrograd's moons demo: MLP 2-16-16-1, 100 samples, SVM
  max-margin loss + 1e-4 L2, same data and same initial weights for every engine.
* ``moons, steps in a row``: the same step run several times in a row with nothing in between,
  as a training loop runs it: micrograd's graphs are reference cycles, so each step also pays
  for the collector reclaiming the graphs of the steps before it. (Every other case collects the
  garbage between runs, off the clock, so that no engine pays for another's.)
* ``mlp step``: one SGD step of an MLP 64-64-10 on a batch of 64-feature samples with the
  multiclass SVM loss.

The data are plain Python floats for every engine (micrograd's own demo feeds numpy scalars,
which makes it slower still).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from functools import partial
from typing import Any

from bench.timing import Run, collector_seconds

clock = time.perf_counter

COLLECTOR = "forward: collector"
"""The phase: the part of a forward pass that Python's cyclic collector took."""

MOONS_SIZES = (2, [16, 16, 1])
MLP_SIZES = (64, [64, 10])
L2_STRENGTH = 1e-4
LEARNING_RATE = 0.1

Weights = list[list[tuple[list[float], float]]]
"""Initial weights of an MLP: per layer, per neuron, (weights, bias)."""


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Raise the recursion limit to at least ``limit`` inside the block, then put it back."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def initial_weights(nin: int, nouts: Sequence[int], seed: int = 0) -> Weights:
    """Uniform(-1, 1) weights and zero biases, as micrograd initialises them."""
    rng = random.Random(seed)
    sizes = [nin, *nouts]
    return [
        [([rng.uniform(-1, 1) for _ in range(sizes[i])], 0.0) for _ in range(sizes[i + 1])]
        for i in range(len(nouts))
    ]


def moons_data(n: int = 100, seed: int = 1337) -> tuple[list[list[float]], list[float]]:
    """micrograd's demo data: ``make_moons(n, noise=0.1)`` with labels mapped to -1/+1."""
    from nn.data import make_moons

    X, y = make_moons(n_samples=n, noise=0.1, seed=seed)
    return [[float(a), float(b)] for a, b in X], [2.0 * float(t) - 1.0 for t in y]


def class_data(
    n: int, features: int = 64, classes: int = 10, seed: int = 0
) -> tuple[list[list[float]], list[int]]:
    """``n`` random samples in [0, 1)^features with random class indices."""
    rng = random.Random(seed)
    X = [[rng.random() for _ in range(features)] for _ in range(n)]
    return X, [rng.randrange(classes) for _ in range(n)]


class Engine:
    """One autograd engine as the cases use it."""

    name = ""
    memory_traced = True  # its graphs are allocated where tracemalloc sees them (bench.memory)

    Value: Any = None  # the engine's Value class

    def leaf(self, x: float) -> Any:
        return self.Value(x)

    def backward(self, root: Any, depth: int) -> None:
        """``root.backward()``; ``depth`` bounds the graph's depth (for recursive engines)."""
        raise NotImplementedError

    def op_nodes(self, root: Any) -> int:
        """How many gate outputs ``root``'s graph has."""
        raise NotImplementedError

    def moons_step(
        self, weights: Weights, X: list[list[float]], y: list[float], pause_gc: bool = True
    ) -> Run:
        """One SGD step of micrograd's moons demo. ``pause_gc``: run it as ``nn.train_step``
        does (chainrule only: its graphs have no cycles; micrograd runs as its demo does)."""
        raise NotImplementedError

    def mlp_step(
        self, weights: Weights, X: list[list[float]], y: list[int], pause_gc: bool = True
    ) -> Run:
        raise NotImplementedError

    def moons_graph(
        self, weights: Weights, X: list[list[float]], y: list[float]
    ) -> Callable[[], Any]:
        """A function that builds the moons loss graph (model made once, outside) and returns it."""
        return self._moons_loss(self._model(weights), X, y)

    def _model(self, weights: Weights) -> Any:
        """The engine's MLP with these initial weights (see :func:`load_weights`)."""
        raise NotImplementedError

    def _moons_loss(self, model: Any, X: list[list[float]], y: list[float]) -> Callable[[], Any]:
        """A function that builds micrograd's moons loss for ``model`` and returns it."""
        raise NotImplementedError


def load_weights(model: Any, weights: Weights) -> Any:
    """Set an MLP's weights and biases (chainrule's and micrograd's have the same layout:
    ``.layers``, each with ``.neurons``, each with ``.w`` and ``.b``); returns the model."""
    for layer, layer_weights in zip(model.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, layer_weights):
            for p, value in zip(neuron.w, w):
                p.data = value
            neuron.b.data = b
    return model


# -- chainrule ---------------------------------------------------------------------------------


class Chainrule(Engine):
    name = "chainrule"

    def __init__(self) -> None:
        from autograd import Value

        self.Value = Value

    def backward(self, root: Any, depth: int) -> None:
        root.backward()

    def op_nodes(self, root: Any) -> int:
        from autograd import topological_order

        return sum(1 for node in topological_order(root) if not node.is_leaf)

    def _model(self, weights: Weights) -> Any:
        import nn

        nin = len(weights[0][0][0])
        return load_weights(nn.MLP(nin, [len(layer) for layer in weights], seed=0), weights)

    def _step(self, model: Any, loss: Callable[[], Any], pause_gc: bool) -> Run:
        import nn
        from autograd import gc_paused

        optimizer = nn.SGD(model.parameters(), lr=LEARNING_RATE)

        def run() -> dict[str, float]:
            # As nn.train_step runs a step: the collector paused, the graph dropped inside the
            # timed step.
            with gc_paused() if pause_gc else nullcontext():
                t0 = clock()
                total = loss()
                t1 = clock()
                optimizer.zero_grad()
                total.backward()
                t2 = clock()
                optimizer.step()
                del total
                t3 = clock()
            return {"forward": t1 - t0, "backward": t2 - t1, "update": t3 - t2, "step": t3 - t0}

        return run

    def _moons_loss(self, model: Any, X: list[list[float]], y: list[float]) -> Callable[[], Any]:
        import nn

        def loss() -> Any:
            scores = [model(x) for x in X]
            return nn.losses.hinge(scores, y) + L2_STRENGTH * nn.losses.l2(model.parameters())

        return loss

    def moons_step(
        self, weights: Weights, X: list[list[float]], y: list[float], pause_gc: bool = True
    ) -> Run:
        model = self._model(weights)
        return self._step(model, self._moons_loss(model, X, y), pause_gc)

    def mlp_step(
        self, weights: Weights, X: list[list[float]], y: list[int], pause_gc: bool = True
    ) -> Run:
        import nn

        model = self._model(weights)
        loss = lambda: nn.losses.multiclass_hinge([model(x) for x in X], y)  # noqa: E731
        return self._step(model, loss, pause_gc)


# -- micrograd ---------------------------------------------------------------------------------


class Micrograd(Engine):
    """micrograd 0.1.0 as published; its backward is recursive, hence the recursion limit."""

    name = "micrograd"

    def __init__(self) -> None:
        from micrograd.engine import Value

        self.Value = Value

    def backward(self, root: Any, depth: int) -> None:
        with recursion_limit(depth + 1000):
            root.backward()

    def op_nodes(self, root: Any) -> int:
        seen = {id(root)}
        stack = [root]
        count = 0
        while stack:
            node = stack.pop()
            count += bool(node._prev)
            for parent in node._prev:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
        return count

    def _model(self, weights: Weights) -> Any:
        from micrograd.nn import MLP

        nin = len(weights[0][0][0])
        return load_weights(MLP(nin, [len(layer) for layer in weights]), weights)

    def _zero_grad(self, model: Any) -> None:
        model.zero_grad()

    def _sgd_update(self, model: Any) -> None:
        for p in model.parameters():
            p.data -= LEARNING_RATE * p.grad

    def _step(self, model: Any, loss: Callable[[], Any]) -> Run:
        def run() -> dict[str, float]:
            t0 = clock()
            total = loss()
            t1 = clock()
            self._zero_grad(model)
            self.backward(total, 1000)
            t2 = clock()
            self._sgd_update(model)
            t3 = clock()
            return {"forward": t1 - t0, "backward": t2 - t1, "update": t3 - t2, "step": t3 - t0}

        return run

    def _moons_loss(self, model: Any, X: list[list[float]], y: list[float]) -> Callable[[], Any]:
        Value = self.Value

        def loss() -> Any:  # micrograd's demo, as written there
            inputs = [list(map(Value, row)) for row in X]
            scores = list(map(model, inputs))
            losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
            data_loss = sum(losses) * (1.0 / len(losses))
            reg_loss = L2_STRENGTH * sum(p * p for p in model.parameters())
            return data_loss + reg_loss

        return loss

    def moons_step(
        self, weights: Weights, X: list[list[float]], y: list[float], pause_gc: bool = True
    ) -> Run:
        model = self._model(weights)  # micrograd runs as its demo does, whatever pause_gc says
        return self._step(model, self._moons_loss(model, X, y))

    def mlp_step(
        self, weights: Weights, X: list[list[float]], y: list[int], pause_gc: bool = True
    ) -> Run:
        Value = self.Value
        model = self._model(weights)

        def loss() -> Any:  # nn.losses.multiclass_hinge, written with micrograd's ops
            per_sample = []
            for row, target in zip(X, y):
                scores = model([Value(v) for v in row])
                offset = 1.0 - scores[target]
                terms = [(s + offset).relu() for j, s in enumerate(scores) if j != target]
                total = terms[0]
                for term in terms[1:]:
                    total = total + term
                per_sample.append(total)
            total = per_sample[0]
            for term in per_sample[1:]:
                total = total + term
            return total * (1.0 / len(per_sample))

        return self._step(model, loss)


# -- PyTorch -----------------------------------------------------------------------------------


class PyTorch(Micrograd):
    """PyTorch with 0-d float64 tensors for Values, running micrograd's demo code as written
    (the same graphs, node for node). Its nodes live in C++ memory, which :mod:`tracemalloc`
    does not see, so the memory cases leave it out."""

    name = "pytorch"
    memory_traced = False

    def __init__(self) -> None:
        import micrograd.nn  # noqa: F401 (micrograd's MLP is the model: see _model)
        import torch

        self.torch = torch
        self.Value = partial(torch.tensor, dtype=torch.float64)  # data: no gradient wanted

    def leaf(self, x: float) -> Any:
        return self.torch.tensor(x, dtype=self.torch.float64, requires_grad=True)

    def backward(self, root: Any, depth: int) -> None:
        root.backward()  # PyTorch's backward is iterative

    def op_nodes(self, root: Any) -> int:
        """The autograd nodes below ``root`` (``AccumulateGrad``, which writes a leaf's ``.grad``,
        is not an op)."""
        seen = set()
        stack = [root.grad_fn]
        while stack:
            node = stack.pop()
            if node is not None and node not in seen:
                seen.add(node)
                stack += (parent for parent, _ in node.next_functions)
        return sum(1 for node in seen if type(node).__name__ != "AccumulateGrad")

    def _model(self, weights: Weights) -> Any:
        """micrograd's own MLP with these weights, each Value swapped for a tensor leaf."""
        model = super()._model(weights)
        for layer in model.layers:
            for neuron in layer.neurons:
                neuron.w = [self.leaf(p.data) for p in neuron.w]
                neuron.b = self.leaf(neuron.b.data)
        return model

    def _zero_grad(self, model: Any) -> None:
        for p in model.parameters():
            p.grad = None

    def _sgd_update(self, model: Any) -> None:
        with self.torch.no_grad():
            for p in model.parameters():
                p -= LEARNING_RATE * p.grad


OTHER_ENGINES: dict[str, tuple[type[Engine], str]] = {
    "micrograd": (Micrograd, "pip install -e '.[bench]' (make bench does)"),
    "pytorch": (PyTorch, "pip install torch --index-url https://download.pytorch.org/whl/cpu"),
}
"""The engines chainrule is compared with, by name, and how to install each."""


def available_engines(skip: Collection[str] = ()) -> tuple[list[Engine], list[str]]:
    """chainrule, then every other engine that is installed and not in ``skip`` (never imported
    then); and notes on what is missing."""
    unknown = set(skip) - set(OTHER_ENGINES)
    if unknown:
        raise ValueError(
            f"no engine named {', '.join(sorted(unknown))} to skip; the others are "
            f"{', '.join(OTHER_ENGINES)} (chainrule always runs)"
        )
    engines: list[Engine] = [Chainrule()]
    notes = []
    for name, (engine, install) in OTHER_ENGINES.items():
        if name in skip:
            continue
        try:
            engines.append(engine())
        except ImportError as missing:
            notes.append(
                f"{name} is left out: {missing.name or 'a module it needs'} is not installed; "
                f"to compare with it: {install}"
            )
    return engines, notes


# -- the runs of each case ---------------------------------------------------------------------


def chain_run(engine: Engine, n: int) -> Run:
    """``n`` op nodes of ``y = y * c + d``; seconds for forward (building it with
    :func:`chain_graph`) and backward."""
    build = chain_graph(engine, n)
    return lambda: _forward_backward(engine, build, n)


def _forward_backward(engine: Engine, forward: Callable[[], Any], depth: int) -> dict[str, float]:
    """Seconds for ``forward()`` (which builds a graph and returns its root) and its backward;
    ``forward: collector`` is the part of the forward that the cyclic collector took."""
    with collector_seconds() as collector:
        t0 = clock()
        root = forward()
        t1 = clock()
    t2 = clock()
    engine.backward(root, depth)
    t3 = clock()
    forward_seconds, backward_seconds = t1 - t0, t3 - t2
    return {
        "forward": forward_seconds,
        COLLECTOR: collector.seconds,
        "backward": backward_seconds,
        "total": forward_seconds + backward_seconds,
    }


def chain_run_gc_off(engine: Engine, n: int) -> Run:
    """:func:`chain_run` with the cyclic garbage collector off during the run (then as before):
    how much of the time the collector takes (chainrule's graphs have no cycles, so refcounting
    alone frees them)."""
    from autograd import gc_paused

    run = chain_run(engine, n)

    def run_gc_off() -> Mapping[str, float]:
        with gc_paused():
            return run()

    return run_gc_off


def chain_graph(engine: Engine, n: int) -> Callable[[], Any]:
    """A function that builds the ``n``-op chain and returns its root."""

    def build() -> Any:
        c, d = engine.leaf(0.999), engine.leaf(0.001)
        y = engine.leaf(0.5)
        for _ in range(n // 2):
            y = y * c + d
        return y

    return build


def wide_sum_run(engine: Engine, n: int) -> Run:
    """``sum()`` of ``n`` leaves made beforehand (``n`` add nodes); forward and backward."""
    rng = random.Random(n)
    values = [rng.uniform(-1, 1) for _ in range(n)]

    def run() -> dict[str, float]:
        leaves = [engine.leaf(v) for v in values]  # made before the clock starts
        return _forward_backward(engine, lambda: sum(leaves), n)

    return run


def in_a_row(step: Run, steps: int) -> Run:
    """``steps`` runs of ``step`` one after the other; the mean of each phase per step."""

    def run() -> dict[str, float]:
        total: dict[str, float] = {}
        for _ in range(steps):
            for phase, seconds in step().items():
                total[phase] = total.get(phase, 0.0) + seconds
        return {phase: seconds / steps for phase, seconds in total.items()}

    return run


def _raises_recursion_error(engine: Engine, n: int) -> bool:
    root = chain_graph(engine, n)()
    try:
        root.backward()
    except RecursionError:
        return True
    return False


def recursion_error_at(engine: Engine, limit: int = 4096) -> int | None:
    """The shortest chain (in op nodes, even) whose ``backward()`` raises RecursionError at the
    current recursion limit; None if none up to ``limit`` op nodes does."""
    low, high = 0, 16  # a chain of `low` op nodes passes; find one of `high` that fails
    while not _raises_recursion_error(engine, high):
        if high >= limit:
            return None
        low, high = high, min(2 * high, limit)
    while high - low > 2:
        middle = (low + high) // 4 * 2
        if _raises_recursion_error(engine, middle):
            high = middle
        else:
            low = middle
    return high
