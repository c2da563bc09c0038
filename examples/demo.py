"""chainrule's main demo (`make demo`): the lectures' examples, computed, drawn and trained."""

from __future__ import annotations

from pathlib import Path

from lecture_diagrams import chain_rule_graph, render, sigmoid_circuit_graph  # next to this file

import nn
from autograd import Value, summary
from autograd.drawing import DotNotFoundError
from nn import losses


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
    print(f"\nTraining {model} on 100 moons points ({model.num_parameters()} parameters)")
    history = nn.fit(model, loss, optimizer, (X, y), epochs=steps)
    print(f"after {steps} steps: loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.0%}")


def drawing_example(folder: Path = Path("out")) -> None:
    """Both lecture diagrams as SVG and the sigmoid circuit's backprop stepper as an HTML page."""

    print("\nDrawing the lecture diagrams (Graphviz's dot):")
    try:
        for path in render(folder):
            print(f"  wrote {path}")
    except DotNotFoundError as error:
        print(f"  skipped: {error}")


def main() -> None:
    chain_rule_example()
    sigmoid_circuit_example()
    drawing_example()
    moons_training_example()


if __name__ == "__main__":
    main()
