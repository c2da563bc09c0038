"""``gc_paused()``: run a block without Python's cyclic garbage collector, then restore it.

A Value graph holds no reference cycles (no closures, no back-pointers), so reference counting
frees every node the moment the last reference to the graph goes. The cyclic collector cannot free
anything in it; it only re-scans each new node as the graph grows, which can cost more than building
the graph. A block that builds a graph and drops it again (one training step) loses nothing by
pausing the collector, and runs faster.

The collector is process-wide: the block restores whatever the caller had (enabled or disabled),
also when it raises; thresholds are never changed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block; restore its previous state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
