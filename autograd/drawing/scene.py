"""What a diagram shows: the drawn nodes and the links between them, independent of the look.

A :class:`Scene` is built once from a graph and drawn in either style (``circuit`` or
``record``) by the stepper in every frame, so every frame has the same nodes and links.

* Constants (the ``-1`` in ``x * -1``) are not drawn: they are folded into their gate's text
  (``*-1``, ``+1``).
* Node ids follow :func:`autograd.graph.topological_order` (``n0``, ``n1``, ...), which is
  deterministic, so the same graph always gives the same DOT text.
* ``collapse='neuron'`` keeps one node per neuron. The contract with :mod:`nn`: a neuron's output
  is a gate output whose label is ``"<layer>/<neuron>"`` (for example ``"layer2/n3"``). Every other
  node is hidden when all the nodes that use it belong to one and the same neuron (its weights,
  bias, products and sums); everything else is drawn: data inputs (used by several neurons) and
  what is computed from the network's outputs (a loss).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from autograd.graph import topological_order
from autograd.ops import format_number
from autograd.report import node_names
from autograd.value import Value

DEFAULT_MAX_NODES = 500
LAYOUT_PER_NODE = 10
"""A scene may give dot at most ``LAYOUT_PER_NODE * max_nodes`` nodes to lay out (see
:func:`layout_size`): about 3 seconds of ``dot`` at the default ``max_nodes``."""
NEURON_LABEL = re.compile(r"^([^/]+)/([^/]+)$")


@dataclass(frozen=True, eq=False)
class Item:
    """One drawn node: an input (leaf), a gate, or a collapsed neuron."""

    id: str
    value: Value
    kind: str  # "input", "gate" or "neuron"
    text: str  # input or neuron name; gate symbol with folded constants ("*-1")
    name: str | None = None  # a gate's label ("q"), drawn with its output
    cluster: str | None = None  # the layer of a neuron


@dataclass(frozen=True, eq=False)
class Link:
    """A wire from ``source`` into ``target``.

    ``index`` is the argument position of ``source`` at the gate ``target`` (a real edge of the
    graph, whose gradient is local x upstream); ``None`` for a path through a collapsed neuron.
    """

    source: Item
    target: Item
    index: int | None


@dataclass
class Scene:
    """The drawn items (in topological order) and links (per target, in argument order)."""

    items: list[Item]
    links: list[Link]
    root: Item
    by_value: dict[Value, Item] = field(default_factory=dict)

    def outgoing(self, item: Item) -> list[Link]:
        """The links leaving ``item``, in the order they were made."""
        return [link for link in self.links if link.source is item]

    def clusters(self) -> Iterator[tuple[str, list[Item]]]:
        """Each layer (in order of first appearance) with its neurons (n1, n2, ..., n10)."""
        layers: dict[str, list[Item]] = {}
        for item in self.items:
            if item.cluster is not None:
                layers.setdefault(item.cluster, []).append(item)
        for layer, neurons in layers.items():
            yield layer, sorted(neurons, key=lambda item: _natural(item.text))


def _natural(text: str) -> list[tuple[int, str]]:
    """A sort key that puts n2 before n10."""
    return [(int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", text)]


def gate_text(node: Value) -> str:
    """The gate's symbol with its constant inputs folded in: ``*-1``, ``+1``, ``max 0``."""
    text = node.op
    for parent in node.parents:
        if parent.is_constant:
            c = parent.data
            if text == "+" and c < 0:
                text = "-" + format_number(-c)
            elif text[-1:].isalpha():
                text += " " + format_number(c)
            else:
                text += format_number(c)
    return text


def _neuron_layer(node: Value) -> str | None:
    """The layer name of a neuron's output (a gate labelled ``"<layer>/<neuron>"``), else None."""
    if node.is_leaf or not node.label:
        return None
    match = NEURON_LABEL.match(node.label)
    return match.group(1) if match else None


def _hidden_owners(order: list[Value]) -> dict[Value, Value]:
    """For each node hidden by ``collapse='neuron'``, the neuron that owns it.

    A node is hidden when every node that uses it is that neuron or already hidden inside it.
    Walking from the root backwards visits every user of a node before the node itself.
    """
    users: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for parent in node.parents:
            users[parent].append(node)
    owner: dict[Value, Value] = {}
    for node in reversed(order):
        if _neuron_layer(node) is not None or not users[node]:
            continue
        groups = {
            user if _neuron_layer(user) is not None else owner.get(user) for user in users[node]
        }
        if len(groups) == 1:
            group = groups.pop()
            if group is not None:
                owner[node] = group
    return owner


