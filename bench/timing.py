"""Timing: every candidate run in turn, round after round, in one process; medians and ranges.

Absolute times drift with the machine's load, so candidates are interleaved (round ``r`` starts
with candidate ``r mod k``) and compared by ratios of medians measured in the same rounds.

A run returns its own phase times (seconds, e.g. ``{"forward": ..., "backward": ...}``), taken
with :func:`time.perf_counter` around exactly the work being measured. Before each run the
garbage left by the previous one is collected (``gc.collect()``), so one engine's garbage is not
collected on another engine's clock; the collector's settings are never changed.
:func:`collector_seconds` measures how much of a block's time the collector itself took.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Run = Callable[[], Mapping[str, float]]
"""One measured run: returns seconds per phase."""


@dataclass(frozen=True)
class Stats:
    """The times of one phase over several runs."""

    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def low(self) -> float:
        return min(self.runs)

    @property
    def high(self) -> float:
        return max(self.runs)

    def scaled(self, factor: float) -> Stats:
        """The same runs times ``factor`` (seconds -> ns per node, ms, ...)."""
        return Stats(tuple(t * factor for t in self.runs))

    def as_dict(self) -> dict[str, object]:
        return {"median": self.median, "min": self.low, "max": self.high, "runs": list(self.runs)}


@dataclass
class CollectorTime:
    """Seconds the cyclic collector ran, and how many collections of each generation."""

    seconds: float = 0.0
    collections: dict[int, int] = field(default_factory=dict)


@contextmanager
def collector_seconds() -> Iterator[CollectorTime]:
    """Time every collection that runs inside the block, with a ``gc.callbacks`` hook (Python
    calls it at the start and the stop of each collection). The hook is removed after the block,
    also when it raises; the collector's settings are not touched."""
    spent = CollectorTime()
    started = 0.0

    def hook(phase: str, info: dict[str, Any]) -> None:
        nonlocal started
        if phase == "start":
            started = time.perf_counter()
        else:
            spent.seconds += time.perf_counter() - started
            generation = info["generation"]
            spent.collections[generation] = spent.collections.get(generation, 0) + 1

    gc.callbacks.append(hook)
    try:
        yield spent
    finally:
        gc.callbacks.remove(hook)


def interleaved(
    candidates: Mapping[str, Run], repeats: int, warmup: bool = True
) -> dict[str, dict[str, Stats]]:
    """Run every candidate ``repeats`` times, interleaved; ``{candidate: {phase: Stats}}``.

    With ``warmup`` each candidate runs once first, unrecorded (imports, caches, first-call costs).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats!r}")
    names = list(candidates)
    if warmup:
        for name in names:
            gc.collect()
            candidates[name]()
    times: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    for r in range(repeats):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            gc.collect()
            for phase, seconds in candidates[name]().items():
                times[name].setdefault(phase, []).append(seconds)
    return {
        name: {phase: Stats(tuple(runs)) for phase, runs in phases.items()}
        for name, phases in times.items()
    }
