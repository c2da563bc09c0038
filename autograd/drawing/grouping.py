"""Groupings: which nodes a collapsed drawing draws as one box, and shorter names for leaves.

Drawing knows nothing about how a library labels its nodes. A library that builds groups of gates
(``nn``'s neurons) hands drawing a :class:`Grouping` and registers it under a name::

    autograd.drawing.register_grouping("neuron", NeuronGrouping())   # done by ``import nn``

after which ``draw(loss, collapse="neuron")`` and ``Stepper(loss, collapse="neuron")`` use it.
``collapse`` may also be a Grouping object, or a mapping ``{output node: Group}``.

A group is known by its output node (a neuron's output after its activation); the gates and
leaves used only inside it are hidden (see :mod:`autograd.drawing.scene`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, Union

from autograd.value import Value


@dataclass(frozen=True)
class Group:
    """What a grouping says about a group's output node."""

    cluster: str  # the box it is drawn in, with the others of its kind ("layer1")
    name: str  # its name in that box ("n3")
    position: int  # its place in the box: n1 above n2 (left of it top to bottom)

    @property
    def title(self) -> str:
        """Its full name, as captions write it: ``layer1/n3``."""
        return f"{self.cluster}/{self.name}"


class Grouping(Protocol):
    """Hands drawing the groups of a graph, without drawing parsing any label."""

    def group(self, node: Value) -> Group | None:
        """The group whose output ``node`` is, or None."""

    def short_name(self, node: Value) -> str | None:
        """A short name for a leaf (``w1`` for a long parameter name), or None to keep its own."""


def keeps_outside(grouping: Grouping | None, leaf: Value) -> bool:
    """Whether ``grouping`` says ``leaf`` is data flowing into a group, to be drawn even where a
    single group uses it (a corner pixel of an image, read by one output of a convolution). A
    grouping says so with an optional method ``data(leaf) -> bool``; without one, a leaf used by
    one group only is taken for part of it (a neuron's weight)."""
    data = getattr(grouping, "data", None)
    return bool(data(leaf)) if callable(data) else False


class MappingGrouping:
    """A Grouping from a mapping ``{output node: Group}`` (no short names)."""

    def __init__(self, groups: Mapping[Value, Group]) -> None:
        self.groups = dict(groups)

    def group(self, node: Value) -> Group | None:
        return self.groups.get(node)

    def short_name(self, node: Value) -> str | None:
        return None


Collapse = Union[str, Grouping, Mapping[Value, Group], None]
_REGISTERED: dict[str, Grouping] = {}


def register_grouping(name: str, grouping: Grouping) -> None:
    """Make ``collapse=name`` use ``grouping`` (registering a name again replaces it)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"a grouping's name must be a non-empty str, got {name!r}")
    if not (
        callable(getattr(grouping, "group", None))
        and callable(getattr(grouping, "short_name", None))
    ):
        raise TypeError(
            f"{grouping!r} is not a grouping: it needs methods group(node) and short_name(node)"
        )
    _REGISTERED[name] = grouping


def find_grouping(collapse: Collapse) -> Grouping | None:
    """The grouping ``collapse`` names or is (None: no collapsing)."""
    if collapse is None:
        return None
    if isinstance(collapse, str):
        if collapse not in _REGISTERED:
            known = ", ".join(repr(name) for name in sorted(_REGISTERED)) or "none yet"
            hint = " (import nn first: it registers 'neuron')" if collapse == "neuron" else ""
            raise ValueError(
                f"collapse={collapse!r} is not a registered grouping{hint}; registered: {known}"
            )
        return _REGISTERED[collapse]
    if isinstance(collapse, Mapping):
        return MappingGrouping(collapse)
    if callable(getattr(collapse, "group", None)) and callable(
        getattr(collapse, "short_name", None)
    ):
        return collapse
    raise ValueError(
        f"collapse={collapse!r} is not supported; use a registered name such as 'neuron', a "
        "grouping, a mapping {output node: Group}, or None"
    )


def short_name(node: Value, grouping: Grouping | None) -> str | None:
    """The short name ``grouping`` (or, without one, any registered grouping) gives ``node``."""
    candidates = [grouping] if grouping is not None else list(_REGISTERED.values())
    for candidate in candidates:
        name = candidate.short_name(node)
        if name:
            return name
    return None
