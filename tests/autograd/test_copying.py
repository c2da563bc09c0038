"""Copying and pickling graphs: deep graphs copy without recursion, pickling says what to do."""

from __future__ import annotations

import copy
import pickle

import pytest

from autograd import Value, topological_order


def test_a_deep_copy_of_a_graph_is_a_new_graph_with_the_same_numbers() -> None:
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    h = x * y
    f = (h + h.tanh()) * x
    g = copy.deepcopy(f)
    old, new = topological_order(f), topological_order(g)
    assert len(old) == len(new) and not set(map(id, old)) & set(map(id, new))
    assert [n.data for n in old] == [n.data for n in new]
    assert [n.label for n in old] == [n.label for n in new]
    assert [n.op for n in old] == [n.op for n in new]
    g.backward()
    f.backward()
    assert [n.grad for n in old] == [n.grad for n in new]
    assert x.grad == pytest.approx(new[0].grad)


def test_a_shared_node_is_copied_once() -> None:
    x = Value(1.5, "x")
    f = x * x
    g = copy.deepcopy(f)
    assert g.parents[0] is g.parents[1] and g.parents[0] is not x


def test_a_graph_a_hundred_thousand_gates_deep_copies() -> None:
    x = Value(0.5, "x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    z = copy.deepcopy(y)
    z.backward()
    assert z.data == 0.5 and topological_order(z)[0].grad == 1.0


def test_a_shallow_copy_shares_the_inputs() -> None:
    x = Value(2.0, "x")
    f = x * 3.0
    g = copy.copy(f)
    assert g is not f and g.parents[0] is x and g.data == f.data and g.op == "*"


def test_pickling_a_graph_points_to_nn_save() -> None:
    x = Value(2.0, "x")
    with pytest.raises(TypeError, match="nn.save"):
        pickle.dumps(x * x)