def _collapsed_inputs(neuron: Value, owner: dict[Value, Value]) -> list[Value]:
    """The drawn nodes feeding a neuron through its hidden interior, in argument order."""
    found: list[Value] = []
    seen = {neuron}
    stack = list(reversed(neuron.parents))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if owner.get(node) is neuron:
            stack.extend(reversed(node.parents))
        elif not node.is_constant:
            found.append(node)
    return found


def build_scene(
    root: Value, collapse: str | None = None, max_nodes: int = DEFAULT_MAX_NODES
) -> Scene:
    """The items and links to draw for ``root``'s graph (see the module docstring)."""
    if not isinstance(root, Value):
        raise TypeError(f"draw needs a Value, got {type(root).__name__} {root!r}")
    if collapse not in (None, "neuron"):
        raise ValueError(
            f"collapse={collapse!r:.40} is not supported; use collapse='neuron' or None"
        )
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    order = topological_order(root)
    owner = _hidden_owners(order) if collapse == "neuron" else {}
    drawn = [node for node in order if not node.is_constant and node not in owner]
    if root.is_constant:
        drawn = [root]
    if len(drawn) > max_nodes:
        collapse_hint = "" if collapse else "pass collapse='neuron' (one node per neuron) or "
        raise ValueError(
            f"the graph has {len(drawn)} nodes to draw, more than max_nodes={max_nodes}, and dot "
            f"would take very long to lay it out: {collapse_hint}"
            f"pass max_nodes={len(drawn)} to draw it anyway"
        )
    names = node_names(root)
    index = {node: k for k, node in enumerate(order)}
    by_value: dict[Value, Item] = {}
    for node in drawn:
        layer = _neuron_layer(node) if collapse else None
        if layer is not None:
            item = Item(f"n{index[node]}", node, "neuron", names[node], cluster=layer)
        elif node.is_leaf:
            item = Item(f"n{index[node]}", node, "input", names[node])
        else:
            item = Item(f"n{index[node]}", node, "gate", gate_text(node), node.label or None)
        by_value[node] = item
    links: list[Link] = []
    for item in by_value.values():
        if item.kind == "neuron":
            for source in _collapsed_inputs(item.value, owner):
                links.append(Link(by_value[source], item, None))
        elif item.kind == "gate":
            for position, parent in enumerate(item.value.parents):
                if not parent.is_constant:
                    links.append(Link(by_value[parent], item, position))
    scene = Scene(list(by_value.values()), links, by_value[root], by_value)
    size = layout_size(scene)
    if size > LAYOUT_PER_NODE * max_nodes:
        collapse_hint = "" if collapse else "pass collapse='neuron' (one node per neuron) or "
        raise ValueError(
            f"the graph has {len(drawn)} nodes to draw, but its wires skip so many ranks (a value "
            f"used far from where it was computed) that dot would lay out {size} nodes, more than "
            f"{LAYOUT_PER_NODE} x max_nodes={max_nodes}, and take very long: {collapse_hint}"
            f"pass max_nodes={-(-size // LAYOUT_PER_NODE)} to draw it anyway"
        )
    return scene


def layout_size(scene: Scene) -> int:
    """How many nodes dot lays out for ``scene``: its items, plus one hidden node for each rank
    a link skips (dot routes a wire from rank r to rank r + k through k - 1 hidden nodes).

    Ranks are estimated as the longest path from an input. dot's time grows faster than this
    size: a polynomial by Horner's rule, ``x`` used in each of its 50 steps, has 102 nodes but a
    layout size of 2,552.
    """
    rank: dict[Item, int] = {}
    incoming: dict[Item, list[Link]] = {}
    for link in scene.links:
        incoming.setdefault(link.target, []).append(link)
    for item in scene.items:  # topological order: every source before its targets
        rank[item] = 1 + max((rank[link.source] for link in incoming.get(item, [])), default=-1)
    skipped = sum(rank[link.target] - rank[link.source] - 1 for link in scene.links)
    return len(scene.items) + skipped
