"""``Value``: one scalar node of the computation graph.

A gate's output remembers the gate (an :class:`~autograd.ops.Op` from the op table), its one or two
inputs, and the local derivative with respect to each input, computed during the forward pass by the
op's rule. Backward is then a tight loop ``input.grad += local * node.grad`` (see
:mod:`autograd.graph`), and the stepper shows exactly the slides' "[local] x [upstream]".

Every gate has at most two inputs, so they live in two slots (``_a``, ``_b``) with their local
derivatives (``_la``, ``_lb``) instead of in tuples: a node and its float cost about 136 bytes,
not 250. Two more slots serve backward (see :func:`autograd.graph.backward`): ``_uses`` counts
the gates built on a gate (so backward knows when its gradient is complete, and walks a chain
without any bookkeeping), and ``_pass`` marks a leaf as reached by the current backward pass,
and a gate as recorded on a tape (see :func:`autograd.grad_mode.tape`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from math import isfinite
from typing import TYPE_CHECKING, Any, Union

from autograd import formulas, graph, ops
from autograd.grad_mode import recorder
from autograd.ops import CONSTANT, LEAF, Op

if TYPE_CHECKING:
    from autograd.graph import Step

Number = Union[int, float]
Operand = Union["Value", int, float]

_new = object.__new__


def as_float(x: Any, what: str = "Value data") -> float:
    """``x`` as a finite float, or a TypeError/ValueError that names it and says what to do."""
    if type(x) is float:
        f = x
    elif type(x) is int or (isinstance(x, numbers.Real) and not isinstance(x, bool)):
        try:
            f = float(x)
        except OverflowError:
            raise ValueError(f"{what} {x!r} is too large for a float") from None
    elif isinstance(x, Value):
        raise TypeError(
            f"{what} must be a number, got a Value {x!r}; use value.data or value.detach()"
        )
    else:
        raise TypeError(
            f"{what} must be a real number (int, float or numpy scalar), got "
            f"{type(x).__name__} {x!r}; convert it first, for example float(...)"
        )
    if not isfinite(f):
        raise ValueError(f"{what} must be finite, got {f!r}")
    return f


def _leaf(data: float, op: Op = LEAF) -> Value:
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = None
    node._gate = op
    node._a = node._b = node._la = node._lb = None
    node._uses = 0
    node._pass = None
    return node


def _operand(other: Operand) -> Value:
    """A Value as is; a plain number as a constant leaf (drawn folded into its gate: ``*-1``)."""
    if isinstance(other, Value):
        return other
    return _leaf(as_float(other, "operand"), CONSTANT)


def _too_large(op: Op, inputs: tuple[float, ...], what: str) -> OverflowError:
    args = ", ".join(repr(x) for x in inputs)
    return OverflowError(f"{op.name}({args}): the {what} overflows a float; rescale the inputs")


# -- the gate methods, compiled from the op table -------------------------------------------------
#
# Each gate method of Value (``__add__``, ``__mul__``, ``exp``, ...) is generated from its op's
# formulas (see autograd.formulas): the hot path of a forward pass, with the formulas written in,
# so a gate costs one Python call. Print one with ``inspect.getsource(Value.__mul__)``. It checks
# the result (and any local derivative that is not an input or a number) for overflow, returns a
# new leaf under ``no_grad()``, writes each of the node's slots once, counts one more user on
# each input that is a gate and, on a tape, stamps and lists the node.

_TEMPLATE_NAMES = frozenset(
    {"self", "other", "out", "mode", "node", "mark", "op", "local_x", "local_y", *ops.INPUTS}
    | {"weight", "value", "weights", "inputs", "total", "product", "record", "elsewhere"}
    | {"times", "plus"}
)
"""Names the generated code uses itself; an op's constants may not take them."""


