"""Loss functions, built from Value gates so their graphs can be drawn and stepped.

Shapes. ``squared_error``, ``mse``, ``l1``, ``hinge`` and ``binary_cross_entropy_with_logits`` take
outputs and targets of the same shape (one Value and one number, a list, or a list of lists for a
batch) and work element by element. ``multiclass_hinge`` and ``cross_entropy`` take one sample's
scores (a list of Values) and its class index, or a batch (a list of such lists and a list of
indices), and average over the batch. Targets are plain numbers.

Bad targets (a class index out of range, a hinge label that is not +-1, mismatched lengths) raise a
ValueError that names the value.

Targets may also be Values, as in a compiled training step (``nn.fit(..., compile=True)``), where
the graph must be the same whatever the targets are. Then they are not checked here (``fit``
checks the data first), and a class index ``y`` picks its score with one-hot weights
``relu(1 - |y - j|)`` (1 for j = y, 0 for every other class j) instead of by indexing.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence, Sized
from typing import Any, Union

from autograd import Value
from nn.checks import brief, finite_float, not_a_model, not_a_module

Outputs = Union[Value, Sequence[Any]]
Targets = Union[float, Value, Sequence[Any]]
Target = Union[float, Value]


def _total(terms: Iterable[Value]) -> Value:
    """t1 + t2 + ... left to right, starting from the first term (no constant 0 node)."""
    iterator = iter(terms)
    total = next(iterator)
    for term in iterator:
        total = total + term
    return total


def _pairs(outputs: Outputs, targets: Any) -> list[tuple[Value, Target]]:
    """Flatten outputs and targets of the same shape into (output, target) pairs, in order (with
    a stack, not recursion: any depth of nesting works)."""
    pairs: list[tuple[Value, Target]] = []
    stack: list[tuple[Any, Any, str]] = [(outputs, targets, "")]
    while stack:
        output, target, path = stack.pop()
        where = path if len(path) <= 40 else f"{path[:20]}...{path[-15:]}"
        if isinstance(output, Value):
            if not isinstance(target, Value):  # a compiled step's targets are Values
                target = finite_float(target, f"target{where}")
            pairs.append((output, target))
            continue
        if not isinstance(output, Sequence):
            raise TypeError(
                f"output{where} must be a Value or a list of Values, got {brief(output)}"
            )
        if isinstance(target, (str, bytes)) or not hasattr(target, "__len__"):
            raise ValueError(f"target{where} must be a list like the outputs, got {brief(target)}")
        if len(output) != len(target):
            raise ValueError(
                f"{len(output)} outputs{where and ' at ' + where} but {len(target)} targets: "
                "give one target per output"
            )
        if not output:
            raise ValueError("no outputs: a loss needs at least one")
        items = [(o, t, f"{path}[{i}]") for i, (o, t) in enumerate(zip(output, target))]
        stack.extend(reversed(items))
    return pairs


def squared_error(outputs: Outputs, targets: Targets) -> Value:
    """E = 1/2 sum (t - o)^2, the lectures' error (d E / d o = o - t)."""
    differences = [o - t for o, t in _pairs(outputs, targets)]
    return _total(d * d for d in differences) * 0.5


def mse(outputs: Outputs, targets: Targets) -> Value:
    """Mean squared error: 1/n sum (t - o)^2 over all n elements."""
    differences = [o - t for o, t in _pairs(outputs, targets)]
    return _total(d * d for d in differences) * (1.0 / len(differences))


def l1(outputs: Outputs, targets: Targets) -> Value:
    """Mean absolute error: 1/n sum |t - o|, with |d| = max(d, -d) (gradient 0 at d = 0)."""
    differences = [o - t for o, t in _pairs(outputs, targets)]
    return _total(d.max(-d) for d in differences) * (1.0 / len(differences))


def _label(y: Target, where: str) -> Target:
    if not isinstance(y, Value) and y not in (-1.0, 1.0):
        raise ValueError(f"hinge label {y!r}{where} must be -1 or +1 (map 0/1 labels with 2*y - 1)")
    return y


def hinge(scores: Outputs, labels: Targets, margin: float = 1.0) -> Value:
    """Binary SVM loss, labels y = +-1: 1/n sum max(0, margin - y s) (micrograd's moons loss)."""
    pairs = _pairs(scores, labels)
    terms = [(s * -_label(y, f" at {i}") + margin).relu() for i, (s, y) in enumerate(pairs)]
    return _total(terms) * (1.0 / len(pairs))


def _class_index(target: Any, n_classes: int) -> int | Value:
    if isinstance(target, Value):
        return target  # a traced class index: see _pick
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise ValueError(f"class index {brief(target)} must be an int in 0..{n_classes - 1}")
    try:
        index = float(target)
    except OverflowError:  # an int past 1.8e308: out of range like any large index
        index = math.inf
    if not index.is_integer() or not 0 <= index < n_classes:
        raise ValueError(
            f"class index {brief(target)} is out of range: there are {n_classes} classes, "
            f"so it must be an int in 0..{n_classes - 1}"
        )
    return int(index)


