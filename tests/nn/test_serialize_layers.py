"""save/load of Sequential models and their layers (Linear, Conv2d, MaxPool2d, activations,
Flatten, Dropout): round trips, and clear errors for bad nested configs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import nn


def cnn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 2, (2, 3), stride=(1, 2), padding=1, seed=0),
        nn.ReLU(),
        nn.MaxPool2d(2, stride=1),
        nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(6, 3, seed=1),
        nn.Tanh(),
        nn.Sequential(nn.Linear(3, 2, seed=2), nn.Sigmoid()),
    )


IMAGE = [[[0.1, -0.2, 0.3, 0.4], [0.5, 0.6, -0.7, 0.8], [0.9, 1.0, 1.1, -1.2]]]


def test_a_cnn_round_trips_with_its_architecture_and_outputs(tmp_path: Path) -> None:
    model = cnn().eval()
    path = tmp_path / "cnn.json"
    nn.save(model, path)
    document = json.loads(path.read_text())
    assert document["class"] == "Sequential"
    assert document["config"]["modules"][0] == {
        "class": "Conv2d",
        "config": {
            "in_channels": 1,
            "out_channels": 2,
            "kernel_size": [2, 3],
            "stride": [1, 2],
            "padding": 1,
        },
    }
    assert document["config"]["modules"][3] == {"class": "Dropout", "config": {"p": 0.25}}
    loaded = nn.load(path)
    assert repr(loaded) == repr(model) and loaded.state_dict() == model.state_dict()
    loaded.eval()
    assert [v.data for v in loaded(IMAGE)] == [v.data for v in model(IMAGE)]
    target = cnn()
    assert nn.load(path, model=target) is target
    assert target.state_dict() == model.state_dict()


@pytest.mark.parametrize(
    "model", [nn.Linear(3, 2, seed=0), nn.Conv2d(2, 1, 3, seed=0), nn.MaxPool2d(2), nn.ReLU()]
)
def test_single_layers_round_trip(tmp_path: Path, model: nn.Module) -> None:
    nn.save(model, tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert repr(loaded) == repr(model) and loaded.state_dict() == model.state_dict()


def edited(tmp_path: Path, change: Any) -> Path:
    path = tmp_path / "cnn.json"
    nn.save(cnn(), path)
    document = json.loads(path.read_text())
    change(document["config"]["modules"])
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m[0].update({"class": "Eval"}), "module 0 has the unknown class 'Eval'"),
        (lambda m: m[1].update({"code": "x"}), r"module 1 must be \{'class'"),
        (lambda m: m[0]["config"].update({"kernel_size": [2, 2]}), "wrong shape"),
        (lambda m: m[0]["config"].update({"kernel_size": "3"}), "kernel_size"),
        (lambda m: m[2]["config"].update({"stride": 0}), r"module 2 \(MaxPool2d\): stride"),
        (lambda m: m[3]["config"].update({"p": 2.0}), r"module 3 \(Dropout\): .*\[0, 1\)"),
        (lambda m: m[4]["config"].update({"extra": 1}), r"module 4 \(Flatten\)"),
        (lambda m: m.clear(), "must be {'modules'"),
    ],
)
def test_bad_nested_configs_raise_value_errors_naming_the_module(
    tmp_path: Path, change: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        nn.load(edited(tmp_path, change))


def test_nesting_is_bounded_when_saving_and_loading(tmp_path: Path) -> None:
    model: nn.Module = nn.ReLU()
    for _ in range(nn.serialize.MAX_DEPTH + 1):
        model = nn.Sequential(model)
    with pytest.raises(ValueError, match="nested up to 16 deep"):
        nn.save(model, tmp_path / "deep.json")
    config: dict[str, Any] = {"class": "ReLU", "config": {}}
    for _ in range(nn.serialize.MAX_DEPTH + 1):
        config = {"class": "Sequential", "config": {"modules": [config]}}
    document = {"format": "chainrule.nn", "version": 1, "parameters": {}, **config}
    (tmp_path / "deep.json").write_text(json.dumps(document))
    with pytest.raises(ValueError, match="nest more than 16 deep"):
        nn.load(tmp_path / "deep.json")


def test_a_module_used_twice_cannot_be_saved(tmp_path: Path) -> None:
    shared = nn.Linear(2, 2, seed=0)
    with pytest.raises(ValueError, match="uses a module twice"):
        nn.save(nn.Sequential(shared, nn.ReLU(), shared), tmp_path / "tied.json")
    assert not (tmp_path / "tied.json").exists()
