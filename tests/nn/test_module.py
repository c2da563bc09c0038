"""Neuron, Layer, MLP: micrograd's shapes, names and labels, initialisers, state dicts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, gradcheck, no_grad, topological_order
from autograd.graph import count_nodes
from autograd.testing import finite_floats

ACTIVATION_FUNCTIONS = {
    "relu": lambda s: max(s, 0.0),
    "tanh": math.tanh,
    "sigmoid": lambda s: 1 / (1 + math.exp(-s)),
    "softplus": lambda s: math.log1p(math.exp(s)),
    "linear": lambda s: s,
}


# -- micrograd compatibility ---------------------------------------------------------------------


def test_micrograd_mlp_shape_relu_hidden_and_linear_output() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert [len(layer.neurons) for layer in model.layers] == [16, 16, 1]
    params = model.parameters()
    assert isinstance(params, list) and all(isinstance(p, Value) for p in params)
    assert len(params) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    assert isinstance(model([0.5, -1.0]), Value)


def test_micrograd_neuron_nonlin_flag() -> None:
    assert nn.Neuron(3, nonlin=False).activation == "linear"
    assert nn.Neuron(3, nonlin=True).activation == "relu"
    assert nn.Neuron(3, False).activation == "linear"
    assert nn.Layer(3, 2, nonlin=False).activation == "linear"
    with pytest.raises(ValueError, match="not both"):
        nn.Neuron(3, "tanh", nonlin=False)


def test_layer_with_one_output_returns_a_value_else_a_list() -> None:
    assert isinstance(nn.Layer(3, 1)([1, 2, 3]), Value)
    out = nn.Layer(3, 4)([1, 2, 3])
    assert isinstance(out, list) and len(out) == 4
    assert isinstance(nn.MLP(3, [4, 2])([1, 2, 3]), list)


def test_parameters_in_micrograd_order_weights_then_bias() -> None:
    neuron = nn.Neuron(3, seed=1)
    assert neuron.parameters() == [*neuron.w, neuron.b]
    layer = nn.Layer(2, 2, seed=1)
    assert layer.parameters() == [p for n in layer.neurons for p in n.parameters()]


# -- computation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", list(ACTIVATION_FUNCTIONS))
def test_neuron_computes_activation_of_weighted_sum(activation: str) -> None:
    neuron = nn.Neuron(3, activation, seed=2)
    neuron.b.data = 0.3
    x = [0.5, -1.5, 2.0]
    s = 0.3 + sum(w.data * xi for w, xi in zip(neuron.w, x))
    assert neuron(x).data == pytest.approx(ACTIVATION_FUNCTIONS[activation](s), rel=1e-12)


def test_neuron_graph_is_bias_plus_products_left_to_right() -> None:
    neuron = nn.Neuron(3, "linear", seed=0)
    x = [Value(1.0), Value(2.0), Value(3.0)]
    out = neuron(x)
    # out = ((b + w0 x0) + w1 x1) + w2 x2: no constant nodes, no extra gates
    assert out.op == "+"
    partial, product = out.parents
    assert product.op == "*" and product.parents == (neuron.w[2], x[2])
    first = partial.parents[0].parents
    assert first[0] is neuron.b and first[1].parents == (neuron.w[0], x[0])
    assert count_nodes(out) == 1 + 3 + 3 + 3 + 3  # b, w, x leaves; 3 products; 3 sums


def test_mlp_matches_a_numpy_forward_pass() -> None:
    model = nn.MLP(3, [5, 4, 2], activation="tanh", seed=3)
    x = np.array([0.2, -0.7, 1.1])
    h = x
    for layer in model.layers:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        h = W @ h + b
        h = np.tanh(h) if layer.activation == "tanh" else h
    assert [o.data for o in model(x.tolist())] == pytest.approx(h.tolist(), rel=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.lists(finite_floats(-2, 2), min_size=3, max_size=3), st.integers(0, 1000))
def test_mlp_input_gradients_match_central_differences(xs: list[float], seed: int) -> None:
    model = nn.MLP(3, [4, 1], activation="tanh", seed=seed)
    assert gradcheck(lambda a, b, c: model([a, b, c]), *xs)


def test_parameter_gradients_reach_every_weight() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=4)
    model([0.5, -0.5]).backward()
    assert all(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_forward_under_no_grad_builds_no_graph() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    with no_grad():
        out = model([1.0, 2.0])
    assert out.is_leaf and out.label == "layer2/n1"


# -- names and labels (the contract with the drawings) ------------------------------------------


def test_named_parameters_are_dotted_paths_and_labels() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == len(set(names)) == 13
    for name, p in model.named_parameters():
        assert p.label == name
    assert model.layers[0].neurons[2].w[1].label == "layers.0.neurons.2.w.1"


def test_standalone_modules_label_their_own_parameters() -> None:
    neuron = nn.Neuron(2)
    assert [p.label for p in neuron.parameters()] == ["w.0", "w.1", "b"]
    layer = nn.Layer(2, 2)
    assert layer.parameters()[-1].label == "neurons.1.b"


def test_neuron_outputs_are_labelled_layer_and_neuron() -> None:
    model = nn.MLP(2, [3, 4, 1], seed=0)
    x = [1.0, 2.0]
    hidden = model.layers[0](x)
    assert [h.label for h in hidden] == ["layer1/n1", "layer1/n2", "layer1/n3"]
    assert [h.label for h in model.layers[1](hidden)] == [f"layer2/n{j}" for j in range(1, 5)]
    assert model(x).label == "layer3/n1"
    labels = {node.label for node in topological_order(model(x)) if node.label}
    assert {"layer2/n3", "layer1/n1", "x1", "x2"} <= labels
    assert nn.Neuron(2)([1, 2]).label == "layer1/n1"
    assert nn.Layer(2, 2)([1, 2])[1].label == "layer1/n2"
    assert nn.Layer(2, 2, name="hidden")([1, 2])[1].label == "hidden/n2"


def test_number_inputs_become_labelled_leaves_and_values_are_kept() -> None:
    model = nn.Neuron(2, "linear", seed=0)
    x1 = Value(3.0, "mine")
    out = model([x1, 4.0])
    leaves = [node for node in topological_order(out) if node.is_leaf]
    assert x1 in leaves
    assert any(node.label == "x2" and node.data == 4.0 for node in leaves)
    assert not any(node.is_constant for node in leaves)


# -- bad input ---------------------------------------------------------------------------------


def test_wrong_number_of_inputs_names_the_counts() -> None:
    with pytest.raises(ValueError, match="MLP expects 2 inputs, got 3"):
        nn.MLP(2, [1])([1, 2, 3])
    with pytest.raises(ValueError, match="expects 3 inputs, got 2"):
        nn.Neuron(3)([1, 2])


def test_bad_input_values_are_named() -> None:
    with pytest.raises(TypeError, match="'a'"):
        nn.MLP(2, [1])([1.0, "a"])
    with pytest.raises(ValueError, match="finite"):
        nn.MLP(2, [1])([1.0, math.nan])
    with pytest.raises(TypeError, match="list of 2"):
        nn.MLP(2, [1])(None)


def test_a_single_number_is_accepted_for_one_input() -> None:
    assert isinstance(nn.MLP(1, [2, 1])(0.5), Value)


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Neuron(0),
        lambda: nn.Neuron(2.5),
        lambda: nn.Layer(2, 0),
        lambda: nn.MLP(2, []),
        lambda: nn.MLP(2, [3, -1]),
        lambda: nn.MLP(2, "16"),
        lambda: nn.Neuron(2, "swish"),
        lambda: nn.MLP(2, [1], output_activation="cube"),
        lambda: nn.Neuron(2, init="zeros"),
        lambda: nn.Layer(2, 2, name=""),
    ],
)
def test_bad_constructor_arguments_raise_value_error(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_repr_shows_the_constructor() -> None:
    assert repr(nn.MLP(2, [16, 16, 1])) == (
        "MLP(nin=2, nouts=[16, 16, 1], activation='relu', output_activation='linear')"
    )
    assert repr(nn.Neuron(3, "tanh")) == "Neuron(nin=3, activation='tanh')"
    assert repr(nn.Layer(3, 2)) == "Layer(nin=3, nout=2, activation='relu', name='layer1')"


# -- initialisation ----------------------------------------------------------------------------


def test_same_seed_same_model_and_generator_accepted() -> None:
    a, b = nn.MLP(3, [4, 2], seed=7), nn.MLP(3, [4, 2], seed=7)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != nn.MLP(3, [4, 2], seed=8).state_dict()
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    assert nn.MLP(3, [4, 2], seed=g1).state_dict() == nn.MLP(3, [4, 2], seed=g2).state_dict()
    with pytest.raises(TypeError, match="seed"):
        nn.MLP(3, [4], seed="7")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("init", "std"),
    [("uniform", 1 / math.sqrt(3)), ("gaussian", 1.0), ("xavier", 0.1), ("he", math.sqrt(0.02))],
)
def test_initialisers_have_their_spread(init: str, std: float) -> None:
    layer = nn.Layer(100, 50, init=init, seed=0)
    weights = np.array([w.data for n in layer.neurons for w in n.w])
    assert abs(weights.mean()) < 0.05 * std * 10
    assert weights.std() == pytest.approx(std, rel=0.05)
    assert all(n.b.data == 0.0 for n in layer.neurons)
    if init == "uniform":
        assert weights.min() >= -1 and weights.max() <= 1


def test_custom_initialiser_function() -> None:
    neuron = nn.Neuron(3, init=lambda fan_in, rng: [0.5] * fan_in)
    assert [w.data for w in neuron.w] == [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="gave 2 weights"):
        nn.Neuron(3, init=lambda fan_in, rng: [0.5, 0.5])


# -- state dicts -------------------------------------------------------------------------------


def test_state_dict_round_trip() -> None:
    source, target = nn.MLP(2, [3, 1], seed=1), nn.MLP(2, [3, 1], seed=2)
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()
    assert target([0.3, 0.4]).data == source([0.3, 0.4]).data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.pop("layers.1.neurons.0.b"), "missing parameter 'layers.1.neurons.0.b'"),
        (lambda s: s.update({"layers.9.w": 1.0}), "unexpected parameter 'layers.9.w'"),
        (lambda s: s.update({"layers.0.neurons.1.w.0": "1.0"}), "'layers.0.neurons.1.w.0'"),
        (lambda s: s.update({"layers.0.neurons.1.w.0": True}), "'layers.0.neurons.1.w.0'"),
        (lambda s: s.update({"layers.1.neurons.0.b": math.nan}), "'layers.1.neurons.0.b'.*finite"),
        (lambda s: s.update({"layers.1.neurons.0.w.2": math.inf}), "'layers.1.neurons.0.w.2'"),
    ],
)
def test_load_state_dict_checks_everything_first(change: object, message: str) -> None:
    model = nn.MLP(2, [3, 1], seed=1)
    before = model.state_dict()
    state = nn.MLP(2, [3, 1], seed=2).state_dict()
    change(state)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_custom_module_finds_nested_parameters() -> None:
    class Twin(nn.Module):
        def __init__(self) -> None:
            self.left = nn.MLP(2, [2, 1], seed=0)
            self.right = nn.Neuron(2, seed=1)
            self.scale = Value(2.0)
            self.shared = [self.scale]  # listed twice, counted once
            self._cache = Value(5.0)  # private: not a parameter
            self.label_parameters()

        def forward(self, x: object) -> Value:
            return self.left(x) * self.scale + self.right(x)  # type: ignore[operator]

    model = Twin()
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "left.layers.0.neurons.0.w.0"
    assert "right.b" in names and "scale" in names and "shared.0" not in names
    assert model.num_parameters() == 9 + 3 + 1
    assert isinstance(model([1.0, 2.0]), Value)
    with pytest.raises(NotImplementedError):
        nn.Module()(1.0)


# -- parameters as users keep them -------------------------------------------------------------


def test_parameters_in_dicts_tuples_and_nested_containers_are_found() -> None:
    class Custom(nn.Module):
        def __init__(self) -> None:
            self.blocks = {"first": nn.Neuron(2, seed=0), "second": (Value(1.0), [Value(2.0)])}
            self.pair = (Value(3.0), {"deep": [[Value(4.0)]]})
            self.table = {0: Value(5.0), "x": {"y": Value(6.0)}}
            self.label_parameters()

    model = Custom()
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "blocks.first.w.0",
        "blocks.first.w.1",
        "blocks.first.b",
        "blocks.second.0",
        "blocks.second.1.0",
        "pair.0",
        "pair.1.deep.0.0",
        "table.0",
        "table.x.y",
    ]
    assert model.table["x"]["y"].label == "table.x.y"
    state = model.state_dict()
    state["pair.1.deep.0.0"] = 40.0
    model.load_state_dict(state)
    assert model.pair[1]["deep"][0][0].data == 40.0


def test_a_module_referring_back_to_its_parent_is_walked_once() -> None:
    class Child(nn.Module):
        def __init__(self, parent: nn.Module) -> None:
            self.parent = parent
            self.w = Value(1.0)

    class Parent(nn.Module):
        def __init__(self) -> None:
            self.child = Child(self)
            self.b = Value(2.0)
            self.again = [self.child, {"me": self}]
            self.label_parameters()

    model = Parent()
    assert [name for name, _ in model.named_parameters()] == ["child.w", "b"]
    assert model.modules() == [model, model.child]
    model.eval()
    assert not model.child.training
    cyclic: list[Any] = [Value(1.0)]
    cyclic.append(cyclic)
    holder = nn.Module()
    holder.items = cyclic  # type: ignore[attr-defined]
    assert holder.parameters() == [cyclic[0]]


def test_deeply_nested_containers_do_not_exhaust_the_stack() -> None:
    deep: Any = Value(1.0)
    for _ in range(5000):
        deep = [deep]
    holder = nn.Module()
    holder.deep = deep  # type: ignore[attr-defined]
    ((name, p),) = holder.named_parameters()
    assert name == "deep" + ".0" * 5000 and p.data == 1.0


def test_sets_and_clashing_names_are_refused() -> None:
    holder = nn.Module()
    holder.group = {Value(1.0)}  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="'group' is a set"):
        holder.parameters()
    clash = nn.Module()
    clash.table = {0: Value(1.0), "0": Value(2.0)}  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="both named 'table.0'"):
        clash.named_parameters()


def resolve(root: Any, name: str) -> Any:
    """Follow a dotted parameter name from ``root`` (what the name promises)."""
    item = root
    for key in name.split("."):
        if isinstance(item, nn.Module):
            item = getattr(item, key)
        elif isinstance(item, dict):
            item = item[key]
        else:
            item = item[int(key)]
    return item


def containers(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.text("abcxyz", min_size=1, max_size=3)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.lists(inner, max_size=3).map(tuple),
            st.dictionaries(keys, inner, max_size=3),
        ),
        max_leaves=12,
    )


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_parameter_is_found_once_under_a_name_that_leads_to_it(data: st.DataObject) -> None:
    pool = [Value(float(i)) for i in range(6)]  # shared Values appear under several names
    leaf = st.one_of(st.sampled_from(pool), st.integers(0, 3), st.just("text"))
    holder = nn.Module()
    for attribute in data.draw(st.lists(st.sampled_from(["a", "b", "c"]), unique=True)):
        setattr(holder, attribute, data.draw(containers(leaf)))
    named = holder.named_parameters()
    reachable = {id(p) for p in pool if any(p is q for q in _values_in(vars(holder)))}
    assert len(named) == len({id(p) for _, p in named}) == len(reachable)
    for name, p in named:
        assert resolve(holder, name) is p
    assert holder.parameters() == [p for _, p in named]


def _values_in(x: Any) -> list[Value]:
    if isinstance(x, Value):
        return [x]
    if isinstance(x, dict):
        return [v for item in x.values() for v in _values_in(item)]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _values_in(item)]
    return []


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: nn.MLP(2, [10**9]), r"MLP\(2, \[1000000000\]\) would have 3,000,000,000"),
        (lambda: nn.MLP(2, [10**400]), r"would have an int of about 401 digits parameters"),
        (lambda: nn.Layer(10**4, 10**3), r"Layer\(10000, 1000\) would have 10,001,000"),
        (lambda: nn.Neuron(10**7), r"Neuron\(10000000\) would have 10,000,001"),
        (lambda: nn.Linear(10**4, 10**4), r"Linear\(10000, 10000\) would have 100,010,000"),
        (lambda: nn.Conv2d(1000, 1000, 3), r"Conv2d\(1000, 1000, kernel_size=\(3, 3\)\)"),
    ],
)
def test_a_module_too_large_to_build_is_refused_before_anything_is_built(
    build: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message + ".*MAX_PARAMETERS"):
        build()


def test_the_parameter_limit_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 10)
    with pytest.raises(ValueError, match="more than nn.module.MAX_PARAMETERS = 10"):
        nn.MLP(2, [4])
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 12)
    assert nn.MLP(2, [4]).num_parameters() == 12


def test_a_deeply_nested_input_is_named_by_its_depth() -> None:
    value: Any = 1.0
    for _ in range(5000):
        value = [value]
    with pytest.raises(
        ValueError, match=r"got shape \[1\]\[1\]\[1\]\[1\]\[1\]\[1\]\.\.\.\(5000 levels\)"
    ):
        nn.MLP(2, [1], seed=0)(value)


@pytest.mark.parametrize(
    ("make", "owner"),
    [
        (lambda: nn.Linear(3, 2), "Linear"),
        (lambda: nn.Neuron(3), "Neuron"),
        (lambda: nn.Layer(3, 2), "Layer"),
        (lambda: nn.MLP(3, [2, 1]), "MLP"),
        (lambda: nn.Sequential(nn.Linear(3, 2), nn.ReLU()), "Linear"),
    ],
)
def test_inputs_without_an_order_are_refused_with_the_usual_message(make: Any, owner: str) -> None:
    model = make()
    usual = f"{owner} takes a list of 3 numbers or Values, got"
    for x, kind in [({1.0, 2.0, 3.0}, "set"), (frozenset([1.0, 2.0, 3.0]), "frozenset")]:
        with pytest.raises(TypeError, match=f"{usual} {kind} \\(it has no order: use a list\\)"):
            model(x)
    with pytest.raises(TypeError, match=f"{usual} dict \\(it has no order"):
        model({0: 1.0, 1: 2.0, 2: 3.0})
    with pytest.raises(TypeError, match=f"{usual} generator$"):
        model(v for v in [1.0, 2.0, 3.0])
    for ordered in [[1.0, 2.0, 3.0], (1.0, 2.0, 3.0), np.array([1.0, 2.0, 3.0])]:
        model(ordered)


def test_elementwise_layers_refuse_sets() -> None:
    for layer in [nn.ReLU(), nn.Tanh(), nn.Flatten(), nn.Dropout(0.5)]:
        with pytest.raises(TypeError, match="takes numbers, Values or lists of them, got set"):
            layer([{1.0, 2.0}])
