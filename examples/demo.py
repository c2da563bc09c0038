"""chainrule's main demo (`make demo`): the lectures' examples, computed, drawn and trained."""

from __future__ import annotations

import time
from pathlib import Path

from lecture_diagrams import chain_rule_graph, render, sigmoid_circuit_graph  # next to this file

import nn
from autograd import Value, summary
from autograd.drawing import DotNotFoundError
from nn import losses

SHOWS = {
    "chain_rule.svg": "f = (x + y) z, each wire with its value above and gradient below",
    "sigmoid_circuit.svg": "the sigmoid neuron as a circuit of gates, values and gradients",
    "sigmoid_circuit_steps.html": "a player: the forward pass, then backward one gate a frame",
}


def chain_rule_example() -> None:
    """f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4 (the first backprop lecture)."""
    f = chain_rule_graph()
    f.parents[0].label = "q"
    f.backward()
    print("f(x, y, z) = (x + y) * z at x=-2, y=5, z=-4")
    print(summary(f, digits=2))


def sigmoid_circuit_example() -> None:
    """f(w, x) = 1 / (1 + e^-(w0 x0 + w1 x1 + w2)), as the lecture's circuit of gates."""
    f = sigmoid_circuit_graph()
    f.backward()
    print("\nf(w, x) = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), the sigmoid circuit")
    print(summary(f, digits=2))


def moons_training_example(steps: int = 30) -> None:
    """micrograd's moons demo, shortened: MLP(2, [16, 16, 1]), SVM loss + 1e-4 L2, full batch."""
    X, y = nn.data.make_moons(100, noise=0.1, seed=1337)
    y = 2 * y - 1  # labels -1/+1 for the max-margin loss
    model = nn.MLP(2, [16, 16, 1], seed=0)

    def loss(scores: list[Value], labels: list[int]) -> Value:
        return losses.hinge(scores, labels) + 1e-4 * losses.l2(model.parameters())

    optimizer = nn.SGD(model.parameters(), lr=nn.LinearDecay(1.0, 0.1, steps))
    print(f"\nTraining {model} on 100 moons points ({model.num_parameters()} parameters),")
    print("compiled: the step is recorded once and replayed as straight-line code")
    start = time.perf_counter()
    history = nn.fit(model, loss, optimizer, (X, y), epochs=steps, compile=True, progress=False)
    seconds = time.perf_counter() - start
    print(f"after {steps} steps: loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.0%}")
    print(f"{seconds:.2f} s in all, {1000 * seconds / steps:.1f} ms a step")


def drawing_example(folder: Path = Path("out")) -> None:
    """Both lecture diagrams as SVG and the sigmoid circuit's backprop stepper as an HTML page."""

    print("\nDrawing the lecture diagrams (Graphviz's dot):")
    try:
        paths = render(folder)
    except DotNotFoundError as error:
        print(f"  skipped: {error}")
        return
    for path in paths:
        print(f"  wrote {path}: {SHOWS[path.name]}")
    print(f"Open them in a browser, for example file://{paths[-1].resolve()}")


def main() -> None:
    chain_rule_example()
    sigmoid_circuit_example()
    drawing_example()
    moons_training_example()


if __name__ == "__main__":
    main()
