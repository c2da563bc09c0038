"""bench.floor: the stripped-down node copies build the same chain as chainrule's Value."""

from __future__ import annotations

import gc

import pytest

from bench import floor


@pytest.mark.parametrize("name", [name for name in floor.NODES if name != "issue's lean"])
def test_every_copy_builds_chainrules_chain(name: str) -> None:
    theirs, ours = floor.chain(floor.NODES[name], 40), floor.chain(floor.Value, 40)
    for _ in range(40):  # every gate down the chain: y * c + d, then y * c
        fields = ("data", "_gate", "_la", "_lb")
        assert [getattr(theirs, f) for f in fields] == [getattr(ours, f) for f in fields]
        assert theirs._b.data == ours._b.data
        theirs, ours = theirs._a, ours._a
    assert theirs._a is None and ours._a is None  # both reached the leaf y


def test_the_issues_lean_node_builds_the_same_chain_in_tuples() -> None:
    theirs, ours = floor.chain(floor.Lean, 40), floor.chain(floor.Value, 40)
    for _ in range(40):
        assert theirs.data == ours.data and theirs._local == (ours._la, ours._lb)
        assert theirs._prev[1].data == ours._b.data
        theirs, ours = theirs._prev[0], ours._a
    assert theirs._prev == () and ours._a is None


@pytest.mark.parametrize("collector", [False, True])
@pytest.mark.parametrize("enabled_before", [False, True])
def test_measure_runs_with_the_collector_asked_for_and_restores_it(
    monkeypatch: pytest.MonkeyPatch, collector: bool, enabled_before: bool
) -> None:
    seen = []

    def forward_ns(make: object, n: int) -> float:
        seen.append(gc.isenabled())
        return 1.0

    monkeypatch.setattr(floor, "forward_ns", forward_ns)
    (gc.enable if enabled_before else gc.disable)()
    try:
        floor.measure(10, repeats=2, collector=collector)
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()
    assert seen == [collector] * (2 * len(floor.NODES))


def test_measure_restores_the_collector_and_main_prints_every_node(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert gc.isenabled()
    medians = floor.measure(100, repeats=1)
    assert gc.isenabled()
    assert set(medians) == set(floor.NODES) and all(ns > 0 for ns in medians.values())
    assert floor.main(["--sizes", "100", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in floor.NODES) and "collector off" in out
    assert floor.main(["--sizes", "100", "--repeats", "1", "--collector", "on"]) == 0
    assert "collector on" in capsys.readouterr().out
