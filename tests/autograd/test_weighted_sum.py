"""``weighted_sum(b, w, x)`` builds exactly the gates of ``b + w1*x1 + ... + wn*xn``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, no_grad, topological_order, weighted_sum

SETTINGS = settings(max_examples=60, deadline=None)

Operand = Union[Value, float]
Pick = tuple[str, float, int]  # ("leaf" | "gate" | "number", value, index into the pool)


def picks() -> st.SearchStrategy[Pick]:
    kind = st.sampled_from(["leaf", "gate", "number"])
    return st.tuples(kind, st.floats(-2.0, 2.0), st.integers(0, 3))


def operand(pick: Pick, pool: list[Value]) -> Operand:
    """A plain number, or a Value from the pool: leaves and tanh gates, shared between picks."""
    kind, number, index = pick
    if kind == "number":
        return number
    return pool[index] if kind == "leaf" else pool[4 + index]


def make_pool() -> list[Value]:
    leaves = [Value(v, f"p{i}") for i, v in enumerate((0.5, -1.25, 2.0, 0.75))]
    return leaves + [leaf.tanh() for leaf in leaves]


def expression(bias: Operand, weights: list[Operand], inputs: list[Operand]) -> Any:
    total: Any = bias
    for w, x in zip(weights, inputs):
        total = total + w * x
    return total


def describe(nodes: list[Value], among: list[Value] | None = None) -> list[tuple[Any, ...]]:
    """Everything about each node, with inputs named by their place in ``among`` (the nodes)."""
    place: dict[Value, int] = {}
    for node in nodes if among is None else among:
        place.setdefault(node, len(place))
    return [
        (
            node.gate.name,
            node.data,
            node.local_grads,
            node.label,
            node.grad,
            node._uses,
            tuple(place[p] for p in node.parents),
        )
        for node in nodes
    ]


def build_both(
    bias: Pick, pairs: list[tuple[Pick, Pick]], build: Callable[..., Any]
) -> tuple[Value, list[Value]]:
    pool = make_pool()
    weights = [operand(w, pool) for w, _ in pairs]
    inputs = [operand(x, pool) for _, x in pairs]
    return build(operand(bias, pool), weights, inputs), pool


def valid_pairs() -> st.SearchStrategy[list[tuple[Pick, Pick]]]:
    """Weight and input pairs; never two numbers (the expression would multiply them first)."""
    pair = st.tuples(picks(), picks()).filter(lambda p: p[0][0] != "number" or p[1][0] != "number")
    return st.lists(pair, min_size=1, max_size=6)


@SETTINGS
@given(picks(), valid_pairs())
def test_weighted_sum_builds_the_expressions_graph_exactly(
    bias: Pick, pairs: list[tuple[Pick, Pick]]
) -> None:
    fast, _ = build_both(bias, pairs, weighted_sum)
    slow, _ = build_both(bias, pairs, expression)
    assert describe(topological_order(fast)) == describe(topological_order(slow))
    fast.backward()
    slow.backward()
    assert describe(topological_order(fast)) == describe(topological_order(slow))


@SETTINGS
@given(picks(), valid_pairs())
def test_inside_no_grad_weighted_sum_is_a_leaf_with_the_same_value(
    bias: Pick, pairs: list[tuple[Pick, Pick]]
) -> None:
    slow, _ = build_both(bias, pairs, expression)
    with no_grad():
        fast, _ = build_both(bias, pairs, weighted_sum)
    assert fast.is_leaf and fast.data == slow.data


def test_a_neuron_sum_from_the_lecture() -> None:
    w0, x0, w1, x1, b = (Value(v) for v in (2.0, -1.0, -3.0, -2.0, -3.0))
    f = weighted_sum(b, [w0, w1], [x0, x1]).sigmoid()
    f.backward()
    assert round(f.data, 2) == 0.73
    assert [round(v.grad, 2) for v in (w0, x0, w1, x1)] == [-0.2, 0.39, -0.39, -0.59]


def test_no_terms_gives_the_bias() -> None:
    b = Value(1.0)
    assert weighted_sum(b, [], []) is b
    assert weighted_sum(2.0, [], []).is_constant


def test_bad_input_is_refused_with_a_clear_error() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="2 weights and 1 inputs"):
        weighted_sum(x, [x, x], [x])
    with pytest.raises(TypeError, match="must be a number"):
        weighted_sum(x, ["2"], [x])  # type: ignore[list-item]
    with pytest.raises(OverflowError, match=r"mul\(1e\+200, 1e\+200\)"):
        weighted_sum(x, [Value(1e200)], [Value(1e200)])
    with pytest.raises(OverflowError, match="add"):
        weighted_sum(Value(1.7e308), [Value(1e308)], [Value(1.0)])


def test_an_overflow_in_any_term_names_the_first_gate_that_overflowed() -> None:
    one, big, huge = Value(1.0), Value(1e200), Value(-1e200)
    with pytest.raises(OverflowError, match=r"mul\(1e\+200, 1e\+200\)"):
        weighted_sum(one, [one, big, big, one], [one, big, huge, one])
    with pytest.raises(OverflowError, match=r"add\(1\.5e\+308, 1\.5e\+308\)"):
        weighted_sum(Value(0.0), [Value(1.5e308)] * 3, [one] * 3)
