"""The fast backward gives the reference backward's gradients, exactly, on any graph.

``backward`` (Kahn's algorithm on the forward pass's use counts, ``Value.backward()``) and
``backward_reference`` (reversed topological order, the algorithm the docs show) visit the
nodes in different orders, so a node with several users may sum its contributions in another
order: equal up to rounding there, and exactly equal on graphs without shared nodes. Both are
checked against a third, independent implementation (a textbook post-order with a frame stack),
also on graphs whose gates have users outside the graph, with hooks, and with gradients already
held.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value, backward_reference, functions, ops, summary, topological_order
from autograd.testing import Case, cases, finite_floats

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def textbook_order(root: Value) -> list[Value]:
    """Post-order: a node after all of its inputs, first input first (recursion written out
    with a stack of (node, iterator over its inputs) frames)."""
    order: list[Value] = []
    seen = {root}
    frames = [(root, iter(root.parents))]
    while frames:
        node, inputs = frames[-1]
        for parent in inputs:
            if parent not in seen:
                seen.add(parent)
                frames.append((parent, iter(parent.parents)))
                break
        else:
            frames.pop()
            order.append(node)
    return order


def textbook_gradients(root: Value, seed: float = 1.0) -> dict[Value, float]:
    """d root / d node for every node but the constants, from the textbook order."""
    grads = dict.fromkeys(textbook_order(root), 0.0)
    grads[root] = seed
    for node in reversed(textbook_order(root)):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] += local * grads[node]
    return {node: g for node, g in grads.items() if not node.is_constant}


def with_outside_users(case: Case, picks: list[int]) -> tuple[Value, list[Value]]:
    """The case's graph, plus gates that use some of its gates but are not part of it."""
    out = case.expression.build(*case.values())
    gates = [node for node in topological_order(out) if not node.is_leaf]
    outside = [gates[k % len(gates)] * 2.0 for k in picks] if gates else []
    outside += [gates[0] + gates[-1]] if gates else []
    return out, outside


def close(grads: dict[Value, float], expected: dict[Value, float]) -> None:
    scale = max(map(abs, expected.values()), default=1.0)
    for node, g in expected.items():
        assert grads[node] == pytest.approx(g, rel=1e-9, abs=1e-12 * scale)


@SETTINGS
@given(cases())
def test_topological_order_is_the_textbook_post_order(case: Case) -> None:
    out = case.expression.build(*case.values())
    assert topological_order(out) == textbook_order(out)


@SETTINGS
@given(cases(), st.lists(st.integers(0, 10**6), max_size=4))
def test_fast_and_reference_backward_agree_with_the_textbook(case: Case, picks: list[int]) -> None:
    """Also when some gates have users outside root's graph: those never come, so the fast path
    counts the users again within the graph and goes on."""
    out, outside = with_outside_users(case, picks)
    expected = textbook_gradients(out)
    nodes = list(expected)
    out.backward()
    fast = {node: node.grad for node in nodes}
    for node in nodes:
        node.grad = 0.0
    backward_reference(out)
    reference = {node: node.grad for node in nodes}
    close(fast, expected)
    close(reference, expected)
    close(fast, reference)
    assert all(node.grad == 0.0 for node in outside)


@SETTINGS
@given(cases(operations=("tanh", "exp", "add_const", "mul_const", "sin", "sigmoid", "neg")))
def test_on_a_chain_both_are_exactly_the_textbook(case: Case) -> None:
    """One-input gates only: every node has one user, so every sum has one term: no rounding
    difference is possible, and the results must be identical."""
    out = case.expression.build(*case.values())
    expected = textbook_gradients(out)
    out.backward()
    assert {node: node.grad for node in expected} == expected
    for node in expected:
        node.grad = 0.0
    backward_reference(out)
    assert {node: node.grad for node in expected} == expected


@SETTINGS
@given(cases(), finite_floats(-5, 5), finite_floats(-3, 3))
def test_held_gradients_are_added_to_exactly_once(case: Case, start: float, seed: float) -> None:
    """With gradients already on the nodes, a pass adds exactly this pass's gradients: the
    same numbers for both algorithms, and a second pass adds them again."""
    out = case.expression.build(*case.values())
    nodes = [node for node in topological_order(out) if not node.is_constant]
    expected = textbook_gradients(out, seed)
    for node in nodes:
        node.grad = start
    out.backward(seed)
    for node in nodes:
        assert node.grad == pytest.approx(start + expected[node], rel=1e-9, abs=1e-9)
    for node in nodes:
        node.grad = start
    backward_reference(out, seed)
    for node in nodes:
        assert node.grad == pytest.approx(start + expected[node], rel=1e-9, abs=1e-9)


