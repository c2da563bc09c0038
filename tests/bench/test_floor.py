"""bench.floor: the stripped-down node copies build the same chain as chainrule's Value."""

from __future__ import annotations

import gc

import pytest

from bench import floor


@pytest.mark.parametrize("name", list(floor.NODES))
def test_every_copy_builds_chainrules_chain(name: str) -> None:
    theirs, ours = floor.chain(floor.NODES[name], 40), floor.chain(floor.Value, 40)
    for _ in range(40):  # every gate down the chain: y * c + d, then y * c
        fields = ("data", "_gate", "_la", "_lb")
        assert [getattr(theirs, f) for f in fields] == [getattr(ours, f) for f in fields]
        assert theirs._b.data == ours._b.data
        theirs, ours = theirs._a, ours._a
    assert theirs._a is None and ours._a is None  # both reached the leaf y


def test_measure_restores_the_collector_and_main_prints_every_node(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert gc.isenabled()
    medians = floor.measure(100, repeats=1)
    assert gc.isenabled()
    assert set(medians) == set(floor.NODES) and all(ns > 0 for ns in medians.values())
    assert floor.main(["--sizes", "100", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in floor.NODES)
