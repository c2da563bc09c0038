"""Optimizers (SGD with momentum, Adagrad, RMSprop, Adam, AdamW), learning-rate schedules and
gradient clipping.

Every optimizer updates its parameters' ``.data`` in place from their ``.grad``. The update is plain
float arithmetic on ``.data`` and ``.grad``, so it records no graph (the same effect as running it
under ``autograd.no_grad()``). ``step()`` first checks every gradient and computes every new value;
only when all are finite does it write them, so an error never leaves a half-updated model::

    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for batch in ...:
        loss = ...
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

``lr`` is a number or a schedule: a function ``step -> lr`` of how many steps were taken before,
such as :class:`StepDecay`, :class:`LinearDecay` or :class:`CosineDecay`. ``weight_decay`` adds
``weight_decay * p`` to each gradient (the gradient of an L2 penalty ``weight_decay / 2 * p^2``);
:class:`AdamW` instead shrinks the parameters directly ("decoupled" weight decay).

:func:`clip_grad_norm` rescales the gradients, between ``backward()`` and ``step()``, when their
joint norm is larger than a limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass
from typing import Any, Union

from autograd import Value
from nn.checks import brief, finite_float, not_a_model, not_a_module, whole_number

Schedule = Callable[[int], float]
LearningRate = Union[float, Schedule]
State = dict[str, list[float]]


def _number(value: Any, what: str, low: float = 0.0, high: float = math.inf) -> float:
    """``value`` as a float with low <= value < high, or a ValueError naming ``what``."""
    number = finite_float(value, what)
    if not low <= number < high:
        raise ValueError(f"{what} must be finite and in [{low}, {high}), got {number!r}")
    return number


def _positive(value: Any, what: str) -> float:
    """``value`` as a finite float > 0, or a ValueError naming ``what``."""
    number = _number(value, what)
    if number == 0.0:
        raise ValueError(f"{what} must be > 0, got {value!r}")
    return number


@dataclass(frozen=True)
class StepDecay:
    """Every ``every`` steps, lr <- factor * lr (the lecture homework): lr * factor^(k // every)."""

    lr: float
    every: int
    factor: float = 0.5

    def __post_init__(self) -> None:
        _number(self.lr, "StepDecay lr")
        object.__setattr__(self, "every", whole_number(self.every, "StepDecay every (steps)"))
        if not 0.0 < _number(self.factor, "StepDecay factor") <= 1.0:
            raise ValueError(f"StepDecay factor must be in (0, 1], got {self.factor!r}")

    def __call__(self, step: int) -> float:
        return self.lr * self.factor ** (step // self.every)


@dataclass(frozen=True)
class LinearDecay:
    """From ``start`` to ``end`` in ``steps`` steps, then ``end``: start + (end - start) k / steps.

    ``LinearDecay(1.0, 0.1, 100)`` is micrograd's ``1.0 - 0.9 * k / 100``.
    """

    start: float
    end: float
    steps: int

    def __post_init__(self) -> None:
        _number(self.start, "LinearDecay start")
        _number(self.end, "LinearDecay end")
        object.__setattr__(self, "steps", whole_number(self.steps, "LinearDecay steps"))
        finite_float(self.steps, "LinearDecay steps")  # the formula divides by it as a float

    def __call__(self, step: int) -> float:
        return self.start + (self.end - self.start) * min(step, self.steps) / self.steps


@dataclass(frozen=True)
class CosineDecay:
    """Linear warmup for ``warmup`` steps, then half a cosine from ``lr`` down to ``end`` at step
    ``steps``, then ``end``::

        step < warmup:  lr * (step + 1) / (warmup + 1)
        otherwise:      end + (lr - end) * (1 + cos(pi * t)) / 2
                        with t = min(1, (step - warmup) / (steps - warmup))

    ``CosineDecay(0.01, 1000, warmup=100)`` rises in equal steps to 0.01 at step 100 and decays to
    0 at step 1000 (SGDR's cosine annealing, one cycle, after a linear warmup).
    """

    lr: float
    steps: int
    warmup: int = 0
    end: float = 0.0

    def __post_init__(self) -> None:
        _number(self.lr, "CosineDecay lr")
        _number(self.end, "CosineDecay end")
        object.__setattr__(self, "steps", whole_number(self.steps, "CosineDecay steps"))
        warmup = whole_number(self.warmup, "CosineDecay warmup", 0)
        if warmup >= self.steps:
            raise ValueError(
                f"CosineDecay warmup must be an int of steps in [0, steps={self.steps}), "
                f"got {warmup}"
            )
        object.__setattr__(self, "warmup", warmup)

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return self.lr * (step + 1) / (self.warmup + 1)
        t = min(1.0, (step - self.warmup) / (self.steps - self.warmup))
        return self.end + (self.lr - self.end) * 0.5 * (1.0 + math.cos(math.pi * t))


def _parameters(params: Iterable[Value], user: str) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError("params must be a list of Values; wrap a single one: [p]")
    not_a_model(params, user)
    params = list(params)
    if not params:
        raise ValueError(f"{user} got no parameters")
    seen: set[Value] = set()
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            not_a_module(p, i, user)
            raise TypeError(f"parameter {i} must be a Value, got {type(p).__name__} {p!r}")
        if p in seen:
            raise ValueError(f"parameter {_name(p, i)} is listed twice; give each once")
        seen.add(p)
    return params


def _name(p: Value, i: int) -> str:
    return repr(p.label) if p.label else f"number {i} ({p!r})"


def _check_gradients(params: list[Value], consequence: str) -> list[float]:
    """The parameters' gradients, or a ValueError naming the first that is not finite."""
    grads = [p.grad for p in params]
    if not all(map(math.isfinite, grads)):
        i = next(i for i, g in enumerate(grads) if not math.isfinite(g))
        raise ValueError(
            f"parameter {_name(params[i], i)} has gradient {grads[i]!r}; {consequence}. "
            "Lower the learning rate or rescale the inputs."
        )
    return grads


class Optimizer:
    """Base class: holds the parameters, the learning rate (or schedule) and the step count."""

    def __init__(
        self, params: Iterable[Value], lr: LearningRate, weight_decay: float = 0.0
    ) -> None:
        self.params = _parameters(params, type(self).__name__)
        if not callable(lr):
            lr = _number(lr, "lr")
        self.schedule = lr
        self.weight_decay = _number(weight_decay, "weight_decay")
        self.steps = 0
        self.state: State = {}

    @property
    def lr(self) -> float:
        """The learning rate the next ``step()`` uses."""
        if callable(self.schedule):
            return _number(self.schedule(self.steps), f"lr from the schedule at step {self.steps}")
        return self.schedule

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    decoupled = False
    """True: weight decay shrinks the parameters in the update instead of adding to the gradient."""

    def _gradients(self) -> list[float]:
        """Each parameter's gradient plus weight decay, checked to be finite."""
        grads = _check_gradients(self.params, "nothing was updated")
        if self.weight_decay and not self.decoupled:
            return [g + self.weight_decay * p.data for p, g in zip(self.params, grads)]
        return grads

    def _update(self, lr: float, grads: list[float]) -> tuple[list[float], State]:
        """The new parameter values and optimizer state (not yet written)."""
        raise NotImplementedError

    def step(self) -> None:
        """Update every parameter once; on a ValueError nothing has changed."""
        lr = self.lr
        new_data, new_state = self._update(lr, self._gradients())
        for name, values in [("value", new_data), *new_state.items()]:
            if not all(map(math.isfinite, values)):
                i = next(i for i, v in enumerate(values) if not math.isfinite(v))
                raise ValueError(
                    f"the update of parameter {_name(self.params[i], i)} gives {name} "
                    f"{values[i]!r}; nothing was updated. Lower the learning rate or rescale the "
                    "inputs."
                )
        for p, v in zip(self.params, new_data):
            p.data = v
        self.state = new_state
        self.steps += 1

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.schedule!r})"


