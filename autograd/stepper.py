"""``Stepper``: backprop as pictures, one step per frame (HTML page, GIF, Jupyter widget).

Each step of :func:`autograd.graph.backward_steps` passes gradient from a gate to one of its
inputs: ``contribution = local x upstream``. The frames, all on one layout:

1. with ``forward=True``, the forward pass first: the inputs, then one gate per frame computing
   its value (``n2 = w1 * x1 = -3.00 * -2.00 = 6.00``);
2. the backward pass: the seed on the output, then one (gate, input) step per frame, the gate and
   the wire receiving its gradient highlighted, with a caption in the lectures' order, [local] x
   [upstream] = contribution: ``* → z:  ∂f/∂z = 3.00;  local × upstream = 3.00 × 1.00 = 3.00``,
   and the gate's pattern where it has one (add distributes, mul switches, max routes);
3. a frame summarising the final gradients;
4. with ``update=``, one frame per parameter showing ``w ← w − η·∂f/∂w`` with the numbers.

With ``collapse='neuron'`` a frame is a whole neuron (its forward value, or everything that
flows back through it, marking the boxes it flows back to: none for a dead neuron).

Captions show each number with as many digits as it takes for the shown arithmetic to check by
hand: ``2.00 × 0.197 = 0.39`` where the upstream 0.1966 is 0.20 on its wire (``2.00 × 0.20 =
0.39`` would not check). Unknown values and gradients show '?' in cells sized for every number
they will show, so nothing moves between frames.

The steps are computed once, when the Stepper is made; the graph's ``.grad`` values are then put
back exactly as they were and no ``.data`` is changed (the update frames only show the update).
Steps into constants (the ``-1`` of ``*-1``), which are not drawn, are left out.
"""

from __future__ import annotations

import json
import math
import numbers
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from autograd.captions import (
    forward_caption,
    gate_note,
    listed,
    local_formula,
    local_symbol,
    product_texts,
)
from autograd.checks import brief
from autograd.drawing.cells import Picture, cell_widths
from autograd.drawing.diagram import Diagram, check_dpi
from autograd.drawing.draw import check_style, make_style, render
from autograd.drawing.grouping import Collapse, find_grouping, short_name
from autograd.drawing.labels import DEFAULT_FMT, checks, hand_checked, number, text_width
from autograd.drawing.look import Highlight, Look
from autograd.drawing.player import (
    Blank,
    Layout,
    check_delay,
    fill_changes,
    gif_bytes,
    html_page,
    notebook_frame,
    pdf_bytes,
    pillow,
    quiz_page,
)
from autograd.drawing.scene import DEFAULT_MAX_NODES, Item, build_scene
from autograd.drawing.theme import Theme, find_theme
from autograd.files import write_atomic
from autograd.graph import Step, backward_steps, topological_order
from autograd.quiz import Question, blank_picture, questions
from autograd.report import node_names
from autograd.value import Value, as_float

TITLE = "chainrule: backprop step by step"
QUIZ_TITLE = "chainrule: backprop quiz"
CAPTION_WRAP = 110  # characters per caption line in the frames' own pictures (GIF, notebook)
MAX_GIF_WORK = 20_000
"""A GIF or PDF renders every frame with dot: at most this many frames x drawn nodes (about a
minute). A module setting, like matplotlib's ``animation.embed_limit``: assign a larger number to
render longer steppers anyway."""
DEFAULT_MAX_MEGAPIXELS = 40
"""The most pixels (in millions, all frames together) a GIF or PDF may hold unless asked: making
a GIF takes about 7 MB of memory and 0.2 seconds per million pixels."""


# -- what each frame knows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """One frame: its phase ('forward', 'backward', 'summary' or 'update'), how far forward,
    backward and the update have got, what is marked, and its caption. ``values``: gates computed
    (None: all); ``steps``: backward steps taken (None: backward has not started); ``updates``:
    update frames done."""

    phase: str
    values: int | None
    steps: int | None
    updates: int
    highlight: Highlight | None
    caption: str


@dataclass(frozen=True)
class Page:
    """An HTML page (the player, a quiz) that a notebook shows in place (in an iframe, so its own
    script runs) and that saves to a file."""

    html: str
    aspect: float  # the drawing's height over its width, for the iframe's height
    title: str = TITLE

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path``."""
        return write_atomic(path, self.html)

    def _repr_html_(self) -> str:
        return notebook_frame(self.html, self.aspect, self.title)


