"""``gradients(output, inputs)``: d output / d input for each input, like ``torch.autograd.grad``.

It walks the graph in the order backward does (:func:`autograd.graph.backward_order`) and keeps
the gradients in a dict, so no ``.grad`` is touched.

* ``create_graph=False``: floats, from the local derivatives the forward pass stored on each node
  (``node.local_grads``): exactly the numbers ``backward()`` leaves in ``.grad``.
* ``create_graph=True``: Values. Each gate's local derivatives are evaluated again by its rule in
  the op table, this time on the gate's input *Values* (``tanh``'s rule returns ``1 - t*t``,
  which on a Value t builds ``*``, ``*-1`` and ``+1`` gates). Multiplying them with the upstream
  gradient builds the backward pass as a new graph, which can be differentiated again (second,
  third, ... derivatives) or drawn. A local derivative that a rule returns as a plain float
  (``1.0`` for ``+``, ``0.0``/``1.0`` for ``relu`` and ``max``) is a constant: its own derivative
  is 0. Only nodes on a path from an input to the output are differentiated.

A result may be a node of the original graph: d(x*y)/dx is ``y`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Union, overload

from autograd.grad_mode import is_recording
from autograd.graph import backward_order
from autograd.value import Value

Gradient = Union[float, Value]
"""A gradient while it is being accumulated: a float is a constant (it depends on no input)."""


def _check(output: Any, inputs: Any) -> list[Value]:
    """The inputs as a list, or a TypeError naming what is wrong."""
    if not isinstance(output, Value):
        raise TypeError(
            f"output must be a Value (the result of a computation), got "
            f"{type(output).__name__} {output!r}"
        )
    if isinstance(inputs, Value):
        raise TypeError("inputs must be a sequence of Values; for one input write [x], not x")
    if not isinstance(inputs, Sequence) or isinstance(inputs, str):
        raise TypeError(
            f"inputs must be a list or tuple of Values, got {type(inputs).__name__} {inputs!r}"
        )
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"inputs[{i}] must be a Value, got {type(x).__name__} {x!r}; gradients are "
                "taken with respect to Values that the output was computed from"
            )
    return list(inputs)


def _on_a_path(order: list[Value], inputs: list[Value]) -> set[Value]:
    """The inputs and every node computed from one of them: the nodes gradients flow through."""
    reached = set(inputs)
    for node in reversed(order):  # inputs before the gates that use them
        for parent in node.parents:
            if parent in reached:
                reached.add(node)
                break
    return reached


def _product(local: Gradient, upstream: Gradient) -> Gradient:
    """local * upstream, without building a gate to multiply by a constant 0 or 1."""
    if type(local) is float:
        if type(upstream) is float:
            return local * upstream
        if local == 0.0:
            return 0.0
        return upstream if local == 1.0 else upstream * local
    if type(upstream) is float:
        if upstream == 0.0:
            return 0.0
        return local if upstream == 1.0 else local * upstream
    return upstream * local


def _sum(total: Gradient | None, contribution: Gradient) -> Gradient:
    """total + contribution, without building a gate to add a constant 0 (None: nothing yet)."""
    if total is None:
        return contribution
    if type(contribution) is float:
        return total if contribution == 0.0 else total + contribution
    if type(total) is float:
        return contribution if total == 0.0 else contribution + total  # drawn as a "+c" gate
    return total + contribution


def _as_floats(output: Value, order: list[Value], inputs: list[Value]) -> list[float]:
    """backward's pass into a dict: the same arithmetic in the same order, so the same numbers."""
    grads: dict[Value, float] = {output: 1.0}
    for node in order:
        upstream = grads.get(node)
        if upstream is None:
            continue
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] = grads.get(parent, 0.0) + local * upstream
    results = [grads.get(x, 0.0) for x in inputs]
    for i, g in enumerate(results):
        if g - g:  # inf or nan
            raise OverflowError(
                f"the gradient with respect to inputs[{i}] ({inputs[i]!r}) overflowed a float; "
                "rescale the inputs"
            )
    return results


def _as_values(output: Value, order: list[Value], inputs: list[Value]) -> list[Value]:
    """The backward pass recorded as gates, through the nodes on a path from an input only."""
    reached = _on_a_path(order, inputs)
    grads: dict[Value, Gradient] = {output: 1.0}
    for node in order:
        upstream = grads.get(node)
        if upstream is None or node.is_leaf:
            continue
        parents = node.parents
        if not any(p in reached for p in parents):
            continue
        local_grads = node.gate.rule(*parents)[1:]  # the op table's rule, run on Values
        for parent, local in zip(parents, local_grads):
            if parent in reached:
                grads[parent] = _sum(grads.get(parent), _product(local, upstream))
    results = []
    for x in inputs:
        g = grads.get(x, 0.0)
        results.append(g if isinstance(g, Value) else Value(g))
    return results


@overload
def gradients(
    output: Value, inputs: Sequence[Value], create_graph: Literal[False] = ...
) -> list[float]: ...
@overload
def gradients(
    output: Value, inputs: Sequence[Value], create_graph: Literal[True]
) -> list[Value]: ...
@overload
def gradients(output: Value, inputs: Sequence[Value], create_graph: bool) -> list[Any]: ...
def gradients(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """d output / d x for each x in ``inputs``, in order, without touching any ``.grad``.

    An input the output was not computed from gets 0.0. With ``create_graph=True`` the results
    are Values in a new graph (the backward pass, recorded), so they can be differentiated again::

        >>> x = Value(0.5)
        >>> [dy] = gradients(x.tanh(), [x], create_graph=True)   # 1 - tanh(x)^2, as a Value
        >>> [d2y] = gradients(dy, [x])                            # -2 tanh(x) (1 - tanh(x)^2)
        >>> round(d2y, 6)
        -0.726862

    ``create_graph=True`` records gates, so it raises a RuntimeError inside ``no_grad()``.
    """
    xs = _check(output, inputs)
    if create_graph and not is_recording():
        raise RuntimeError(
            "gradients(..., create_graph=True) was called inside no_grad(), where no graph is "
            "recorded, so the result could not be differentiated; call it outside the no_grad() "
            "block, or use create_graph=False for plain floats"
        )
    order = backward_order(output)
    if create_graph:
        return _as_values(output, order, xs)
    return _as_floats(output, order, xs)


__all__ = ["gradients"]
