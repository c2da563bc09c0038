"""Derivatives without touching ``.grad``: ``gradients`` (reverse mode, like
``torch.autograd.grad``) and ``tangents`` (forward mode).

``gradients(output, inputs)`` runs the reference pass (:func:`autograd.graph.gradient_steps`)
into a dict and reads the inputs' entries: exactly the numbers ``backward()`` leaves in ``.grad``.

``gradients(..., create_graph=True)`` walks the same order, but evaluates each gate's local
derivatives again with its **rule from the op table**, this time on the gate's input *Values*
(``tanh``'s rule returns ``1 - t*t``, which on a Value t builds ``*``, ``*-1`` and ``+1`` gates).
Multiplying them with the upstream gradient records the backward pass as a new graph, which can
be differentiated again (second, third, ... derivatives) or drawn. Constant inputs (the 2 of
``x ** 2``) go into the rule as plain numbers, and a local derivative that comes back as a plain
number (``1.0`` for ``+``) is a constant. Only nodes on a path from an input to the output are
differentiated.

``tangents(output, seeds)`` is forward mode from the same local derivatives: each node's tangent
is the sum over its inputs of ``local * tangent(input)``, from the inputs forward (a jvp).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import isfinite
from typing import Any, Literal, Union, overload

from autograd.checks import as_float, brief
from autograd.grad_mode import require_recording
from autograd.graph import gradient_pass, reached_from, topological_order
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


def _as_floats(output: Value, inputs: list[Value]) -> list[float]:
    """The reference pass into a dict: the numbers backward() leaves in .grad."""
    grads = gradient_pass(output, 1.0)
    results = [grads.get(x, 0.0) for x in inputs]
    for i, g in enumerate(results):
        _check_finite(g, i, inputs[i])
    return results


def _check_finite(g: float, i: int, x: Value) -> None:
    if not isfinite(g):
        raise OverflowError(
            f"the gradient with respect to inputs[{i}] ({x!r}) is {g!r}: it overflows a float; "
            "rescale the inputs"
        )


def rule_inputs(node: Value) -> list[Any]:
    """The node's inputs as its rule takes them on Values: constants as plain numbers."""
    return [parent.data if parent.is_constant else parent for parent in node.parents]


def _as_values(output: Value, inputs: list[Value]) -> list[Value]:
    """The backward pass recorded as gates, through the nodes on a path from an input only."""
    order = topological_order(output)
    reached = reached_from(order, inputs)
    grads: dict[Value, Gradient] = {output: 1.0}
    for node in reversed(order):
        upstream = grads.get(node)
        if upstream is None or node.is_leaf:
            continue
        parents = node.parents
        if not any(p in reached for p in parents):
            continue
        local_grads = node.gate.rule(*rule_inputs(node))[1:]  # the op's rule, run on Values
        for parent, local in zip(parents, local_grads):
            if parent in reached:
                grads[parent] = _sum(grads.get(parent), _product(local, upstream))
    results = []
    for i, x in enumerate(inputs):
        g = grads.get(x, 0.0)
        if not isinstance(g, Value):
            _check_finite(g, i, x)
            g = Value(g)
        results.append(g)
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
    Hooks (:meth:`Value.register_hook`) take float gradients: ``create_graph=False`` calls them,
    ``create_graph=True`` does not. Running a rule on Values builds the gate's output again too
    (it is dropped), so the graph's gates count more users afterwards and a later ``backward()``
    on it takes the path that counts them again (same gradients).
    """
    xs = _check(output, inputs)
    if create_graph:
        require_recording("gradients(..., create_graph=True) (or use create_graph=False)")
    if create_graph:
        return _as_values(output, xs)
    return _as_floats(output, xs)


def tangents(output: Value, seeds: Mapping[Value, Any]) -> dict[Value, float]:
    """Forward mode: the tangent of every node of output's graph that the ``seeds`` move, given
    the tangents ``seeds`` of some of its nodes (a node left out has tangent 0).

    A node's tangent is d node / d t along the direction the seeds give (a directional
    derivative): from the inputs forward, ``tangent(node) = sum of local * tangent(input)``, with
    the same local derivatives backward uses. ``tangents(f, {x: 1.0})[f]`` is d f / d x.
    """
    if not isinstance(output, Value):
        raise TypeError(f"output must be a Value, got {type(output).__name__} {output!r}")
    if not isinstance(seeds, Mapping):
        raise TypeError(f"seeds must be a dict of Value -> number, got {type(seeds).__name__}")
    order = topological_order(output)
    in_graph = set(order)
    found: dict[Value, float] = {}
    for value, tangent in seeds.items():
        if not isinstance(value, Value):
            raise TypeError(
                "tangents: the keys of seeds must be Values (the inputs to seed, such as "
                f"{{x: 1.0}}), got {type(value).__name__} {brief(value)}"
            )
        name = value.label or brief(value)
        if value not in in_graph:
            raise ValueError(
                f"tangents: the seed {name} is not a node of the output's graph (the output was "
                "not computed from it); seed the inputs the output was computed from, for "
                "example {x: 1.0}"
            )
        found[value] = as_float(tangent, f"the tangent of {name}")
    for node in order:
        if node in found or node.is_leaf:
            continue
        moving = [
            (local, found[parent])
            for parent, local in zip(node.parents, node.local_grads)
            if found.get(parent, 0.0) != 0.0  # an input that does not move adds nothing
        ]  # (not local * 0, which is nan where the local derivative is infinite: sqrt at 0)
        if moving:
            found[node] = sum((local * tangent for local, tangent in moving), 0.0)
    return found


__all__ = ["gradients", "rule_inputs", "tangents"]