def _formula_lines(
    op: Op, op_name: str, check_result: bool, indent: str
) -> tuple[list[str], str, str]:
    """Lines that compute ``out`` and the local derivatives from floats ``x`` (and ``y``) with
    the op's formulas, raising on overflow; and what goes into the node's ``_la`` and ``_lb``."""
    args = ", ".join(op.inputs) + ("," if op.arity == 1 else "")
    lines = [f"out = {op.forward}"]
    if check_result:
        lines += ["if not isfinite(out):", f"    raise _too_large({op_name}, ({args}), 'result')"]
    stored = []
    for x, formula in zip(op.inputs, op.local):
        if formulas.is_plain(formula, op.inputs):  # an input or a number: finite already
            stored.append(formula)
            continue
        lines += [
            f"local_{x} = {formula}",
            f"if not isfinite(local_{x}):",
            f"    raise _too_large({op_name}, ({args}), 'local derivative')",
        ]
        stored.append(f"local_{x}")
    la, lb = (*stored, "None")[:2]
    return [indent + line for line in lines], la, lb


def gate_source(op: Op, method: str) -> str:
    """The source of the Value method ``method`` that builds ``op``'s gate."""
    values = ("self", "other")[: op.arity]
    lines = [f"def gate({', '.join(values)}):  # Value.{method}", f"    {op.rule.__doc__!r}"]
    if op.arity == 2:
        lines += ["    if type(other) is not Value:", "        other = _operand(other)"]
    lines += [f"    {x} = {value}.data" for x, value in zip(op.inputs, values)]
    computed, la, lb = _formula_lines(op, "op", True, "    ")
    lines += computed
    lines += [
        "    mode = recorder()",
        "    if not mode:  # no_grad(): the result is a new leaf",
        "        return _leaf(out)",
        "    node = _new(Value)",
        "    node.data = out",
        "    node.grad = 0.0",
        "    node.label = None",
        "    node._gate = op",
        "    node._a = self",
        f"    node._b = {'other' if op.arity == 2 else 'None'}",
        f"    node._la = {la}",
        f"    node._lb = {lb}",
        "    node._uses = 0",
    ]
    for value in values:
        lines += [
            f"    if {value}._a is not None:  # a gate: one more user",
            f"        {value}._uses += 1",
        ]
    elsewhere = " or ".join(f"({v}._a is not None and {v}._pass is not mark)" for v in values)
    lines += [
        "    if mode is True:",
        "        node._pass = None",
        "        return node",
        "    mark = node._pass = mode.mark  # on a tape: stamped and listed",
        "    mode.gates.append(node)",
        f"    if {elsewhere}:",
        "        mode.complete = False  # an input gate made elsewhere: backward walks the graph",
        "    return node",
    ]
    return "\n".join(lines) + "\n"


def _bindings(op: Op) -> dict[str, Any]:
    """``op.bindings()``, after checking that no constant takes a name the generated code uses."""
    clash = sorted(_TEMPLATE_NAMES & set(op.constants))
    if clash:
        raise ValueError(
            f"op {op.name!r}: rename its constant {clash[0]!r} (the gate code uses it)"
        )
    return op.bindings()


def compile_gate(op: Op, method: str) -> Callable[..., Value]:
    """The Value method ``method`` that builds ``op``'s gate, compiled from its formulas."""
    if op.arity not in (1, 2):
        raise ValueError(f"op {op.name!r} has {op.arity} inputs; a gate takes 1 or 2")
    free = {"op": op, **_bindings(op)}
    filename = f"<chainrule gate {method} {op.symbol}>"
    gate = formulas.define(gate_source(op, method), "gate", filename, globals(), free)
    gate.__name__, gate.__qualname__ = method, f"Value.{method}"
    return gate


