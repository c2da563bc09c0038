"""The two lecture diagrams, drawn with chainrule: (x + y) z and the sigmoid circuit.

Run ``python examples/lecture_diagrams.py`` to regenerate the README's images in docs/images/
(needs Graphviz's ``dot``; the GIF needs Pillow). ``make demo`` calls :func:`render` to write the
diagrams and a stepper page into out/.
"""

from __future__ import annotations

from pathlib import Path

from autograd import Stepper, Value, draw

DOCS_IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"


def chain_rule_graph() -> Value:
    """f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4; the first backprop lecture."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    f = (x + y) * z
    f.label = "f"
    return f


def sigmoid_circuit_graph() -> Value:
    """f(w, x) = 1 / (1 + e^-(w0 x0 + w1 x1 + w2)) at the lecture's point, gate by gate."""
    w0, x0 = Value(2.0, "w0"), Value(-1.0, "x0")
    w1, x1 = Value(-3.0, "w1"), Value(-2.0, "x1")
    w2 = Value(-3.0, "w2")
    f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    f.label = "f"
    return f


def render(folder: Path, *, png: bool = False, html: bool = True, gif: bool = False) -> list[Path]:
    """Draw both diagrams after backward (SVG, and PNG if asked), and the sigmoid circuit's
    stepper (the forward pass, then backward) as an HTML page and/or a GIF, into ``folder``;
    returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    chain, circuit = chain_rule_graph(), sigmoid_circuit_graph()
    stepper = Stepper(circuit, forward=True)  # its frames show the numbers arriving
    chain.backward()
    circuit.backward()
    diagrams = {"chain_rule": draw(chain, fmt="g"), "sigmoid_circuit": draw(circuit)}
    written = []
    for name, diagram in diagrams.items():
        written.append(Path(diagram.save(folder / f"{name}.svg")))
        if png:
            written.append(Path(diagram.save(folder / f"{name}.png", dpi=150)))
    if html:
        written.append(stepper.to_html(folder / "sigmoid_circuit_steps.html"))
    if gif:
        written.append(stepper.to_gif(folder / "stepper.gif"))
    return written


def main() -> None:
    for path in render(DOCS_IMAGES, png=True, html=False, gif=True):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
