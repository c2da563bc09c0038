"""nn.to_torch: the same network as a torch.nn.Module, with the same weights and outputs.

The comparisons are skipped, with the reason, where PyTorch is not installed (an optional extra).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest

import nn


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip(
        "torch", reason="PyTorch is not installed (pip install -e '.[torch]')"
    )


def outputs(model: nn.Module, X: np.ndarray) -> np.ndarray:
    rows = []
    for x in X.tolist():
        out = model(x)
        rows.append([out.data] if isinstance(out, nn.module.Value) else [v.data for v in out])
    return np.array(rows)


def torch_outputs(torch: Any, model: nn.Module, X: np.ndarray) -> np.ndarray:
    converted = nn.to_torch(model)
    with torch.no_grad():
        return converted(torch.tensor(X)).numpy()


@pytest.mark.parametrize(
    "model",
    [
        nn.MLP(3, [5, 4, 2], activation="tanh", seed=0),
        nn.MLP(3, [4, 1], activation="sigmoid", output_activation="softplus", seed=1),
        nn.Layer(3, 2, "relu", seed=2),
        nn.Neuron(3, "tanh", seed=3),
        nn.Linear(3, 4, seed=4),
        nn.Sequential(nn.Linear(3, 6, seed=5), nn.ReLU(), nn.Dropout(0.3), nn.Linear(6, 2, seed=6)),
    ],
    ids=repr,
)
def test_dense_models_give_the_same_outputs(torch: Any, model: nn.Module) -> None:
    X = np.random.default_rng(0).standard_normal((7, 3))
    model.eval()
    np.testing.assert_allclose(
        torch_outputs(torch, model, X), outputs(model, X), rtol=1e-12, atol=1e-12
    )


def test_a_cnn_gives_the_same_outputs_and_gradients(torch: Any) -> None:
    model = nn.Sequential(
        nn.Conv2d(2, 3, (2, 3), stride=(1, 2), padding=1, init="he", seed=0),
        nn.Tanh(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(9, 4, seed=1),
        nn.Sigmoid(),
    )
    X = np.random.default_rng(1).standard_normal((3, 2, 5, 6))
    np.testing.assert_allclose(
        torch_outputs(torch, model, X), outputs(model, X), rtol=1e-12, atol=1e-12
    )
    converted = nn.to_torch(model)
    converted(torch.tensor(X[:1])).sum().backward()
    sum(model(X[0].tolist()), nn.module.Value(0.0)).backward()
    ours = np.array([[[[w.grad for w in row] for row in ch] for ch in f] for f in model[0].weight])
    np.testing.assert_allclose(converted[0].weight.grad.numpy(), ours, rtol=1e-10, atol=1e-12)


def test_names_modes_and_dtype(torch: Any) -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3, seed=0), nn.ReLU(), nn.Flatten(), nn.Linear(2, 1))
    converted = nn.to_torch(model)
    assert isinstance(converted, torch.nn.Module)
    assert [name for name, _ in converted.named_parameters()] == [
        "0.weight",
        "0.bias",
        "3.weight",
        "3.bias",
    ]
    assert converted[0].weight.dtype == torch.float64 and converted.training
    assert converted[0].weight[1, 0, 2, 1].item() == model[0].weight[1][0][2][1].data
    assert not nn.to_torch(model.eval()).training
    assert converted[0].stride == (1, 1) and converted[0].padding == (0, 0)


def test_softplus_equals_ours_to_rounding_at_large_inputs(torch: Any) -> None:
    neuron = nn.Neuron(1, "softplus")
    neuron.w[0].data = 1.0
    X = np.concatenate(
        [np.linspace(-60.0, 60.0, 2401), [20.5, 33.3, 39.99, 40.01, 100.0, 709.0, 710.0, 1e4]]
    ).reshape(-1, 1)
    ours, theirs = outputs(neuron, X), torch_outputs(torch, neuron, X)
    np.testing.assert_allclose(theirs, ours, rtol=4.5e-16, atol=1e-300)  # an ulp or two
    large = X[:, 0] > 33.3
    assert np.array_equal(theirs[large], ours[large])  # x itself, in both
    at = len(X) - 8  # x = 20.5: PyTorch's default threshold 20 would give 20.5, 1.25e-9 off
    assert abs(theirs[at, 0] - ours[at, 0]) <= 4e-15 and ours[at, 0] - 20.5 > 1e-9


def test_each_converted_module_keeps_its_own_training_flag(torch: Any) -> None:
    model = nn.Sequential(
        nn.Linear(4, 50, seed=0), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 2, seed=1)
    )
    model[2].eval()
    converted = nn.to_torch(model)
    assert [m.training for m in converted] == [True, True, False, True]
    assert converted.training
    X = np.random.default_rng(0).standard_normal((5, 4))
    np.testing.assert_allclose(  # the evaluating dropout passes its input through, as ours does
        torch_outputs(torch, model, X), outputs(model, X), rtol=1e-12, atol=1e-12
    )
    model.eval()
    model[0].train()
    assert [m.training for m in nn.to_torch(model)] == [True, False, False, False]

    nested = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.2)), nn.Dropout(0.1))
    nested[0][1].eval()
    inner = nn.to_torch(nested)[0]
    assert inner.training and [m.training for m in inner] == [True, False]

    mlp = nn.MLP(2, [3, 1])
    mlp.layers[1].eval()
    assert [m.training for m in nn.to_torch(mlp)] == [True, True, False]  # linear output
    assert nn.to_torch(mlp).training


def test_what_cannot_be_converted_is_named(torch: Any) -> None:
    class Custom(nn.Module):
        pass

    with pytest.raises(TypeError, match="not Custom"):
        nn.to_torch(nn.Sequential(nn.Linear(2, 2), Custom()))
    with pytest.raises(TypeError, match="takes an nn.Module"):
        nn.to_torch("MLP")  # type: ignore[arg-type]


def test_without_pytorch_the_error_says_how_to_install(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[torch\]'"):
        nn.to_torch(nn.Linear(2, 2))