class Timeline:
    """When each number appears (what a :class:`Known` reads): ``forward``, the forward frame that
    computes each gate; ``steps``, the backward steps in frame order; ``final``, each node's
    gradient from this backward pass; ``updates``, each parameter's update frame and new value."""

    def __init__(
        self,
        root: Value,
        seed: float,
        forward: dict[Value, int],
        steps: list[Step],
        final: dict[Value, float],
        updates: dict[Value, tuple[int, float]],
    ) -> None:
        self.root, self.seed, self.forward, self.updates = root, seed, forward, updates
        self.edges = {(s.gate, s.index): (k, s.contribution) for k, s in enumerate(steps)}
        self.totals = {s.input: (k + 1, final[s.input]) for k, s in enumerate(steps)}


class Known:
    """The values and gradients one frame shows (the drawing's ``Gradients``)."""

    def __init__(self, timeline: Timeline, frame: Frame) -> None:
        self.timeline, self.frame = timeline, frame

    def value(self, node: Value) -> float | None:
        t, f = self.timeline, self.frame
        update = t.updates.get(node)
        if update is not None and update[0] < f.updates:
            return update[1]
        if f.values is not None and t.forward.get(node, 0) > f.values:
            return None
        return node.data

    def node(self, value: Value) -> float | None:
        t, steps = self.timeline, self.frame.steps
        if steps is None:
            return None
        if value is t.root:
            return t.seed
        known = t.totals.get(value)
        return known[1] if known is not None and known[0] <= steps else None

    def edge(self, gate: Value, index: int) -> float | None:
        steps = self.frame.steps
        known = self.timeline.edges.get((gate, index))
        return known[1] if steps is not None and known is not None and known[0] < steps else None


def record_steps(root: Value, grad: float) -> list[Step]:
    """Every backward step into a drawn node, leaving each ``.grad`` as it was."""
    before = [(node, node.grad) for node in topological_order(root)]
    try:
        return [step for step in backward_steps(root, grad) if not step.input.is_constant]
    finally:
        for node, g in before:
            node.grad = g


def _update_parameters(
    update: Any, params: Sequence[Value] | None, order: list[Value]
) -> tuple[float, list[Value]]:
    """The learning rate and the parameters (in the graph) that ``update=`` shows."""
    if isinstance(update, bool) or not (
        isinstance(update, numbers.Real) or hasattr(update, "params")
    ):
        raise ValueError(
            f"update must be a learning rate (a positive number) or an optimizer with .params "
            f"and .lr (nn.SGD), got {update!r}"
        )
    if isinstance(update, numbers.Real):
        lr = as_float(update, "update (the learning rate)")
        chosen = params
    else:
        if getattr(update, "momentum", None) != 0 or getattr(update, "weight_decay", 0) != 0:
            raise ValueError(
                f"update= shows plain gradient descent, w ← w − η·∂L/∂w; {update!r} updates "
                "differently (momentum, weight decay or adaptive steps). Pass "
                "nn.SGD(params, lr) or the learning rate as a number"
            )
        lr = as_float(update.lr, "the optimizer's lr")
        if params is not None:
            raise ValueError("give params= only with a learning rate; an optimizer has its own")
        chosen = list(update.params)
    if lr <= 0:
        raise ValueError(f"the learning rate must be positive, got {lr!r}")
    if chosen is None:
        found = [n for n in order if n.is_leaf and not n.is_constant and n.label]
        if not found:
            raise ValueError("the graph has no labelled leaves to update: pass params=[...]")
        return lr, found
    for p in chosen:
        if not isinstance(p, Value) or not p.is_leaf or p.is_constant:
            raise ValueError(f"params must be leaf Values (the parameters), got {p!r}")
    in_graph = set(order)
    found = [p for p in chosen if p in in_graph]
    if not found:
        raise ValueError("none of the parameters to update is in the graph of the stepper's root")
    return lr, found


