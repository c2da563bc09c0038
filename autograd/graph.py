"""Graph walks: topological order, backward, backward one step at a time, zero_grad.

Gradient semantics (as PyTorch's accumulation): each ``backward()`` adds d(root)/d(node), times the
seed, to every node's ``.grad`` exactly once. Gradients arriving along several paths are summed, so
``x * x`` gives 2x and a diamond adds both branches. Gradients already on the nodes are never
propagated again: a second ``backward()`` therefore doubles every gradient exactly.

Nothing here is recursive: a chain of a million gates is walked with an explicit stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from math import isfinite
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from autograd.grad_mode import Tape, recorder

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


def _uses_below(waiting: Iterable[Value]) -> dict[Value, int]:
    """For every gate below the ``waiting`` gates: how many of its users are those gates or gates
    below them, that is, within the graph and still to go."""
    uses: dict[Value, int] = {}
    stack = list(waiting)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for parent in (node._a, node._b):
            if parent is not None and parent._a is not None:
                uses[parent] = uses.get(parent, 0) + 1
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
    return uses


def backward_order(root: Value) -> list[Value]:
    """The gates of root's graph in the order backward passes their gradients on (root first).

    A gate goes once every gate that uses it has gone (Kahn's algorithm): its gradient is then
    complete. The forward pass counted each gate's users (``_uses``); a gate with one user goes
    right after it, so a chain is followed without any bookkeeping. A gate that is also used
    outside root's graph waits for users that never come: when nothing else is left, the gates
    below such a gate are counted again within the graph (:func:`_uses_below`) and the pass goes
    on. :func:`backward` does the same walk with the arithmetic written in; this function is its
    plan, for :func:`backward_steps` and :func:`autograd.gradients`.

    Inside ``with tape():``, for a root made on the tape, the order is the tape's instead (see
    :func:`_tape_order`), as :func:`backward` takes it there.
    """
    order: list[Value] = []
    if root._a is None:
        return order
    tape = _tape_of(root)
    if tape is not None:
        return _tape_order(tape, root)
    a: Any  # an input of the gate at hand, or None once it has been dealt with
    b: Any
    left: dict[Value, int] = {}  # shared gates: users still to come
    waiting: dict[Value, None] = {}  # shared gates some of whose users have gone, in arrival order
    ready = [root]
    while True:
        while ready:
            node: Any = ready.pop()
            while node is not None:
                order.append(node)
                a = node._a
                if a._a is None:
                    a = None
                elif a._uses != 1:
                    n = left.get(a) or a._uses
                    if n == 1:
                        waiting.pop(a, None)
                    else:
                        left[a] = n - 1
                        waiting[a] = None
                        a = None
                b = node._b
                if b is not None and b._a is not None:
                    if b._uses != 1:
                        n = left.get(b) or b._uses
                        if n != 1:
                            left[b] = n - 1
                            waiting[b] = None
                            b = None
                        else:
                            waiting.pop(b, None)
                    if b is not None:  # b's subgraph next, then a's (reversed post-order)
                        if a is not None:
                            ready.append(a)
                        a = b
                node = a
        if not waiting:
            return order
        left = _uses_below(waiting)
        ready = [gate for gate in waiting if gate not in left]
        for gate in ready:
            del waiting[gate]


def _tape_of(root: Value) -> Tape | None:
    """The active tape, if the gate ``root`` was recorded on it and the tape is complete (no gate
    on it took an input gate made elsewhere: before the block, or in another thread, which the
    tape cannot order); else None, and backward walks the graph."""
    mode = recorder()
    if type(mode) is Tape and mode.complete and root._pass is mode.mark:
        return mode
    return None


def _recorded(tape: Tape, root: Value) -> list[Value]:
    """The tape's gates up to and including ``root``, in the order they were made."""
    gates = tape.gates
    return gates if gates[-1] is root else gates[: gates.index(root) + 1]