def sum_source(times: Op, plus: Op) -> str:
    """The source of the loop of :func:`weighted_sum`: for each (weight, value) the ``*`` gate
    with ``times``' formulas, then the ``+`` gate with ``plus``' formulas, no call per gate. The
    results are checked once, by the caller (an inf or nan stays in the running sum)."""
    product, product_la, product_lb = _formula_lines(times, "times", False, "        ")
    added, added_la, added_lb = _formula_lines(plus, "plus", False, "        ")
    lines = [
        "def sum_of_products(total, weights, inputs, mark, record):",
        "    'total + w1*x1 + ... + wn*xn gate by gate; and whether an input gate lacks the mark.'",
        "    elsewhere = False  # an input gate not stamped with the mark (see Tape.complete)",
        "    if total._a is not None:  # a gate: the first + gate uses it",
        "        total._uses += 1",
        "        elsewhere = total._pass is not mark",
        "    for weight, value in zip(weights, inputs):",
        "        if type(weight) is not Value:",
        "            weight = _operand(weight)",
        "        if type(value) is not Value:",
        "            value = _operand(value)",
        "        x = weight.data",
        "        y = value.data",
        *product,
        "        product = _new(Value)",
        "        product.data = out",
        "        product.grad = 0.0",
        "        product.label = None",
        "        product._gate = times",
        "        product._a = weight",
        "        product._b = value",
        f"        product._la = {product_la}",
        f"        product._lb = {product_lb}",
        "        product._uses = 1  # the + gate below",
        "        product._pass = mark",
    ]
    for value in ("weight", "value"):
        lines += [
            f"        if {value}._a is not None:  # a gate: one more user",
            f"            {value}._uses += 1",
            f"            if {value}._pass is not mark:",
            "                elsewhere = True",
        ]
    lines += [
        "        x = total.data",
        "        y = out",
        *added,
        "        node = _new(Value)",
        "        node.data = out",
        "        node.grad = 0.0",
        "        node.label = None",
        "        node._gate = plus",
        "        node._a = total",
        "        node._b = product",
        f"        node._la = {added_la}",
        f"        node._lb = {added_lb}",
        "        node._uses = 1  # the next + gate (none for the last one, below)",
        "        node._pass = mark",
        "        if record is not None:  # on a tape",
        "            record(product)",
        "            record(node)",
        "        total = node",
        "    total._uses = 0",
        "    return total, elsewhere",
    ]
    return "\n".join(lines) + "\n"


def compile_sum(times: Op, plus: Op) -> Callable[..., tuple[Value, bool]]:
    """The loop of :func:`weighted_sum`, compiled from the formulas of ``times`` and ``plus``."""
    if times.arity != 2 or plus.arity != 2:
        raise ValueError("weighted_sum needs two-input ops for * and +")
    free = {"times": times, "plus": plus, **_bindings(times)}
    for name, bound in _bindings(plus).items():
        if free.setdefault(name, bound) is not bound:
            raise ValueError(f"ops {times.name!r} and {plus.name!r} give {name!r} two meanings")
    filename = f"<chainrule weighted_sum {times.symbol} {plus.symbol}>"
    return formulas.define(sum_source(times, plus), "sum_of_products", filename, globals(), free)


_METHODS: dict[str, tuple[str, int]] = {}
"""For each op in the table by its name there (``"MUL"``): its Value method and its arity."""


def _gate(table_name: str, method: str, arity: int) -> Callable[..., Value]:
    """Value's method for ``ops.<table_name>``; remembered, to be compiled again on assignment."""
    _METHODS[table_name] = (method, arity)
    return _method_for(table_name, getattr(ops, table_name))


def _method_for(table_name: str, op: Op) -> Callable[..., Value]:
    """The method compiled from ``op`` for the place of ``ops.<table_name>``, whose arity it
    must have."""
    method, arity = _METHODS[table_name]
    if op.arity != arity:
        raise ValueError(f"ops.{table_name} needs an op of {arity} input(s), got {op.arity}")
    return compile_gate(op, method)


def _binary_gate(table_name: str, method: str) -> Callable[[Value, Operand], Value]:
    return _gate(table_name, method, 2)


def _unary_gate(table_name: str, method: str) -> Callable[[Value], Value]:
    return _gate(table_name, method, 1)


