"""What diagrams and stepper pages cost: page sizes, build times and dot's layout times.

``python -m bench.drawing`` builds each case ``--repeats`` times (3 by default) and prints the
median, with the target it is held to:

* stepper pages (``Stepper(root, forward=True).html()``, everything from the graph to the page's
  text): a 200-gate expression graph (target: at most 5 MB, built in at most 30 s), the lecture's
  sigmoid circuit, a 2-4-1 MLP with its loss, drawn gate by gate with short names, and a
  2-16-16-1 MLP collapsed to neurons;
* diagrams (``draw(root)`` rendered to SVG by dot): graphs of about 500 drawn nodes (target: at
  most 20 s): a 500-gate expression graph, a sum of 250 inputs, and the 2-4-1 MLP;
* dot's time as the wires get longer: a value used by every gate of a chain, whose wires cross
  more and more columns (``scene.layout_size``), up to the limit past which ``draw`` refuses; and
  the time ``draw`` takes to refuse a graph beyond it.

Each case is built from scratch each time (a fresh graph, a fresh Stepper), in this process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from autograd import Stepper, Value, draw
from autograd.drawing import scene

PAGE_BYTES = 5_000_000
PAGE_SECONDS = 30.0
DIAGRAM_SECONDS = 20.0
T = TypeVar("T")


def expression_graph(gates: int, seed: int = 0, window: int = 6) -> Value:
    """A random expression of ``gates`` gates over four inputs, each gate reading the result
    before it and another recent one (as an expression typed by hand does): ``+``, ``*`` (then
    tanh, to keep numbers small), ``tanh``, ``*0.5 + 1`` and ``sigmoid``."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-2, 2), f"x{i}") for i in range(1, 5)]
    made = 0
    while made < gates:
        a, b = nodes[-1], rng.choice(nodes[-window:])
        kind = rng.random()
        if kind < 0.35:
            node, made = a + b, made + 1
        elif kind < 0.7:
            node, made = (a * b).tanh(), made + 2
        elif kind < 0.8:
            node, made = a.tanh(), made + 1
        elif kind < 0.9:
            node, made = a * 0.5 + 1, made + 2
        else:
            node, made = a.sigmoid(), made + 1
        nodes.append(node)
    return nodes[-1]


def sigmoid_circuit() -> Value:
    w0, x0, w1, x1, w2 = (
        Value(v, n) for v, n in [(2, "w0"), (-1, "x0"), (-3, "w1"), (-2, "x1"), (-3, "w2")]
    )
    f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    f.label = "f"
    return f


def mlp_loss(sizes: list[int], seed: int = 0) -> Value:
    import nn

    model = nn.MLP(sizes[0], sizes[1:], seed=seed)
    xs = [0.5 * (-1) ** i for i in range(sizes[0])]
    out = model(xs)
    assert isinstance(out, Value), "one output neuron"
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    return loss


def sum_of_inputs(n: int) -> Value:
    total = Value(0.0, "x0")
    for i in range(1, n):
        total = total + Value(float(i % 7 - 3), f"x{i}")
    return total


def used_everywhere(uses: int) -> Value:
    """``x + x + ... + x``: one value whose wires run the whole length of the drawing."""
    x = Value(0.5, "x")
    total = x
    for _ in range(uses - 1):
        total = total + x
    return total


@dataclass
class Row:
    """One measured case."""

    kind: str
    case: str
    nodes: int
    frames: int | None
    size: int | None  # bytes of the page or SVG
    seconds: float
    target: str
    ok: bool | None


def _median_seconds(run: Callable[[], T], repeats: int) -> tuple[float, T]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def page_case(name: str, make: Callable[[], Value], repeats: int, **options: Any) -> Row:
    """A stepper page, from the graph to the page's text."""
    holder: dict[str, Stepper] = {}

    def run() -> str:
        stepper = Stepper(make(), forward=True, **options)
        holder["stepper"] = stepper
        return stepper.html()

    seconds, page = _median_seconds(run, repeats)
    stepper = holder["stepper"]
    size = len(page.encode("utf-8"))
    ok = size <= PAGE_BYTES and seconds <= PAGE_SECONDS
    target = f"<= {PAGE_BYTES // 1_000_000} MB, <= {PAGE_SECONDS:.0f} s"
    return Row("page", name, len(stepper.scene.items), len(stepper), size, seconds, target, ok)