class SGD(Optimizer):
    """Stochastic gradient descent: p <- p - lr g.

    With momentum mu: v <- mu v + g, p <- p - lr v (as PyTorch).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = _number(momentum, "momentum", 0.0, 1.0)
        if self.momentum:
            self.state = {"velocity": [0.0] * len(self.params)}

    def _update(self, lr: float, grads: list[float]) -> tuple[list[float], State]:
        if not self.momentum:
            return [p.data - lr * g for p, g in zip(self.params, grads)], {}
        mu = self.momentum
        velocity = [mu * v + g for v, g in zip(self.state["velocity"], grads)]
        return [p.data - lr * v for p, v in zip(self.params, velocity)], {"velocity": velocity}


class Adagrad(Optimizer):
    """Adagrad: cache <- cache + g^2, p <- p - lr g / (sqrt(cache) + eps)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.01,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.eps = _positive(eps, "eps")
        self.state = {"cache": [0.0] * len(self.params)}

    def _update(self, lr: float, grads: list[float]) -> tuple[list[float], State]:
        cache = [c + g * g for c, g in zip(self.state["cache"], grads)]
        data = [
            p.data - lr * g / (math.sqrt(c) + self.eps)
            for p, g, c in zip(self.params, grads, cache)
        ]
        return data, {"cache": cache}


