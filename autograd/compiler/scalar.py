"""A traced graph written out as straight-line Python on floats: one line per gate.

The forward pass computes each gate's output from its rule's formula; the backward pass, from
the output back, gives every input its gradient: ``local * upstream``, summed where a node has
several users. For ``f = (x + y) * z``::

    def program(x, y, z, closed):
        # forward
        q = x + y
        f = q * z
        ...
        # backward
        df = 1.0
        dq = z * df
        dz = q * df
        dx = dq
        dy = dq
        return f, (dx, dy, dz), ()

the staged code of the lecture notes. Every formula is the op's rule run on symbols
(:mod:`autograd.formula`), and the nodes are visited in the reference backward's order
(reversed :func:`autograd.topological_order`), so the numbers are bit for bit those of
:func:`autograd.backward_reference`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd import functions as fn
from autograd.compiler.trace import Trace
from autograd.formula import Expr, Formulas, name, render, symbolic
from autograd.ops import POW
from autograd.value import Value

NAMESPACE: dict[str, Any] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sin": math.sin,
    "cos": math.cos,
    "sigmoid": fn.sigmoid,
    "softplus": fn.softplus,
    "power": fn.power,
    "abs": abs,
    "isfinite": math.isfinite,
}
"""What the generated code calls: the functions the rules use, on floats (``math``'s, which are
the ones :mod:`autograd.functions` calls on floats, so the results are the same bits)."""


def _inputs(node: Value, names: dict[Value, str]) -> list[Expr | float]:
    """The node's inputs as its rule takes them: a symbol per named input, a number per constant."""
    return [parent.data if parent.is_constant else name(names[parent]) for parent in node.parents]


def formulas(node: Value, names: dict[Value, str]) -> Formulas:
    """The node's rule run on its inputs' names."""
    return symbolic(node.gate, _inputs(node, names), names[node])


def code(expr: Expr, names: dict[Expr, str]) -> str:
    """An expression as code on floats: ``where`` as a conditional expression, and ``**`` through
    ``power`` (IEEE: 0 ** -1 is inf, not an exception) unless the exponent is a whole number."""
    return render(_powers(expr), names, code=True)


def _powers(expr: Expr) -> Expr:
    """``a ** b`` -> ``power(a, b)`` where b is not a whole number (Python's ** would give a
    complex number for a negative a)."""
    if not expr.args:
        return expr
    args = tuple(_powers(a) for a in expr.args)
    if expr.kind == "**":
        exponent = args[1]
        whole = exponent.kind == "number" and float(exponent.value).is_integer()
        if not whole:
            return Expr("power", args)
    if args == expr.args:
        return expr
    return Expr(expr.kind, args, expr.value)


def source(t: Trace) -> str:
    """The Python source of ``program(*arguments, closed)``, which returns ``(value, gradients of
    the arguments, gradients of the closed-over leaves)``, and the aux values if there are any.
    ``closed`` holds the data of the Values ``f`` closed over (none: ``()``); a ``None`` returned
    means a result was not a finite number, and the caller has the interpreter redo the call."""
    names = t.names
    arguments = [names[a] for a in t.arguments]
    lines = [f"def program({', '.join([*arguments, 'closed'])}):"]
    if t.closed:
        unpack = ", ".join(names[c] for c in t.closed)
        lines.append(f"    {unpack}{',' if len(t.closed) == 1 else ''} = closed")
    gates = t.gates
    lines.append("    # forward")
    formulas_of = {node: formulas(node, names) for node in gates}
    for node in gates:
        lines.append(f"    {names[node]} = {code(formulas_of[node].output, {})}")
    if gates:
        results = ", ".join(names[node] for node in gates)
        comma = "," if len(gates) == 1 else ""
        lines.append(f"    if not all(map(isfinite, ({results}{comma}))):")
        lines.append("        return None  # an overflow: the interpreter redoes the call")
    bases = list(dict.fromkeys(names[node.parents[0]] for node in gates if value_exponent(node)))
    if bases:
        smallest = bases[0] if len(bases) == 1 else f"min({', '.join(bases)})"
        lines.append(f"    if {smallest} < 0.0:")
        lines.append("        return None  # x ** y with x < 0: the interpreter says why")
    lines.append("    # backward")
    wanted = t.differentiable
    grad: dict[Value, str] = {}
    if t.root in wanted:
        grad[t.root] = "d" + names[t.root]
        lines.append(f"    {grad[t.root]} = 1.0")
    for node in reversed(gates):
        if node not in grad:
            continue
        f = formulas_of[node]
        upstream = name(grad[node])
        for parent, local in zip(node.parents, f.locals):
            if parent not in wanted:
                continue
            contribution = code(local * upstream, f.names)
            if parent in grad:
                lines.append(f"    {grad[parent]} += {contribution}")
            else:
                grad[parent] = "d" + names[parent]
                lines.append(f"    {grad[parent]} = {contribution}")
    argument_grads = _tuple(grad.get(a, "0.0") for a in t.arguments)
    closed_grads = _tuple(grad.get(c, "0.0") for c in t.closed)
    returned = f"{_named(t.root, names)}, {argument_grads}, {closed_grads}"
    if t.aux:
        returned += f", {_tuple(_named(a, names) for a in t.aux)}"
    lines.append(f"    return {returned}")
    return "\n".join(lines) + "\n"


def value_exponent(node: Value) -> bool:
    """A ``**`` gate whose base and exponent are both Values: a negative base is refused there
    (:meth:`Value.__pow__`, x^y log x needs x > 0), so the code checks the base."""
    return node.gate is POW and not any(parent.is_constant for parent in node.parents)


def _tuple(items: Iterable[str]) -> str:
    """A tuple display: ``(a, b)``, ``(a,)``, ``()``."""
    items = list(items)
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _named(node: Value, names: dict[Value, str]) -> str:
    """A node in the code: its variable, or a constant's number."""
    return repr(node.data) if node.is_constant else names[node]


__all__ = ["NAMESPACE", "code", "formulas", "source", "value_exponent"]