def _tape_order(tape: Tape, root: Value) -> list[Value]:
    """The gates of root's graph in reverse creation order, as backward takes them on a tape:
    every user of a gate was made after it, so it comes before it."""
    reached: set[Any] = {root}
    order = []
    for node in reversed(_recorded(tape, root)):
        if node in reached:
            order.append(node)
            reached.add(node._a)
            if node._b is not None:
                reached.add(node._b)
    return order


def _seed(grad: Any) -> float:
    from autograd.value import as_float

    return as_float(grad, "backward grad")


def _set_aside(nodes: list[Value]) -> list[float]:
    """The gradients the nodes hold from earlier passes, each set to 0.0 while this pass runs."""
    previous = [node.grad for node in nodes]
    for node in nodes:
        node.grad = 0.0
    return previous


def _finish(nodes: list[Value], previous: list[float]) -> None:
    """Add back the gradients the nodes held before this pass; undo everything on overflow."""
    for node, before in zip(nodes, previous):
        node.grad += before
    _check_finite(nodes, previous)


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
    """Reverse-mode pass: node.grad += grad * d root / d node, for every node in root's graph.

    The walk of :func:`backward_order` with the arithmetic written in, in one pass. A gate's
    gradient for this pass is complete when its last user has gone (shared gates collect theirs
    in ``waiting``); it is added to ``.grad`` and passed on as ``local * upstream``. A leaf sums
    its gradients in ``.grad`` itself: the first to arrive in a pass marks the leaf with this
    pass's ``mark`` and sets aside what it held (in ``held``), which is added back at the end, so
    a second backward adds exactly what the first did. Gates and leaves are dealt with in the
    order :func:`backward_order` lists them, so :func:`backward_steps` and
    :func:`autograd.gradients` give exactly these numbers (tests/autograd/test_fast_paths.py).

    Inside ``with tape():`` (:func:`autograd.tape`), a root made on the tape goes down the tape
    instead (:func:`_backward_on_tape`): the same sums, taken in creation order.
    """
    seed = _seed(grad)
    tape = _tape_of(root)
    if tape is not None:
        _backward_on_tape(tape, root, seed)
        return
    mark = object()  # this pass: a leaf whose ``_pass`` is ``mark`` has been reached already
    leaves: list[Value] = []  # every leaf reached
    held: list[tuple[Value, float]] = []  # the nodes whose gradient was not 0.0, with it
    left: dict[Value, int] = {}  # shared gates: users still to come
    waiting: dict[Value, float] = {}  # shared gates: this pass's gradient so far
    ready: list[tuple[Value, float]] = []  # gates whose gradient is complete
    a: Any  # an input of the gate at hand, or None once it has been dealt with
    b: Any
    if root._a is None:
        if root.grad:
            held.append((root, root.grad))
        root.grad = seed
        leaves.append(root)
    else:
        ready.append((root, seed))
    # The inputs a and b are handled by the same lines written twice, on purpose: a helper would
    # add a Python call per edge, and this loop is the whole of backward's time.
    while True:
        while ready:
            node, g = ready.pop()
            while True:
                p = node.grad
                if p:
                    held.append((node, p))
                    node.grad = p + g
                else:  # the usual case: nothing held, so no addition (and no new float)
                    node.grad = g
                a = node._a
                ga = node._la * g
                if a._a is None:
                    if a._pass is mark:
                        a.grad += ga
                    else:
                        p = a.grad
                        if p:
                            held.append((a, p))
                        a.grad = ga
                        a._pass = mark
                        leaves.append(a)
                    a = None
                elif a._uses != 1:
                    n = left.get(a) or a._uses
                    if n == 1:
                        ga = waiting.pop(a, 0.0) + ga
                    else:
                        left[a] = n - 1
                        waiting[a] = waiting.get(a, 0.0) + ga
                        a = None
                b = node._b
                if b is not None:
                    gb = node._lb * g
                    if b._a is None:
                        if b._pass is mark:
                            b.grad += gb
                        else:
                            p = b.grad
                            if p:
                                held.append((b, p))
                            b.grad = gb
                            b._pass = mark
                            leaves.append(b)
                    else:
                        if b._uses != 1:
                            n = left.get(b) or b._uses
                            if n != 1:
                                left[b] = n - 1
                                waiting[b] = waiting.get(b, 0.0) + gb
                                b = None
                            else:
                                gb = waiting.pop(b, 0.0) + gb
                        if b is not None:  # b's subgraph next, then a's
                            if a is not None:
                                ready.append((a, ga))
                            node = b
                            g = gb
                            continue
                if a is None:
                    break
                node = a
                g = ga
        if not waiting:
            break
        left = _uses_below(waiting)
        ready = [(gate, g) for gate, g in waiting.items() if gate not in left]
        for gate, _ in ready:
            del waiting[gate]
    _finish_leaves(root, leaves, held)


