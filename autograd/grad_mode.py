"""Whether ops record the graph (always, except inside ``no_grad()``), and whether a function is
being traced for :func:`autograd.compile` (then Python control flow on a Value is refused).

Both switches live in a :class:`contextvars.ContextVar`, so they are private to each thread and
each asyncio task: ``no_grad()`` in one never changes what another records.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_recording: ContextVar[bool] = ContextVar("chainrule_recording", default=True)
_tracing: ContextVar[str | None] = ContextVar("chainrule_tracing", default=None)

recording = _recording.get
"""True when ops record the graph, False inside ``no_grad()`` (the gates' hot path reads it)."""


def is_recording() -> bool:
    """True when ops record the graph (the default); False inside ``no_grad()``."""
    return _recording.get()


def require_recording(what: str) -> None:
    """A RuntimeError if ops do not record the graph (inside ``no_grad()``): ``what`` needs it."""
    if not _recording.get():
        raise RuntimeError(
            f"{what} needs the graph, which is not recorded inside no_grad(): call it outside "
            "the no_grad() block"
        )


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


class TraceError(TypeError):
    """A traced function used Python control flow on a Value: its graph could differ between
    calls, so it cannot be compiled."""


@contextmanager
def tracing(what: str) -> Iterator[None]:
    """Inside this block, comparing a Value or asking for its truth value raises a
    :class:`TraceError` (``what`` names the function being traced)."""
    token = _tracing.set(what)
    try:
        yield
    finally:
        _tracing.reset(token)


def is_tracing() -> bool:
    """True while :func:`autograd.compile` records a function: code that would build another
    graph on the next call (a random draw, such as dropout's mask) must refuse then."""
    return _tracing.get() is not None


def refuse_if_tracing(operation: str) -> None:
    """Raise a :class:`TraceError` if a function is being traced: ``operation`` on a Value
    (``x > 0``, ``bool(x)``) would make the graph depend on the data."""
    traced = _tracing.get()
    if traced is None:
        return
    frame = sys._getframe(2)  # the code that compared: above the Value method that asked
    raise TraceError(
        f"{operation} on a Value while compiling {traced}, at {frame.f_code.co_filename}, "
        f"line {frame.f_lineno}: compile needs a graph that is the same for every input; use "
        "maximum(...), .relu() or .max(...) instead of if/else on a Value, or don't compile"
    )


__all__ = [
    "TraceError",
    "is_recording",
    "is_tracing",
    "no_grad",
    "recording",
    "refuse_if_tracing",
    "require_recording",
    "tracing",
]
