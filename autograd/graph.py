"""Graph walks: the order of a graph's nodes, backward, backward one edge at a time, zero_grad.

Gradient semantics (as PyTorch's accumulation): each backward pass adds d root / d node, times
the seed, to every node's ``.grad`` exactly once. Gradients arriving along several paths are
summed, so ``x * x`` gives 2x and a diamond adds both branches. A pass computes its own gradients
before it adds them, so gradients already on the nodes are never propagated again: a second
``backward()`` doubles every gradient exactly (micrograd's would quadruple some).

Two algorithms give these gradients:

* :func:`backward_reference`, with :func:`gradient_steps`, is reverse mode as the lectures teach
  it: order the nodes so that each comes after everything it was computed from
  (:func:`topological_order`), then go through them from the output back, and for every edge add
  ``local * upstream`` to the input's gradient. Read this one.
* :func:`backward`, which ``Value.backward()`` runs, computes the same gradients without ordering
  the graph first (Kahn's algorithm on the use counts the forward pass kept): on a chain it is
  about three times as fast. Property tests check it against the reference on random graphs.

Nothing here is recursive: a chain of a million gates is walked with an explicit stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from math import isfinite
from typing import TYPE_CHECKING, Any

from autograd.checks import as_float
from autograd.ops import CONSTANT, format_number

if TYPE_CHECKING:
    from autograd.value import Value


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` was computed from, and root, each after all of its inputs.

    A depth-first walk with an explicit stack lists a node once everything it was computed from
    is listed (post-order): the first input's subgraph, then the second input's, then the gate.
    For ``f = (x + y) * z`` that is ``x, y, x + y, z, f``. The same graph always gives the same
    order.
    """
    order: list[Value] = []
    seen = {root}
    stack = [root]  # the path being explored; the top is listed once its inputs are
    while stack:
        node = stack[-1]
        for parent in (node._x, node._y):
            if parent is not None and parent not in seen:
                seen.add(parent)
                if parent._x is not None:  # a gate: list what it needs first
                    stack.append(parent)
                    break
                order.append(parent)  # a leaf needs nothing: listed when met
        else:
            order.append(stack.pop())
    return order


def node_names(root: Value) -> dict[Value, str]:
    """A name per node: its label, a constant's number, else ``n1``, ``n2``, ... in topological
    order (skipping names a label already took). Diagrams, captions and ``summary`` call a node by
    this name, and compiled code makes its variables from it. Two nodes may share a name (two
    leaves labelled ``x``, two constants ``2``)."""
    order = topological_order(root)
    taken = {node.label for node in order if node.label}
    names: dict[Value, str] = {}
    count = 0
    for node in order:
        if node.label:
            names[node] = node.label
        elif node.is_constant:
            names[node] = format_number(node.data)
        else:
            count += 1
            while f"n{count}" in taken:
                count += 1
            names[node] = f"n{count}"
    return names


@dataclass(frozen=True)
class Step:
    """One edge of backward: ``gate`` passes gradient to its input number ``index``.

    ``contribution = local * upstream``: the local gradient d gate / d input times the upstream
    gradient d root / d gate. ``input_grad`` is the input's gradient from this pass so far,
    contribution included.
    """

    gate: Value
    input: Value
    index: int
    upstream: float
    local: float
    contribution: float
    input_grad: float


def gradient_steps(root: Value, seed: float, grads: dict[Value, float]) -> Iterator[Step]:
    """Reverse mode, one edge at a time: fill ``grads`` with d root / d node times ``seed``.

    The nodes are visited from the output back (reversed :func:`topological_order`), so every
    node comes after all the nodes that use it: its gradient is complete when its turn comes.
    It then passes ``local * upstream`` on to each of its inputs (the chain rule), and those
    contributions add up (gradients add at branches). No ``.grad`` is touched.
    """
    grads[root] = seed
    for node in reversed(topological_order(root)):
        upstream = grads[node]
        if node._hooks:
            upstream = grads[node] = _run_hooks(node, upstream)
        for index, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            contribution = local * upstream
            grads[parent] = grads.get(parent, 0.0) + contribution
            yield Step(node, parent, index, upstream, local, contribution, grads[parent])


