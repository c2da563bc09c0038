"""Where a forward gate's time goes: chainrule's node against stripped-down copies of it.

``python -m bench.floor`` builds the chain ``y = y * c + d`` with each node class below and prints
the median forward time per op node, the classes interleaved, with the collector off (the
default) or on (``--collector on``):

* ``issue's lean``: the reference node of issue 6 ("a lean ``__slots__`` node with local
  gradients stored at forward time", about 190 ns forward): four slots, the inputs and the local
  derivatives in tuples. Run with both settings, it shows that the issue's figures are
  collector-off figures.
* ``Bare``: the operator writes the node's ten slots itself (no checks): the floor.
* ``WithRule``: the operator calls the op's rule from the op table, as chainrule's operators did
  before they were compiled from the formulas: one more Python call per gate.
* ``WithBuilder``: the operator calls a gate builder shared by all two-input ops, which calls the
  rule: two more calls per gate.
* chainrule's ``Value``: its operators are compiled from the op table's formulas (see
  ``autograd.formulas``), so they make no call; on top of ``Bare`` they check the operand's type
  and the result for overflow, read the recording mode (``no_grad``, tape) and count each input
  gate's users.

The copies build the same nodes as chainrule (tests check it); they cannot run backward.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from autograd import Value, ops

_new = object.__new__


class Lean:
    """The issue's reference node: value, gradient, inputs and local derivatives, nothing else."""

    __slots__ = ("data", "grad", "_prev", "_local")
    _prev: tuple[Any, ...]
    _local: tuple[float, ...]

    def __init__(self, data: float) -> None:
        self.data = data
        self.grad = 0.0
        self._prev = self._local = ()

    def __mul__(self, other: Any) -> Any:
        node = _new(Lean)
        node.data = self.data * other.data
        node.grad = 0.0
        node._prev = (self, other)
        node._local = (other.data, self.data)
        return node

    def __add__(self, other: Any) -> Any:
        node = _new(Lean)
        node.data = self.data + other.data
        node.grad = 0.0
        node._prev = (self, other)
        node._local = (1.0, 1.0)
        return node


class Bare:
    """A node whose operators compute the value and local derivatives inline."""

    __slots__ = Value.__slots__
    label: str | None
    _gate: ops.Op | None
    _a: Any
    _b: Any
    _la: float | None
    _lb: float | None
    _pass: object

    def __init__(self, data: float) -> None:
        self.data = data
        self.grad = 0.0
        self.label = self._gate = self._a = self._b = self._la = self._lb = self._pass = None
        self._uses = 0

    def __mul__(self, other: Any) -> Any:
        node = _new(Bare)
        node.data = self.data * other.data
        node.grad = 0.0
        node.label = None
        node._gate = ops.MUL
        node._a = self
        node._b = other
        node._la = other.data
        node._lb = self.data
        node._uses = 0
        node._pass = None
        return node

    def __add__(self, other: Any) -> Any:
        node = _new(Bare)
        node.data = self.data + other.data
        node.grad = 0.0
        node.label = None
        node._gate = ops.ADD
        node._a = self
        node._b = other
        node._la = 1.0
        node._lb = 1.0
        node._uses = 0
        node._pass = None
        return node


def _with_rule(op: ops.Op, x: Any, y: Any) -> Any:
    out, local_x, local_y = op.rule(x.data, y.data)
    node = _new(WithBuilder)
    node.data = out
    node.grad = 0.0
    node.label = None
    node._gate = op
    node._a = x
    node._b = y
    node._la = local_x
    node._lb = local_y
    node._uses = 0
    node._pass = None
    return node


class WithRule(Bare):
    """Bare, but the operator calls the op's rule (written out here once per operator)."""

    __slots__ = ()

    def __mul__(self, other: Any) -> Any:
        out, local_x, local_y = ops.MUL.rule(self.data, other.data)
        node = _new(WithRule)
        node.data = out
        node.grad = 0.0
        node.label = None
        node._gate = ops.MUL
        node._a = self
        node._b = other
        node._la = local_x
        node._lb = local_y
        node._uses = 0
        node._pass = None
        return node

    def __add__(self, other: Any) -> Any:
        out, local_x, local_y = ops.ADD.rule(self.data, other.data)
        node = _new(WithRule)
        node.data = out
        node.grad = 0.0
        node.label = None
        node._gate = ops.ADD
        node._a = self
        node._b = other
        node._la = local_x
        node._lb = local_y
        node._uses = 0
        node._pass = None
        return node


class WithBuilder(Bare):
    """The operator calls a builder shared by the two-input ops, which calls the rule."""

    __slots__ = ()

    def __mul__(self, other: Any) -> Any:
        return _with_rule(ops.MUL, self, other)

    def __add__(self, other: Any) -> Any:
        return _with_rule(ops.ADD, self, other)


NODES: dict[str, Callable[[float], Any]] = {
    "issue's lean": Lean,
    "bare": Bare,
    "with rule": WithRule,
    "with builder": WithBuilder,
    "chainrule Value": Value,
}


def chain(make: Callable[[float], Any], n: int) -> Any:
    """The bench's chain: ``n`` op nodes of ``y = y * c + d``; returns the root."""
    c, d, y = make(0.999), make(0.001), make(0.5)
    for _ in range(n // 2):
        y = y * c + d
    return y


def forward_ns(make: Callable[[float], Any], n: int) -> float:
    """Nanoseconds per op node to build the chain (freeing it is not timed)."""
    t0 = time.perf_counter()
    root = chain(make, n)
    seconds = time.perf_counter() - t0
    del root
    return seconds / n * 1e9


def measure(n: int, repeats: int, seed: int = 0, collector: bool = False) -> dict[str, float]:
    """Median ns per op node for every class, in shuffled interleaved order; the collector off,
    or on (``collector``, each run after a ``gc.collect()``). Restores the collector's state."""
    rng = random.Random(seed)
    times: dict[str, list[float]] = {name: [] for name in NODES}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            order = list(NODES)
            rng.shuffle(order)
            for name in order:
                if collector:
                    gc.collect()
                    gc.enable()
                try:
                    times[name].append(forward_ns(NODES[name], n))
                finally:
                    gc.disable()
    finally:
        if was_enabled:
            gc.enable()
    return {name: statistics.median(runs) for name, runs in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--collector", choices=("off", "on"), default="off")
    args = parser.parse_args(argv)
    collector = args.collector == "on"
    medians = {n: measure(n, args.repeats, collector=collector) for n in args.sizes}
    print(
        f"forward ns per op node, collector {args.collector}, "
        f"medians of {args.repeats} interleaved runs"
    )
    print(f"{'node':<16}" + "".join(f"{n:>12,}" for n in args.sizes))
    for name in NODES:
        print(f"{name:<16}" + "".join(f"{medians[n][name]:>12.0f}" for n in args.sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