def _samples(scores: Sequence[Any], targets: Any) -> list[tuple[list[Value], int | Value]]:
    """One sample (list of Values, index) or a batch (list of lists, indices) as a list of pairs."""
    if not isinstance(scores, Sequence) or not scores:
        raise ValueError(f"scores must be a non-empty list of Values, got {brief(scores)}")
    if isinstance(scores[0], Value):
        if isinstance(targets, Sized) and not isinstance(targets, (str, bytes)):
            try:
                count = f"{len(targets)} "
            except TypeError:  # a 0-d numpy array: one number after all
                count = None
            if count is not None:
                raise ValueError(
                    f"got one sample's scores (a list of {len(scores)} Values) but a list of "
                    f"{count}class indices: a batch is a list of score lists, one per sample "
                    "(a model with one output per class)"
                )
        batch, batch_targets = [scores], [targets]
    else:
        batch = list(scores)
        if isinstance(targets, (str, bytes)) or not hasattr(targets, "__len__"):
            raise ValueError(f"a batch of {len(batch)} samples needs a list of targets")
        batch_targets = list(targets)
        if len(batch) != len(batch_targets):
            raise ValueError(f"{len(batch)} samples but {len(batch_targets)} targets")
    samples = []
    for row, target in zip(batch, batch_targets):
        row = list(row)
        if not row or not all(isinstance(s, Value) for s in row):
            raise TypeError(
                f"each sample's scores must be a non-empty list of Values, got {brief(row)}"
            )
        samples.append((row, _class_index(target, len(row))))
    return samples


def _one_hot(y: Value, n_classes: int) -> list[Value]:
    """For a class index y given as a Value: relu(1 - |y - j|) for each class j, which is 1 for
    j = y and 0 for every other whole number j. The graph is the same whatever y is."""
    return [(1.0 - abs(y - float(j))).relu() for j in range(n_classes)]


def _pick(row: list[Value], y: int | Value) -> Value:
    """The score of class y: ``row[y]``; for a Value y, the one-hot weighted sum of the row."""
    if isinstance(y, Value):
        return _total(w * s for w, s in zip(_one_hot(y, len(row)), row))
    return row[y]


def multiclass_hinge(scores: Sequence[Any], target: Any, margin: float = 1.0) -> Value:
    """Multiclass SVM loss: L_i = sum over j != y of max(0, s_j - s_y + margin), batch mean."""
    per_sample = []
    for row, y in _samples(scores, target):
        if len(row) < 2:
            raise ValueError(f"multiclass_hinge needs at least 2 scores per sample, got {len(row)}")
        offset = margin - _pick(row, y)  # s_j - s_y + margin = s_j + offset
        if isinstance(y, Value):  # every class, the true one weighted 0
            others = _one_hot(y, len(row))
            terms = ((s + offset).relu() * (1.0 - w) for w, s in zip(others, row))
        else:
            terms = ((s + offset).relu() for j, s in enumerate(row) if j != y)
        per_sample.append(_total(terms))
    return _total(per_sample) * (1.0 / len(per_sample))


def softmax(logits: Sequence[Value]) -> list[Value]:
    """p_i = e^(z_i - m) / sum_j e^(z_j - m), m = max z (a constant: p does not depend on it)."""
    logits = list(logits)
    if not logits or not all(isinstance(z, Value) for z in logits):
        raise TypeError(f"softmax takes a non-empty list of Values, got {brief(logits)}")
    m = max(z.data for z in logits)
    exps = [(z - m).exp() for z in logits]
    total = _total(exps).reciprocal()
    return [e * total for e in exps]


def _log_sum_exp(logits: list[Value]) -> Value:
    """log sum e^z_j = m + log sum e^(z_j - m): finite for any finite logits (m = max z)."""
    m = max(z.data for z in logits)
    return _total((z - m).exp() for z in logits).log() + m


def cross_entropy(logits: Sequence[Any], target: Any) -> Value:
    """-log softmax(z)_y = log sum_j e^z_j - z_y, via log-sum-exp (finite at logits of +-1000);
    batch mean. d/dz_j = p_j - [j = y]."""
    per_sample = [_log_sum_exp(row) - _pick(row, y) for row, y in _samples(logits, target)]
    return _total(per_sample) * (1.0 / len(per_sample))


def binary_cross_entropy_with_logits(logits: Outputs, targets: Targets) -> Value:
    """Mean of -[t log s(z) + (1 - t) log(1 - s(z))] = softplus(z) - t z, for targets t in [0, 1]
    (one independent yes/no per output: multi-label). The softplus gate keeps it finite."""
    pairs = _pairs(logits, targets)
    for i, (_, t) in enumerate(pairs):
        if not isinstance(t, Value) and not 0.0 <= t <= 1.0:
            raise ValueError(f"target {t!r} at {i} must be in [0, 1] (a probability or 0/1 label)")
    return _total(z.softplus() + z * -t for z, t in pairs) * (1.0 / len(pairs))


def l2(params: Iterable[Value]) -> Value:
    """sum p^2 over the parameters, with no 1/2 (d/dp = 2p); multiply by the strength yourself:
    ``loss + 1e-4 * l2(model.parameters())`` as in micrograd."""
    not_a_model(params, "l2")
    params = list(params)
    if not params:
        raise ValueError("l2 needs at least one parameter")
    for i, p in enumerate(params):
        not_a_module(p, i, "l2")
    return _total(p * p for p in params)
