"""Linear, activations, Flatten, Dropout and Sequential: values, graphs, names, labels, modes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import TraceError, Value, compile, topological_order
from autograd.testing import finite_floats


def values(out: Any) -> Any:
    if isinstance(out, Value):
        return out.data
    return [values(item) for item in out]


# -- Linear ---------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(2, 5),
    st.integers(0, 10**6),
    st.lists(finite_floats(-3, 3), min_size=5, max_size=5),
)
def test_linear_is_w_x_plus_b(nin: int, nout: int, seed: int, xs: list[float]) -> None:
    layer = nn.Linear(nin, nout, seed=seed)
    for o, b in enumerate(layer.bias):
        b.data = 0.1 * (o + 1)
    W = np.array([[w.data for w in row] for row in layer.weight])
    b = np.array([b.data for b in layer.bias])
    x = np.array(xs[:nin])
    assert values(layer(x.tolist())) == pytest.approx((W @ x + b).tolist(), rel=1e-12, abs=1e-12)


def test_linear_builds_a_linear_neurons_gates_and_names() -> None:
    layer = nn.Linear(3, 2, seed=0)
    assert [name for name, _ in layer.named_parameters()] == [
        "weight.0.0",
        "weight.0.1",
        "weight.0.2",
        "weight.1.0",
        "weight.1.1",
        "weight.1.2",
        "bias.0",
        "bias.1",
    ]
    assert layer.weight[1][2].label == "weight.1.2"
    neuron = nn.Neuron(3, "linear", seed=0)
    for w, mine in zip(neuron.w, layer.weight[0]):
        w.data = mine.data
    x = [Value(1.0), Value(2.0), Value(3.0)]
    out = layer(x)
    assert [y.label for y in out] == ["linear1/n1", "linear1/n2"]
    expected = [node.op for node in topological_order(neuron(x))]
    assert [node.op for node in topological_order(out[0])] == expected
    assert isinstance(nn.Linear(3, 1)([1, 2, 3]), Value)  # one output: a Value, as nn.Layer
    assert repr(layer) == "Linear(nin=3, nout=2)"


def test_linear_initialiser_and_seed() -> None:
    assert nn.Linear(4, 3, seed=5).state_dict() == nn.Linear(4, 3, seed=5).state_dict()
    layer = nn.Linear(200, 50, init="xavier", seed=0)
    weights = np.array([w.data for row in layer.weight for w in row])
    assert weights.std() == pytest.approx(1 / math.sqrt(200), rel=0.05)
    assert all(b.data == 0.0 for b in layer.bias)


def test_linear_input_errors_name_the_shapes() -> None:
    with pytest.raises(ValueError, match="Linear expects 4 inputs, got 3"):
        nn.Linear(4, 2)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"flat list of 4 inputs, got shape \[1\]\[2\]\[2\]"):
        nn.Linear(4, 2)([[[1.0, 2.0], [3.0, 4.0]]])
    with pytest.raises(ValueError):
        nn.Linear(0, 2)


# -- activations and Flatten ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "f"),
    [
        (nn.ReLU(), lambda s: max(s, 0.0)),
        (nn.Tanh(), math.tanh),
        (nn.Sigmoid(), lambda s: 1 / (1 + math.exp(-s))),
    ],
)
def test_activations_apply_their_gate_elementwise_keeping_the_shape(module: Any, f: Any) -> None:
    x = [[[0.5, -1.0], [2.0, -0.25]], [[0.0, 1.5], [-3.0, 0.75]]]
    out = module(x)
    expected = np.vectorize(f)(np.array(x))
    np.testing.assert_allclose(values(out), expected, rtol=1e-15)
    assert module(Value(0.3)).data == pytest.approx(f(0.3))
    gate = getattr(Value(0.0), type(module).__name__.lower())().op
    assert out[1][0][1].op == gate
    with pytest.raises(TypeError, match="got str"):
        module([1.0, "a"])


def test_flatten_is_row_major_as_torch_flatten() -> None:
    x = [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]
    assert nn.Flatten()(x) == list(range(1, 13))
    v = Value(1.0)
    assert nn.Flatten()(v) == [v] and nn.Flatten()([[v]])[0] is v
    deep: Any = [1.0]
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ValueError, match="more than 32 levels"):
        nn.Flatten()(deep)


# -- Dropout and train/eval -----------------------------------------------------------------------


def test_dropout_zeroes_p_of_the_elements_and_scales_the_rest() -> None:
    drop = nn.Dropout(0.25, seed=0)
    x = [Value(2.0) for _ in range(4000)]
    out = drop(x)
    kept = [y for y in out if y.data != 0.0]
    assert {y.data for y in kept} == {2.0 / 0.75}
    assert len(kept) / len(x) == pytest.approx(0.75, abs=0.03)
    assert all(y.op == "*" for y in out)
    for y in out:
        y.backward()
    assert {v.grad for v in x} == {0.0, 1 / 0.75}  # dropped elements pass no gradient
    again = nn.Dropout(0.25, seed=0)(x)
    assert values(again) == values(out)  # same seed, same mask


def test_eval_turns_dropout_off_everywhere_and_train_turns_it_back_on() -> None:
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.ReLU(), nn.Dropout(0.5, seed=1))
    assert model.training and all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    out = model([1.0, 2.0, 3.0])
    assert all(y.op == "relu" for y in out)  # dropout passed its input through
    model.train()
    assert all(m.training for m in model.modules())
    assert all(y.op == "*" for y in model([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="True or False"):
        model.train(0)  # type: ignore[arg-type]


def test_dropout_in_training_refuses_to_be_compiled_before_drawing_a_mask() -> None:
    """compile would replay the first mask forever: a TraceError naming Dropout, and the random
    state untouched (the next mask is the one an uncompiled call draws)."""
    dropout = nn.Dropout(0.5, seed=7)
    twin = nn.Dropout(0.5, seed=7)

    def total(a: Value, b: Value) -> Value:
        first, second = dropout([a, b])
        return first + second

    with pytest.raises(TraceError, match=r"Dropout\(p=0.5\) draws a new mask on every call"):
        compile(total)(1.0, 2.0)
    assert [v.data for v in dropout([1.0] * 20)] == [v.data for v in twin([1.0] * 20)]
    dropout.eval()
    assert compile(total)(1.0, 2.0)[0] == 3.0


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, math.nan, "0.5"])
def test_dropout_probability_must_be_in_0_1(p: Any) -> None:
    with pytest.raises(ValueError, match="p"):
        nn.Dropout(p)


# -- Sequential ------------------------------------------------------------------------------


def test_sequential_chains_modules_and_names_parameters_by_position() -> None:
    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.Tanh(), nn.Linear(3, 1, seed=1))
    assert len(model) == 3 and isinstance(model[1], nn.Tanh) and model[-1] is list(model)[2]
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "0.weight.0.0" and names[-1] == "2.bias.0" and len(names) == 9 + 4
    assert model[0].weight[1][0].label == "0.weight.1.0"
    x = [0.5, -1.5]
    hidden = [
        math.tanh(b.data + sum(w.data * xi for w, xi in zip(row, x)))
        for row, b in zip(model[0].weight, model[0].bias)
    ]
    expected = model[2].bias[0].data + sum(w.data * h for w, h in zip(model[2].weight[0], hidden))
    assert model(x).data == pytest.approx(expected, rel=1e-12)
    assert repr(model) == "Sequential(Linear(nin=2, nout=3), Tanh(), Linear(nin=3, nout=1))"


def test_sequential_of_linear_and_relu_is_the_mlp() -> None:
    mlp = nn.MLP(2, [4, 1], seed=3)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    for layer, linear in zip(mlp.layers, [model[0], model[2]]):
        for neuron, row, b in zip(layer.neurons, linear.weight, linear.bias):
            for w, mine in zip(neuron.w, row):
                mine.data = w.data
            b.data = neuron.b.data
    x = [0.3, -0.8]
    ours, theirs = model(x), mlp(x)
    assert ours.data == theirs.data
    assert [n.op for n in topological_order(ours)] == [n.op for n in topological_order(theirs)]


def test_sequential_labels_units_after_their_activation() -> None:
    model = nn.Sequential(
        nn.Conv2d(1, 2, 2, seed=0),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(2, 3, seed=1),
        nn.Sigmoid(),
        nn.Linear(3, 2, seed=2),
    )
    assert [m.name for m in model if isinstance(m, nn.layers.Labelled)] == [
        "conv1",
        "pool1",
        "linear1",
        "linear2",
    ]
    image = [[[Value(0.1 * (i + j), "mine") for j in range(3)] for i in range(3)]]
    out = model(image)
    assert [y.label for y in out] == ["linear2/n1", "linear2/n2"]
    nodes = topological_order(out[0])
    by_label = {n.label: n for n in nodes if n.label and "/" in n.label}
    assert by_label["conv1/c2.1.2"].op == "relu"  # the unit ends at its activation
    assert by_label["pool1/c1.1.1"].op == "max"
    assert by_label["linear1/n3"].op == Value(0.0).sigmoid().op
    assert sum(n.label == "mine" for n in nodes) == 9  # the user's labels are kept
    # a standalone activation leaves its input's labels alone
    layer = nn.Linear(2, 2)
    pre = layer([1.0, 2.0])
    nn.ReLU()(pre)
    assert [y.label for y in pre] == ["linear1/n1", "linear1/n2"]


def test_sequential_rejects_what_is_not_a_module() -> None:
    with pytest.raises(TypeError, match="item 1 is builtin_function_or_method"):
        nn.Sequential(nn.Linear(2, 2), math.tanh)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        nn.Sequential()


def test_call_forwards_every_argument() -> None:
    class Scaled(nn.Module):
        def forward(self, x: Value, *, scale: float = 1.0) -> Value:
            return x * scale

    assert Scaled()(Value(2.0), scale=3.0).data == 6.0
