"""bench.report: ratios, the printed table, the JSON file and the targets check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.report import Results, Row, Target, format_table, result_path, save
from bench.suite import check_targets, collector_note
from bench.timing import Stats


def _results(rows: list[Row]) -> Results:
    return Results(
        machine={"cpu": "Test CPU", "cores": 2, "python": "CPython 3.x", "host": "a b/c",
                 "date": "2030-01-02T03:04:05+00:00"},
        settings={"repeats": 5, "gc": "gc enabled (700, 10, 10)"},
        engines=["chainrule", "micrograd"],
        rows=rows,
    )  # fmt: skip


def _row(case: str, size: int, phase: str, ours: float, theirs: float | None) -> Row:
    stats = {"chainrule": Stats((ours, ours * 0.9, ours * 1.2))}
    stats["micrograd"] = None if theirs is None else Stats((theirs,))
    return Row("time per op node", case, size, phase, "ns", stats, note="not run")


def test_ratio_is_the_other_median_over_chainrules() -> None:
    assert _row("chain", 10, "forward", 200.0, 3000.0).ratio("micrograd") == 15.0
    assert _row("chain", 10, "forward", 200.0, None).ratio("micrograd") is None


def test_the_table_shows_medians_ranges_ratios_and_targets() -> None:
    results = _results([_row("chain", 10_000, "forward", 200.0, 3000.0)])
    results.targets = [Target("forward <= 300 ns", "200 ns", True)]
    results.notes = ["a note"]
    table = format_table(results)
    assert "Test CPU (2 cores), CPython 3.x, gc enabled (700, 10, 10)" in table
    assert "micrograd/chainrule" in table
    line = next(line for line in table.splitlines() if line.startswith("chain "))
    assert line.split() == ["chain", "10,000", "forward", "200", "[180-240]", "3,000", "15.0x"]
    assert "met   forward <= 300 ns  200 ns" in table
    assert "note: a note" in table


def test_a_row_that_is_not_compared_has_no_ratio() -> None:
    row = _row("chain", 10, "% kept after del", 1.0, 100.0)
    row.compared = False
    assert row.ratio("micrograd") is None
    assert format_table(_results([row])).rstrip().endswith("-")


def test_a_missing_engine_shows_the_note() -> None:
    table = format_table(_results([_row("chain", 10, "forward", 200.0, None)]))
    assert "not run" in table and table.rstrip().endswith("-")


def test_results_are_saved_as_json_named_by_date_and_host(tmp_path: Path) -> None:
    results = _results([_row("chain", 10, "forward", 200.0, 3000.0)])
    path = save(results, tmp_path)
    assert path == result_path(results, tmp_path) == tmp_path / "2030-01-02-a-b-c.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    row = data["rows"][0]
    assert row["engines"]["chainrule"]["median"] == 200.0
    assert row["ratios"] == {"micrograd": 15.0}
    assert data["machine"]["cpu"] == "Test CPU"


def test_targets_are_checked_against_the_measurements_with_the_collector_off() -> None:
    rows = [
        _row("chain", 10_000, "forward", 250.0, 3000.0),
        _row("chain", 10_000, "forward: collector", 60.0, 2000.0),
        _row("chain", 100_000, "forward", 320.0, 3000.0),
        _row("chain", 100_000, "forward: collector", 110.0, 2000.0),
        _row("chain", 1_000, "total", 400.0, 3000.0),
        _row("chain", 1_000_000, "total", 1500.0, None),
        _row("chain, gc off", 10_000, "forward", 340.0, 900.0),
        _row("chain, gc off", 100_000, "forward", 330.0, 900.0),
        _row("chain, gc off", 100_000, "backward", 160.0, 900.0),
        _row("chain, gc off", 1_000, "total", 420.0, 900.0),
        _row("chain, gc off", 100_000, "total", 440.0, 900.0),
    ]
    results = _results(rows)
    results.settings["memory"] = {
        "chain": {"chainrule": {"bytes_per_op_node": 140.0, "kept_after_del_bytes": 0,
                                "freed_by_del": True}},
    }  # fmt: skip
    targets = {t.name: t for t in check_targets(results)}
    forward = targets["chain forward <= 350 ns per op node at 1e4-1e5, collector off"]
    assert forward.met and forward.measured == "340, 330 ns"
    backward = targets["chain backward <= 150 ns per op node at 1e4-1e5, collector off"]
    assert not backward.met and backward.measured == "160 ns"
    assert targets["<= 150 bytes per op node (chain)"].met
    assert targets["graph freed when the last reference goes (chain)"].met
    assert targets["chain of 1e6 ops, forward + backward < 2 s"].measured == "1.50 s"
    linear = targets[
        "linear cost: ns per op node within 2x from the smallest chain to the largest, "
        "collector off"
    ]
    assert linear.met and linear.measured == "1e+03: 420, 1e+05: 440 ns (max/min 1.05)"
    assert len(targets) == 6  # the collector-on chain is reported in a note, not as a target

    note = collector_note(results)
    assert note is not None
    assert "250 ns at 1e+04 (60 in the collector), 320 ns at 1e+05 (110 in the collector)" in note
    assert note.endswith("1e+03: 400, 1e+06: 1500 ns (max/min 3.75)")


def test_the_compiled_targets_compare_with_micrograds_moons_step() -> None:
    rows = [
        _row("moons 2-16-16-1", 100, "step", 30.0, 600.0),
        _row("moons step, compiled", 100, "step", 3.0, None),
        _row("moons step, vectorized", 100, "step", 0.75, None),
        _row("moons step, compiled", 100, "first call", 0.6, None),
        _row("moons step, compiled", 65_000, "bytes per gate", 17.0, None),
        _row("decision boundary, 100x100 grid", 100, "one call", 60.0, None),
    ]
    targets = {t.name: t for t in check_targets(_results(rows))}
    compiled = targets["moons step, compiled >= 150x faster than micrograd's moons step"]
    assert compiled.met and compiled.measured == "200x (3.00 ms)"
    vectorized = targets["moons step, vectorized >= 1000x faster than micrograd's moons step"]
    assert not vectorized.met and vectorized.measured == "800x (0.75 ms)"
    assert targets["moons step, compiled, first call <= 1.5 s"].met
    assert targets["moons step, compiled, bytes per gate <= 200 bytes"].met
    assert not targets["decision boundary, 100x100 grid, one call <= 50 ms"].met


def test_without_a_collector_on_chain_there_is_no_note() -> None:
    assert collector_note(_results([_row("chain, gc off", 10_000, "forward", 1.0, 1.0)])) is None


def test_the_cost_curve_is_plotted_as_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from bench.plot import plot_scaling

    rows = [_row(case, n, "total", 300.0, 900.0) for n in (1_000, 10_000)
            for case in ("chain", "chain, gc off")]  # fmt: skip
    path = plot_scaling(_results(rows), tmp_path / "curve.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