def _recompile(table_name: str, op: Op) -> None:
    """``ops.<table_name> = op`` is being assigned: compile what is built from it again."""
    global _sum_of_products
    sum_of_products = _sum_of_products
    if table_name in ("MUL", "ADD"):  # compiled before anything is set: an error changes nothing
        times = op if table_name == "MUL" else ops.MUL
        plus = op if table_name == "ADD" else ops.ADD
        sum_of_products = compile_sum(times, plus)
    if table_name in _METHODS:
        setattr(Value, _METHODS[table_name][0], _method_for(table_name, op))
    _sum_of_products = sum_of_products


_sum_of_products = compile_sum(ops.MUL, ops.ADD)


ops.on_assign.append(_recompile)


@lru_cache(maxsize=256)
def _power_gate(c: float) -> Callable[[Value], Value]:
    """The method computing ``x ** c``, compiled for one constant exponent."""
    return compile_gate(ops.pow_op(c), "__pow__")


def weighted_sum(bias: Operand, weights: Sequence[Operand], inputs: Sequence[Operand]) -> Value:
    """``bias + w1*x1 + w2*x2 + ... + wn*xn``, added left to right, as one fast call.

    The result is exactly what that expression builds: the same ``*`` and ``+`` gates, values,
    local derivatives and gradients, drawn and stepped alike. It is the hot path of every neuron
    (:class:`nn.Neuron`): written as an expression, each gate costs a call of ``__mul__`` or
    ``__add__``; here one loop compiled from the same formulas (:func:`sum_source`) builds them all.
    A plain number becomes a constant leaf, as the 2 in ``x * 2`` does. A result that overflows
    is caught once at the end: an inf or nan stays in the running sum.
    """
    n = len(weights)
    if n != len(inputs):
        raise ValueError(f"weighted_sum got {n} weights and {len(inputs)} inputs; give one of each")
    total = _operand(bias)
    if n == 0:
        return total
    mode: Any = recorder()
    if not mode:  # nothing to record: each op makes a leaf, as in the expression
        for w, x in zip(weights, inputs):
            total = total + _operand(w) * x
        return total
    taped = mode is not True
    mark = mode.mark if taped else None
    total, elsewhere = _sum_of_products(
        total, weights, inputs, mark, mode.gates.append if taped else None
    )
    if taped and elsewhere:
        mode.complete = False
    if not isfinite(total.data):  # an inf or nan in any gate above stays in the running sum
        raise _first_overflow(total, n)
    return total


def _first_overflow(total: Value, n: int) -> OverflowError:
    """The error for the first of the last ``n`` (*, +) gate pairs below ``total`` whose result
    is not finite, as building them one by one would have raised it."""
    made: list[Any] = []
    node: Any = total
    for _ in range(n):
        made += (node, node._b)  # the + gate, then its * gate
        node = node._a
    first = next(gate for gate in reversed(made) if not isfinite(gate.data))
    return _too_large(first._gate, (first._a.data, first._b.data), "result")


