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
        assert set(phases) == {"forward", "forward: collector", "backward", "total"}
        assert 0 <= phases["forward: collector"] <= phases["forward"]


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


# -- PyTorch (optional: these run where torch is installed) -------------------------------------


def _torch_engine() -> cases.Engine:
    pytest.importorskip("torch", reason="PyTorch is optional; pip install torch to compare with it")
    return cases.PyTorch()


def test_pytorch_builds_micrograds_moons_graph_node_for_node() -> None:
    torch_engine, (ours, theirs) = _torch_engine(), _engines()
    X, y = cases.moons_data(10)
    weights = cases.initial_weights(*cases.MOONS_SIZES)
    roots = [e.moons_graph(weights, X, y)() for e in (torch_engine, ours, theirs)]
    assert roots[0].item() == pytest.approx(roots[1].data, rel=1e-12)
    assert torch_engine.op_nodes(roots[0]) == theirs.op_nodes(roots[2])


def test_a_pytorch_step_updates_the_weights_as_a_chainrule_step_does() -> None:
    torch_engine, ours = _torch_engine(), cases.Chainrule()
    X, y = cases.moons_data(6)
    weights = cases.initial_weights(*cases.MOONS_SIZES)
    theirs, mine = torch_engine._model(weights), ours._model(weights)
    steps = [
        torch_engine._step(theirs, torch_engine._moons_loss(theirs, X, y)),
        ours._step(mine, ours._moons_loss(mine, X, y), True),
    ]
    for step in steps:
        assert set(step()) == {"forward", "backward", "update", "step"}
    after = [[p.item() for p in theirs.parameters()], [p.data for p in mine.parameters()]]
    before = [x for layer in weights for w, b in layer for x in (*w, b)]
    assert after[0] == pytest.approx(after[1], rel=1e-12, abs=1e-15)
    assert after[0] != pytest.approx(before)  # the step did move the weights


def test_pytorch_chain_counts_op_nodes_and_gives_chainrules_gradients() -> None:
    torch_engine = _torch_engine()
    c, d, x = (torch_engine.leaf(v) for v in (0.999, 0.001, 0.5))
    ours = [cases.Chainrule().leaf(v) for v in (0.999, 0.001, 0.5)]
    roots = []
    for c_, d_, y in ((c, d, x), tuple(ours)):
        for _ in range(50):
            y = y * c_ + d_
        roots.append(y)
    assert torch_engine.op_nodes(roots[0]) == 100
    torch_engine.backward(roots[0], 100)
    roots[1].backward()
    for theirs, mine in zip((c, d, x), ours):
        assert theirs.grad.item() == pytest.approx(mine.grad, rel=1e-12)


def test_pytorch_is_left_out_of_the_memory_cases() -> None:
    assert not _torch_engine().memory_traced and cases.Chainrule().memory_traced


def test_skipped_engines_are_left_out_and_unknown_names_refused() -> None:
    engines, _ = cases.available_engines(skip=("micrograd", "pytorch"))
    assert [e.name for e in engines] == ["chainrule"]
    with pytest.raises(ValueError, match="no engine named tensorflow"):
        cases.available_engines(skip=("tensorflow",))


def test_in_a_row_runs_the_step_back_to_back_and_gives_the_mean_per_step() -> None:
    times = iter([1.0, 2.0, 6.0])
    calls = []

    def step() -> dict[str, float]:
        calls.append(1)
        seconds = next(times)
        return {"step": seconds, "forward": seconds / 2}

    assert cases.in_a_row(step, 3)() == {"step": 3.0, "forward": 1.5}
    assert len(calls) == 3