def diagram_case(name: str, make: Callable[[], Value], repeats: int, **options: Any) -> Row:
    """A diagram rendered to SVG by dot, after backward."""

    def run() -> bytes:
        root = make()
        root.backward()
        return bytes(draw(root, **options).pipe(format="svg"))

    seconds, svg = _median_seconds(run, repeats)
    root = make()
    nodes = len(scene.build_scene(root, options.get("collapse"), max_nodes=10_000).items)
    ok = seconds <= DIAGRAM_SECONDS
    return Row("diagram", name, nodes, None, len(svg), seconds, f"<= {DIAGRAM_SECONDS:.0f} s", ok)


def span_case(uses: int, repeats: int) -> Row:
    """dot's time on a value used by every gate of a chain (drawn with the limit lifted)."""
    root = used_everywhere(uses)
    items = scene.build_scene(root, max_nodes=10**6)
    seconds, svg = _median_seconds(
        lambda: bytes(draw(root, max_nodes=10**6).pipe(format="svg")), repeats
    )
    size = scene.layout_size(items)
    refused = size > scene.LAYOUT_PER_NODE * scene.DEFAULT_MAX_NODES
    note = f"layout {size:,} ({'refused' if refused else 'drawn'} by default)"
    return Row("wire span", f"x used {uses} times", len(items.items), None, len(svg), seconds,
               note, None)  # fmt: skip


def refusal_case(uses: int, repeats: int) -> Row:
    """How long draw takes to refuse a graph whose wires are too long."""
    root = used_everywhere(uses)

    def run() -> str:
        try:
            draw(root)
        except ValueError as error:
            return str(error)
        raise AssertionError("expected draw to refuse")

    seconds, _ = _median_seconds(run, repeats)
    return Row("refused", f"x used {uses} times", uses + 1, None, None, seconds, "an error at once",
               seconds < 1.0)  # fmt: skip


def run(quick: bool = False, repeats: int = 3) -> list[Row]:
    """Every case (``quick``: small graphs, for a smoke test)."""
    gates, diagram_gates, sum_n = (40, 60, 40) if quick else (200, 496, 250)
    spans = (20, 40) if quick else (60, 100, 126, 140, 170)
    rows = [
        page_case(f"expression, {gates} gates", lambda: expression_graph(gates), repeats),
        page_case("sigmoid circuit", sigmoid_circuit, repeats),
        page_case("MLP 2-4-1 + loss, short names", lambda: mlp_loss([2, 4, 1]), repeats,
                  short_names=True),
        page_case("MLP 2-16-16-1 + loss, collapsed", lambda: mlp_loss([2, 16, 16, 1]), repeats,
                  collapse="neuron"),
        diagram_case(f"expression, {diagram_gates} gates",
                     lambda: expression_graph(diagram_gates), repeats),
        diagram_case(f"sum of {sum_n} inputs", lambda: sum_of_inputs(sum_n), repeats),
        diagram_case("MLP 2-4-1 + loss", lambda: mlp_loss([2, 4, 1]), repeats),
        diagram_case("MLP 2-16-16-1 + loss, collapsed", lambda: mlp_loss([2, 16, 16, 1]), repeats,
                     collapse="neuron"),
    ]  # fmt: skip
    rows += [span_case(uses, repeats) for uses in spans]
    rows.append(refusal_case(300, repeats))
    return rows


def format_rows(rows: list[Row]) -> str:
    """The rows as a plain-text table."""
    header = ("what", "case", "nodes", "frames", "bytes", "seconds", "target", "met")
    lines = [header]
    for r in rows:
        lines.append((
            r.kind, r.case, str(r.nodes), "" if r.frames is None else str(r.frames),
            "" if r.size is None else f"{r.size:,}", f"{r.seconds:.2f}", r.target,
            "" if r.ok is None else ("yes" if r.ok else "NO"),
        ))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.drawing", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="small graphs: a smoke run")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (median shown)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    rows = run(args.quick, args.repeats)
    print(format_rows(rows))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
