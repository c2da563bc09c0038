"""bench.drawing: the cases build what they say, and a quick run reports every case."""

from __future__ import annotations

import pytest

from autograd.graph import topological_order
from bench import drawing
from tests.autograd.test_draw_support import needs_dot


def test_the_expression_graph_has_the_gates_asked_for() -> None:
    root = drawing.expression_graph(200)
    gates = [node for node in topological_order(root) if not node.is_leaf]
    assert 200 <= len(gates) <= 201
    assert drawing.expression_graph(200).data == root.data, "the same graph every run"


def test_a_value_used_everywhere_is_used_by_every_gate() -> None:
    root = drawing.used_everywhere(10)
    order = topological_order(root)
    assert len(order) == 10 and root.data == 5.0


@needs_dot
def test_a_quick_run_reports_every_case_and_meets_the_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert drawing.main(["--quick", "--repeats", "1"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["what", "case", "nodes"]
    kinds = [line.split()[0] for line in table[1:]]
    assert kinds.count("page") == 4 and kinds.count("diagram") == 4
    assert kinds.count("wire") == 2 and kinds[-1] == "refused"
    assert " NO" not in "\n".join(table)
