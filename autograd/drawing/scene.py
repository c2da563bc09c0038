"""What a diagram shows: the drawn nodes and the links between them, independent of the look.

A :class:`Scene` is built once from a graph and drawn in either style (``circuit`` or
``record``), by the stepper in every frame, so every frame has the same nodes and links.

* Constants (the ``-1`` in ``x * -1``) are not drawn: they are folded into their gate's text
  (``*-1``, ``+1``).
* Node ids follow :func:`autograd.graph.topological_order` (``n0``, ``n1``, ...), which is
  deterministic, so the same graph always gives the same DOT text. Every node has a name
  (:func:`autograd.report.node_names`: its label, else ``n1``, ``n2``, ...), the same in the
  diagram, the stepper's captions and :func:`autograd.summary`.
* ``collapse`` keeps one node per group (see :mod:`autograd.drawing.grouping`; ``nn`` registers
  ``'neuron'``): a group's output is drawn, and every other node is hidden when all the nodes that
  use it belong to one and the same group (a neuron's weights, bias, products and sums);
  everything else is drawn: data inputs (used by several neurons) and what is computed from the
  network's outputs (a loss).
* Graphs whose layout would take ``dot`` minutes are refused up front: more than ``max_nodes``
  drawn nodes, or wires that would cross most of the drawing many times over (a node used all
  along a long chain), see :func:`wire_span`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from autograd.drawing.grouping import (
    Collapse,
    Group,
    Grouping,
    find_grouping,
    keeps_outside,
    short_name,
)
from autograd.graph import topological_order
from autograd.ops import format_number
from autograd.report import node_names
from autograd.value import Value

DEFAULT_MAX_NODES = 500
LAYOUT_PER_NODE = 16
"""A scene may give dot at most ``LAYOUT_PER_NODE * max_nodes`` nodes to lay out (see
:func:`layout_size`), 8,000 at the default ``max_nodes``. dot's time grows with about the square
of that size: ``python -m bench.drawing`` measured 2-4 s at 4,851 columns crossed, 8 s at 7,750
and 21-26 s at 14,196 (a shared 2-core machine); far beyond, dot takes minutes or crashes."""


@dataclass(frozen=True, eq=False)
class Item:
    """One drawn node: an input (leaf), a gate, or a collapsed group (a neuron)."""

    id: str
    value: Value
    kind: str  # "input", "gate" or "neuron"
    text: str  # what the node shows: input name, gate symbol with constants ("*-1"), "n3"
    name: str  # its name on wires and in captions: "x", "q", "n3", "layer1/n3"
    labelled: bool = False  # a gate with a label of its own (drawn on its wire by default)
    cluster: str | None = None  # a group's box ("layer1")
    position: int = 0  # a group's place in its box
    pre: Value | None = None  # a group's pre-activation: the one input of its output gate
    dead: bool = False  # a group whose output gate passes nothing back (local gradient 0)


@dataclass(frozen=True, eq=False)
class Link:
    """A wire from ``source`` into ``target``.

    ``index`` is the argument position of ``source`` at the gate ``target`` (a real edge of the
    graph, whose gradient is local x upstream); ``None`` for a path through a collapsed group.
    ``edges`` are the graph's edges ``(gate, input position)`` the link stands for: its gradient
    is theirs, summed (for a collapsed group, what flows back through it to ``source``).
    """

    source: Item
    target: Item
    index: int | None
    edges: tuple[tuple[Value, int], ...]


@dataclass
class Scene:
    """The drawn items (in topological order) and links (per target, in argument order)."""

    items: list[Item]
    links: list[Link]
    root: Item
    by_value: dict[Value, Item] = field(default_factory=dict)
    owner: dict[Value, Item] = field(default_factory=dict)  # hidden node -> its group's item
    _outgoing: dict[Item, list[Link]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for item in self.items:
            self._outgoing[item] = []
        for link in self.links:
            self._outgoing[link.source].append(link)

    def outgoing(self, item: Item) -> list[Link]:
        """The links leaving ``item``, in the order they were made."""
        return self._outgoing[item]

    def item_of(self, node: Value) -> Item | None:
        """The item that shows ``node``: its own, its group's, or None (a constant)."""
        return self.by_value.get(node) or self.owner.get(node)

    def clusters(self) -> Iterator[tuple[str, list[Item]]]:
        """Each group box (in order of first appearance) with its groups in their positions."""
        boxes: dict[str, list[Item]] = {}
        for item in self.items:
            if item.cluster is not None:
                boxes.setdefault(item.cluster, []).append(item)
        for cluster, members in boxes.items():
            yield cluster, sorted(members, key=lambda item: item.position)

    def fed_inputs(self) -> list[Item]:
        """The inputs that feed groups, in the order the first group takes them (x1, x2, ...)."""
        found: dict[Item, None] = {}
        for link in self.links:
            if link.target.kind == "neuron" and link.source.kind == "input":
                found.setdefault(link.source)
        return list(found)


