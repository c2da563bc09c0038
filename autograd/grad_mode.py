"""What ops record: the graph (the default), nothing (``no_grad()``), or the graph and a tape.

The mode lives in a :class:`contextvars.ContextVar`, so it is private to each thread and each
asyncio task: changing it in one never changes it in another. Its value is ``True`` (record each
gate), ``False`` (record nothing: every op returns a new leaf) or a :class:`Tape` (record each gate
and also list it on the tape).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from autograd.value import Value


class Tape:
    """The gates made inside one ``with tape():`` block, in the order they were made.

    This list is the textbook form of reverse mode (a Wengert list): every gate comes after the
    gates it was computed from, so the reversed list is an order for backward with nothing to
    walk or count. ``backward()`` inside the block uses it (see :func:`autograd.graph.backward`).
    Each recorded gate is stamped with the tape's ``mark``, not with the tape itself: a gate that
    pointed to the tape that points to it would make a reference cycle, and the graph would no
    longer be freed the moment its last reference goes.

    ``complete`` stays True while every input gate of a recorded gate is on the tape too. A gate
    made before the block (or in another thread, or on an inner tape) has no place in the tape's
    order, so once a recorded gate takes one as input, backward walks the graph instead.
    """

    __slots__ = ("complete", "gates", "mark")

    def __init__(self) -> None:
        self.gates: list[Value] = []
        self.mark = object()
        self.complete = True

    def __repr__(self) -> str:
        return f"<Tape of {len(self.gates)} gates{'' if self.complete else ', not complete'}>"


_recording: ContextVar[Union[bool, Tape]] = ContextVar("chainrule_recording", default=True)

recorder = _recording.get
"""The current mode, for the ops' hot path: True, False (inside ``no_grad()``) or a Tape."""


def is_recording() -> bool:
    """True when ops record the graph (the default, also in ``tape()``); False in ``no_grad()``."""
    return _recording.get() is not False


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


@contextmanager
def tape() -> Iterator[Tape]:
    """Record the graph and list its gates, in the order they are made, on a new :class:`Tape`.

    ``backward()`` on a gate made in the block then runs down the tape (reverse creation order)
    instead of walking the graph: the same gradients, summed in creation order. On the graph of
    micrograd's moons step that took 6.6 ms instead of 16.6 (see ``make bench``).
    ``nn.train_step`` and ``nn.fit`` use it::

        with tape():
            loss = model_loss()
            loss.backward()

    The tape holds its gates until it is dropped, so keep the block around one step. Recording
    is on inside the block, also inside ``no_grad()``; a ``no_grad()`` inside it turns it off.
    """
    recorded = Tape()
    token = _recording.set(recorded)
    try:
        yield recorded
    finally:
        _recording.reset(token)


__all__ = ["Tape", "is_recording", "no_grad", "recorder", "tape"]