def gradient_pass(root: Value, seed: float) -> dict[Value, float]:
    """d root / d node times ``seed`` for every node: :func:`gradient_steps` run to the end."""
    grads: dict[Value, float] = {}
    for _ in gradient_steps(root, seed, grads):
        pass
    return grads


def backward_reference(root: Value, grad: Any = 1.0) -> None:
    """Add d root / d node, times ``grad``, to every node's ``.grad``: the reference algorithm.

    This pass's gradients are computed first, by :func:`gradient_steps`, then added to ``.grad``.
    If one of them is not a finite number, nothing is changed and the error names the gate.
    """
    add_to_grad(root, gradient_pass(root, as_float(grad, "backward grad")))


def add_to_grad(root: Value, grads: dict[Value, float]) -> None:
    """``node.grad += g`` for every node but the constants (plain numbers have no gradient to
    keep); all or nothing: if a gradient is inf or nan, no ``.grad`` changes and the error names
    the gate where it went wrong."""
    new = [(node, node.grad + g) for node, g in grads.items() if not node.is_constant]
    if not all(isfinite(g) for _, g in new):
        raise gradient_error(root, grads)
    for node, g in new:
        node.grad = g


def _run_hooks(node: Value, grad: float) -> float:
    """Call each of the node's hooks with its gradient; a hook that returns a number replaces it."""
    for hook in node.hooks:
        result = hook(grad)
        if result is not None:
            grad = as_float(result, f"the result of hook {getattr(hook, '__name__', hook)!r}")
    return grad


def gradient_error(root: Value, grads: dict[Value, float]) -> OverflowError:
    """The error for a pass whose gradients are not all finite, naming the first edge (from the
    output back) that made one: an overflow, or an infinite local derivative (sqrt at 0)."""
    names = node_names(root)
    for node in reversed(topological_order(root)):
        upstream = grads.get(node, 0.0)
        if node.is_constant:
            continue
        if not isfinite(upstream):  # each user's contribution was finite: their sum was not
            return OverflowError(
                f"backward: the gradient of {names[node]} overflows a float when the "
                "contributions of its users are added up; no gradient was changed: rescale the "
                "inputs or the seed"
            )
        for parent, local in zip(node.parents, node.local_grads):
            if parent.is_constant or isfinite(local * upstream):
                continue
            gate = f"gate {names[node]} ({node.gate.name})"
            if isfinite(local):
                problem = (
                    f"overflows a float: {gate} passes local {local!r} x upstream {upstream!r}"
                )
                hint = "rescale the inputs or the seed"
            else:
                problem = f"is not finite: {gate} has the local derivative {local!r} there"
                hint = (
                    f"keep the input of {node.gate.name} away from where it is not differentiable"
                )
            return OverflowError(
                f"backward: the gradient of {names[parent]} {problem}; no gradient was changed: "
                f"{hint}"
            )
    return OverflowError(
        "backward: a gradient overflowed a float when added to the one its node held; no "
        "gradient was changed: call zero_grad() first, or rescale the seed"
    )