def gate_text(node: Value) -> str:
    """The gate's symbol with its constant inputs folded in: ``*-1``, ``+1``, ``max 0``, and on
    the left where the number is the first input of ``/`` or ``**``: ``10/``, ``2**``."""
    text = node.op
    for index, parent in enumerate(node.parents):
        if parent.is_constant:
            c = parent.data
            if index == 0 and text in ("/", "**"):
                text = format_number(c) + text
            elif text == "+" and c < 0:
                text = "-" + format_number(-c)
            elif text[-1:].isalpha():
                text += " " + format_number(c)
            else:
                text += format_number(c)
    return text


def _groups(order: list[Value], grouping: Grouping | None) -> dict[Value, Group]:
    """The group outputs among the gates of ``order``."""
    if grouping is None:
        return {}
    found = {}
    for node in order:
        if not node.is_leaf:
            group = grouping.group(node)
            if group is not None:
                found[node] = group
    return found


def _hidden_owners(
    order: list[Value], groups: dict[Value, Group], grouping: Grouping | None
) -> dict[Value, Value]:
    """For each node hidden by collapsing, the group output that owns it.

    A node is hidden when every node that uses it is that group's output or already hidden inside
    it, unless it is a leaf the grouping calls data. Walking from the root backwards visits every
    user of a node before the node itself.
    """
    users: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for parent in node.parents:
            users[parent].append(node)
    owner: dict[Value, Value] = {}
    for node in reversed(order):
        if node in groups or not users[node]:
            continue
        if node.is_leaf and keeps_outside(grouping, node):
            continue
        owners = {user if user in groups else owner.get(user) for user in users[node]}
        if len(owners) == 1:
            group = owners.pop()
            if group is not None:
                owner[node] = group
    return owner


def _collapsed_edges(
    output: Value, owner: dict[Value, Value]
) -> dict[Value, list[tuple[Value, int]]]:
    """The drawn nodes feeding a group through its hidden inside, in argument order (x1 before
    x2), each with the graph edges by which it enters the group."""
    found: dict[Value, list[tuple[Value, int]]] = {}
    seen = {output}

    def inputs_of(gate: Value) -> list[tuple[Value, int, Value]]:
        return [(gate, i, parent) for i, parent in reversed(list(enumerate(gate.parents)))]

    stack = inputs_of(output)
    while stack:
        gate, index, parent = stack.pop()
        if parent.is_constant:
            continue
        if owner.get(parent) is not output:
            found.setdefault(parent, []).append((gate, index))
        elif parent not in seen:
            seen.add(parent)
            stack.extend(inputs_of(parent))
    return found


def wire_span(items: list[Item], links: list[Link]) -> tuple[int, Item | None]:
    """How many columns the wires cross in all (dot lays out a piece of wire for each column a
    wire passes), and the item whose wires cross the most.

    The columns are about those dot chooses: each item one column after its latest input, then,
    from the output back, an item moves up to the column before its first user when it has at
    least as many users as inputs (dot shortens the wires in all; an input is put next to its
    use). A wire into the next column crosses none.
    """
    incoming: dict[Item, list[Link]] = {item: [] for item in items}
    outgoing: dict[Item, list[Link]] = {item: [] for item in items}
    for link in links:
        incoming[link.target].append(link)
        outgoing[link.source].append(link)
    column: dict[Item, int] = {}
    for item in items:
        column[item] = 1 + max((column[link.source] for link in incoming[item]), default=-1)
    for item in reversed(items):
        users = outgoing[item]
        if users and len(users) >= len(incoming[item]):
            column[item] = max(column[item], min(column[link.target] for link in users) - 1)
    crossed: dict[Item, int] = {}
    for link in links:
        span = column[link.target] - column[link.source] - 1
        crossed[link.source] = crossed.get(link.source, 0) + span
    worst = max(crossed, key=crossed.__getitem__, default=None)
    return sum(crossed.values()), worst


