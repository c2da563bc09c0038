"""bench.timing: interleaving, warm-up and the statistics of the runs."""

from __future__ import annotations

import gc

import pytest

from bench.timing import Stats, collector_seconds, interleaved


def test_candidates_take_turns_starting_one_later_each_round() -> None:
    calls: list[str] = []

    def candidate(name: str, seconds: float):  # type: ignore[no-untyped-def]
        def run() -> dict[str, float]:
            calls.append(name)
            return {"forward": seconds, "backward": 2 * seconds}

        return run

    measured = interleaved({"a": candidate("a", 1.0), "b": candidate("b", 3.0)}, 3, warmup=True)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]  # warm-up, then rotated rounds
    assert measured["a"]["forward"].runs == (1.0, 1.0, 1.0)
    assert measured["b"]["backward"].median == 6.0


def test_stats_median_range_and_scaling() -> None:
    stats = Stats((3.0, 1.0, 2.0, 10.0, 4.0))
    assert (stats.median, stats.low, stats.high) == (3.0, 1.0, 10.0)
    assert stats.scaled(1e3).runs == (3e3, 1e3, 2e3, 1e4, 4e3)
    assert stats.as_dict()["runs"] == [3.0, 1.0, 2.0, 10.0, 4.0]


def test_repeats_must_be_positive() -> None:
    with pytest.raises(ValueError, match="repeats"):
        interleaved({"a": lambda: {"t": 1.0}}, 0)


def test_the_collector_settings_are_left_alone() -> None:
    before = (gc.isenabled(), gc.get_threshold())
    interleaved({"a": lambda: {"t": 1.0}}, 2)
    assert (gc.isenabled(), gc.get_threshold()) == before


@pytest.mark.parametrize("enabled", [True, False])
def test_the_gc_off_case_restores_the_collector_also_after_an_error(enabled: bool) -> None:
    from bench import cases

    class Broken(cases.Chainrule):
        def backward(self, root: object, depth: int) -> None:
            assert not gc.isenabled()
            raise KeyError("boom")

    def set_gc(on: bool) -> None:
        if on:
            gc.enable()
        else:
            gc.disable()

    was = gc.isenabled()
    try:
        set_gc(enabled)
        with pytest.raises(KeyError):
            cases.chain_run_gc_off(Broken(), 10)()
        assert gc.isenabled() == enabled
    finally:
        set_gc(was)


def test_collector_seconds_times_each_collection_inside_the_block_only() -> None:
    gc.collect()
    with collector_seconds() as spent:
        gc.collect(0)
        gc.collect(2)
    gc.collect(1)  # after the block: not counted
    assert spent.collections == {0: 1, 2: 1} and spent.seconds > 0


def test_collector_seconds_removes_its_hook_also_after_an_error() -> None:
    before = list(gc.callbacks)
    with pytest.raises(KeyError), collector_seconds():
        assert len(gc.callbacks) == len(before) + 1
        raise KeyError("boom")
    assert gc.callbacks == before
