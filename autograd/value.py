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
from collections.abc import Iterator, Sequence
from math import isfinite
from typing import TYPE_CHECKING, Any, Union

from autograd import graph, ops
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


# The functions below build every gate's node; they are the hot path of a forward pass (see
# bench/). Kept lean on purpose, so each writes a node's slots itself instead of calling a shared
# helper (a Python call per node): the rule is read from the op table on every call (so a patched
# table takes effect) and called once, the node's slots are each written once, each input that is
# a gate counts one more user, and on a tape the node is stamped and listed.


def _unary(op: Op, x: Value) -> Value:
    """Apply a one-input gate: run its rule on floats and record the local derivative."""
    rule = op.rule
    out, local = rule(x.data)
    if not isfinite(out):
        raise _too_large(op, (x.data,), "result")
    if not isfinite(local):
        raise _too_large(op, (x.data,), "local derivative")
    mode: Any = recorder()
    if not mode:
        return _leaf(out)
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = None
    node._gate = op
    node._a = x
    node._b = None
    node._la = local
    node._lb = None
    node._uses = 0
    if x._a is not None:
        x._uses += 1
    if mode is True:
        node._pass = None
    else:  # on a tape: stamped and listed; an input gate from elsewhere leaves it incomplete
        mark = node._pass = mode.mark
        mode.gates.append(node)
        if x._a is not None and x._pass is not mark:
            mode.complete = False
    return node


def _binary(op: Op, x: Value, y: Operand) -> Value:
    """Apply a two-input gate to a Value and a Value or a number (a constant leaf).

    The rule runs on the floats; the node records both inputs and both local derivatives.
    """
    if type(y) is not Value:
        y = _operand(y)
    rule = op.rule
    out, local_x, local_y = rule(x.data, y.data)
    if not isfinite(out):
        raise _too_large(op, (x.data, y.data), "result")
    mode: Any = recorder()
    if not mode:
        return _leaf(out)
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = None
    node._gate = op
    node._a = x
    node._b = y
    node._la = local_x
    node._lb = local_y
    node._uses = 0
    if x._a is not None:
        x._uses += 1
    if y._a is not None:
        y._uses += 1
    if mode is True:
        node._pass = None
    else:  # on a tape: stamped and listed; an input gate from elsewhere leaves it incomplete
        mark = node._pass = mode.mark
        mode.gates.append(node)
        if (x._a is not None and x._pass is not mark) or (y._a is not None and y._pass is not mark):
            mode.complete = False
    return node


def weighted_sum(bias: Operand, weights: Sequence[Operand], inputs: Sequence[Operand]) -> Value:
    """``bias + w1*x1 + w2*x2 + ... + wn*xn``, added left to right, as one fast call.

    The result is exactly what that expression builds: the same ``*`` and ``+`` gates, values,
    local derivatives and gradients, drawn and stepped alike. It is the hot path of every neuron
    (:class:`nn.Neuron`): written as an expression, each gate costs a call of ``__mul__`` or
    ``__add__`` and of the gate builder before its rule runs; here each gate costs its rule only.
    A plain number becomes a constant leaf, as the 2 in ``x * 2`` does. A result that overflows
    is caught once at the end: an inf or nan stays in the running sum.
    """
    n = len(weights)
    if n != len(inputs):
        raise ValueError(f"weighted_sum got {n} weights and {len(inputs)} inputs; give one of each")
    total = _operand(bias)
    if n == 0:
        return total
    times, plus = ops.MUL, ops.ADD  # read on every call, as the operators do
    mode: Any = recorder()
    if not mode:  # nothing to record: each op makes a leaf, as in the expression
        for w, x in zip(weights, inputs):
            total = _binary(plus, total, _binary(times, _operand(w), x))
        return total
    mul, add = times.rule, plus.rule
    taped = mode is not True
    mark = mode.mark if taped else None
    record: Any = mode.gates.append if taped else None
    elsewhere = False  # an input gate not stamped with this mode's mark (see Tape.complete)
    if total._a is not None:
        total._uses += 1  # the first + gate; each sum made below has one user, the next + gate
        elsewhere = total._pass is not mark
    for w, x in zip(weights, inputs):
        if type(w) is not Value:
            w = _operand(w)
        if type(x) is not Value:
            x = _operand(x)
        out, local_w, local_x = mul(w.data, x.data)
        product = _new(Value)
        product.data = out
        product.grad = 0.0
        product.label = None
        product._gate = times
        product._a = w
        product._b = x
        product._la = local_w
        product._lb = local_x
        product._uses = 1  # the + gate below
        product._pass = mark
        if w._a is not None:
            w._uses += 1
            if w._pass is not mark:
                elsewhere = True
        if x._a is not None:
            x._uses += 1
            if x._pass is not mark:
                elsewhere = True
        out, local_total, local_product = add(total.data, out)
        node = _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = None
        node._gate = plus
        node._a = total
        node._b = product
        node._la = local_total
        node._lb = local_product
        node._uses = 1  # the next + gate (set to 0 on the last one, below)
        node._pass = mark
        if taped:
            record(product)
            record(node)
        total = node
    total._uses = 0
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

    def __add__(self, other: Operand) -> Value:
        return _binary(ops.ADD, self, other)

    def __radd__(self, other: Operand) -> Value:
        return _binary(ops.ADD, _operand(other), self)

    def __mul__(self, other: Operand) -> Value:
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other: Operand) -> Value:
        return _binary(ops.MUL, _operand(other), self)

    def max(self, other: Operand) -> Value:
        """max(self, other); the gradient goes to the larger input (half each on a tie)."""
        return _binary(ops.MAX, self, other)

    def exp(self) -> Value:
        """e**self."""
        return _unary(ops.EXP, self)

    def reciprocal(self) -> Value:
        """1 / self."""
        return _unary(ops.RECIPROCAL, self)

    def log(self) -> Value:
        """Natural logarithm."""
        return _unary(ops.LOG, self)

    def __pow__(self, exponent: Number) -> Value:
        if isinstance(exponent, Value):
            raise TypeError(
                "only constant exponents are supported (x ** 2, x ** 0.5); for a Value exponent "
                "y write (y * x.log()).exp()"
            )
        return _unary(ops.pow_op(as_float(exponent, "exponent")), self)

    # -- fused gates (one local derivative each, see autograd.ops) -------------------------------

    def relu(self) -> Value:
        """max(self, 0) as one gate; local derivative 0 at 0."""
        return _unary(ops.RELU, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-self) as one gate with local derivative s(1 - s)."""
        return _unary(ops.SIGMOID, self)

    def tanh(self) -> Value:
        """tanh as one gate with local derivative 1 - t^2."""
        return _unary(ops.TANH, self)

    def softplus(self) -> Value:
        """log(1 + e^self) as one gate with local derivative sigmoid(self)."""
        return _unary(ops.SOFTPLUS, self)

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
        return _binary(ops.MAX, _operand(a), b)
    raise TypeError("maximum needs at least one Value; for two numbers use the built-in max")
