"""Graph walks: topological order, backward, backward one step at a time, zero_grad.

Gradient semantics (as PyTorch's accumulation): each ``backward()`` adds d(root)/d(node), times the
seed, to every node's ``.grad`` exactly once. Gradients arriving along several paths are summed, so
``x * x`` gives 2x and a diamond adds both branches. Gradients already on the nodes are never
propagated again: a second ``backward()`` therefore doubles every gradient exactly.

Nothing here is recursive: a chain of a million gates is walked with an explicit stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from math import isfinite
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.value import Value

_grad = attrgetter("grad")


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` was computed from (and root), each one after all of its inputs.

    A depth-first walk with an explicit stack (never recursion, so a million chained gates are
    fine) lists a node once everything it was computed from is listed (post-order): the first
    input's subgraph, then the second input's, then the gate. For ``f = (x + y) * z`` that is
    ``x, y, x + y, z, f``. The same graph always gives the same order, and nodes that were built
    together stay together in it (a sort by depth would interleave, say, the samples of a
    batch), so backward reads memory in long runs.
    """
    order: list[Value] = []
    seen = {root}
    stack = [root]  # the path being explored; the top is listed once its inputs are
    while stack:
        node = stack[-1]
        a = node._a
        if a is not None:
            if a not in seen:
                seen.add(a)
                if a._a is not None:  # a gate: list what it needs first
                    stack.append(a)
                    continue
                order.append(a)  # a leaf needs nothing: listed when met
            b = node._b
            if b is not None and b not in seen:
                seen.add(b)
                if b._a is not None:
                    stack.append(b)
                    continue
                order.append(b)
        order.append(stack.pop())
    return order


def backward_order(root: Value) -> list[Value]:
    """The order backward visits nodes: every gate before its inputs (topological order reversed),
    so a node's gradient is complete before it is passed on."""
    order = topological_order(root)
    order.reverse()
    return order


def _seed(grad: Any) -> float:
    from autograd.value import as_float

    return as_float(grad, "backward grad")


def _set_aside(order: list[Value]) -> list[float] | None:
    """The gradients the nodes hold from earlier passes, each set to 0.0 while this pass runs.

    None when every one is 0.0 (a fresh graph, or after ``zero_grad()``): then there is nothing
    to set aside or add back, and backward skips two passes over the graph.
    """
    if not any(map(_grad, order)):
        return None
    previous = list(map(_grad, order))
    for node in order:
        node.grad = 0.0
    return previous


def _finish(order: list[Value], previous: list[float] | None) -> None:
    """Add back the gradients the nodes held before this pass; undo everything on overflow."""
    if previous is None:
        total = sum(map(_grad, order))
        if total - total:  # nan: some gradient is inf or nan (or the sum of finite ones overflowed)
            _check_finite(order, [0.0] * len(order))
        return
    for node, before in zip(order, previous):
        node.grad += before
    _check_finite(order, previous)


def _check_finite(order: list[Value], previous: list[float]) -> None:
    """If a gradient is inf or nan, put back ``previous`` and raise an OverflowError naming one."""
    overflowed = [node for node in order if not isfinite(node.grad)]
    if not overflowed:
        return
    for node, before in zip(order, previous):
        node.grad = before
    named = [n for n in overflowed if n.label] or [n for n in overflowed if not n.is_constant]
    where = named[0].label or repr(named[0]) if named else repr(overflowed[0])
    raise OverflowError(
        f"the gradient overflowed a float during backward at {len(overflowed)} node(s), "
        f"for example at {where}; gradients were left as they were. Rescale the inputs "
        "or the seed."
    )


def backward(root: Value, grad: Any = 1.0) -> None:
    """Reverse-mode pass: node.grad += grad * d root / d node, for every node in root's graph."""
    seed = _seed(grad)
    order = backward_order(root)
    previous = _set_aside(order)
    root.grad = seed
    for node in order:
        a = node._a
        if a is not None:
            upstream = node.grad
            a.grad += node._la * upstream
            b = node._b
            if b is not None:
                b.grad += node._lb * upstream
    _finish(order, previous)


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


def backward_steps(root: Value, grad: Any = 1.0) -> Iterator[Step]:
    """``backward()`` one edge at a time, yielding a :class:`Step` per (gate, input) edge.

    The edges come in the order backward visits them, with the same arithmetic, so draining the
    generator leaves exactly the gradients ``backward()`` leaves. While it runs, ``.grad`` holds
    this pass's gradients; gradients from earlier passes are added back when it finishes (or is
    closed early).
    """
    seed = _seed(grad)
    order = backward_order(root)
    previous = _set_aside(order)
    root.grad = seed
    try:
        for node in order:
            upstream = node.grad
            for index, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
                parent.grad += local * upstream
                yield Step(node, parent, index, upstream, local, local * upstream, parent.grad)
    finally:
        _finish(order, previous)


def zero_grad(root: Value) -> None:
    """Set ``.grad`` to 0.0 on root and every node it was computed from."""
    for node in topological_order(root):
        node.grad = 0.0


def count_nodes(root: Value) -> int:
    """How many nodes root's graph has (root included)."""
    return len(topological_order(root))


__all__ = [
    "Step",
    "backward",
    "backward_order",
    "backward_steps",
    "count_nodes",
    "topological_order",
    "zero_grad",
]
