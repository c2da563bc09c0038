"""A training step recorded once and replayed: what ``nn.train_step(..., compile=True)`` and
``nn.fit``'s compiled steps run.

The step is a function of the batch's numbers: the inputs, then the targets. It builds the
model's outputs for the batch, applies the loss, and returns the loss with the outputs beside it
(for the accuracy). :func:`autograd.compile` traces it on the first batch of a given shape and
replays it on every later one; the model's parameters are the Values it closes over, so their
gradients land in ``.grad`` as ``backward()`` would put them there, and the optimizer's updates
are read on every call.

The targets reach the loss as Values, so the graph is the same for every batch of that shape
(:mod:`nn.losses` picks a class index's score by one-hot weights). ``train_step`` checks them
with the loss itself on every step, on the step's outputs as leaf Values (``fit`` has checked
every label before its first step).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Program, TraceError, Value, compile, gc_paused, no_grad

Programs = dict[tuple[Any, ...], Program]
"""Compiled steps by loss and by the shapes of the inputs and targets."""

_PROGRAMS: weakref.WeakKeyDictionary[Any, Programs] = weakref.WeakKeyDictionary()
"""For each model, its compiled steps (``train_step(..., compile=True)`` keeps them there)."""

_MODULES: weakref.WeakKeyDictionary[Any, list[Any]] = weakref.WeakKeyDictionary()
"""For each model, its modules (found once: walking a model takes milliseconds)."""


def _walk(model: Any) -> list[Any]:
    """The model's modules (none for a plain function)."""
    return model.modules() if hasattr(model, "modules") else []


def keepable(model: Any) -> bool:
    """Whether compiled steps can be kept with the model (it is hashable and can be referred to
    weakly, as an nn.Module or a function is)."""
    try:
        weakref.ref(model)
        hash(model)
    except TypeError:
        return False
    return True


def check_replayable(model: Any) -> None:
    """A ValueError if one of the model's modules draws something new on every call. Called on
    every step of ``train_step(..., compile=True)``, so the modules of a model are found once and
    kept (walking a model takes milliseconds)."""
    if keepable(model):
        modules = _MODULES.get(model)
        if modules is None:
            modules = _MODULES[model] = _walk(model)
    else:
        modules = _walk(model)
    for module in modules:
        if not module.replayable():
            raise ValueError(
                f"{type(module).__name__} draws something new on every call (in training, a "
                "dropout mask), so a compiled step would replay the first one: train without "
                "compile=True, or switch it off (model.eval(), or p=0)"
            )


def compilable(model: Any) -> bool:
    """Whether none of the model's modules draws something new on every call (dropout in
    training), as far as its ``modules()`` show, walked afresh (once per call of ``fit``: a
    module may have been added since the last). Recording the step may still find that it
    cannot be compiled."""
    return all(module.replayable() for module in _walk(model))


def _step(model: Any, loss: Callable[..., Any], inputs: Any, targets: Any) -> Callable[..., Any]:
    """The step as a function of the batch's numbers, inputs then targets."""
    n_inputs = math.prod(inputs)

    def step(*numbers: Value) -> tuple[Value, list[Any]]:
        xs = np.array(numbers[:n_inputs], dtype=object).reshape(inputs).tolist()
        ys = np.array(numbers[n_inputs:], dtype=object).reshape(targets).tolist()
        outputs = [model(x) for x in xs]
        try:
            return loss(outputs, ys), outputs
        except TraceError:
            raise
        except TypeError as error:  # o[t], int(t): the loss was written for numbers
            raise TraceError(
                f"{error} (a compiled step gives the loss the targets as Values, so that its "
                "graph is the same for every batch: compute with them, as (o - t) ** 2 does, "
                "instead of indexing with them or converting them; or train without "
                "compile=True)"
            ) from error

    step.__name__ = f"step of {getattr(loss, '__name__', 'loss')}"
    return step


def program(
    model: Any,
    loss: Callable[..., Any],
    inputs: Any,
    targets: Any,
    programs: Programs | None = None,
) -> Program:
    """The compiled step for this model, loss and batch shape (made on first use), kept in
    ``programs``, or by default with the model."""
    if programs is None:
        if not keepable(model):
            raise TypeError(
                f"train_step(..., compile=True) keeps the compiled step with the model, and a "
                f"{type(model).__name__} cannot be kept (it is not hashable, or cannot be "
                "referred to weakly); use an nn.Module or a plain function, or nn.fit"
            )
        programs = _PROGRAMS.setdefault(model, {})
    key = (loss, inputs, targets)
    if key not in programs:
        programs[key] = compile(_step(model, loss, inputs, targets), argnums=(), has_aux=True)
    return programs[key]


def step(
    model: Any,
    loss: Callable[..., Any],
    inputs: Any,
    targets: Any,
    programs: Programs | None = None,
    checks: bool = True,
) -> tuple[float, list[Any]]:
    """One compiled forward and backward pass: the loss as a float and the outputs as leaf
    Values, as an accuracy function gets them from the interpreter (the parameters' gradients
    are added to their ``.grad``). ``programs``: where the compiled steps are kept (see
    :func:`program`). ``checks``: check that the model draws nothing new (it may have been
    switched to training since the step was recorded), and the targets with the loss."""
    x, y = np.asarray(inputs, dtype=float), np.asarray(targets, dtype=float)
    compiled = program(model, loss, x.shape, y.shape, programs)
    if checks:
        check_replayable(model)
    with gc_paused():  # recording builds the graph twice: it has no cycles to collect
        (value, outputs), _ = compiled(*x.ravel().tolist(), *y.ravel().tolist())
    outputs = _as_values(outputs)
    if checks:
        with no_grad():  # the loss checks the targets (a class index in range, a label of +-1)
            loss(outputs, targets)
    return value, outputs


def _as_values(outputs: Any) -> Any:
    if isinstance(outputs, list):
        return [_as_values(o) for o in outputs]
    return Value(outputs)


__all__ = ["Programs", "check_replayable", "compilable", "keepable", "program", "step"]
