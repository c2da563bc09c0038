"""gc_paused restores the collector exactly as the caller had it, also after an error."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from autograd import Value, gc_paused


@pytest.fixture
def collector_state() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    (gc.enable if enabled else gc.disable)()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector_state")
@pytest.mark.parametrize("enabled", [True, False])
def test_paused_inside_and_restored_after(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    gc.set_threshold(555, 7, 3)
    with gc_paused():
        assert not gc.isenabled()
        y = Value(2.0) * 3
        y.backward()
    assert gc.isenabled() is enabled
    assert gc.get_threshold() == (555, 7, 3)


@pytest.mark.usefixtures("collector_state")
def test_restored_when_the_block_raises() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), gc_paused():
        Value(0.0).reciprocal()
    assert gc.isenabled()


def test_a_graph_is_freed_by_reference_counting_alone() -> None:
    """No cycles: with the collector off, dropping the root frees every node."""
    gc.collect()
    with gc_paused():
        before = sum(type(o) is Value for o in gc.get_objects())
        x = Value(1.0)
        y = x
        for _ in range(1000):
            y = (y * 1.0001).tanh() + x
        y.backward()
        during = sum(type(o) is Value for o in gc.get_objects())
        del y
        after = sum(type(o) is Value for o in gc.get_objects())
    assert during - before > 3000
    assert after - before == 1  # only x is left