@SETTINGS
@given(cases(), st.integers(0, 10**6))
def test_a_hook_sees_the_complete_gradient_and_may_replace_it(case: Case, pick: int) -> None:
    """A hook on any node gets that node's whole gradient for the pass (once), before it is
    passed on; a replacement flows on from there. Both algorithms agree."""
    results = []
    for run in (Value.backward, backward_reference):
        xs = case.values()
        out = case.expression.build(*xs)
        nodes = [node for node in topological_order(out) if not node.is_constant]
        node = nodes[pick % len(nodes)]
        seen: list[float] = []
        node.register_hook(lambda g, seen=seen: seen.append(g) or 2.0 * g)
        expected = textbook_gradients(out)[node]
        run(out)
        assert seen == [pytest.approx(expected, rel=1e-9, abs=1e-12)]
        results.append([x.grad for x in xs])
    assert results[0] == pytest.approx(results[1], rel=1e-9, abs=1e-12)


class HookFailed(Exception):
    pass


@SETTINGS
@given(cases(), st.integers(0, 10**6), finite_floats(-2, 2), st.booleans())
def test_a_hook_that_raises_leaves_every_gradient_as_it_was(
    case: Case, pick: int, start: float, outside: bool
) -> None:
    """Whichever node's hook raises (a gate's midway, or a leaf's at the end), with gradients
    already held and gates used outside the graph, both algorithms leave every .grad as it was
    and let the hook's exception through."""
    for run in (Value.backward, backward_reference):
        if outside:
            out, _ = with_outside_users(case, [pick, pick // 7])
        else:
            out = case.expression.build(*case.values())
        nodes = [node for node in topological_order(out) if not node.is_constant]
        for k, node in enumerate(nodes):
            node.grad = start * (k % 3)

        def fail(g: float) -> float:
            raise HookFailed

        nodes[pick % len(nodes)].register_hook(fail)
        before = [node.grad for node in nodes]
        with pytest.raises(HookFailed):
            run(out)
        assert [node.grad for node in nodes] == before


def test_a_hook_doubles_the_gradient_below_it() -> None:
    x = Value(3.0, "x")
    h = x * x

    def double(g: float) -> float:
        return g * 2.0

    handle = h.register_hook(double)
    (h + 1.0).backward()
    assert x.grad == 12.0  # 2 * (dh/dx = 6)
    assert len(h.hooks) == 1
    table = summary(h + 1.0).splitlines()
    assert table[0].split()[-1] == "hooks" and table[2].split()[-1] == "double"
    handle.remove()
    x.grad = 0.0
    (h + 1.0).backward()
    assert x.grad == 6.0 and h.hooks == ()


def test_summary_never_shows_a_nonzero_as_zero_nor_hundreds_of_digits() -> None:
    tiny, small, huge = Value(1e-300, "tiny"), Value(-3e-7, "small"), Value(1e300, "huge")
    out = tiny * small + huge
    out.backward()
    rows = {row.split()[0]: row.split()[2:] for row in summary(out).splitlines()}
    assert rows["tiny"] == ["1.0e-300", "-3.0e-07"] and rows["small"] == ["-3.0e-07", "1.0e-300"]
    assert rows["huge"] == ["1.0e+300", "1.0000"]
    assert summary(Value(-0.0, "z")).splitlines()[1].split()[2] == "0.0000"
    assert summary(Value(1.23456789e20, "y"), digits=8).splitlines()[1].split()[2] == "1.23457e+20"


def test_a_hook_on_a_leaf_replaces_its_gradient() -> None:
    x = Value(3.0, "x")
    x.register_hook(lambda g: 0.0)
    (x * x).backward()
    assert x.grad == 0.0
    with pytest.raises(TypeError, match="function"):
        x.register_hook(3.0)  # type: ignore[arg-type]


def test_a_leaf_as_root_gets_the_seed() -> None:
    x = Value(2.0, "x")
    x.backward()
    x.backward(3.0)
    assert x.grad == 4.0


def test_a_shared_node_gets_both_branches() -> None:
    x = Value(3.0, "x")
    y = x * x + x
    y.backward()
    assert x.grad == 7.0


def test_constants_get_no_gradient() -> None:
    x = Value(3.0, "x")
    y = x * 2.0
    y.backward()
    assert x.grad == 2.0 and y.parents[1].is_constant and y.parents[1].grad == 0.0


def test_overflow_on_a_fresh_graph_raises_and_leaves_zeros() -> None:
    big = Value(2.0, "big")
    out = (big * 1e300) * 1.0
    for run in (Value.backward, backward_reference):
        with pytest.raises(OverflowError, match="big.*overflows"):
            run(out, 1e10)  # d out / d big = 1e300, times the seed 1e10: inf
        assert big.grad == 0.0 and out.grad == 0.0


def test_finite_gradients_whose_sum_overflows_are_fine() -> None:
    """The fast overflow check sums all gradients; a finite overflow of that sum is no error."""
    x, y = Value(1e-300, "x"), Value(1e-300, "y")
    out = x * 1e308 + y * 1e308
    out.backward()
    assert x.grad == 1e308 and y.grad == 1e308 and math.isfinite(out.data)


def test_a_rule_overridden_in_a_block_takes_effect_there_only() -> None:
    """ops.override swaps one op's rule for a block (teaching: swap in a wrong rule, watch it)."""

    def wrong_mul(x: float, y: float) -> tuple[float, float, float]:
        return x * y, x, y  # forgot to switch the inputs

    a, b = Value(2.0), Value(5.0)
    with ops.override(ops.MUL, wrong_mul):
        (a * b).backward()
        assert ops.MUL.rule is wrong_mul
    assert (a.grad, b.grad) == (2.0, 5.0)
    assert ops.MUL.rule is ops.mul
    c, d = Value(2.0), Value(5.0)
    (c * d).backward()
    assert (c.grad, d.grad) == (5.0, 2.0)
    with pytest.raises(TypeError, match="op table"), ops.override("mul", wrong_mul):  # type: ignore[arg-type]
        pass


def _output_only(x: Any) -> Any:
    return functions.tanh(x)  # forgot the local derivative


def _one_too_many(x: Any) -> Any:
    return functions.tanh(x), 1.0, 0.0


def _a_list(x: Any, y: Any) -> Any:
    return [x * y, y, x]


def _text(x: Any, y: Any) -> Any:
    return x * y, "y", "x"


@pytest.mark.parametrize(
    ("op", "rule", "returned"),
    [
        (ops.TANH, _output_only, "returned 0.46211715726000974"),
        (ops.TANH, _one_too_many, r"returned \(0.46211715726000974, 1.0, 0.0\)"),
        (ops.MUL, _a_list, r"returned \[0.125, 0.25, 0.5\]"),
        (ops.MUL, _text, r"returned \(0.125, 'y', 'x'\)"),
    ],
)
def test_override_refuses_a_rule_of_the_wrong_shape_when_the_block_starts(
    op: ops.Op, rule: Any, returned: str
) -> None:
    """Named at once (op, rule, what it returned), not at first use; the op keeps its own rule."""
    own = op.rule
    n = op.arity + 1
    message = rf"override\(ops.{op.name.upper()}, {rule.__name__}\): the rule must return a tuple "
    message += rf"of {n} numbers.*but {rule.__name__}\(0.5(, 0.25)?\) {returned}$"
    with pytest.raises(TypeError, match=message), ops.override(op, rule):
        pytest.fail("the block must not run")
    assert op.rule is own


@pytest.mark.parametrize("op", list(ops.OPS.values()), ids=list(ops.OPS))
def test_every_gates_own_rule_passes_the_override_check(op: ops.Op) -> None:
    """The sample point 0.5 is inside every gate's domain, so a right rule is never refused."""
    assert all(math.isfinite(r) for r in op.rule(*[0.5] * op.arity))
    with ops.override(op, op.rule):
        pass


def test_plain_ints_become_constants_and_huge_ones_are_refused() -> None:
    x = Value(2.0)
    assert (x * 3).data == 6.0 and (3 + x).data == 5.0
    with pytest.raises(ValueError, match="too large"):
        x * 10**400
    with pytest.raises(TypeError, match="bool"):
        x * True


def test_a_deep_chain_is_not_recursive() -> None:
    x = Value(0.5, "x")
    y = x
    for _ in range(200_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    backward_reference(y)
    assert x.grad == 2.0
