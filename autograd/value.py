"""``Value``: one scalar node of the computation graph.

Every gate method (``__mul__``, ``tanh``, ...) runs its op's rule from the op table
(:mod:`autograd.ops`), which returns the output and the local derivative with respect to each input,
and builds a node that remembers both (:func:`_node`)::

    >>> x, y = Value(3.0), Value(-4.0)
    >>> q = x * y                     # MUL.rule(3.0, -4.0) == (-12.0, -4.0, 3.0)
    >>> q.data, q.local_grads
    (-12.0, (-4.0, 3.0))

Backward is then ``input.grad += local * node.grad`` for every edge, from the output back (see
:mod:`autograd.graph`). A node holds no closure and no reference to the nodes built from it, so a
graph has no reference cycles: it is freed the moment its last reference goes. Inside
``no_grad()`` no rule runs: a gate computes its output alone (``op.function``), as a new leaf
(:func:`_output`).

A node has at most two inputs, so they sit in two slots (``_x``, ``_y``) beside their local
derivatives (``_local_x``, ``_local_y``) instead of in tuples: a node and its float take 144
bytes. ``_uses`` counts the gates built on a gate and ``_pass`` marks a leaf as reached by the
backward pass at hand, which lets backward follow a chain without looking anything up
(:func:`autograd.graph.backward`); ``_hooks`` holds the functions of :meth:`Value.register_hook`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Sequence
from math import isfinite
from typing import TYPE_CHECKING, Any, Union

from autograd import graph
from autograd.checks import as_float
from autograd.grad_mode import recording, refuse_if_tracing
from autograd.ops import (
    ABS,
    ADD,
    CONSTANT,
    COS,
    DIV,
    EXP,
    LEAF,
    LEAKY_RELU,
    LOG,
    MAX,
    MUL,
    POW,
    RECIPROCAL,
    RELU,
    SIGMOID,
    SIN,
    SOFTPLUS,
    SQRT,
    TANH,
    Op,
)

if TYPE_CHECKING:
    from autograd.graph import Step

Number = Union[int, float]
Operand = Union["Value", int, float]
Hook = Callable[[float], Any]

_new = object.__new__


def _node(op: Op, result: tuple[Any, ...], x: Value, y: Value | None = None) -> Value:
    """The output node of gate ``op`` on ``x`` (and ``y``): ``result`` is what the op's rule
    returned, the output and the local derivative with respect to each input.

    The node keeps its inputs and their local derivatives for backward. An output that is not a
    finite number (an overflow) is an error naming the gate.
    """
    if y is None:
        out, local_x = result
        local_y = None
    else:
        out, local_x, local_y = result
    if not isfinite(out):
        raise _not_finite(op, x, y, out)
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = None
    node.gate = op
    node._x = x
    node._y = y
    node._local_x = local_x
    node._local_y = local_y
    node._uses = 0
    node._pass = None
    node._hooks = None
    if x._x is not None:  # a gate, not a leaf: one more gate uses it
        x._uses += 1
    if y is not None and y._x is not None:
        y._uses += 1
    return node


def _output(op: Op, x: Value, y: Value | None = None) -> Value:
    """What gate ``op`` gives on ``x`` (and ``y``) inside ``no_grad()``: its output alone, in a
    new leaf. Nothing is kept for backward, so no local derivative is computed: ``op.function``
    runs, not the rule. An output that is not a finite number is the same error as in a node."""
    out = op.function(x.data) if y is None else op.function(x.data, y.data)
    if not isfinite(out):
        raise _not_finite(op, x, y, out)
    return Value(out)


def constant(c: Operand) -> Value:
    """A plain number used in an op (the 2 in ``x * 2``), as a leaf that diagrams fold into its
    gate (``*2``)."""
    node = Value(as_float(c, "operand"))
    node.gate = CONSTANT
    return node


def _call(op: Op, x: Value, y: Value | None) -> str:
    """``mul(1e+200, 1e+200)``: the gate and its inputs, for error messages."""
    return f"{op.name}({x.data!r}{'' if y is None else f', {y.data!r}'})"


def _not_finite(op: Op, x: Value, y: Value | None, out: float) -> ArithmeticError | ValueError:
    """The error for a gate whose result is inf or nan: nan is not a real number (the power of a
    negative number), inf from an input 0 a division by zero (0 ** -1), any other inf an
    overflow (1e200 * 1e200)."""
    call = _call(op, x, y)
    if out != out:
        domain = f"; {op.name} needs {op.domain}" if op.domain else ""
        return ValueError(f"{call} is not a real number{domain}")
    if x.data == 0.0 or (y is not None and y.data == 0.0):
        return ZeroDivisionError(f"{call}: division by zero (the result is {out!r})")
    return OverflowError(f"{call}: the result overflows a float; rescale the inputs")


class HookHandle:
    """What :meth:`Value.register_hook` returns: ``handle.remove()`` takes the hook off again."""

    def __init__(self, value: Value, hook: Hook) -> None:
        self._value = value
        self._hook = hook

    def remove(self) -> None:
        """Stop calling the hook (removing it twice is fine)."""
        hooks = self._value._hooks
        if hooks is not None and self._hook in hooks:
            hooks.remove(self._hook)
            if not hooks:
                self._value._hooks = None


class Value:
    """A scalar in a computation graph, with the gradient backward leaves on it.

    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> f.data, x.grad, y.grad, z.grad
    (-12.0, -4.0, -4.0, 3.0)
    """

    __slots__ = (
        "data",
        "grad",
        "label",
        "gate",
        "_x",
        "_y",
        "_local_x",
        "_local_y",
        "_uses",
        "_pass",
        "_hooks",
    )
    __array_ufunc__ = None  # numpy defers to Value's own (reflected) operators

    data: float
    grad: float
    label: str | None
    gate: Op  # the op that made this node: ops.LEAF or ops.CONSTANT for leaves
    _x: Value | None  # the inputs (None for leaves; _y is None for one-input gates)
    _y: Value | None
    _local_x: Any  # d self / d _x and d self / d _y, from the rule
    _local_y: Any
    _uses: int  # a gate: how many gates take it as an input
    _pass: object  # a leaf: the backward pass that reached it last (see graph.backward)
    _hooks: list[Hook] | None

    def __init__(self, data: Number, label: str | None = None) -> None:
        if label is not None and not isinstance(label, str):
            raise TypeError(f"label must be a str or None, got {type(label).__name__} {label!r}")
        self.data = as_float(data)
        self.grad = 0.0
        self.label = label
        self.gate = LEAF
        self._x = self._y = self._local_x = self._local_y = None
        self._uses = 0
        self._pass = None
        self._hooks = None

    # -- gates: each runs its op's rule (autograd/ops.py) on the data and keeps the result ------
    # (inside no_grad() nothing is kept, so no rule runs: _output computes the output alone)

    def __add__(self, other: Operand) -> Value:
        other = other if type(other) is Value else constant(other)
        if not recording():
            return _output(ADD, self, other)
        return _node(ADD, ADD.rule(self.data, other.data), self, other)

    def __mul__(self, other: Operand) -> Value:
        other = other if type(other) is Value else constant(other)
        if not recording():
            return _output(MUL, self, other)
        return _node(MUL, MUL.rule(self.data, other.data), self, other)

    def __truediv__(self, other: Operand) -> Value:
        other = other if type(other) is Value else constant(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"{self.data!r} / 0.0: division by zero")
        if not recording():
            return _output(DIV, self, other)
        return _node(DIV, DIV.rule(self.data, other.data), self, other)

    def __pow__(self, exponent: Operand) -> Value:
        if type(exponent) is not Value:
            exponent = constant(exponent)
        elif self.data < 0.0 and not exponent.is_constant:
            raise ValueError(
                f"{self.data!r} ** y with y a Value: a negative base has no derivative with "
                "respect to the exponent (x^y log x needs x > 0); use a number exponent, or "
                "keep the base positive"
            )
        if not recording():
            return _output(POW, self, exponent)
        return _node(POW, POW.rule(self.data, exponent.data), self, exponent)

    def max(self, other: Operand) -> Value:
        other = other if type(other) is Value else constant(other)
        if not recording():
            return _output(MAX, self, other)
        return _node(MAX, MAX.rule(self.data, other.data), self, other)

    def leaky_relu(self, slope: Operand = 0.01) -> Value:
        slope = slope if type(slope) is Value else constant(slope)  # a Value slope is learned
        if not recording():
            return _output(LEAKY_RELU, self, slope)
        return _node(LEAKY_RELU, LEAKY_RELU.rule(self.data, slope.data), self, slope)

    def exp(self) -> Value:
        if not recording():
            return _output(EXP, self)
        return _node(EXP, EXP.rule(self.data), self)

    def log(self) -> Value:
        if not recording():
            return _output(LOG, self)
        return _node(LOG, LOG.rule(self.data), self)

    def reciprocal(self) -> Value:
        if self.data == 0.0:
            raise ZeroDivisionError("1/x at x = 0.0: division by zero")
        if not recording():
            return _output(RECIPROCAL, self)
        return _node(RECIPROCAL, RECIPROCAL.rule(self.data), self)

    def sqrt(self) -> Value:
        if not recording():
            return _output(SQRT, self)
        return _node(SQRT, SQRT.rule(self.data), self)

    def relu(self) -> Value:
        if not recording():
            return _output(RELU, self)
        return _node(RELU, RELU.rule(self.data), self)

    def sigmoid(self) -> Value:
        if not recording():
            return _output(SIGMOID, self)
        return _node(SIGMOID, SIGMOID.rule(self.data), self)

    def tanh(self) -> Value:
        if not recording():
            return _output(TANH, self)
        return _node(TANH, TANH.rule(self.data), self)

    def softplus(self) -> Value:
        if not recording():
            return _output(SOFTPLUS, self)
        return _node(SOFTPLUS, SOFTPLUS.rule(self.data), self)

    def sin(self) -> Value:
        if not recording():
            return _output(SIN, self)
        return _node(SIN, SIN.rule(self.data), self)

    def cos(self) -> Value:
        if not recording():
            return _output(COS, self)
        return _node(COS, COS.rule(self.data), self)

    def abs(self) -> Value:
        if not recording():
            return _output(ABS, self)
        return _node(ABS, ABS.rule(self.data), self)

    def __abs__(self) -> Value:
        return self.abs()

    # -- a number on the left, and gates composed of the ones above ------------------------------

    def __radd__(self, other: Number) -> Value:
        return constant(other) + self

    def __rmul__(self, other: Number) -> Value:
        return constant(other) * self

    def __rtruediv__(self, other: Number) -> Value:
        if as_float(other, "dividend") == 1.0:
            return self.reciprocal()  # 1 / x: the lecture's 1/x gate
        return constant(other) / self

    def __rpow__(self, base: Number) -> Value:
        return constant(base) ** self  # __pow__ refuses a negative base

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self + (-other)
        return self + (-as_float(other, "operand"))

    def __rsub__(self, other: Number) -> Value:
        return (-self) + as_float(other, "operand")

    # -- comparisons read the data: plain bools, no graph ----------------------------------------

    def __lt__(self, other: Operand) -> bool:
        refuse_if_tracing("<")
        return self.data < _data(other)

    def __le__(self, other: Operand) -> bool:
        refuse_if_tracing("<=")
        return self.data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        refuse_if_tracing(">")
        return self.data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        refuse_if_tracing(">=")
        return self.data >= _data(other)

    def __bool__(self) -> bool:
        refuse_if_tracing("bool()")
        return self.data != 0.0

    def __eq__(self, other: object) -> bool:
        """Identity: a Value is a node, and two nodes with equal data differ (so Values are
        dict keys). ``v == 1`` is False; while compiling it is refused, as ``<`` is."""
        if isinstance(other, numbers.Number):
            refuse_if_tracing("==")
        return self is other if isinstance(other, Value) else NotImplemented

    def __ne__(self, other: object) -> bool:
        """The opposite of ``==`` (written out so that a refusal names ``!=``)."""
        if isinstance(other, numbers.Number):
            refuse_if_tracing("!=")
        return self is not other if isinstance(other, Value) else NotImplemented

    __hash__ = object.__hash__

    # -- gradients --------------------------------------------------------------------------------

    def backward(self, grad: Number = 1.0) -> None:
        """Add d self / d node, times ``grad``, to every node's ``.grad`` (see autograd.graph)."""
        graph.backward(self, grad)

    def backward_steps(self, grad: Number = 1.0) -> Iterator[Step]:
        """Backward one (gate, input) edge at a time; see :func:`autograd.graph.backward_steps`."""
        return graph.backward_steps(self, grad)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this node and every node it was computed from."""
        graph.zero_grad(self)

    def register_hook(self, hook: Hook) -> HookHandle:
        """Call ``hook(grad)`` during each backward pass with this node's complete gradient for
        the pass, before it is passed on or added to ``.grad``; if the hook returns a number, that
        number replaces the gradient. Returns a handle whose ``remove()`` takes the hook off."""
        if not callable(hook):
            raise TypeError(f"a hook must be a function of the gradient, got {hook!r}")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return HookHandle(self, hook)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    # -- what the node is --------------------------------------------------------------------------

    @property
    def op(self) -> str:
        """The gate's symbol as diagrams show it ('+', '*', 'exp', '1/x', ...); '' for leaves."""
        return self.gate.symbol

    @property
    def parents(self) -> tuple[Value, ...]:
        """The gate's inputs, in argument order; () for leaves."""
        if self._x is None:
            return ()
        if self._y is None:
            return (self._x,)
        return (self._x, self._y)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d input for each input, as the forward pass computed them."""
        if self._x is None:
            return ()
        if self._y is None:
            return (self._local_x,)
        return (self._local_x, self._local_y)

    @property
    def hooks(self) -> tuple[Hook, ...]:
        """The functions :meth:`register_hook` added, in order."""
        return tuple(self._hooks or ())

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes no gate produced."""
        return self._x is None

    @property
    def is_constant(self) -> bool:
        """True for a plain number used in an op (the 2 in ``2 * x``)."""
        return self.gate is CONSTANT

    # micrograd's names for the same things
    @property
    def _op(self) -> str:
        return self.gate.symbol

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

    # -- copying: whole graphs, without recursion --------------------------------------------------

    def __copy__(self) -> Value:
        """The same node again: same data, label, gate, inputs and local derivatives; one more
        user of each input gate (backward counts on it), none of its own yet."""
        node = _new(Value)
        for slot in Value.__slots__:
            setattr(node, slot, getattr(self, slot))
        node._hooks = None if self._hooks is None else list(self._hooks)
        node._uses = 0
        for parent in node.parents:
            if parent._x is not None:
                parent._uses += 1
        return node

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """A copy of the whole graph below this node (each shared node copied once), made
        iteratively: a graph a million gates deep copies like any other."""
        copies: dict[Value, Value] = {}
        for node in graph.topological_order(self):
            if id(node) in memo:
                copies[node] = memo[id(node)]
                continue
            new = _new(Value)
            for slot in Value.__slots__:
                setattr(new, slot, getattr(node, slot))
            new._hooks = None if node._hooks is None else list(node._hooks)
            new._uses = 0  # counted below, within the copy
            for slot, parent in (("_x", node._x), ("_y", node._y)):
                if parent is not None:
                    setattr(new, slot, copies[parent])
                    if parent._x is not None:
                        copies[parent]._uses += 1
            copies[node] = memo[id(node)] = new
        return copies[self]

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(
            "a Value graph cannot be pickled (a deep graph would exceed the recursion limit, and "
            "unpickling runs code); save a model's parameters with nn.save (JSON), or the numbers "
            "with value.data"
        )


