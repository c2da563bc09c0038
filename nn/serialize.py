"""``save`` and ``load``: a model as a JSON file holding its architecture and its parameters.

The file is plain JSON, parsed with :mod:`json` only: never evaluated, never unpickled::

    {"format": "chainrule.nn", "version": 1,
     "class": "MLP", "config": {"nin": 2, "nouts": [16, 16, 1], ...},
     "parameters": {"layers.0.neurons.0.w.0": 0.123, ...}}

A ``Sequential``'s config lists its modules, each as ``{"class": ..., "config": ...}``.

Saving writes the whole file or nothing (:func:`autograd.files.write_atomic`): a failed write (a
full disk, a quota) leaves the previous file as it was and raises an OSError naming the path.

Loading checks everything before building or changing anything. A file that is not a chainrule
model raises a ValueError that names the file and the problem: larger than ``max_bytes`` (64 MB by
default, read no further), not UTF-8, not valid JSON (a truncated file), nested too deeply, a key
given twice in one object, a missing or unexpected key, an unknown class, a shape that does not
match the architecture, or a parameter that is not a finite float (``1e999``, ``NaN``, an int of
400 digits). A file that cannot be read at all raises the OSError, which names it too.
"""

from __future__ import annotations

import json
import sys
from os import PathLike
from typing import Any, Union

from autograd.files import read_at_most, write_atomic
from nn.checks import brief, finite_float, whole_number
from nn.conv import Conv2d, MaxPool2d, pair
from nn.layers import Dropout, Flatten, Linear, ReLU, Sequential, Sigmoid, Tanh
from nn.module import MLP, Layer, Module, Neuron

FORMAT = "chainrule.nn"
VERSION = 1
MODULES: dict[str, type[Module]] = {
    cls.__name__: cls
    for cls in (Neuron, Layer, MLP, Sequential, Linear, Conv2d, MaxPool2d)
    + (ReLU, Tanh, Sigmoid, Flatten, Dropout)
}
"""The classes a file may name."""
SEEDED = ("Neuron", "Layer", "MLP", "Linear", "Conv2d")
"""The classes whose constructor draws initial weights (built with ``seed=0``, then loaded)."""
MAX_DEPTH = 16
"""How deeply Sequentials may nest in a file."""

KEYS = ("format", "version", "class", "config", "parameters")
MAX_BYTES = 64 * 2**20
"""``load`` reads at most this many bytes (64 MB) unless told otherwise. A model saved by chainrule
takes about 50 bytes per parameter, so this is over a million parameters, far past what a
scalar engine trains. Parsing takes about 8 times the file's size in memory (measured: 550 MB
and 4 seconds for a 74 MB file)."""
PathLikeStr = Union[str, "PathLike[str]"]


def save(model: Module, path: PathLikeStr) -> None:
    """Write ``model``'s class, constructor config and parameters to ``path`` as JSON."""
    _check_savable(model, 0)
    name = type(model).__name__
    if _parameter_count(name, model.config()) != model.num_parameters():
        raise ValueError(f"{name} uses a module twice; save can store each module only once")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "class": name,
        "config": model.config(),
        "parameters": model.state_dict(),
    }
    write_atomic(path, json.dumps(document, indent=1, allow_nan=False) + "\n")


def _read(path: PathLikeStr, source: str, max_bytes: int) -> str:
    """The file's text, reading at most ``max_bytes`` (+1 to tell a longer file)."""
    data = read_at_most(
        path,
        max_bytes,
        "it is not a chainrule model (pass a larger max_bytes to nn.load if it really is one)",
    )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{source} is not UTF-8 text (byte {error.start} is {data[error.start]:#04x}): "
            "it is not a chainrule model"
        ) from None


def _check_savable(model: Module, depth: int) -> None:
    name = type(model).__name__
    if MODULES.get(name) is not type(model):
        raise ValueError(f"save supports {', '.join(MODULES)}, not {name}")
    if isinstance(model, Sequential):
        if depth >= MAX_DEPTH:
            raise ValueError(f"save supports Sequentials nested up to {MAX_DEPTH} deep")
        for module in model:
            _check_savable(module, depth + 1)


def _reject_constant(name: str) -> float:
    raise ValueError(f"the number {name} is not finite; a model file holds finite numbers only")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (json alone keeps the last one)."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {brief(key)} appears twice in one object")
        document[key] = value
    return document


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        document = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{source} is not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); the file may be truncated or not a chainrule model"
        ) from None
    except RecursionError:
        raise ValueError(
            f"{source} nests JSON arrays or objects too deeply to be a chainrule model"
        ) from None
    except ValueError as error:
        reason = str(error)
        if "integer string conversion" in reason:  # Python's limit on the digits of an int
            reason = f"a number has more than {sys.get_int_max_str_digits()} digits"
        raise ValueError(f"{source}: {reason}") from None
    if not isinstance(document, dict):
        raise ValueError(f"{source} must hold a JSON object, got {type(document).__name__}")
    for key in KEYS:
        if key not in document:
            raise ValueError(f"{source} is missing the key {key!r}")
    unexpected = [key for key in document if key not in KEYS]
    if unexpected:
        raise ValueError(f"{source} has the unexpected key {brief(unexpected[0])}")
    if document["format"] != FORMAT or document["version"] != VERSION:
        raise ValueError(
            f"{source} has format {brief(document['format'])} version "
            f"{brief(document['version'])}; expected {FORMAT!r} version {VERSION}"
        )
    return document


def _size(config: dict[str, Any], key: str) -> int:
    return whole_number(config.get(key), f"config {key!r}")


