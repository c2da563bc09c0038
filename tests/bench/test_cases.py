"""bench.cases: every engine builds the same graphs, so the comparison is like for like."""

from __future__ import annotations

import sys

import pytest

from bench import cases

micrograd = pytest.importorskip("micrograd", reason="the bench extra installs micrograd")


def _engines() -> tuple[cases.Engine, cases.Engine]:
    return cases.Chainrule(), cases.Micrograd()


def test_both_engines_compute_the_same_moons_loss_from_the_same_weights() -> None:
    X, y = cases.moons_data(10)
    weights = cases.initial_weights(*cases.MOONS_SIZES)
    ours, theirs = (e.moons_graph(weights, X, y)() for e in _engines())
    assert ours.data == pytest.approx(theirs.data, rel=1e-12)
    n_ours, n_theirs = (e.op_nodes(root) for e, root in zip(_engines(), (ours, theirs)))
    assert abs(n_ours - n_theirs) <= 0.01 * n_theirs  # micrograd's sum() adds a 0 + node


def test_one_step_of_each_engine_reports_its_phases() -> None:
    X, y = cases.class_data(2)
    weights = cases.initial_weights(*cases.MLP_SIZES)
    for engine in _engines():
        phases = engine.mlp_step(weights, X, y)()
        assert set(phases) == {"forward", "backward", "update", "step"}
        assert all(seconds >= 0 for seconds in phases.values())


def test_chain_and_wide_sum_runs_give_the_same_gradients() -> None:
    for engine in _engines():
        root = cases.chain_graph(engine, 20)()
        engine.backward(root, 20)
        assert root.grad == 1
        phases = cases.wide_sum_run(engine, 50)()
        assert set(phases) == {"forward", "backward", "total"}


def test_chain_counts_op_nodes() -> None:
    for engine in _engines():
        assert engine.op_nodes(cases.chain_graph(engine, 100)()) == 100


def test_micrograd_hits_the_recursion_limit_and_chainrule_never_does() -> None:
    ours, theirs = _engines()
    assert cases.recursion_error_at(ours) is None
    assert cases.recursion_error_at(theirs, limit=64 * sys.getrecursionlimit()) is not None


def test_the_recursion_limit_is_put_back_also_after_an_error() -> None:
    before = sys.getrecursionlimit()
    with pytest.raises(KeyError), cases.recursion_limit(before + 5000):
        assert sys.getrecursionlimit() == before + 5000
        raise KeyError("boom")
    assert sys.getrecursionlimit() == before