class RMSprop(Optimizer):
    """RMSprop: cache <- rho cache + (1 - rho) g^2, p <- p - lr g / (sqrt(cache) + eps)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.01,
        rho: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.rho = _number(rho, "rho", 0.0, 1.0)
        self.eps = _positive(eps, "eps")
        self.state = {"cache": [0.0] * len(self.params)}

    def _update(self, lr: float, grads: list[float]) -> tuple[list[float], State]:
        rho = self.rho
        cache = [rho * c + (1.0 - rho) * g * g for c, g in zip(self.state["cache"], grads)]
        data = [
            p.data - lr * g / (math.sqrt(c) + self.eps)
            for p, g, c in zip(self.params, grads, cache)
        ]
        return data, {"cache": cache}


class Adam(Optimizer):
    """Adam: m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2, with bias corrections
    m^ = m / (1 - b1^t), v^ = v / (1 - b2^t); p <- p - lr m^ / (sqrt(v^) + eps)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        if (
            isinstance(betas, (str, bytes, Mapping))
            or not isinstance(betas, Sized)
            or not hasattr(betas, "__getitem__")
            or len(betas) != 2
        ):
            raise ValueError(f"betas must be a pair (b1, b2) of numbers, got {brief(betas)}")
        self.betas = (
            _number(betas[0], "betas[0]", 0.0, 1.0),
            _number(betas[1], "betas[1]", 0.0, 1.0),
        )
        self.eps = _positive(eps, "eps")
        zeros = [0.0] * len(self.params)
        self.state = {"m": zeros, "v": list(zeros)}

    def _update(self, lr: float, grads: list[float]) -> tuple[list[float], State]:
        b1, b2 = self.betas
        t = self.steps + 1
        m = [b1 * mi + (1.0 - b1) * g for mi, g in zip(self.state["m"], grads)]
        v = [b2 * vi + (1.0 - b2) * g * g for vi, g in zip(self.state["v"], grads)]
        correct1, correct2 = 1.0 - b1**t, 1.0 - b2**t
        data = [
            p.data - lr * (mi / correct1) / (math.sqrt(vi / correct2) + self.eps)
            for p, mi, vi in zip(self.params, m, v)
        ]
        return data, {"m": m, "v": v}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter; ``torch.optim.AdamW``): the
    parameters shrink by ``lr * weight_decay * p`` on each step, and the gradient given to Adam's
    moments has no decay term, so the decay is not rescaled by Adam's ``1 / sqrt(v^)``::

        p <- p - lr * weight_decay * p - lr * m^ / (sqrt(v^) + eps)
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def _update(self, lr: float, grads: list[float]) -> tuple[list[float], State]:
        data, state = super()._update(lr, grads)
        shrink = lr * self.weight_decay
        return [d - shrink * p.data for d, p in zip(data, self.params)], state


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale the gradients so that their joint norm ``sqrt(sum g^2)`` is at most ``max_norm``;
    returns the norm before clipping (as ``torch.nn.utils.clip_grad_norm_``).

    Every gradient is multiplied by ``min(1, max_norm / (n + 1e-6))`` for the norm ``n``, so the
    direction is kept (PyTorch's rule; the 1e-6 guards against n = 0). Call it between
    ``backward()`` and ``step()``. A gradient that is not finite raises a ValueError and changes
    nothing.
    """
    params = _parameters(params, "clip_grad_norm")
    limit = _positive(max_norm, "max_norm")
    _check_gradients(params, "no gradient was changed")
    norm = math.hypot(*(p.grad for p in params))  # no overflow in the squares
    if not math.isfinite(norm):
        raise ValueError(
            "the gradients' norm overflows a float; no gradient was changed. "
            "Lower the learning rate or rescale the inputs."
        )
    scale = limit / (norm + 1e-6)
    if scale < 1.0:
        for p in params:
            p.grad *= scale
    return norm