def _backward_on_tape(tape: Tape, root: Value, seed: float) -> None:
    """Backward down the tape: each gate up to root, last made first, passes ``local * grad`` to
    its inputs. A gate's users were all made after it, so its gradient is complete when its turn
    comes: no walk, no counting, no waiting. A gate whose gradient is 0.0 (root does not depend on
    it, or a relu above it is off) is skipped: it would pass on only zeros. Gradients from earlier
    passes are set aside first and added back at the end.
    """
    recorded = _recorded(tape, root)
    mark = object()  # this pass: a leaf whose ``_pass`` is ``mark`` has been reached already
    leaves: list[Value] = []
    held: list[tuple[Value, float]] = []
    if any(map(_grad, recorded)):
        held = [(node, node.grad) for node in recorded if node.grad]
        for node, _ in held:
            node.grad = 0.0
    root.grad = seed
    a: Any
    b: Any
    # As in backward, the inputs a and b get the same lines written twice: a helper would add a
    # Python call per edge to the loop that is all of this function's time.
    for node in reversed(recorded):
        g = node.grad
        if not g:
            continue
        a = node._a
        ga = node._la * g
        if a._a is not None or a._pass is mark:
            a.grad += ga
        else:
            p = a.grad
            if p:
                held.append((a, p))
            a.grad = ga
            a._pass = mark
            leaves.append(a)
        b = node._b
        if b is not None:
            gb = node._lb * g
            if b._a is not None or b._pass is mark:
                b.grad += gb
            else:
                p = b.grad
                if p:
                    held.append((b, p))
                b.grad = gb
                b._pass = mark
                leaves.append(b)
    for node, p in held:
        if node._a is not None:
            node.grad += p
    _finish_leaves(root, leaves, held)


def _finish_leaves(root: Value, leaves: list[Value], held: list[tuple[Value, float]]) -> None:
    """Add back the gradients the leaves held; if any gradient overflowed, put every gradient
    back as it was before this pass and raise.

    An inf or nan in this pass's gradient at a gate reaches every leaf below it (times a local
    derivative, or as nan for 0 * inf), so the leaves' gradients and those of the nodes that held
    one before (where adding the old gradient back may overflow too) are check enough: only when
    their sum is not finite is every node looked at.
    """
    for node, p in held:
        if node._a is None:
            node.grad += p
    total = sum(map(_grad, leaves)) + sum(node.grad for node, _ in held)
    if total - total:  # inf - inf and nan - nan are nan; any finite total gives 0.0
        order = topological_order(root)
        before = dict(held)
        _check_finite(order, [before.get(node, 0.0) for node in order])


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
    nodes = topological_order(root)
    previous = _set_aside(nodes)
    root.grad = seed
    try:
        for node in backward_order(root):
            upstream = node.grad
            for index, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
                parent.grad += local * upstream
                yield Step(node, parent, index, upstream, local, local * upstream, parent.grad)
    finally:
        _finish(nodes, previous)


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