class Stepper:
    """Backprop of ``root``'s graph, one step per frame; see the module docstring.

    >>> from autograd import Value
    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> stepper = Stepper((x + y) * z)
    >>> len(stepper)
    6
    >>> print(stepper.caption(2))  # doctest: +NORMALIZE_WHITESPACE
    step 2 of 4: * → z:  ∂n2/∂z = 3.00;  local × upstream = 3.00 × 1.00 = 3.00
      (mul switches the inputs)

    * ``forward=True``: first the forward pass, gate by gate.
    * ``update``: a learning rate (plain gradient descent on ``params``, by default on every
      labelled leaf) or an optimizer with ``.params`` and ``.lr`` doing plain gradient descent
      (``nn.SGD(model.parameters(), lr=0.1)``): final frames show ``w ← w − η·∂L/∂w``.
    * ``collapse='neuron'``: one box per neuron, one frame per neuron (see :func:`autograd.draw`).
    * ``grad``: the seed. ``style``, ``fmt``, ``rankdir``, ``names`` (``'all'`` by default: every
      gate named on its wire, as the captions name it), ``short_names``, ``max_nodes``, ``theme``
      as for :func:`autograd.draw`.
    """

    def __init__(
        self,
        root: Value,
        *,
        forward: bool = False,
        update: Any = None,
        params: Sequence[Value] | None = None,
        collapse: Collapse = None,
        grad: float = 1.0,
        style: str | None = None,
        fmt: str = DEFAULT_FMT,
        rankdir: str = "LR",
        names: str = "all",
        short_names: bool = False,
        max_nodes: int = DEFAULT_MAX_NODES,
        theme: str | Theme = "light",
    ) -> None:
        if forward not in (True, False):
            raise ValueError(f"forward must be True or False, got {forward!r}")
        chosen = check_style(style, collapse)
        self.look = Look(fmt=fmt, rankdir=rankdir, names=names, theme=find_theme(theme))
        self.scene = build_scene(root, collapse, max_nodes, short_names)
        self.drawing = make_style(self.scene, self.look, chosen)
        self.root = root
        self.seed = as_float(grad, "backward grad")
        order = topological_order(root)
        update_plan = None
        if update is not None:
            update_plan = _update_parameters(update, params, order)
        elif params is not None:
            raise ValueError("params= says what update= changes: give update= too")
        self.names = node_names(root)
        grouping = find_grouping(collapse)
        self.short_names = {
            node: short_name(node, grouping) or self.names[node] for node in order if node.is_leaf
        }
        if short_names:
            self.names.update(self.short_names)
        for item in self.scene.items:
            self.names[item.value] = item.name
        self.steps = record_steps(root, self.seed)
        self.final = {root: self.seed}  # and each input's last running gradient: its total
        self.final.update({step.input: step.input_grad for step in self.steps})
        self.frames: list[Frame] = []
        forward_at: dict[Value, int] = {}
        if forward:
            self._forward_frames(forward_at)
        ordered = self._backward_frames()
        self._summary_frame(len(ordered))
        updates: dict[Value, tuple[int, float]] = {}
        if update_plan is not None:
            self._update_frames(*update_plan, len(ordered), updates)
        for node, owner in self.scene.owner.items():
            if owner.value in forward_at:
                forward_at[node] = forward_at[owner.value]
        self.timeline = Timeline(root, self.seed, forward_at, ordered, self.final, updates)

    # -- the frames --------------------------------------------------------------------------------

    def _forward_frames(self, forward_at: dict[Value, int]) -> None:
        fmt, names = self.look.fmt, self.names
        computed = [item for item in self.scene.items if item.kind != "input"]
        inputs = [item for item in self.scene.items if item.kind == "input"]
        given = listed([f"{i.name} = {number(i.value.data, fmt)}" for i in inputs])
        total = len(computed)
        self.frames.append(
            Frame("forward", 0, None, 0, None, f"forward 0 of {total}: the inputs: {given}")
        )
        for k, item in enumerate(computed, 1):
            node = item.value
            forward_at[node] = k
            if item.kind == "neuron":
                links = [link for link in self.scene.links if link.target is item]
                sources = listed([link.source.name for link in links])
                text = f"{item.name} = {number(node.data, fmt)}, computed from {sources}"
                edges = frozenset(edge for link in links for edge in link.edges)
            else:
                text = forward_caption(node, names, fmt)
                edges = frozenset(
                    (node, i) for i, p in enumerate(node.parents) if not p.is_constant
                )
            mark = Highlight(node, to_nodes=frozenset({node}), from_edges=edges)
            self.frames.append(
                Frame("forward", k, None, 0, mark, f"forward {k} of {total}: {text}")
            )

    def _groups(self) -> list[list[Step]]:
        """The backward steps a frame each shows: one step, or (collapsed) a whole neuron."""
        groups: dict[object, list[Step]] = {}
        for k, step in enumerate(self.steps):
            owner = self.scene.owner.get(step.gate)
            item = self.scene.by_value.get(step.gate)
            if owner is None and item is not None and item.kind == "neuron":
                owner = item
            groups.setdefault(owner if owner is not None else k, []).append(step)
        return list(groups.values())

    def _backward_frames(self) -> list[Step]:
        """Add the seed frame and one frame per step (or neuron); the steps in frame order."""
        root_name = self.names[self.root]
        seed = number(self.seed, self.look.fmt)
        groups = self._groups()
        total = len(groups)
        self.frames.append(
            Frame(
                "backward", None, 0, 0, Highlight(to_nodes=frozenset({self.root})),
                f"step 0 of {total}: backward starts at the output: ∂{root_name}/∂{root_name} "
                f"= {seed}",
            )
        )  # fmt: skip
        ordered: list[Step] = []
        for k, group in enumerate(groups, 1):
            ordered.extend(group)
            gate = group[0].gate
            owner = self.scene.owner.get(gate) or self.scene.by_value[gate]
            if owner.kind == "neuron":
                text, mark = self._neuron_caption(owner, group)
            else:
                (step,) = group
                text = self._step_caption(step)
                mark = Highlight(
                    step.gate,
                    to_edges=frozenset({(step.gate, step.index)}),
                    from_nodes=frozenset({step.gate}),
                )
            self.frames.append(
                Frame("backward", None, len(ordered), 0, mark, f"step {k} of {total}: {text}")
            )
        return ordered

    def _step_caption(self, step: Step) -> str:
        names, fmt = self.names, self.look.fmt
        local, upstream, contribution = product_texts(
            fmt, step.local, step.upstream, step.contribution
        )
        into = names[step.input]
        formula = local_formula(step, names)
        symbol = local_symbol(step.gate, step.input, names)
        derivative = f"{symbol} = " + (f"{formula} = " if formula else "") + local
        text = (
            f"{self.scene.by_value[step.gate].text} → {into}:  {derivative};  local × upstream "
            f"= {local} × {upstream} = {contribution}"
        )
        uses = sum(1 for s in self.steps if s.input is step.input)
        if uses > 1:
            times = "twice" if uses == 2 else f"{uses} times"
            text += f";  {into} is used {times}: its gradients add up"
        note = gate_note(step.gate)
        return text + (f"  ({note})" if note else "")

    def _neuron_caption(self, item: Item, group: list[Step]) -> tuple[str, Highlight]:
        """What flows back through one neuron, and what to mark."""
        fmt, node = self.look.fmt, item.value
        upstream = group[0].upstream
        text = f"{item.name}: upstream {number(upstream, fmt)}"
        if item.pre is not None:
            step = next(s for s in group if s.gate is node and s.input is item.pre)
            local, up, pre = product_texts(fmt, step.local, step.upstream, step.contribution)
            text += (
                f";  through its {node.op} gate: local × upstream = {local} × {up} = {pre} at its "
                "pre-activation"
            )
        contributions = {(s.gate, s.index): s.contribution for s in group}
        flows = {
            link: sum(contributions[e] for e in link.edges)
            for link in self.scene.links
            if link.target is item
        }
        if item.dead:
            text += ";  dead for this input: nothing flows back"
        else:
            parts = [f"{link.source.name} {number(flow, fmt)}" for link, flow in flows.items()]
            hidden = {
                s.input for s in group if s.input.is_leaf and s.input not in self.scene.by_value
            }
            text += f";  back to {listed(parts)}" if parts else ""
            text += f" and to its {len(hidden)} parameters" if hidden else ""
        receiving = [link for link, flow in flows.items() if flow != 0.0]
        mark = Highlight(
            node,
            to_edges=frozenset(edge for link in receiving for edge in link.edges),
            from_nodes=frozenset({node}),
        )
        return text, mark

    def _summary_frame(self, steps: int) -> None:
        fmt, root_name = self.look.fmt, self.names[self.root]
        leaves = [item for item in self.scene.items if item.kind == "input"]
        parts = [
            f"∂{root_name}/∂{item.name} = {number(self.final.get(item.value, 0.0), fmt)}"
            for item in leaves
            if item.value is not self.root
        ]
        text = f"backward done: {listed(parts)}" if parts else "backward done"
        self.frames.append(Frame("summary", None, steps, 0, None, text))

    def _update_frames(
        self,
        lr: float,
        params: list[Value],
        steps: int,
        updates: dict[Value, tuple[int, float]],
    ) -> None:
        fmt, root_name = self.look.fmt, self.names[self.root]
        eta = repr(lr)
        batches: dict[Item, list[Value]] = {}
        for p in params:
            item = self.scene.item_of(p)
            if item is not None:
                batches.setdefault(item, []).append(p)
        total = len(batches)
        for k, (item, batch) in enumerate(batches.items(), 1):
            parts = []
            for p in batch:
                g = self.final.get(p, 0.0)
                new = p.data - lr * g
                updates[p] = (k - 1, new)
                old, grad, result = hand_checked(
                    fmt, (p.data, g), new, lambda t, r: checks(r, (t[0],), ("-" + eta, t[1]))
                )
                name = self.names[p] if p is item.value else self.short_names[p]
                parts.append((name, f"{old} − {eta} × {grad} = {result}"))
            if item.value in batch:
                ((name, numbers_),) = parts
                text = f"{name} ← {name} − η·∂{root_name}/∂{name} = {numbers_}"
                mark = Highlight(to_nodes=frozenset({item.value}))
            else:
                joined = ";  ".join(f"{name} ← {numbers_}" for name, numbers_ in parts)
                text = f"{item.name}: w ← w − η·∂{root_name}/∂w for each parameter:  {joined}"
                mark = Highlight(item.value, to_nodes=frozenset({item.value}))
            self.frames.append(
                Frame("update", None, steps, k, mark, f"update {k} of {total}: {text}")
            )

    # -- frames as pictures ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"<Stepper: backprop through {self.names[self.root]} in {len(self)} frames>"

    def _index(self, k: int) -> int:
        if isinstance(k, bool) or not isinstance(k, int) or not -len(self) <= k < len(self):
            raise IndexError(
                f"frame {brief(k)} does not exist: this stepper has frames 0..{len(self) - 1}"
            )
        return k % len(self)

    def caption(self, k: int) -> str:
        """What frame ``k`` shows, in words."""
        return self.frames[self._index(k)].caption

    def picture(self, k: int) -> Picture:
        """The cells and fills of frame ``k``."""
        frame = self.frames[self._index(k)]
        return self.drawing.picture(Known(self.timeline, frame), frame.highlight)

    def pictures(self) -> Iterator[Picture]:
        """Every frame's picture, in order."""
        return (self.picture(k) for k in range(len(self)))

    @cached_property
    def widths(self) -> dict[str, float]:
        """Each cell's width: room for every number it shows in any frame. A cell shows '?', its
        final number, or (in the update frames) a parameter's new value, so the first and last
        frame of each phase hold every text a cell takes."""
        ends: dict[str, list[int]] = {}
        for k, frame in enumerate(self.frames):
            ends.setdefault(frame.phase, [k, k])[1] = k
        chosen = sorted({k for pair in ends.values() for k in pair})
        return cell_widths((self.picture(k) for k in chosen), self.drawing.minimum_width)

    @cached_property
    def _caption_size(self) -> tuple[float, int]:
        wrapped = [self._lines(c) for c in (f.caption for f in self.frames)]
        width = max(text_width(line) for lines in wrapped for line in lines)
        return width, max(len(lines) for lines in wrapped)

    @staticmethod
    def _lines(caption: str) -> list[str]:
        return textwrap.wrap(caption, CAPTION_WRAP, break_on_hyphens=False) or [""]

    def frame(self, k: int) -> Diagram:
        """Frame ``k`` as a diagram (its caption under it), laid out as every other frame."""
        k = self._index(k)
        return render(
            self.drawing,
            self.picture(k),
            self.widths,
            caption=self._lines(self.frames[k].caption),
            caption_size=self._caption_size,
        )

    @cached_property
    def layout(self) -> Layout:
        """The drawing laid out once by ``dot``, every changing part marked (see
        :class:`autograd.drawing.player.Layout`)."""
        first = self.picture(0)
        return Layout.build(self.drawing, first, self.widths)

    def svg(self, k: int) -> str:
        """Frame ``k`` as inline SVG on the shared layout (no caption: it goes beside)."""
        return self.layout.svg(self.picture(self._index(k)))

    def widget(self) -> Any:
        """A Jupyter widget: the frame, its caption, a slider, play and step buttons (needs
        ipywidgets)."""
        try:
            import ipywidgets as widgets
        except ImportError:
            raise ImportError(
                "Stepper.widget() needs ipywidgets: pip install ipywidgets, then restart the kernel"
            ) from None
        import html

        last = len(self) - 1
        view = widgets.HTML(self.svg(0))
        words = widgets.HTML(f"<p style='font-size:1.2em'>{html.escape(self.caption(0))}</p>")
        slider = widgets.IntSlider(value=0, min=0, max=last, description="frame")
        play = widgets.Play(value=0, min=0, max=last, interval=1200, description="play")
        widgets.jslink((play, "value"), (slider, "value"))
        previous = widgets.Button(description="◀", layout=widgets.Layout(width="3em"))
        following = widgets.Button(description="▶", layout=widgets.Layout(width="3em"))

        def show(change: dict[str, Any]) -> None:
            view.value = self.svg(change["new"])
            words.value = (
                f"<p style='font-size:1.2em'>{html.escape(self.caption(change['new']))}</p>"
            )

        def step_by(delta: int) -> None:
            slider.value = min(max(slider.value + delta, 0), last)

        slider.observe(show, names="value")
        previous.on_click(lambda _: step_by(-1))
        following.on_click(lambda _: step_by(1))
        return widgets.VBox([widgets.HBox([play, previous, slider, following]), words, view])

    def html(
        self,
        title: str = TITLE,
        delay_ms: int = 1200,
        *,
        quiz: bool = False,
        hide: str = "grads",
    ) -> str:
        """The self-contained HTML player as text: the layout once, each frame as the changes
        from the one before, captions as HTML text. ``quiz=True``: the quiz page instead (see
        :meth:`quiz_html`)."""
        if quiz not in (True, False):
            raise ValueError(f"quiz must be True or False, got {quiz!r}")
        if quiz:
            return self.quiz_html(hide, title if title != TITLE else QUIZ_TITLE)
        return html_page(
            self.layout,
            self.pictures(),
            [f.caption for f in self.frames],
            title,
            delay_ms,
            self.look.theme,
        )

    # -- quizzes ---------------------------------------------------------------------------------

    def questions(self, hide: str = "grads") -> list[Question]:
        """The blanks of a quiz that hides ``hide`` ('grads', 'values' or 'both'), in the order
        backprop fills them in (see :mod:`autograd.quiz`)."""
        return questions(self, hide)

    def _quiz_layout(self, blank: Picture) -> tuple[Layout, dict[str, float]]:
        widths = dict(self.widths)
        for key, width in cell_widths([blank], self.drawing.minimum_width).items():
            widths[key] = max(width, widths.get(key, 0.0))
        return Layout.build(self.drawing, blank, widths), widths

    def quiz(self, hide: str = "grads", title: str = QUIZ_TITLE) -> Page:
        """The quiz page (:meth:`quiz_html`) as a :class:`Page`: a notebook shows it in place,
        ``.save(path)`` writes it."""
        return Page(self.quiz_html(hide, title), self.layout.aspect() + 0.35, title)

    def quiz_html(self, hide: str = "grads", title: str = QUIZ_TITLE) -> str:
        """The quiz page as text: the drawing with the ``hide`` numbers as lettered blanks, a
        field for each; the page marks each answer right or wrong (within one unit of the last
        digit shown) and, on a wrong one, shows the rule that gives the number. Offline and
        self-contained, as the player; the answers are in the page (for practice, not grading)."""
        asked = self.questions(hide)
        blank = blank_picture(self, asked)
        layout, _ = self._quiz_layout(blank)
        done = next(k for k, frame in enumerate(self.frames) if frame.phase == "summary")
        state = Known(self.timeline, self.frames[done])
        theme = self.look.theme
        blanks = [
            Blank(
                q.letter, q.prompt, q.cells, q.answer, q.shown, q.tolerance, q.hint,
                theme.value if q.kind == "value" else theme.grad,
                fill_changes(blank, self.drawing.picture(state, q.highlight)),
            )
            for q in asked
        ]  # fmt: skip
        what = {
            "grads": "The values are given; find every gradient, from the output back.",
            "values": "The inputs are given; find every gate's value, the forward pass.",
            "both": "The inputs are given; find every value, then every gradient.",
        }[hide]
        return quiz_page(layout, blank, blanks, title, theme, what)

    def worksheet(self, hide: str = "grads", answers: bool = False) -> Diagram:
        """A printable worksheet as a diagram: the drawing with lettered blanks and, under it, a
        line to write each answer on (``answers=True``: the answer key, each number with the
        rule that gives it). Save it as .pdf, .svg or .png."""
        if answers not in (True, False):
            raise ValueError(f"answers must be True or False, got {answers!r}")
        asked = self.questions(hide)
        blank = blank_picture(self, asked, answers)
        _, widths = self._quiz_layout(blank_picture(self, asked))
        if answers:
            lines = [f"({q.letter}) {q.prompt} = {q.shown}:  {q.hint}" for q in asked]
        else:
            lines = [f"({q.letter}) {q.prompt}:  {'_' * 14}" for q in asked]
        wrapped = [part for line in lines for part in self._lines(line)]
        head = "Fill in the blanks (a), (b), ...:" if len(asked) > 1 else "Fill in the blank (a):"
        head = "Answers" if answers else head
        caption = [head, *wrapped]
        width = max(text_width(line) for line in caption)
        return render(
            self.drawing, blank, widths, caption=caption, caption_size=(width, len(caption))
        )

    def to_worksheet(
        self,
        path: str | Path,
        hide: str = "grads",
        answers: bool = False,
        dpi: float | None = None,
    ) -> Path:
        """Write :meth:`worksheet` to ``path`` (.pdf, .svg, .png, or .dot/.tex/.tikz)."""
        return Path(self.worksheet(hide, answers).save(path, dpi=dpi))

    # -- other outputs ---------------------------------------------------------------------------

    def _check_render_work(self, what: str) -> None:
        work = len(self) * len(self.scene.items)
        if work > MAX_GIF_WORK:
            raise ValueError(
                f"{what} of {len(self)} frames of {len(self.scene.items)} drawn nodes needs dot to "
                f"lay out every frame ({work:,} node layouts, more than {MAX_GIF_WORK:,}, about a "
                "minute): write the HTML page instead (one layout for every frame), or raise "
                "autograd.stepper.MAX_GIF_WORK"
            )

    def _frame_pngs(self, what: str, dpi: float | None, max_megapixels: float) -> list[bytes]:
        """Every frame as a PNG, after checking the work: frames x nodes laid out by dot, and
        the pixels of all frames, from the size of the first frame's layout (every frame has the
        same layout) before any picture is made."""
        if (
            isinstance(max_megapixels, bool)
            or not isinstance(max_megapixels, numbers.Real)
            or not 0 < max_megapixels < math.inf
        ):
            raise ValueError(
                f"max_megapixels must be a positive number, got {brief(max_megapixels)}"
            )
        self._check_render_work(what)
        first = self.frame(0)
        layout = json.loads(first.pipe(format="json"))
        left, bottom, right, top = map(float, layout["bb"].split(","))
        scale = (dpi or 96.0) / 72.0  # the layout is in points; PNG pixels at dpi per inch
        pad = 8.0  # dot's margin, 4 points on each side
        width = math.ceil((right - left + pad) * scale)
        height = math.ceil((top - bottom + pad) * scale)
        megapixels = width * height * len(self) / 1e6
        if megapixels > max_megapixels:
            raise ValueError(
                f"{what} would hold {len(self)} frames of about {width}x{height} pixels, "
                f"{megapixels:.0f} million in all, more than max_megapixels={max_megapixels:g} "
                f"(it would take about {megapixels * 7:,.0f} MB of memory to make): write the "
                "steps as .html, use a lower dpi, or pass "
                f"max_megapixels={math.ceil(megapixels)}"
            )
        return [first.rendered("png", dpi)] + [
            self.frame(k).rendered("png", dpi) for k in range(1, len(self))
        ]

    def gif(
        self,
        delay_ms: int = 1200,
        dpi: float | None = None,
        max_megapixels: float = DEFAULT_MAX_MEGAPIXELS,
    ) -> bytes:
        """An animated GIF of every frame, as bytes (needs Pillow; every frame is rendered by
        dot, so very long steppers, or more than ``max_megapixels`` million pixels in all, are
        refused: use the HTML page)."""
        check_delay(delay_ms)
        pillow("Stepper.to_gif")  # before any frame is rendered
        pngs = self._frame_pngs("the GIF", check_dpi(dpi), max_megapixels)
        return gif_bytes(pngs, delay_ms)

    def pdf(self, dpi: float = 150, max_megapixels: float = DEFAULT_MAX_MEGAPIXELS) -> bytes:
        """Every frame on a page of its own, as the bytes of one PDF (needs Pillow): for slides,
        ``\\includegraphics[page=3]{steps.pdf}`` in Beamer shows frame 2."""
        resolution = check_dpi(dpi) or 150.0
        pillow("Stepper.to_pdf")  # before any frame is rendered
        return pdf_bytes(self._frame_pngs("the PDF", resolution, max_megapixels), resolution)

    def to_html(
        self, path: str | Path, title: str = TITLE, *, quiz: bool = False, hide: str = "grads"
    ) -> Path:
        """Write the HTML player (slider, play and step buttons, arrow keys) to ``path``;
        ``quiz=True`` writes the quiz page that hides ``hide`` (see :meth:`quiz_html`)."""
        return write_atomic(path, self.html(title, quiz=quiz, hide=hide))

    def to_gif(
        self,
        path: str | Path,
        delay_ms: int = 1200,
        dpi: float | None = None,
        max_megapixels: float = DEFAULT_MAX_MEGAPIXELS,
    ) -> Path:
        """Write an animated GIF of every frame (needs Pillow) to ``path`` (see :meth:`gif`)."""
        return write_atomic(path, self.gif(delay_ms, dpi, max_megapixels))

    def to_pdf(
        self, path: str | Path, dpi: float = 150, max_megapixels: float = DEFAULT_MAX_MEGAPIXELS
    ) -> Path:
        """Write every frame, one per page, to the PDF ``path`` (needs Pillow)."""
        return write_atomic(path, self.pdf(dpi, max_megapixels))

    def _repr_html_(self) -> str:
        """In a notebook, the player itself: the page in an iframe (its script and CSP work
        there), so it needs no kernel and no widget library; where no script may run, the page
        shows the first frame and the list of captions."""
        return notebook_frame(self.html(), self.layout.aspect(), TITLE)