def _check_size(
    drawn: list[Value], max_nodes: int, grouping: Grouping | None, order: list[Value]
) -> None:
    if len(drawn) <= max_nodes:
        return
    hint = ""
    if grouping is None:
        try:
            neurons = find_grouping("neuron")
        except ValueError:
            neurons = None
        if neurons is not None and any(_groups(order, neurons)):
            hint = "pass collapse='neuron' (one box per neuron) or "
    raise ValueError(
        f"the graph has {len(drawn)} nodes to draw, more than max_nodes={max_nodes}, and dot "
        f"would take very long to lay it out: {hint}pass max_nodes={len(drawn)} to draw it anyway"
    )


def build_scene(
    root: Value,
    collapse: Collapse = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    short_names: bool = False,
) -> Scene:
    """The items and links to draw for ``root``'s graph (see the module docstring)."""
    if not isinstance(root, Value):
        raise TypeError(f"draw needs a Value, got {type(root).__name__} {root!r}")
    grouping = find_grouping(collapse)
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    if short_names not in (True, False):
        raise ValueError(f"short_names must be True or False, got {short_names!r}")
    order = topological_order(root)
    groups = _groups(order, grouping)
    owner = _hidden_owners(order, groups, grouping)
    drawn = [node for node in order if not node.is_constant and node not in owner]
    if root.is_constant:
        drawn = [root]
    _check_size(drawn, max_nodes, grouping, order)

    names = node_names(root)
    index = {node: k for k, node in enumerate(order)}
    by_value: dict[Value, Item] = {}
    for node in drawn:
        item_id = f"n{index[node]}"
        group = groups.get(node)
        if group is not None:
            pre = [p for p in node.parents if not p.is_constant]
            inner = pre[0] if len(pre) == 1 and owner.get(pre[0]) is node else None
            dead = inner is not None and node.local_grads[node.parents.index(inner)] == 0.0
            item = Item(
                item_id, node, "neuron", group.name, group.title, cluster=group.cluster,
                position=group.position, pre=inner, dead=dead,
            )  # fmt: skip
        elif node.is_leaf:
            name = (short_names and short_name(node, grouping)) or names[node]
            item = Item(item_id, node, "input", name, name)
        else:
            item = Item(item_id, node, "gate", gate_text(node), names[node], bool(node.label))
        by_value[node] = item
    links: list[Link] = []
    for item in by_value.values():
        if item.kind == "neuron":
            for source, edges in _collapsed_edges(item.value, owner).items():
                links.append(Link(by_value[source], item, None, tuple(edges)))
        elif item.kind == "gate":
            for position, parent in enumerate(item.value.parents):
                if not parent.is_constant:
                    edge = ((item.value, position),)
                    links.append(Link(by_value[parent], item, position, edge))
    items = list(by_value.values())
    span, worst = wire_span(items, links)
    size = len(items) + span
    if size > LAYOUT_PER_NODE * max_nodes and worst is not None:
        uses = len([link for link in links if link.source is worst])
        raise ValueError(
            f"the graph has {len(items)} nodes to draw, but {worst.name} is used by {uses} gates "
            f"spread along it, so dot would lay out {size} nodes (one more for each column a wire "
            f"crosses), more than {LAYOUT_PER_NODE} x max_nodes={max_nodes}, and take minutes: "
            "draw a smaller part of the graph, read the numbers with autograd.summary(root), or "
            f"pass max_nodes={-(-size // LAYOUT_PER_NODE)} to draw it anyway"
        )
    scene_owner = {node: by_value[group] for node, group in owner.items()}
    return Scene(items, links, by_value[root], by_value, scene_owner)


def layout_size(scene: Scene) -> int:
    """How many nodes dot lays out for ``scene``: its items, plus one hidden node for each column
    a wire crosses (:func:`wire_span`)."""
    return len(scene.items) + wire_span(scene.items, scene.links)[0]
