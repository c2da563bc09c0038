"""Recording a function's graph once: which leaves are its arguments, which it closed over.

``f`` is called once on leaf Values that stand for its arguments (labelled with the parameters'
names, so the generated code reads ``q = x + y``). Every leaf of the graph it returns is then one
of three things: an **argument**, a **constant** (a plain number in ``x * 2``, written into the
code as a number), or a Value ``f`` **closed over** (a model's parameter: the compiled program
reads its current ``.data`` on every call and adds to its ``.grad``). Gates made before ``f``
ran (``h = w * 2`` outside, ``h`` used inside) are part of the graph too, so they are computed
again from their leaves on every call.

While ``f`` runs, comparing a Value or asking for its truth value raises a
:class:`~autograd.grad_mode.TraceError`: ``if x > 0:`` would record one branch and replay it
for every input. Reading ``.data`` inside ``f`` cannot be detected; don't (use ``relu``,
``max``, ``where``-style gates instead).
"""

from __future__ import annotations

import inspect
import keyword
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from autograd.grad_mode import TraceError, require_recording, tracing
from autograd.graph import node_names, reached_from, topological_order
from autograd.value import Value, constant


@dataclass(frozen=True, eq=False)
class Trace:
    """A function's graph, recorded once.

    ``order`` lists every node, each after its inputs (:func:`autograd.topological_order`);
    ``arguments`` are the leaves that stand for the arguments, ``wanted`` the indices of those
    whose gradient is asked for, and ``closed`` the leaves the function closed over, in the order
    the graph first uses them. ``aux`` are the extra Values a function with ``has_aux`` returned
    beside its value (flattened; ``rebuild`` puts numbers back into their lists).
    """

    root: Value
    order: list[Value]
    arguments: list[Value]
    wanted: tuple[int, ...]
    closed: list[Value]
    aux: list[Value]
    rebuild: Callable[[Iterator[Any]], Any]

    @cached_property
    def gates(self) -> list[Value]:
        """The nodes that gates made, in order."""
        return [node for node in self.order if not node.is_leaf]

    @cached_property
    def names(self) -> dict[Value, str]:
        """A Python identifier for every node, for the generated code (see
        :func:`variable_names`)."""
        inside = set(self.order)
        unused = [a for a in self.arguments if a not in inside]  # f(x, y) that ignores y
        return variable_names([*unused, *self.order], self.root)

    @cached_property
    def differentiable(self) -> set[Value]:
        """The nodes whose gradient is wanted: the wanted arguments, the closed-over leaves, and
        every gate computed from one of them (the gradient flows through those only)."""
        sources = [self.arguments[i] for i in self.wanted] + self.closed
        return reached_from(self.order, sources)


def parameter_names(f: Callable[..., Any], n: int) -> list[str]:
    """The names of ``f``'s first ``n`` parameters (``x``, ``y``, ...), else ``a0``, ``a1``."""
    try:
        parameters = [
            p.name
            for p in inspect.signature(f).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        parameters = []
    if len(parameters) < n:
        return [f"a{i}" for i in range(n)]
    return parameters[:n]


def trace(
    f: Callable[..., Any],
    values: Sequence[float],
    names: Sequence[str],
    wanted: Sequence[int] = (),
    has_aux: bool = False,
) -> Trace:
    """Call ``f`` once on leaves with the given values and names, and record its graph.
    ``wanted``: the arguments to differentiate; ``has_aux``: ``f`` returns ``(value, aux)``."""
    require_recording("compile")
    what = getattr(f, "__name__", "f")
    arguments = [Value(v, name) for v, name in zip(values, names)]
    with tracing(what):
        result = f(*arguments)
    extra: Any = []
    if has_aux:
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"{what} has aux, so it must return a pair (value, aux)")
        result, extra = result
    root = _value(result, what)
    aux, rebuild = flatten(extra, what)
    order = topological_order(root)
    inside = set(order)
    for node in aux:  # aux computed apart from the value: its graph too
        for n in topological_order(node):
            if n not in inside:
                inside.add(n)
                order.append(n)
    hooked = [node for node in order if node.hooks]
    if hooked:
        raise TraceError(
            f"{what}'s graph has {len(hooked)} node(s) with hooks (register_hook); a compiled "
            "program does not run hooks: remove them, or call the function without compiling"
        )
    given = set(arguments)
    closed = [node for node in order if node.is_leaf and not node.is_constant and node not in given]
    return Trace(root, order, arguments, tuple(sorted(set(wanted))), closed, aux, rebuild)


def _value(result: Any, what: str) -> Value:
    """The function's result as a Value: a number is a constant (its gradients are 0)."""
    if isinstance(result, Value):
        return result
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        return constant(result)
    raise TypeError(f"{what} must return a Value, got {type(result).__name__} {result!r}")


def flatten(nested: Any, what: str) -> tuple[list[Value], Callable[[Iterator[Any]], Any]]:
    """The Values of a Value, a number, or lists and tuples of them, in order, and a function
    that builds the same nesting from an iterator of numbers (one per Value). The function keeps
    only the nesting, not the Values (nor the graphs behind them)."""
    if isinstance(nested, (list, tuple)):
        parts = [flatten(item, what) for item in nested]
        values = [v for part, _ in parts for v in part]
        rebuilds = [rebuild for _, rebuild in parts]
        kind = type(nested)
        return values, lambda numbers: kind(rebuild(numbers) for rebuild in rebuilds)
    return [_value(nested, what)], _next


def _next(numbers: Iterator[Any]) -> Any:
    return next(numbers)


RESERVED = frozenset(
    {"exp", "log", "sqrt", "tanh", "sin", "cos", "sigmoid", "softplus", "power", "abs"}
    | {"isfinite", "all", "map", "closed", "program"}
)
"""Names the generated code uses itself (its functions, and ``closed``, ``program``); a node
labelled with one of them gets another."""


def variable_names(nodes: list[Value], root: Value) -> dict[Value, str]:
    """A distinct Python identifier per node: its label made an identifier (``layers.0.w.1`` ->
    ``layers_0_w_1``), else its name in diagrams and summaries (``n3``). The gradient of node
    ``q`` will be called ``dq``, so no name may be ``d`` + another name."""
    shown_names = node_names(root)
    names: dict[Value, str] = {}
    taken: set[str] = set()
    extra = 0  # a node apart from root's graph (an aux value only): aux1, aux2, ...
    for node in nodes:
        if node.is_constant:
            continue
        shown = shown_names.get(node) or node.label
        if not shown:
            extra += 1
            shown = f"aux{extra}"
        base = re.sub(r"\W", "_", shown)
        if not base or base[0].isdigit():
            base = "v_" + base
        name, k = base, 1
        while not _free(name, taken):
            k += 1
            name = f"{base}_{k}"
        names[node] = name
        taken.add(name)
    return names


def _free(name: str, taken: set[str]) -> bool:
    """Whether ``name`` may be a node's variable: not a keyword, not a name the code uses, not
    taken, and neither its gradient's name (``d`` + name) nor a name whose gradient it would be."""
    gradient = "d" + name
    return not (
        keyword.iskeyword(name)
        or keyword.iskeyword(gradient)
        or name in RESERVED
        or gradient in RESERVED
        or name in taken
        or gradient in taken
        or (name[:1] == "d" and name[1:] in taken)
    )


__all__ = ["RESERVED", "Trace", "TraceError", "parameter_names", "trace", "variable_names"]
