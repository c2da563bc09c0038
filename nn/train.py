"""``fit``: the training loop (forward, loss, zero_grad, backward, step) with a progress bar.

The ``loss`` argument is a function ``loss(outputs, targets) -> Value``:

* ``outputs`` is the list of the model's outputs for one mini-batch, ``[model(x) for x in batch]``
  (each a Value, or a list of Values for a model with several outputs);
* ``targets`` is the list of that batch's labels as plain numbers (``y`` rows).

Every loss of :mod:`nn.losses` has this shape (``nn.losses.cross_entropy``, ``nn.losses.mse``,
...); add regularisation in a function of your own, for example micrograd's::

    def loss(outputs, targets):
        return losses.hinge(outputs, targets) + 1e-4 * losses.l2(model.parameters())

``fit`` never half-trains on bad data: it checks the whole data set before the first step (see
:func:`check_data`), and an error once training has started (an update that would make a
parameter non-finite, an overflow) raises :class:`TrainingError`, with the model left at its last
update and the history so far on the error.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import Value, gc_paused, no_grad
from nn import compiled
from nn.checks import brief, finite_float, whole_number
from nn.data import RandomSource, batches, check_arrays, random_state
from nn.module import Module
from nn.optim import Optimizer

Loss = Callable[[list[Any], list[Any]], Value]
Accuracy = Callable[[Sequence[Any], Sequence[Any]], float]


@dataclass
class History:
    """Per epoch: the mean training loss and the training accuracy (empty without ``accuracy``)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


class TrainingError(RuntimeError):
    """Training stopped by an error after its first step had started; the error is the cause
    (``__cause__``). The model holds the parameters of the last update made (an optimizer checks
    a whole update before writing any of it), ``history`` the epochs that were completed, and
    ``epoch`` and ``step`` (from 1) say where it stopped."""

    def __init__(self, message: str, history: History, epoch: int, step: int) -> None:
        super().__init__(message)
        self.history = history
        self.epoch = epoch
        self.step = step


def classification_accuracy(outputs: Sequence[Any], targets: Sequence[Any]) -> float:
    """The fraction of outputs that predict their target.

    A list of scores predicts the class with the highest score (argmax). A single score predicts
    by its sign: score > 0 means the positive class, which is target 1 for labels +-1 or 0/1 (a
    margin or a logit; for a sigmoid output pass your own function comparing with 0.5).
    """
    if len(outputs) != len(targets) or not outputs:
        raise ValueError(f"{len(outputs)} outputs but {len(targets)} targets")
    correct = 0
    for i, (output, target) in enumerate(zip(outputs, targets)):
        if isinstance(target, (list, tuple)):
            raise TypeError(
                f"target {i} is a row of numbers (one per output): classification_accuracy takes "
                "a class index or a label of +-1 per sample; pass accuracy=None, or a function "
                "of your own"
            )
        if isinstance(output, (Value, numbers.Real)):
            correct += (_number(output) > 0) == (target > 0)
            continue
        if not isinstance(output, Sequence) or not all(
            isinstance(s, (Value, numbers.Real)) for s in output
        ):
            raise TypeError(f"output {i} must be a Value or a list of Values, got {brief(output)}")
        if not output:
            raise ValueError(f"output {i} is an empty list of scores")
        scores = [_number(s) for s in output]
        correct += scores.index(max(scores)) == target
    return correct / len(outputs)


def _number(x: Any) -> float:
    """A Value's data, or a number (an accuracy function may be given plain numbers)."""
    return x.data if isinstance(x, Value) else float(x)