class Value:
    """A scalar in a computation graph, with the gradient backward leaves on it.

    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> f.data, x.grad, y.grad, z.grad
    (-12.0, -4.0, -4.0, 3.0)
    """

    __slots__ = ("data", "grad", "label", "_gate", "_a", "_b", "_la", "_lb", "_uses", "_pass")
    __array_ufunc__ = None  # numpy defers to Value's own (reflected) operators

    data: float
    grad: float
    label: str | None
    _gate: Op
    _a: Value | None
    _b: Value | None
    _la: Any
    _lb: Any
    _uses: int  # gates only: how many gates take this one as an input
    _pass: object  # a leaf: the backward pass that reached it last; a gate: its tape's mark

    def __init__(self, data: Number, label: str | None = None) -> None:
        if label is not None and not isinstance(label, str):
            raise TypeError(f"label must be a str or None, got {type(label).__name__} {label!r}")
        self.data = as_float(data)
        self.grad = 0.0
        self.label = label
        self._gate = LEAF
        self._a = self._b = self._la = self._lb = None
        self._uses = 0
        self._pass = None

    # -- what the node is ---------------------------------------------------------------------

    @property
    def gate(self) -> Op:
        """The op that made this node (``ops.LEAF`` or ``ops.CONSTANT`` for leaves)."""
        return self._gate

    @property
    def op(self) -> str:
        """The gate's symbol as diagrams show it ('+', '*', 'exp', '1/x', ...); '' for leaves."""
        return self._gate.symbol

    @property
    def parents(self) -> tuple[Value, ...]:
        """The gate's inputs, in argument order; () for leaves."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._a,)
        return (self._a, self._b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d input for each input, as the forward pass computed them."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._la,)
        return (self._la, self._lb)

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes no gate produced."""
        return self._a is None

    @property
    def is_constant(self) -> bool:
        """True for a plain number used in an op (the 2 in ``2 * x``)."""
        return self._gate is CONSTANT

    # micrograd compatibility: same information under micrograd's names
    @property
    def _op(self) -> str:
        return self._gate.symbol

    @property
    def _prev(self) -> tuple[Value, ...]:
        return self.parents

    def item(self) -> float:
        """The forward value as a float."""
        return self.data

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    # -- primitive gates ----------------------------------------------------------------------

    __add__ = _binary_gate("ADD", "__add__")
    __mul__ = _binary_gate("MUL", "__mul__")
    max = _binary_gate("MAX", "max")
    exp = _unary_gate("EXP", "exp")
    reciprocal = _unary_gate("RECIPROCAL", "reciprocal")
    log = _unary_gate("LOG", "log")

    def __radd__(self, other: Operand) -> Value:
        return _operand(other) + self

    def __rmul__(self, other: Operand) -> Value:
        return _operand(other) * self

    def __pow__(self, exponent: Number) -> Value:
        if isinstance(exponent, Value):
            raise TypeError(
                "only constant exponents are supported (x ** 2, x ** 0.5); for a Value exponent "
                "y write (y * x.log()).exp()"
            )
        return _power_gate(as_float(exponent, "exponent"))(self)

    # -- fused gates (one local derivative each, see autograd.ops) -------------------------------

    relu = _unary_gate("RELU", "relu")
    sigmoid = _unary_gate("SIGMOID", "sigmoid")
    tanh = _unary_gate("TANH", "tanh")
    softplus = _unary_gate("SOFTPLUS", "softplus")

    # -- composed from the gates above ----------------------------------------------------------

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self + (-other)
        return self + (-as_float(other, "operand"))

    def __rsub__(self, other: Operand) -> Value:
        return (-self) + as_float(other, "operand")

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self * other.reciprocal()
        divisor = as_float(other, "divisor")
        if divisor == 0.0:
            raise ZeroDivisionError(f"{self!r} / 0: division by zero")
        return self * (1.0 / divisor)

    def __rtruediv__(self, other: Operand) -> Value:
        if not isinstance(other, Value) and as_float(other, "dividend") == 1.0:
            return self.reciprocal()
        return other * self.reciprocal()

    def __rpow__(self, base: Number) -> Value:
        b = as_float(base, "base")
        if b <= 0.0:
            raise ValueError(f"{b!r} ** x needs a positive base (it is computed as exp(x log b))")
        return (self * math.log(b)).exp()

    # -- gradients ------------------------------------------------------------------------------

    def backward(self, grad: Number = 1.0) -> None:
        """Add d self / d node, times ``grad``, to every node's ``.grad`` (see autograd.graph)."""
        graph.backward(self, grad)

    def backward_steps(self, grad: Number = 1.0) -> Iterator[Step]:
        """Backward one (gate, input) edge at a time; see :func:`autograd.graph.backward_steps`."""
        return graph.backward_steps(self, grad)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this node and every node it was computed from."""
        graph.zero_grad(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)


def maximum(a: Operand, b: Operand) -> Value:
    """max(a, b) as one gate; either side may be a plain number."""
    if isinstance(a, Value):
        return a.max(b)
    if isinstance(b, Value):
        return _operand(a).max(b)
    raise TypeError("maximum needs at least one Value; for two numbers use the built-in max")
