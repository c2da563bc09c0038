"""bench.suite and ``python -m bench``: a tiny plan runs every case into a table and a JSON file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench.__main__ import main, parse
from bench.suite import Plan, collector_note, run

TINY = Plan(
    repeats=1,
    chain_sizes=(100, 200),
    gc_off_sizes=(100,),
    wide_sizes=(100,),
    moons_samples=4,
    mlp_batch=1,
    memory_chain=200,
    recursion_probe=False,
    digits=False,
)


def test_a_tiny_plan_measures_every_case_for_every_engine() -> None:
    results = run(TINY)
    cases = {(row.case, row.size, row.phase) for row in results.rows}
    assert ("chain", 200, "backward") in cases and ("wide sum", 100, "forward") in cases
    assert ("chain, gc off", 100, "forward") in cases
    assert ("moons 2-16-16-1", 4, "step") in cases and ("mlp 64-64-10", 1, "step") in cases
    assert ("moons, 3 in a row", 4, "step") in cases
    assert ("chain", 200, "bytes per op node") in cases
    assert ("moons step, compiled", 4, "step") in cases
    assert ("moons step, vectorized", 4, "step") in cases
    for row in results.rows:
        assert row.stats["chainrule"] is not None
        if "micrograd" in results.engines and row.compared:
            ratio = row.ratio("micrograd")
            assert ratio is not None and ratio > 0
    assert ("chain", 200, "forward: collector") in cases
    assert ("chain, gc off", 100, "forward: collector") not in cases
    names = {t.name for t in results.targets}
    assert "graph freed when the last reference goes (chain)" in names
    # no chain of 1e4-1e5 op nodes and one size with the collector off: nothing else to check
    assert not any(name.startswith(("chain forward", "linear cost")) for name in names)
    assert collector_note(results) is None


def test_main_prints_the_table_and_saves_the_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = Plan(
        repeats=1,
        chain_sizes=(100,),
        gc_off_sizes=(),
        wide_sizes=(),
        moons_samples=2,
        mlp_batch=1,
        memory_chain=100,
        digits=False,
    )
    assert main(["--output", str(tmp_path), "--repeats", "5"], plan=plan) == 0
    out = capsys.readouterr().out
    assert "time per op node (ns)" in out and "one SGD step (ms)" in out
    saved = list(tmp_path.glob("*.json"))
    assert len(saved) == 1 and f"saved {saved[0]}" in out
    data = json.loads(saved[0].read_text(encoding="utf-8"))
    assert data["settings"]["repeats"] == 5  # --repeats, never fewer than 5, replaces the plan's
    assert {row["case"] for row in data["rows"]} >= {"chain", "moons 2-16-16-1", "mlp 64-64-10"}
    assert any("RecursionError" in note for note in data["notes"]) == (
        "micrograd" in data["engines"]
    )


def test_skip_reaches_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert parse(["--skip", "micrograd", "--skip", "pytorch"]).skip == ["micrograd", "pytorch"]
    plan = replace(TINY, chain_sizes=(100,), gc_off_sizes=(), wide_sizes=())
    assert main(["--skip", "micrograd", "--skip", "pytorch", "--no-save"], plan=plan) == 0
    header = next(line for line in capsys.readouterr().out.splitlines() if "phase" in line)
    assert header.split() == ["case", "size", "phase", "chainrule"]


def test_fewer_than_five_repeats_are_refused() -> None:
    with pytest.raises(SystemExit):
        parse(["--repeats", "3"])