def evaluate(
    model: Callable[[Any], Any],
    X: Any,
    y: Any,
    accuracy: Accuracy = classification_accuracy,
) -> float:
    """``accuracy`` of the model on (X, y), computed under ``no_grad`` (no graph is kept) and
    with every module in evaluation mode (no dropout), each put back as it was afterwards."""
    if not callable(accuracy):
        raise TypeError(
            f"evaluate needs an accuracy function, got {type(accuracy).__name__}; leave it out "
            "for classification_accuracy"
        )
    X, y = check_numbers(*check_arrays(X, y))
    modules = model.modules() if isinstance(model, Module) else []
    modes = [module.training for module in modules]
    try:
        for module in modules:
            module.training = False
        with no_grad():
            outputs = [model(x) for x in X.tolist()]
    finally:
        for module, mode in zip(modules, modes):
            module.training = mode
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
    the same steps, to about 1e-12, many times faster. ``accuracy`` receives the outputs as
    Values either way. The model must build the same graph on every call (no dropout in
    training); the loss receives the targets as Values and must not branch on them (``t == 1``
    is refused); a plain number the loss reads, and which Value each parameter is, are fixed
    when the step is recorded (update a parameter's ``.data``, don't replace it).
    """
    if not isinstance(compile, bool):
        raise TypeError(
            f'train_step\'s compile must be True or False, got {brief(compile)} ("auto" is '
            "fit's: it decides from the number of steps a fit runs)"
        )
    if compile:
        optimizer.zero_grad()
        result, outputs = compiled.step(model, loss, inputs, targets)
        optimizer.step()
        return result, accuracy(outputs, targets) if accuracy is not None else 0.0
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


def _finite(values: np.ndarray, name: str) -> np.ndarray:
    """``values`` as floats, or a ValueError naming the first entry that is not a finite number."""
    kind = values.dtype.kind
    if kind == "O":  # Python objects: each must be a real number that fits in a float
        floats = np.empty(values.shape)
        for index, value in np.ndenumerate(values):
            floats[index] = finite_float(value, f"{name}[{', '.join(map(str, index))}]")
        return floats
    if kind not in "iuf":
        described = {"b": "bools", "c": "complex numbers", "U": "strings", "S": "bytes"}
        raise ValueError(
            f"{name} must hold real numbers, got {described.get(kind, 'values')} of dtype "
            f"{values.dtype}; convert it first, for example {name}.astype(float)"
        )
    floats = values.astype(float)
    bad = np.argwhere(~np.isfinite(floats))
    if len(bad):
        index = tuple(int(i) for i in bad[0])
        count = f"{len(bad)} of {floats.size} {'is' if len(bad) == 1 else 'are'} not"
        raise ValueError(
            f"{name}[{', '.join(map(str, index))}] is {float(floats[index])!r}: every number in "
            f"{name} must be finite ({count}); drop or fill those rows"
        )
    return floats


def check_numbers(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """X as floats and y as ints or floats, after checking that every number in X and y is real
    and finite; else a ValueError naming the first bad entry (``X[9, 0] is nan``). A sample (a
    row of X) may be a number, a list or an image: the model is checked on ``X[0]``
    (:func:`check_data`)."""
    if len(X) == 0:
        raise ValueError("the data set is empty: X and y have no samples")
    X = _finite(X, "X")
    labels = _finite(y, "y")
    return X, (y if y.dtype.kind in "iu" else labels)


def check_data(
    model: Callable[[Any], Any],
    loss: Loss,
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    accuracy: Accuracy | None = classification_accuracy,
) -> None:
    """Check, before training, that the model takes the rows of X and the loss every label of y.

    Runs under ``no_grad``, so nothing is recorded or changed: the model once, on ``X[0]`` (every
    row has the same shape and finite numbers, see :func:`check_numbers`), then the loss and the
    accuracy on every label, in batches of ``batch_size`` as in training, with that one output
    repeated. A label the loss refuses (a class index out of range, a hinge label 0) is then an
    error before the first step, naming the rows. This relies on what the losses of
    :mod:`nn.losses` do: they check each label against the shape of its output, not its value.
    """
    with no_grad():
        try:
            output = model(X[0].tolist())
        except (TypeError, ValueError) as error:
            kind = TypeError if isinstance(error, TypeError) else ValueError
            raise kind(f"the model cannot take X[0] = {brief(X[0].tolist())}: {error}") from error
        for start in range(0, len(X), batch_size):
            targets = y[start : start + batch_size].tolist()
            outputs = [output] * len(targets)
            rows = f"y[{start}:{start + len(targets)}]"
            try:
                value = loss(outputs, targets)
                if accuracy is not None:
                    accuracy(outputs, targets)
            except (TypeError, ValueError) as error:
                kind = TypeError if isinstance(error, TypeError) else ValueError
                raise kind(f"{rows} does not fit the loss or the accuracy: {error}") from error
            if not isinstance(value, Value):
                raise TypeError(f"loss must return a Value, got {type(value).__name__}")


def check_optimizer(model: Callable[[Any], Any], optimizer: Optimizer) -> None:
    """A ValueError if ``optimizer`` updates none of ``model``'s parameters: it was made for
    another model (one rebuilt or loaded since), and training would change nothing."""
    if not isinstance(model, Module) or not hasattr(optimizer, "params"):
        return
    mine = set(model.parameters())
    if mine and not any(p in mine for p in optimizer.params):
        name = type(optimizer).__name__
        raise ValueError(
            f"the {name} updates none of the model's parameters: it was made for another model "
            f"(for example before the model was rebuilt or loaded); make it for this one, "
            f"{name}(model.parameters(), ...)"
        )


AUTO_COMPILE_STEPS = 100
"""``fit(compile="auto")`` compiles the steps of a batch size that runs at least this many times
in the call. Recording a step and writing its code costs about ten interpreted steps for
micrograd's moons network (0.67 s against 60 ms), and more for a network of a few neurons, whose
compiled step gains less: from 100 steps on, compiling pays off for both."""


def _step_counts(samples: int, size: int, epochs: int) -> dict[int, int]:
    """How many steps of each batch size :func:`fit` runs (the last batch of an epoch may be
    smaller than the others)."""
    full, rest = divmod(samples, size)
    counts = {size: epochs * full} if full else {}
    if rest:
        counts[rest] = epochs
    return counts


class _Steps:
    """``fit``'s steps: compiled for the batch sizes in ``compiled_sizes``, the others
    interpreted.

    With ``compile="auto"`` the compiled steps are kept for this call of ``fit`` only, and the
    interpreter takes over every later step (nothing of the step at hand is kept) when

    * a step cannot be recorded: any error while recording it (a ``TraceError``, or Python in the
      model or the loss that needs plain numbers: ``math.log(x)``, ``table[t]``);
    * a compiled step gives another loss than the interpreter does on the same batch. They are
      compared on the 2nd, 11th, 101st, ... compiled step of each batch size (``calls`` 1, 10,
      100, ...): a model or a loss that reads a Value's ``.data``, or a number that changes.
    """

    def __init__(
        self,
        model: Callable[[Any], Any],
        loss: Loss,
        optimizer: Optimizer,
        accuracy: Accuracy | None,
        compile: bool | str,
        compiled_sizes: set[int],
    ) -> None:
        self.model, self.loss, self.optimizer, self.accuracy = model, loss, optimizer, accuracy
        self.auto = compile == "auto"
        self.compiled_sizes = compiled_sizes
        keep_with_model = not self.auto and compiled.keepable(model)
        self.programs: compiled.Programs | None = None if keep_with_model else {}
        self.calls: dict[int, int] = {}  # compiled steps made, per batch size

    def run(self, inputs: list[Any], targets: list[Any]) -> tuple[float, float]:
        """One step on the batch; its loss and accuracy."""
        size = len(targets)
        if size not in self.compiled_sizes:
            return self.interpret(inputs, targets)
        calls = self.calls.get(size, 0)
        self.optimizer.zero_grad()
        try:
            value, outputs = compiled.step(
                self.model, self.loss, inputs, targets, self.programs, checks=False
            )
        except Exception:
            if not self.auto or calls:
                raise
            return self.give_up(inputs, targets)  # it cannot be recorded
        compare = self.auto and _is_power_of_ten(calls)
        if compare and not _agrees(value, self.loss_interpreted(inputs, targets)):
            return self.give_up(inputs, targets)
        self.calls[size] = calls + 1
        self.optimizer.step()
        return value, self.accuracy(outputs, targets) if self.accuracy is not None else 0.0

    def interpret(self, inputs: list[Any], targets: list[Any]) -> tuple[float, float]:
        return train_step(self.model, self.loss, self.optimizer, inputs, targets, self.accuracy)

    def give_up(self, inputs: list[Any], targets: list[Any]) -> tuple[float, float]:
        """Interpret this step and every later one (``train_step`` zeroes the gradients)."""
        self.compiled_sizes.clear()
        return self.interpret(inputs, targets)

    def loss_interpreted(self, inputs: list[Any], targets: list[Any]) -> float:
        with no_grad():
            value = self.loss([self.model(x) for x in inputs], targets)
        return float(value.data)


def _is_power_of_ten(n: int) -> bool:
    """1, 10, 100, ...: when ``fit(compile="auto")`` checks a compiled step."""
    while n >= 10 and n % 10 == 0:
        n //= 10
    return n == 1


def _agrees(compiled_loss: float, interpreted_loss: float) -> bool:
    """Whether a compiled step's loss is the interpreter's (they differ by rounding, ~1e-12)."""
    return math.isclose(compiled_loss, interpreted_loss, rel_tol=1e-9, abs_tol=1e-12)


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
    compile: bool | str = "auto",
) -> History:
    """Train ``model`` on ``data = (X, y)`` for ``epochs`` passes of mini-batch steps.

    Each step: outputs = model(x) for each x in the batch, ``L = loss(outputs, targets)``,
    ``optimizer.zero_grad()``, ``L.backward()``, ``optimizer.step()``. ``batch_size=None`` uses the
    whole data set per step (full-batch gradient descent); batches are reshuffled every epoch
    (reproducibly with ``seed``). Returns a :class:`History`: per epoch, the mean loss over the
    samples (each batch weighted by its size) and the accuracy of the predictions made during the
    epoch, before each update (as micrograd's demo prints).

    ``compile``: ``True`` runs every step compiled (see :func:`train_step`), ``False`` every step
    interpreted. ``"auto"`` compiles the steps of each batch size that runs at least
    :data:`AUTO_COMPILE_STEPS` times in the call and interprets the others. It interprets every
    step, from the first one where it finds out, of a model or loss it cannot compile: one that
    fails while the step is recorded (dropout in training, a hook on a parameter, a branch on a
    Value, Python that needs plain numbers), or whose compiled loss differs from the
    interpreter's when they are compared (on the 2nd, 11th, 101st, ... compiled step). Its
    compiled steps are kept for this call only, so a parameter replaced or a number the loss reads
    changed between two calls is seen. A compiled step runs the Python of the model and the loss
    only when the step is recorded or compared: a loss that prints or counts its calls, or a
    model or a loss that reads a Value's ``.data`` or a changing number to choose what to compute,
    needs ``compile=False``.

    Bad data never half-trains the model. Before the first step the whole data set is checked:
    its shapes, that every number in X and y is real and finite (:func:`check_numbers`), and that
    the model takes a row and the loss every label (:func:`check_data`), that the optimizer
    updates the model's parameters (:func:`check_optimizer`), and with ``compile=True`` that the
    model builds the same graph on every call; a ValueError (TypeError for a wrong type)
    names the first bad entry and nothing has changed. An error once training
    has started (an update the optimizer refuses because a gradient is not finite, an overflow)
    raises :class:`TrainingError` from it: the model holds its last update and
    ``error.history`` the completed epochs.
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError("data must be a pair (X, y)")
    if not isinstance(compile, (bool, str)):
        raise TypeError(f'compile must be True, False or "auto", got {brief(compile)}')
    if compile not in (True, False, "auto"):
        raise ValueError(f'compile must be True, False or "auto", got {brief(compile)}')
    epochs = whole_number(epochs, "epochs")
    if batch_size is not None:
        batch_size = whole_number(batch_size, "batch_size (or None for the whole data set)")
    X, y = check_numbers(*check_arrays(*data))
    size = len(X) if batch_size is None else batch_size
    check_data(model, loss, X, y, size, accuracy)
    check_optimizer(model, optimizer)
    counts = _step_counts(len(X), size, epochs)
    if compile is True:
        compiled.check_replayable(model)
        sizes = set(counts)
    elif compile == "auto" and compiled.compilable(model):
        sizes = {batch for batch, count in counts.items() if count >= AUTO_COMPILE_STEPS}
    else:
        sizes = set()
    steps = _Steps(model, loss, optimizer, accuracy, compile, sizes)
    rng = random_state(seed)
    steps_per_epoch = -(-len(X) // size)
    bar = _progress_bar(epochs * steps_per_epoch) if progress else None
    history = History()
    epoch = step = 0
    try:
        for epoch in range(1, epochs + 1):
            total_loss, total_correct = 0.0, 0.0
            step = 0
            for X_batch, y_batch in batches(X, y, size, shuffle=shuffle, seed=rng):
                step += 1
                targets = y_batch.tolist()
                step_loss, step_accuracy = steps.run(X_batch.tolist(), targets)
                total_loss += step_loss * len(targets)
                total_correct += step_accuracy * len(targets)
                if bar is not None:
                    bar.set_postfix(epoch=epoch, loss=f"{step_loss:.4f}", refresh=False)
                    bar.update(1)
            history.loss.append(total_loss / len(X))
            if accuracy is not None:
                history.accuracy.append(total_correct / len(X))
    except Exception as error:
        raise TrainingError(
            f"training stopped in epoch {epoch}, step {step} of {steps_per_epoch}: "
            f"{type(error).__name__}: {error} (the model keeps its last update; "
            f"the error's history holds the {len(history.loss)} completed epochs)",
            history,
            epoch,
            step,
        ) from error
    finally:
        if bar is not None:
            bar.close()
    return history


__all__ = [
    "AUTO_COMPILE_STEPS",
    "History",
    "TrainingError",
    "check_data",
    "check_optimizer",
    "check_numbers",
    "classification_accuracy",
    "evaluate",
    "fit",
    "train_step",
]