def _submodules(config: dict[str, Any], depth: int) -> list[tuple[str, dict[str, Any]]]:
    """A Sequential's ``(class, config)`` items, checked to be known classes."""
    items = config.get("modules")
    if set(config) != {"modules"} or not isinstance(items, list) or not items:
        raise ValueError(f"a Sequential's config must be {{'modules': [...]}}, got {brief(config)}")
    if depth >= MAX_DEPTH:
        raise ValueError(f"Sequentials nest more than {MAX_DEPTH} deep")
    checked = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"class", "config"}:
            raise ValueError(
                f"module {i} must be {{'class': ..., 'config': {{...}}}}, got {brief(item)}"
            )
        if not isinstance(item["class"], str) or item["class"] not in MODULES:
            raise ValueError(f"module {i} has the unknown class {brief(item['class'])}")
        if not isinstance(item["config"], dict):
            raise ValueError(f"module {i}'s config must be an object, got {brief(item['config'])}")
        checked.append((item["class"], item["config"]))
    return checked


def _parameter_count(name: str, config: dict[str, Any], depth: int = 0) -> int:
    """How many parameters the architecture has (checked before anything is built)."""
    if name == "Neuron":
        return _size(config, "nin") + 1
    if name == "Layer":
        return (_size(config, "nin") + 1) * _size(config, "nout")
    if name == "MLP":
        nouts = config.get("nouts")
        if not isinstance(nouts, list) or not nouts:
            raise ValueError(
                f"config 'nouts' must be a non-empty list of layer sizes, got {brief(nouts)}"
            )
        sizes = [_size(config, "nin")] + [_size({"nouts": n}, "nouts") for n in nouts]
        return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(nouts)))
    if name == "Linear":
        return (_size(config, "nin") + 1) * _size(config, "nout")
    if name == "Conv2d":
        kh, kw = pair(config.get("kernel_size"), "config 'kernel_size'", 1)
        fan_in = _size(config, "in_channels") * kh * kw
        return (fan_in + 1) * _size(config, "out_channels")
    if name == "Sequential":
        return sum(_parameter_count(*item, depth + 1) for item in _submodules(config, depth))
    return 0  # pooling, activations, Flatten, Dropout


def _construct(name: str, config: dict[str, Any]) -> Module:
    if name == "Sequential":
        modules = []
        for i, (item, item_config) in enumerate(_submodules(config, 0)):
            try:
                modules.append(_construct(item, item_config))
            except (TypeError, ValueError) as error:
                raise ValueError(f"module {i} ({item}): {error}") from None
        return Sequential(*modules)
    cls: Any = MODULES[name]
    return cls(**config, seed=0) if name in SEEDED else cls(**config)


def _build(name: str, config: dict[str, Any], source: str) -> Module:
    try:
        return _construct(name, config)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{source}: bad config for {name}: {error}") from None


def _floats(parameters: dict[str, Any], source: str) -> dict[str, float]:
    """Every parameter as a finite float, or a ValueError naming the file and the parameter."""
    try:
        return {
            key: finite_float(value, f"parameter {brief(key)}") for key, value in parameters.items()
        }
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None


def _first_difference(
    name: str,
    config: dict[str, Any],
    source: str,
    parameters: dict[str, Any],
    model: Module | None,
) -> str:
    """'': parameter 'b' is missing' or '...: the file's parameter 'x' is not one of the
    model's': where a file with the wrong number of parameters first differs from the model. Its
    names are read from ``model``, or from the model the config builds (at most
    :data:`nn.module.MAX_PARAMETERS`; past that, nothing is built and '' is returned)."""
    if model is None:
        try:
            model = _build(name, config, source)
        except ValueError:
            return ""
    names = [key for key, _ in model.named_parameters()]
    missing = [key for key in names if key not in parameters]
    if missing:
        return f": parameter {brief(missing[0])} is missing ({len(missing)} missing in all)"
    known = set(names)
    extra = [key for key in parameters if key not in known]
    return f": the file's parameter {brief(extra[0])} is not one of the model's" if extra else ""


def load(path: PathLikeStr, model: Module | None = None, *, max_bytes: int = MAX_BYTES) -> Module:
    """The model saved at ``path``; with ``model``, load the parameters into it (same architecture
    required) and return it. On any error nothing has been built or changed.

    At most ``max_bytes`` bytes are read (:data:`MAX_BYTES`, 64 MB): a larger file, or an endless
    one such as ``/dev/zero``, is a ValueError at once. Errors name the file (see the module's
    docstring for what is checked).
    """
    max_bytes = whole_number(max_bytes, "max_bytes")
    source = str(path)
    document = _parse(_read(path, source, max_bytes), source)
    name, config, parameters = document["class"], document["config"], document["parameters"]
    if not isinstance(parameters, dict):
        raise ValueError(f"{source}: 'parameters' must be an object of name -> number")
    if not isinstance(name, str) or name not in MODULES:
        raise ValueError(
            f"{source} names the unknown class {brief(name)}; expected one of {list(MODULES)}"
        )
    if not isinstance(config, dict):
        raise ValueError(f"{source}: 'config' must be an object, got {brief(config)}")
    try:
        expected = _parameter_count(name, config)
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None
    if model is not None and (type(model).__name__ != name or model.config() != config):
        raise ValueError(
            f"{source} holds {name}({brief(config)}), which does not match the model {model!r}"
        )
    if len(parameters) != expected:
        raise ValueError(
            f"{source}: wrong shape: {name} with config {brief(config)} has "
            f"{expected if expected < 10**15 else 'more than 10**15'} parameters, the file has "
            f"{len(parameters)}{_first_difference(name, config, source, parameters, model)}"
        )
    values = _floats(parameters, source)
    target = model if model is not None else _build(name, config, source)
    try:
        target.load_state_dict(values)
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None
    return target
