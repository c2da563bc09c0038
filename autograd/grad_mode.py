"""``no_grad()``: a context in which ops compute values but record no graph.

The switch lives in a :class:`contextvars.ContextVar`, so it is private to each thread and each
asyncio task: turning recording off in one never turns it off in another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_recording: ContextVar[bool] = ContextVar("chainrule_recording", default=True)

is_recording = _recording.get
"""True when ops record the graph (the default); False inside :func:`no_grad`."""


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, every op returns a new leaf: no parents, nothing to backpropagate.

    Used by optimizers to update parameters in place, and for inference.
    """
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)
