"""``fit``: the training loop (forward, loss, zero_grad, backward, step) with a progress bar.

The ``loss`` argument is a function ``loss(outputs, targets) -> Value``:

* ``outputs`` is the list of the model's outputs for one mini-batch, ``[model(x) for x in batch]``
  (each a Value, or a list of Values for a model with several outputs);
* ``targets`` is the list of that batch's labels as plain numbers (``y`` rows).

Every loss of :mod:`nn.losses` has this shape (``nn.losses.cross_entropy``, ``nn.losses.mse``,
...); add regularisation in a function of your own, for example micrograd's::

    def loss(outputs, targets):
        return losses.hinge(outputs, targets) + 1e-4 * losses.l2(model.parameters())
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, gc_paused, no_grad
from nn import compiled
from nn.data import RandomSource, batches, check_arrays, random_state
from nn.optim import Optimizer

Loss = Callable[[list[Any], list[Any]], Value]
Accuracy = Callable[[Sequence[Any], Sequence[Any]], float]


@dataclass
class History:
    """Per epoch: the mean training loss and the training accuracy (empty without ``accuracy``)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def classification_accuracy(outputs: Sequence[Any], targets: Sequence[Any]) -> float:
    """The fraction of outputs that predict their target.

    A list of scores predicts the class with the highest score (argmax). A single score predicts
    by its sign: score > 0 means the positive class, which is target 1 for labels +-1 or 0/1 (a
    margin or a logit; for a sigmoid output pass your own function comparing with 0.5).
    """
    if len(outputs) != len(targets) or not outputs:
        raise ValueError(f"{len(outputs)} outputs but {len(targets)} targets")
    correct = 0
    for output, target in zip(outputs, targets):
        if isinstance(output, (Value, numbers.Real)):
            correct += (_number(output) > 0) == (target > 0)
        else:
            scores = [_number(s) for s in output]
            correct += scores.index(max(scores)) == target
    return correct / len(outputs)


def _number(x: Any) -> float:
    """A Value's data, or a number (a compiled step hands the outputs over as numbers)."""
    return x.data if isinstance(x, Value) else float(x)


def evaluate(
    model: Callable[[Any], Any],
    X: Any,
    y: Any,
    accuracy: Accuracy = classification_accuracy,
) -> float:
    """``accuracy`` of the model on (X, y), computed under ``no_grad`` (no graph is kept)."""
    X, y = check_arrays(X, y)
    with no_grad():
        outputs = [model(x) for x in X.tolist()]
    return accuracy(outputs, y.tolist())


def _progress_bar(total: int) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError(
            "fit's progress bar needs tqdm: pip install tqdm (from a chainrule checkout: "
            "pip install -e '.[train]'), or call fit(..., progress=False)"
        ) from None
    return tqdm(total=total, desc="fit", unit="step")


def train_step(
    model: Callable[[Any], Any],
    loss: Loss,
    optimizer: Optimizer,
    inputs: Sequence[Any],
    targets: list[Any],
    accuracy: Accuracy | None = classification_accuracy,
    compile: bool = False,
) -> tuple[float, float]:
    """One step on one mini-batch: forward, loss, ``zero_grad``, backward, ``optimizer.step()``.

    Returns the batch's loss and accuracy (0.0 without ``accuracy``) as floats. The graph is
    built and dropped inside :func:`autograd.gc_paused`: it has no reference cycles, so the
    cyclic collector would only slow the step down.

    ``compile=True``: the step (model, loss, backward) is recorded once per shape of batch and
    replayed as code (:mod:`nn.compiled`, :func:`autograd.compile`): the same parameters after
    the same steps, to about 1e-12, many times faster. ``accuracy`` then receives the outputs as
    numbers. The model must build the same graph on every call (no dropout in training).
    """
    if compile:
        optimizer.zero_grad()
        result, numbers = compiled.step(model, loss, inputs, targets)
        optimizer.step()
        return result, accuracy(numbers, targets) if accuracy is not None else 0.0
    with gc_paused():
        outputs = [model(x) for x in inputs]
        value = loss(outputs, targets)
        if not isinstance(value, Value):
            raise TypeError(f"loss must return a Value, got {type(value).__name__}")
        optimizer.zero_grad()
        value.backward()
        optimizer.step()
        correct = accuracy(outputs, targets) if accuracy is not None else 0.0
        result = value.data
        del outputs, value  # free the graph while the collector is paused
    return result, correct


def fit(
    model: Callable[[Any], Any],
    loss: Loss,
    optimizer: Optimizer,
    data: tuple[Any, Any],
    *,
    epochs: int = 1,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: RandomSource = None,
    progress: bool = True,
    accuracy: Accuracy | None = classification_accuracy,
    compile: bool = False,
) -> History:
    """Train ``model`` on ``data = (X, y)`` for ``epochs`` passes of mini-batch steps.

    Each step: outputs = model(x) for each x in the batch, ``L = loss(outputs, targets)``,
    ``optimizer.zero_grad()``, ``L.backward()``, ``optimizer.step()``. ``batch_size=None`` uses the
    whole data set per step (full-batch gradient descent); batches are reshuffled every epoch
    (reproducibly with ``seed``). Returns a :class:`History`: per epoch, the mean loss over the
    samples (each batch weighted by its size) and the accuracy of the predictions made during the
    epoch, before each update (as micrograd's demo prints). ``compile=True`` runs every step
    compiled (see :func:`train_step`).
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError("data must be a pair (X, y)")
    X, y = check_arrays(*data)
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    size = len(X) if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    rng = random_state(seed)
    steps_per_epoch = -(-len(X) // size)
    bar = _progress_bar(epochs * steps_per_epoch) if progress else None
    history = History()
    try:
        for epoch in range(1, epochs + 1):
            total_loss, total_correct = 0.0, 0.0
            for X_batch, y_batch in batches(X, y, size, shuffle=shuffle, seed=rng):
                targets = y_batch.tolist()
                step_loss, step_accuracy = train_step(
                    model, loss, optimizer, X_batch.tolist(), targets, accuracy, compile
                )
                total_loss += step_loss * len(targets)
                total_correct += step_accuracy * len(targets)
                if bar is not None:
                    bar.set_postfix(epoch=epoch, loss=f"{step_loss:.4f}", refresh=False)
                    bar.update(1)
            history.loss.append(total_loss / len(X))
            if accuracy is not None:
                history.accuracy.append(total_correct / len(X))
    finally:
        if bar is not None:
            bar.close()
    return history


__all__ = ["History", "classification_accuracy", "evaluate", "fit", "train_step"]
