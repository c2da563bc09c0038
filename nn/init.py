"""Weight initialisers: how a neuron's first weights are drawn.

An initialiser is a function ``init(fan_in, rng) -> list[float]`` giving the ``fan_in`` weights of
one neuron (biases always start at 0). ``rng`` is a :class:`numpy.random.Generator`, so a seed makes
every model reproducible. The built-in ones, by name:

===============  ===========================================  ===============================
name             each weight drawn from                       where it comes from
===============  ===========================================  ===============================
``'uniform'``    U(-1, 1)                                     micrograd
``'gaussian'``   N(0, 1)                                      the lecture homework
``'xavier'``     N(0, 1 / fan_in)                             Xavier/Glorot, as in the lectures
``'he'``         N(0, 2 / fan_in)                             He et al., for ReLU layers
===============  ===========================================  ===============================

Xavier keeps the variance of a weighted sum equal to the variance of its inputs; He doubles it
because a ReLU zeroes half of its inputs. (The lectures' form ``randn(fan_in) / sqrt(fan_in)``,
not Glorot's uniform variant with fan_out.)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Union

import numpy as np

from nn.checks import brief

Initializer = Callable[[int, np.random.Generator], list[float]]
Seed = Union[int, np.random.Generator, None]


def uniform(fan_in: int, rng: np.random.Generator) -> list[float]:
    """``fan_in`` weights from U(-1, 1), micrograd's initialisation."""
    return rng.uniform(-1.0, 1.0, fan_in).tolist()


def gaussian(fan_in: int, rng: np.random.Generator) -> list[float]:
    """``fan_in`` weights from the standard normal N(0, 1)."""
    return rng.standard_normal(fan_in).tolist()


def xavier(fan_in: int, rng: np.random.Generator) -> list[float]:
    """``fan_in`` weights from N(0, 1/fan_in): ``randn(fan_in) / sqrt(fan_in)``."""
    return (rng.standard_normal(fan_in) / math.sqrt(fan_in)).tolist()


def he(fan_in: int, rng: np.random.Generator) -> list[float]:
    """``fan_in`` weights from N(0, 2/fan_in): ``randn(fan_in) * sqrt(2 / fan_in)``."""
    return (rng.standard_normal(fan_in) * math.sqrt(2.0 / fan_in)).tolist()


INITIALIZERS: dict[str, Initializer] = {
    "uniform": uniform,
    "gaussian": gaussian,
    "xavier": xavier,
    "he": he,
}


def get(init: str | Initializer) -> Initializer:
    """The initialiser called ``init`` (or ``init`` itself when it is a function)."""
    if callable(init):
        return init
    if isinstance(init, str) and init in INITIALIZERS:
        return INITIALIZERS[init]
    raise ValueError(
        f"unknown initialiser {brief(init)}; use one of {sorted(INITIALIZERS)} "
        "or a function (fan_in, rng) -> list of floats"
    )


def make_rng(seed: Seed) -> np.random.Generator:
    """A Generator from an int seed (reproducible), a Generator (used as is) or None (fresh)."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise TypeError(
        f"seed must be a non-negative int, a numpy.random.Generator or None, got "
        f"{type(seed).__name__} {seed!r}"
    )