def backward(root: Value, grad: Any = 1.0) -> None:
    """Add d root / d node, times ``grad``, to every node's ``.grad``.

    The same gradients as :func:`backward_reference`, computed without ordering the graph first.
    Kahn's algorithm orders a graph by taking a node once every node before it has been taken;
    here "before" is "uses it", and taking a gate means passing its gradient on:

    * The forward pass counted, on each gate, how many gates were built on it (``_uses``). A
      gate's gradient is complete once that many users have passed theirs on.
    * A gate with one user is complete as soon as that user is: a chain is followed with the
      gradient in hand (``node``, ``g``), nothing looked up. A gate with several users collects
      its gradient in ``waiting`` until the last one has come.
    * A leaf collects its gradient in ``.grad`` itself. The first contribution of this pass
      stamps the leaf with the pass's ``mark`` and sets aside what ``.grad`` held before (in
      ``held``); it is added back at the end, so this pass's sum is exact.
    * A gate may also be used outside root's graph (``y = h * 2`` beside ``z = h + 1``, then
      ``z.backward()``): its last user never comes. When nothing else is left to do, the users of
      the gates still waiting are counted again within the graph (:func:`_uses_within`).

    The two inputs of a gate are handled by the same lines written twice (``x``, then ``y``):
    a helper function or a loop over pairs would add a call or two tuples per gate to the loop
    that is the whole of backward's time. If a gradient is not finite, every ``.grad`` is put
    back as it was and the error names the gate.
    """
    seed = as_float(grad, "backward grad")
    mark = object()  # this pass: a leaf whose _pass is mark has been reached already
    held: list[tuple[Value, float]] = []  # nodes whose .grad was not 0.0 before, with it: a
    # leaf's is added back at the end; a gate's is only needed to put it back on an error
    leaves: list[Value] = []  # every leaf reached (the leaves keep this pass's sum in .grad)
    left: dict[Value, int] = {}  # gates with several users: users still to come
    waiting: dict[Value, float] = {}  # ... and their gradient so far
    ready: list[tuple[Value, float]] = []  # gates whose gradient is complete
    x: Any  # an input of the gate at hand; None once it has been dealt with
    y: Any
    if root._x is None:
        _first_in_pass(root, seed, mark, held, leaves)
    else:
        ready.append((root, seed))
    while ready:
        node, g = ready.pop()
        while True:  # follow the chain from node, with its complete gradient g in hand
            if node._hooks:
                try:
                    g = _run_hooks(node, g)
                except BaseException:  # a hook raised: nothing of this pass stays
                    _put_back(root, [node, *(gate for gate, _ in ready), *waiting], leaves, held)
                    raise
            if node.grad:
                held.append((node, node.grad))
                node.grad += g
            else:
                node.grad = g
            x, gx = node._x, node._local_x * g
            if x._x is None:  # a leaf
                if x._pass is mark:
                    x.grad += gx
                else:
                    _first_in_pass(x, gx, mark, held, leaves)
                x = None
            elif x._uses != 1:  # a shared gate: complete once its last user has come
                gx += waiting.pop(x, 0.0)
                users = left.pop(x, x._uses) - 1
                if users:
                    left[x], waiting[x], x = users, gx, None
            y = node._y
            if y is not None:
                gy = node._local_y * g
                if y._x is None:
                    if y._pass is mark:
                        y.grad += gy
                    else:
                        _first_in_pass(y, gy, mark, held, leaves)
                    y = None
                elif y._uses != 1:
                    gy += waiting.pop(y, 0.0)
                    users = left.pop(y, y._uses) - 1
                    if users:
                        left[y], waiting[y], y = users, gy, None
                if y is not None:  # go on with y; x waits on the stack
                    if x is not None:
                        ready.append((x, gx))
                    node, g = y, gy
                    continue
            if x is None:
                break
            node, g = x, gx
        if not ready and left:  # gates used outside root's graph: count within it
            left = {gate: n for gate, n in _uses_within(left).items() if gate._uses != 1}
            ready = [(gate, waiting.pop(gate)) for gate in list(waiting) if gate not in left]
    _finish(root, leaves, held)


def _first_in_pass(
    leaf: Value, g: float, mark: object, held: list[tuple[Value, float]], leaves: list[Value]
) -> None:
    """A leaf's first contribution in a pass: set aside what it held, stamp it with the pass.
    A constant gets no gradient (a plain number has none to keep)."""
    if leaf.gate is CONSTANT:
        return
    if leaf.grad:
        held.append((leaf, leaf.grad))
    leaf.grad = g
    leaf._pass = mark
    leaves.append(leaf)


