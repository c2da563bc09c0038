"""What ``autograd.compile`` buys: chainrule's compiled and vectorized runs of the same work.

Every case here is chainrule's only (micrograd has nothing to compile); the suite compares them
with micrograd's moons step measured in the same run.

* ``moons step, compiled``: micrograd's moons step (MLP 2-16-16-1, 100 samples, SVM loss + L2)
  as ``nn.train_step(..., compile=True)`` runs it: one float program of the whole batch,
  traced on the warm-up call and replayed after.
* ``moons step, vectorized``: the same gradient from the per-sample loss
  ``hinge_i / n + 1e-4 * L2 / n`` compiled once and called with the batch as numpy arrays (the
  parameters' gradients are summed over the batch), then the same SGD update.
* ``compile``: the first call of the compiled step (tracing and writing the program), and the
  memory the program keeps per gate.
* ``digits, 8 epochs``: notebook 08's training (MLP 64-16-10, cross-entropy, mini-batches of 16,
  step decay) with ``nn.fit(..., compile=True)``, and its test accuracy.
* ``decision boundary``: the moons model's score on a 100 x 100 grid, one vectorized call.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.cases import L2_STRENGTH, LEARNING_RATE, Weights, clock, load_weights
from bench.timing import Run

GRID = 100
DIGITS_EPOCHS = 8


def _model(weights: Weights) -> Any:
    import nn

    nin = len(weights[0][0][0])
    return load_weights(nn.MLP(nin, [len(layer) for layer in weights], seed=0), weights)


def _moons_loss(model: Any) -> Callable[[list[Any], list[Any]], Any]:
    import nn

    def loss(scores: list[Any], labels: list[Any]) -> Any:
        return nn.losses.hinge(scores, labels) + L2_STRENGTH * nn.losses.l2(model.parameters())

    return loss


def compiled_moons_step(weights: Weights, X: list[list[float]], y: list[float]) -> Run:
    """The moons step as ``nn.train_step(..., compile=True)`` runs it."""
    import nn

    model = _model(weights)
    loss = _moons_loss(model)
    optimizer = nn.SGD(model.parameters(), lr=LEARNING_RATE)

    def run() -> dict[str, float]:
        t0 = clock()
        nn.train_step(model, loss, optimizer, X, y, accuracy=None, compile=True)
        return {"step": clock() - t0}

    return run


def vectorized_moons_step(weights: Weights, X: list[list[float]], y: list[float]) -> Run:
    """The moons step's gradient from the per-sample loss on the whole batch at once."""
    import nn
    from autograd import compile

    model = _model(weights)
    params = model.parameters()
    n = len(X)

    def per_sample(x1: Any, x2: Any, label: Any) -> Any:
        score = model([x1, x2])
        hinge = (score * -label + 1.0).relu() * (1.0 / n)
        return hinge + (L2_STRENGTH / n) * nn.losses.l2(params)

    program = compile(per_sample, argnums=())
    optimizer = nn.SGD(params, lr=LEARNING_RATE)
    columns = np.array(X, dtype=float).T
    labels = np.array(y, dtype=float)

    def run() -> dict[str, float]:
        t0 = clock()
        optimizer.zero_grad()
        program(columns[0], columns[1], labels)
        optimizer.step()
        return {"step": clock() - t0}

    return run


def first_call(weights: Weights, X: list[list[float]], y: list[float]) -> Run:
    """A new model's first compiled step: tracing the step and writing its program."""
    import nn

    def run() -> dict[str, float]:
        model = _model(weights)
        optimizer = nn.SGD(model.parameters(), lr=LEARNING_RATE)
        t0 = clock()
        nn.train_step(model, _moons_loss(model), optimizer, X, y, accuracy=None, compile=True)
        return {"first call": clock() - t0}

    return run


def bytes_per_gate(weights: Weights, X: list[list[float]], y: list[float]) -> tuple[float, int]:
    """The memory a compiled moons step keeps (its recorded graph, its code, its index arrays),
    per gate of its graph, after its first call; and the number of gates."""
    import nn
    from nn import compiled

    model = _model(weights)
    loss = _moons_loss(model)
    optimizer = nn.SGD(model.parameters(), lr=LEARNING_RATE)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        nn.train_step(model, loss, optimizer, X, y, accuracy=None, compile=True)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    program = compiled.program(model, loss, np.shape(X), np.shape(y))
    gates = program.signature.gates
    return kept / gates, gates


def digits_training() -> tuple[float, float]:
    """Notebook 08's training with compile=True: seconds for 8 epochs, and the test accuracy."""
    import nn

    X, y = nn.data.load_digits()
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.2, seed=0)
    model = nn.MLP(64, [16, 10], init="xavier", seed=0)
    steps_per_epoch = -(-len(X_train) // 16)
    schedule = nn.StepDecay(0.5, every=3 * steps_per_epoch, factor=0.5)
    optimizer = nn.SGD(model.parameters(), lr=schedule)
    rng = np.random.RandomState(0)
    start = time.perf_counter()
    nn.fit(
        model, nn.losses.cross_entropy, optimizer, (X_train, y_train), epochs=DIGITS_EPOCHS,
        batch_size=16, seed=rng, progress=False, compile=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    return seconds, nn.evaluate(model, X_test, y_test)


def decision_boundary(weights: Weights, X: list[list[float]], y: list[float]) -> Run:
    """The moons model's score on a GRID x GRID grid: one vectorized call (after 20 compiled
    training steps, so the boundary is a trained one)."""
    import nn
    from autograd import compile

    model = _model(weights)
    loss = _moons_loss(model)
    optimizer = nn.SGD(model.parameters(), lr=LEARNING_RATE)
    for _ in range(20):
        nn.train_step(model, loss, optimizer, X, y, accuracy=None, compile=True)
    score = compile(lambda a, b: model([a, b]), argnums=())
    xs, ys = np.meshgrid(np.linspace(-1.5, 2.5, GRID), np.linspace(-1.0, 1.5, GRID))

    def run() -> dict[str, float]:
        t0 = clock()
        score(xs, ys)
        return {"one call": clock() - t0}

    return run


__all__ = [
    "DIGITS_EPOCHS",
    "GRID",
    "bytes_per_gate",
    "compiled_moons_step",
    "decision_boundary",
    "digits_training",
    "first_call",
    "vectorized_moons_step",
]
