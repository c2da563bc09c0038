"""chainrule's main demo (`make demo`): the lectures' examples, computed, drawn and trained."""

from __future__ import annotations

from autograd import Value, summary


def chain_rule_example() -> None:
    """f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4 (the first backprop lecture)."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    f.backward()
    print("f(x, y, z) = (x + y) * z at x=-2, y=5, z=-4")
    print(summary(f, digits=2))


def sigmoid_circuit_example() -> None:
    """f(w, x) = 1 / (1 + e^-(w0 x0 + w1 x1 + w2)), as the lecture's circuit of gates."""
    w0, x0 = Value(2.0, "w0"), Value(-1.0, "x0")
    w1, x1 = Value(-3.0, "w1"), Value(-2.0, "x1")
    w2 = Value(-3.0, "w2")
    f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    f.label = "f"
    f.backward()
    print("\nf(w, x) = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), the sigmoid circuit")
    print(summary(f, digits=2))


def main() -> None:
    chain_rule_example()
    sigmoid_circuit_example()


if __name__ == "__main__":
    main()