def _finish(root: Value, leaves: list[Value], held: list[tuple[Value, float]]) -> None:
    """Run the leaves' hooks and add back what the leaves held. If a gradient is not finite, put
    every ``.grad`` back as it was and raise an error naming the gate.

    An inf or nan anywhere in this pass reaches every leaf below it (times a local derivative,
    or as nan for 0 * inf), so the leaves, and the nodes that held a gradient before (where the
    sum may overflow), are check enough; only when they fail is every node looked at.
    """
    try:
        for leaf in leaves:
            if leaf._hooks:
                leaf.grad = _run_hooks(leaf, leaf.grad)
    except BaseException:  # a leaf's hook raised: every gate is written, nothing stays
        _put_back(root, [], leaves, held)
        raise
    for node, before in held:
        if node._x is None:
            node.grad += before
    checked = [leaf.grad for leaf in leaves] + [node.grad for node, _ in held]
    if isfinite(sum(checked)) or all(isfinite(g) for g in checked):
        return
    previous = dict(held)
    order = topological_order(root)
    this_pass = {node: node.grad - previous.get(node, 0.0) for node in order}
    for node in order:
        node.grad = previous.get(node, 0.0)
    raise gradient_error(root, this_pass)


def _put_back(
    root: Value, unwritten: list[Value], leaves: list[Value], held: list[tuple[Value, float]]
) -> None:
    """Undo a pass that a hook stopped: every gate the pass wrote and every leaf it reached
    gets back the gradient it held before (``held``; 0.0 if it is not there). A gate is written
    only once all its users have passed their gradients on, so the gates not yet written are the
    ``unwritten`` ones (ready, or waiting for users) and every gate below them."""
    previous = dict(held)
    below = {node for gate in unwritten for node in topological_order(gate)}
    for node in topological_order(root):
        if node._x is not None and node not in below:
            node.grad = previous.get(node, 0.0)
    for leaf in leaves:
        leaf.grad = previous.get(leaf, 0.0)


def _uses_within(waiting: dict[Value, int]) -> dict[Value, int]:
    """For each gate at or below the ``waiting`` gates that is used by one of them or by a gate
    below them: how many such users it has. These are its users still to come in this pass."""
    uses: dict[Value, int] = {}
    stack = list(waiting)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for parent in (node._x, node._y):
            if parent is not None and parent._x is not None:
                uses[parent] = uses.get(parent, 0) + 1
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
    return uses


def backward_steps(root: Value, grad: Any = 1.0) -> Iterator[Step]:
    """``backward()`` one edge at a time, yielding a :class:`Step` per (gate, input) edge.

    The edges come in the reference order with the reference arithmetic (:func:`gradient_steps`);
    once the generator is drained, the pass's gradients are added to ``.grad``, exactly as
    ``backward()`` adds them. A generator closed early changes no ``.grad``.
    """
    grads: dict[Value, float] = {}
    yield from gradient_steps(root, as_float(grad, "backward grad"), grads)
    add_to_grad(root, grads)


def reached_from(order: list[Value], sources: Iterable[Value]) -> set[Value]:
    """The ``sources`` and every node of ``order`` (a topological order) computed from one of
    them: the nodes a derivative with respect to the sources flows through."""
    reached = set(sources)
    for node in order:
        for parent in node.parents:
            if parent in reached:
                reached.add(node)
                break
    return reached


def zero_grad(root: Value) -> None:
    """Set ``.grad`` to 0.0 on root and every node it was computed from."""
    for node in topological_order(root):
        node.grad = 0.0


def count_nodes(root: Value) -> int:
    """How many nodes root's graph has (root included)."""
    return len(topological_order(root))


__all__ = [
    "Step",
    "node_names",
    "add_to_grad",
    "backward",
    "backward_reference",
    "backward_steps",
    "count_nodes",
    "gradient_error",
    "gradient_pass",
    "gradient_steps",
    "reached_from",
    "topological_order",
    "zero_grad",
]
