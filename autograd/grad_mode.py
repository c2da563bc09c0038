"""Whether ops record the graph: always, except inside ``no_grad()``.

The switch lives in a :class:`contextvars.ContextVar`, so it is private to each thread and each
asyncio task: ``no_grad()`` in one never changes what another records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_recording: ContextVar[bool] = ContextVar("chainrule_recording", default=True)

recording = _recording.get
"""True when ops record the graph, False inside ``no_grad()`` (the gates' hot path reads it)."""


def is_recording() -> bool:
    """True when ops record the graph (the default); False inside ``no_grad()``."""
    return _recording.get()


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block every op returns a new leaf: no inputs, nothing to backpropagate.

    Used by optimizers to update parameters in place, and for inference.
    """
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)


__all__ = ["is_recording", "no_grad", "recording"]
