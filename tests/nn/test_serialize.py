"""save/load: JSON round trips, and clear errors (never a half-loaded model) for bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn


def saved(model: nn.Module, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "model.json"
    nn.save(model, path)
    return json.loads(path.read_text())


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "edited.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(1, 4),
    st.lists(st.integers(1, 4), min_size=1, max_size=3),
    st.sampled_from(["relu", "tanh", "sigmoid", "linear", "softplus"]),
    st.sampled_from([None, "sigmoid"]),
    st.integers(0, 10**6),
)
def test_round_trip_gives_the_same_model(
    tmp_path: Path, nin: int, nouts: list[int], act: str, out_act: str | None, seed: int
) -> None:
    model = nn.MLP(nin, nouts, activation=act, output_activation=out_act, seed=seed)
    path = tmp_path / "model.json"
    nn.save(model, path)
    loaded = nn.load(path)
    assert type(loaded) is nn.MLP and repr(loaded) == repr(model)
    assert loaded.state_dict() == model.state_dict()  # floats survive JSON exactly
    x = [0.1 * (i + 1) for i in range(nin)]
    outputs = [loaded(x), model(x)]
    assert [[v.data for v in o] if isinstance(o, list) else o.data for o in outputs] == [
        [v.data for v in o] if isinstance(o, list) else o.data for o in outputs[::-1]
    ]


@pytest.mark.parametrize("model", [nn.Neuron(3, "tanh", seed=1), nn.Layer(2, 3, seed=2)])
def test_neuron_and_layer_round_trip(tmp_path: Path, model: nn.Module) -> None:
    nn.save(model, tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert repr(loaded) == repr(model) and loaded.state_dict() == model.state_dict()


def test_file_is_plain_json_with_architecture_and_parameters(tmp_path: Path) -> None:
    document = saved(nn.MLP(2, [3, 1], seed=0), tmp_path)
    assert document["format"] == "chainrule.nn" and document["version"] == 1
    assert document["class"] == "MLP"
    assert document["config"] == {
        "nin": 2,
        "nouts": [3, 1],
        "activation": "relu",
        "output_activation": "linear",
    }
    assert len(document["parameters"]) == 13


def test_load_into_an_existing_model(tmp_path: Path) -> None:
    source, target = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    nn.save(source, tmp_path / "m.json")
    assert nn.load(tmp_path / "m.json", model=target) is target
    assert target.state_dict() == source.state_dict()
    other = nn.MLP(2, [4, 1], seed=1)
    before = other.state_dict()
    with pytest.raises(ValueError, match="does not match the model"):
        nn.load(tmp_path / "m.json", model=other)
    assert other.state_dict() == before


def corrupt(document: dict[str, Any], change: str) -> Any:
    params = document["parameters"]
    first = next(iter(params))
    if change == "missing key":
        del document["config"]
    elif change == "unexpected key":
        document["code"] = "__import__('os').system('echo hi')"
    elif change == "missing parameter":
        del params[first]
        params["layers.9.neurons.0.b"] = 0.0
    elif change == "wrong shape":
        document["config"]["nouts"] = [4, 1]
    elif change == "unknown class":
        document["class"] = "__import__('os')"
    elif change == "wrong type":
        params[first] = "0.5"
    elif change == "bad config":
        document["config"]["activation"] = "swish"
    elif change == "not an object":
        return [1, 2, 3]
    elif change == "format":
        document["format"] = "pickle"
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("missing key", "missing the key 'config'"),
        ("unexpected key", "unexpected key 'code'"),
        ("missing parameter", "missing parameter 'layers.0.neurons.0.w.0'"),
        ("wrong shape", "wrong shape: MLP with config .* has 17 parameters, the file has 13"),
        ("unknown class", "unknown class \"__import__\\('os'\\)\""),
        ("wrong type", "'layers.0.neurons.0.w.0' must be a number"),
        ("bad config", "bad config for MLP: unknown activation 'swish'"),
        ("not an object", "must hold a JSON object"),
        ("format", "format 'pickle'"),
    ],
)
def test_bad_documents_raise_value_error_naming_the_problem(
    tmp_path: Path, change: str, message: str
) -> None:
    document = corrupt(saved(nn.MLP(2, [3, 1], seed=0), tmp_path), change)
    with pytest.raises(ValueError, match=message):
        nn.load(write(tmp_path, document))


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    nn.save(nn.MLP(2, [3, 1], seed=0), path)
    text = path.read_text()
    with pytest.raises(ValueError, match="not valid JSON .* may be truncated"):
        nn.load(write(tmp_path, text[: len(text) // 2]))


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_rejected(tmp_path: Path, number: str) -> None:
    path = tmp_path / "model.json"
    model = nn.MLP(2, [3, 1], seed=0)
    nn.save(model, path)
    text = path.read_text().replace(repr(model.parameters()[4].data), number, 1)
    target = nn.MLP(2, [3, 1], seed=5)
    before = target.state_dict()
    with pytest.raises(ValueError, match="finite"):
        nn.load(write(tmp_path, text), model=target)
    assert target.state_dict() == before


def test_save_refuses_unknown_modules(tmp_path: Path) -> None:
    class Custom(nn.Module):
        pass

    with pytest.raises(ValueError, match="save supports Neuron, Layer, MLP, .*, not Custom"):
        nn.save(Custom(), tmp_path / "c.json")


@pytest.mark.parametrize("into_a_model", [False, True])
def test_a_parameter_too_few_or_too_many_is_named(tmp_path: Path, into_a_model: bool) -> None:
    model = nn.MLP(2, [8, 8, 1], seed=0)
    document = saved(model, tmp_path)
    target = nn.MLP(2, [8, 8, 1], seed=1) if into_a_model else None
    before = [p.data for p in target.parameters()] if target is not None else []
    del document["parameters"]["layers.1.neurons.3.w.5"]
    with pytest.raises(
        ValueError,
        match=r"has 105 parameters, the file has 104: parameter 'layers.1.neurons.3.w.5' is "
        r"missing \(1 missing in all\)$",
    ):
        nn.load(write(tmp_path, document), target)
    document["parameters"]["layers.1.neurons.3.w.5"] = 0.5
    document["parameters"]["layers.1.neurons.3.w.8"] = 0.5
    with pytest.raises(
        ValueError,
        match=r"the file has 106: the file's parameter 'layers.1.neurons.3.w.8' is not one of",
    ):
        nn.load(write(tmp_path, document), target)
    if target is not None:
        assert [p.data for p in target.parameters()] == before


def test_huge_architecture_is_rejected_before_anything_is_built(tmp_path: Path) -> None:
    document = saved(nn.MLP(2, [3, 1], seed=0), tmp_path)
    document["config"]["nouts"] = [10**12, 1]
    with pytest.raises(ValueError, match="wrong shape"):
        nn.load(write(tmp_path, document))


def test_deeply_nested_json_is_a_value_error_not_a_recursion_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(ValueError, match="too deeply"):
        nn.load(path)


# -- hostile files: a ValueError naming the file, never anything else ----------------------------


def _saved_bytes(tmp_path: Path) -> tuple[nn.MLP, bytes]:
    model = nn.MLP(2, [3, 2], seed=7)
    nn.save(model, tmp_path / "model.json")
    return model, (tmp_path / "model.json").read_bytes()


def _load_or_value_error(path: Path) -> nn.Module | None:
    """The loaded model, or None after a ValueError that names the file (anything else fails)."""
    try:
        return nn.load(path)
    except ValueError as error:
        assert str(path) in str(error), str(error)
        assert "\n" not in str(error) and len(str(error)) < 600, str(error)
        return None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_a_truncated_model_loads_the_same_or_is_a_value_error(tmp_path: Path, data: Any) -> None:
    model, whole = _saved_bytes(tmp_path)
    cut = data.draw(st.integers(0, len(whole) - 1))
    path = tmp_path / "truncated.json"
    path.write_bytes(whole[:cut])
    loaded = _load_or_value_error(path)
    if loaded is not None:  # only the final newline was cut
        assert whole[cut:].strip() == b""
        assert loaded.state_dict() == model.state_dict()


CORRUPTIONS = st.sampled_from(["replace", "insert", "delete", "swap"])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(CORRUPTIONS, st.integers(0, 10**6), st.integers(0, 255)), max_size=4))
def test_a_corrupted_model_loads_what_it_says_or_is_a_value_error(
    tmp_path: Path, changes: list[tuple[str, int, int]]
) -> None:
    """Random byte changes: either the file still is a model, and loading gives exactly the
    parameters it holds, or loading raises a ValueError that names the file."""
    _, whole = _saved_bytes(tmp_path)
    corrupted = bytearray(whole)
    for change, position, byte in changes:
        at = position % len(corrupted)
        if change == "replace":
            corrupted[at] = byte
        elif change == "insert":
            corrupted[at:at] = bytes([byte])
        elif change == "delete" and len(corrupted) > 1:
            del corrupted[at]
        elif change == "swap":
            other = (at + byte) % len(corrupted)
            corrupted[at], corrupted[other] = corrupted[other], corrupted[at]
    path = tmp_path / "corrupted.json"
    path.write_bytes(bytes(corrupted))
    loaded = _load_or_value_error(path)
    if loaded is not None:
        held = json.loads(corrupted.decode("utf-8"))["parameters"]
        assert loaded.state_dict() == {name: float(value) for name, value in held.items()}


def test_load_reads_at_most_max_bytes(tmp_path: Path) -> None:
    _, whole = _saved_bytes(tmp_path)
    path = tmp_path / "model.json"
    assert nn.load(path, max_bytes=len(whole)).num_parameters() == 17
    with pytest.raises(ValueError, match=rf"larger than max_bytes={len(whole) - 1:,} bytes"):
        nn.load(path, max_bytes=len(whole) - 1)
    big = tmp_path / "big.json"
    with open(big, "wb") as file:
        file.truncate(nn.serialize.MAX_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(ValueError, match=r"big\.json is larger than max_bytes=67,108,864 bytes"):
        nn.load(big)
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        nn.load(path, max_bytes=0)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_file_is_a_value_error_at_once() -> None:
    with pytest.raises(ValueError, match=r"/dev/zero is larger than max_bytes=1,000 bytes"):
        nn.load("/dev/zero", max_bytes=1000)


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ('"format": "chainrule.nn"', '"format": "chainrule.nn", "format": "x"', "'format' appears"),
        ('"nin": 2', '"nin": 2, "nin": 2', "the key 'nin' appears twice in one object"),
        ('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 0.0, "layers.0.neurons.0.b": 1',
         "the key 'layers.0.neurons.0.b' appears twice"),
        ('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1' + "0" * 400,
         "parameter 'layers.0.neurons.0.b' is an int of about 401 digits, too large for a float"),
        ('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": -1' + "0" * 400,
         "parameter 'layers.0.neurons.0.b' is a negative int of about 401 digits"),
        ('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1' + "0" * 5000,
         "a number has more than 4300 digits"),
        ('"nin": 2', '"nin": 1' + "0" * 400,
         r"wrong shape: MLP with config .*an int of about 401 digits.* has more than 10\*\*15"),
        ('"version": 1', '"version": 1' + "0" * 400, "version an int of about 401 digits"),
    ],
)  # fmt: skip
def test_duplicate_keys_and_huge_numbers_are_named(
    tmp_path: Path, before: str, after: str, message: str
) -> None:
    nn.save(nn.MLP(2, [3, 2], seed=7), tmp_path / "model.json")
    text = (tmp_path / "model.json").read_text()
    text = text.replace(before, after, 1)
    assert after in text
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as error:
        nn.load(path)
    assert str(error.value).startswith(str(path))


def test_bytes_that_are_not_utf8_are_named(tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b'{"format": "\xff"}')
    with pytest.raises(ValueError, match=r"binary\.json is not UTF-8 text \(byte 12 is 0xff\)"):
        nn.load(path)


def _nested(depth: int) -> object:
    value: object = 1.0
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (10**400, "is an int of about 401 digits, too large for a float"),
        (-(10**5000), "is a negative int of about 5001 digits"),
        (_nested(5000), r"must be a number, got list \[\[\[\[\.\.\.\]\]\]\]"),
    ],
    ids=["10**400", "-10**5000", "nested 5000 deep"],
)
def test_load_state_dict_names_a_value_it_cannot_take(value: object, message: str) -> None:
    model = nn.MLP(2, [1], seed=0)
    state = {**model.state_dict(), "layers.0.neurons.0.b": value}
    with pytest.raises(ValueError, match=r"parameter 'layers\.0\.neurons\.0\.b' " + message):
        model.load_state_dict(state)


@pytest.mark.parametrize(
    "config",
    [
        {"nin": 2, "nouts": "a" * 10**6},
        {"modules": [{"class": "b" * 10**6, "config": {}}]},
        {"modules": [{"class": "Flatten", "config": ["c"] * 10**5}]},
        {"modules": [{"class": "Conv2d", "config": {"kernel_size": "k" * 10**6}}]},
    ],
    ids=["nouts", "class", "config", "kernel_size"],
)
def test_errors_on_huge_fields_stay_short(tmp_path: Path, config: dict[str, Any]) -> None:
    name = "MLP" if "nin" in config else "Sequential"
    document = {"format": "chainrule.nn", "version": 1, "class": name, "config": config}
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({**document, "parameters": {}}))
    with pytest.raises(ValueError) as error:
        nn.load(path)
    assert str(path) in str(error.value) and len(str(error.value)) < 400
