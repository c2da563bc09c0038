"""``Stepper``: backward one edge at a time, as pictures (Jupyter widget, HTML page, GIF).

Each step of :func:`autograd.graph.backward_steps` passes gradient from a gate to one of its
inputs: ``contribution = upstream x local``. Frame 0 shows the forward values and the seed on the
output wire; frame k shows the gradients known after k steps, the gate of step k highlighted
(with its upstream wire) and the wire that receives the contribution, and a caption
``upstream 0.20 x local 1.00 = 0.20``. Unknown gradients show '?', in cells sized for their final
numbers, so every frame has the same layout.

The steps are computed once, when the Stepper is made; the graph's ``.grad`` values are then put
back exactly as they were (run ``backward()`` yourself for the final gradients). Steps into
constants (the ``-1`` of ``*-1``), which are not drawn, are left out.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from autograd.drawing.diagram import Diagram
from autograd.drawing.draw import check_style, render_scene
from autograd.drawing.labels import number, text_width
from autograd.drawing.look import Highlight, Look
from autograd.drawing.player import gif_bytes, html_page
from autograd.drawing.scene import DEFAULT_MAX_NODES, build_scene
from autograd.files import write_atomic
from autograd.graph import Step, backward_steps, topological_order
from autograd.value import Value, as_float

TITLE = "chainrule: backprop step by step"


def record_steps(root: Value, grad: float) -> list[Step]:
    """Every backward step into a drawn node, leaving each ``.grad`` as it was."""
    before = [(node, node.grad) for node in topological_order(root)]
    try:
        return [step for step in backward_steps(root, grad) if not step.input.is_constant]
    finally:
        for node, g in before:
            node.grad = g


class StepGradients:
    """The gradients known after the first ``k`` steps (the seed on the root from the start).

    A wire's gradient is known once its step has run; a node's total once every step into it has
    (it is then the running gradient the last of those steps recorded).
    """

    def __init__(self, root: Value, seed: float, steps: list[Step], k: int) -> None:
        self.root = root
        self.seed = seed
        self.edges = {(id(s.gate), s.index): s.contribution for s in steps[:k]}
        pending: dict[int, int] = {}
        for s in steps:
            pending[id(s.input)] = pending.get(id(s.input), 0) + 1
        self.totals: dict[int, float] = {}
        for s in steps[:k]:
            pending[id(s.input)] -= 1
            if pending[id(s.input)] == 0:
                self.totals[id(s.input)] = s.input_grad

    def node(self, value: Value) -> float | None:
        if value is self.root:
            return self.seed
        return self.totals.get(id(value))

    def edge(self, gate: Value, index: int) -> float | None:
        return self.edges.get((id(gate), index))


class Stepper:
    """Backprop of ``root``'s graph, one (gate, input) step per frame.

    >>> from autograd import Value
    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> stepper = Stepper((x + y) * z)
    >>> len(stepper), stepper.caption(1)
    (5, 'step 1 of 4: * → +: upstream 1.00 x local -4.00 = -4.00')

    ``len(stepper)`` counts frames: frame 0 (the seed) and one per step. Options as in
    :func:`autograd.draw`: ``style``, ``fmt``, ``rankdir``, ``max_nodes``; ``grad`` is the seed.
    """

    def __init__(
        self,
        root: Value,
        *,
        grad: float = 1.0,
        style: str = "circuit",
        fmt: str = ".2f",
        rankdir: str = "LR",
        max_nodes: int = DEFAULT_MAX_NODES,
    ) -> None:
        self.style = check_style(style, None)
        self.scene = build_scene(root, None, max_nodes)
        self.root = root
        self.seed = as_float(grad, "backward grad")
        self.steps = record_steps(root, self.seed)
        final = StepGradients(root, self.seed, self.steps, len(self.steps))
        self.look = Look(fmt=fmt, rankdir=rankdir, sizing=final)
        self.captions = [self._caption(k) for k in range(len(self))]
        self.caption_width = max(text_width(c) for c in self.captions)

    def __len__(self) -> int:
        return len(self.steps) + 1

    def _index(self, k: int) -> int:
        if isinstance(k, bool) or not isinstance(k, int) or not -len(self) <= k < len(self):
            raise IndexError(
                f"frame {k!r} does not exist: this stepper has frames 0..{len(self) - 1}"
            )
        return k % len(self)

    def _name(self, node: Value) -> str:
        item = self.scene.by_value[node]
        return item.name or item.text

    def _caption(self, k: int) -> str:
        n, fmt = len(self.steps), self.look.fmt
        if k == 0:
            seed = number(self.seed, fmt)
            return f"step 0 of {n}: backward starts with gradient {seed} at the output"
        s = self.steps[k - 1]
        return (
            f"step {k} of {n}: {self.scene.by_value[s.gate].text} → {self._name(s.input)}: "
            f"upstream {number(s.upstream, fmt)} x local {number(s.local, fmt)} "
            f"= {number(s.contribution, fmt)}"
        )

    def caption(self, k: int) -> str:
        """What frame ``k`` shows, in words: ``... upstream 0.20 x local 1.00 = 0.20``."""
        return self.captions[self._index(k)]

    def frame(self, k: int) -> Diagram:
        """The diagram after ``k`` steps (frame 0: only the seed is known)."""
        k = self._index(k)
        known = StepGradients(self.root, self.seed, self.steps, k)
        highlight = None
        if k > 0:
            highlight = Highlight(self.steps[k - 1].gate, self.steps[k - 1].index)
        return render_scene(
            self.scene,
            known,
            self.look,
            self.style,
            highlight,
            self.captions[k],
            self.caption_width,
        )

    @cached_property
    def svgs(self) -> list[str]:
        """Every frame rendered to SVG by ``dot`` (computed once)."""
        return [self.frame(k).pipe(format="svg", encoding="utf-8") for k in range(len(self))]

    def widget(self) -> Any:
        """A Jupyter widget: the frame, a slider, play and step buttons (needs ipywidgets)."""
        try:
            import ipywidgets as widgets
        except ImportError:
            raise ImportError(
                "Stepper.widget() needs ipywidgets: pip install 'chainrule[widgets]'"
            ) from None
        last = len(self) - 1
        view = widgets.HTML(self.svgs[0])
        slider = widgets.IntSlider(value=0, min=0, max=last, description="step")
        play = widgets.Play(value=0, min=0, max=last, interval=1200, description="play")
        widgets.jslink((play, "value"), (slider, "value"))
        previous = widgets.Button(description="◀", layout=widgets.Layout(width="3em"))
        following = widgets.Button(description="▶", layout=widgets.Layout(width="3em"))

        def show(change: dict[str, Any]) -> None:
            view.value = self.svgs[change["new"]]

        def step_by(delta: int) -> None:
            slider.value = min(max(slider.value + delta, 0), last)

        slider.observe(show, names="value")
        previous.on_click(lambda _: step_by(-1))
        following.on_click(lambda _: step_by(1))
        return widgets.VBox([widgets.HBox([play, previous, slider, following]), view])

    def html(self, title: str = TITLE) -> str:
        """The self-contained HTML player (every frame as inline SVG) as text."""
        return html_page(self.svgs, title)

    def gif(self, delay_ms: int = 1200) -> bytes:
        """An animated GIF of every frame, as bytes (needs Pillow)."""
        return gif_bytes([self.frame(k).pipe(format="png") for k in range(len(self))], delay_ms)

    def to_html(self, path: str | Path, title: str = TITLE) -> Path:
        """Write the HTML player (slider, play and step buttons, arrow keys) to ``path``."""
        return write_atomic(path, self.html(title))

    def to_gif(self, path: str | Path, delay_ms: int = 1200) -> Path:
        """Write an animated GIF of every frame (needs Pillow) to ``path``."""
        return write_atomic(path, self.gif(delay_ms))