def _data(other: Operand) -> float:
    """The number behind a Value or a plain number, for comparisons."""
    return other.data if isinstance(other, Value) else as_float(other, "comparison operand")


_OPERATORS = {"add": "__add__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__"}


def apply(op: Op, x: Operand, *others: Operand) -> Value:
    """Gate ``op`` of the op table on the inputs, as its Value method builds it: ``apply(MUL, x,
    y)`` is ``x * y``, ``apply(TANH, x)`` is ``x.tanh()``; a plain number becomes a constant."""
    if len(others) + 1 != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(others) + 1}")
    first = x if isinstance(x, Value) else constant(x)
    method: Callable[..., Value] = getattr(first, _OPERATORS.get(op.name, op.name))
    return method(*others)


def maximum(a: Operand, b: Operand) -> Value:
    """max(a, b) as one gate; either side may be a plain number."""
    if isinstance(a, Value):
        return a.max(b)
    if isinstance(b, Value):
        return constant(a).max(b)
    raise TypeError("maximum needs at least one Value; for two numbers use the built-in max")


def weighted_sum(bias: Operand, weights: Sequence[Operand], inputs: Sequence[Operand]) -> Value:
    """``bias + w1*x1 + w2*x2 + ... + wn*xn``, added left to right: the gates of that expression.

    A neuron's pre-activation (:class:`nn.Neuron`). Plain numbers are constants, as in the
    expression itself.
    """
    n = len(weights)
    if n != len(inputs):
        raise ValueError(f"weighted_sum got {n} weights and {len(inputs)} inputs; give one of each")
    total: Any = bias if isinstance(bias, Value) else constant(bias)
    for w, x in zip(weights, inputs):
        total = total + w * x
    return total


__all__ = ["HookHandle", "Value", "apply", "constant", "maximum", "weighted_sum"]
