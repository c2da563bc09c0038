"""Quizzes on a stepper's drawing: numbers hidden as lettered blanks, the learner fills them in.

``hide='grads'`` blanks every gradient but the output's seed, ``'values'`` every gate's value
(the inputs stay: nothing computes them), ``'both'`` both. Each blank is a :class:`Question` with
the exact answer, the number as the drawing shows it, how far off an answer may be, and a hint:
the rule that gives the number, with the numbers plugged in, built as the stepper's captions are
(the op rule's formula, ``local × upstream``, gradients adding up at a branch)::

    mul switches the inputs: ∂f/∂z = q = 3.00;  local × upstream = 3.00 × 1.00 = 3.00

An answer counts as right within one unit of the last digit shown, and never looser than one unit
of the second decimal (or of the second significant digit of a small number): for 0.39 (exactly
0.3932), 0.384 to 0.403. The questions come in the order backprop fills the numbers in: values
forward, then gradients from the output back. The quiz page and the printable worksheet are made
by :class:`autograd.Stepper` (``to_html(path, quiz=True)``, ``to_worksheet(path)``).
"""

from __future__ import annotations

import decimal
import math
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autograd.captions import (
    forward_caption,
    gate_note,
    local_formula,
    local_symbol,
    product_texts,
)
from autograd.drawing.cells import Picture
from autograd.drawing.circuit import Circuit
from autograd.drawing.labels import AUTO, checks, hand_checked, number
from autograd.drawing.look import Highlight
from autograd.graph import Step
from autograd.value import Value

if TYPE_CHECKING:
    from autograd.stepper import Stepper

HIDE = ("grads", "values", "both")


@dataclass(frozen=True)
class Question:
    """One blank: its letter, what it asks, the drawing's cells that show it, the answer (exact
    and as shown), the tolerance, the hint, and what to highlight while it is being answered."""

    letter: str
    prompt: str
    cells: tuple[str, ...]
    answer: float
    shown: str
    tolerance: float
    hint: str
    kind: str  # "value" or "grad"
    highlight: Highlight

    def is_right(self, typed: float) -> bool:
        """Is ``typed`` within the tolerance of the answer?"""
        return abs(typed - self.answer) <= self.tolerance


def check_hide(hide: object) -> str:
    """``hide`` if it is one of 'grads', 'values', 'both', else ValueError."""
    if hide not in HIDE:
        raise ValueError(f"hide={hide!r} is not one of {', '.join(map(repr, HIDE))}")
    assert isinstance(hide, str)
    return hide


def letters(k: int) -> str:
    """The k-th blank's letter: a, b, ..., z, aa, ab, ..."""
    text = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        text = string.ascii_lowercase[r] + text
    return text


def _unit(text: str) -> float:
    """One unit in the last digit of a shown number (``0.39``: 0.01; ``1.2e+07``: 1e6)."""
    try:
        exponent = decimal.Decimal(text).as_tuple().exponent
    except decimal.InvalidOperation:
        return 0.0
    return float(decimal.Decimal(1).scaleb(exponent)) if isinstance(exponent, int) else 0.0


def tolerance(x: float, shown: str) -> float:
    """How far an answer may be from ``x``: one unit of the last digit of ``shown``, at most one
    unit of the 'auto' format's last digit (two decimals, or two significant digits)."""
    units = [u for u in (_unit(shown), _unit(number(x, AUTO))) if u > 0.0]
    return min(units, default=abs(x) * 1e-9)


def _check_shown(answer: float, shown: str, fmt: str) -> None:
    """A ValueError if the number as shown would be marked wrong: a format coarser than the
    quiz's tolerance ('.0f' shows 0.39 as 0) or one a learner cannot type ('.1%')."""
    try:
        typed = float(shown)
    except ValueError:
        typed = math.nan
    if not abs(typed - answer) <= tolerance(answer, shown):
        raise ValueError(
            f"fmt={fmt!r} shows {answer!r} as {shown!r}, which the quiz would mark wrong: a quiz "
            "needs numbers a learner can type, to two decimals or two significant digits at "
            "least; use the default fmt='auto', or for example '.3f' or '.3g'"
        )


def _edge_hint(stepper: Stepper, step: Step) -> str:
    """The rule for the gradient one gate passes to one input, with its numbers."""
    names, fmt = stepper.names, stepper.look.fmt
    local, upstream, contribution = product_texts(fmt, step.local, step.upstream, step.contribution)
    out = names[step.gate]
    rule = local_formula(step, names)
    symbol = local_symbol(step.gate, step.input, names)
    derivative = f"{symbol} = " + (f"{rule} = " if rule else "") + local
    note = gate_note(step.gate)
    head = f"{note}: " if note else f"{stepper.scene.by_value[step.gate].text} gate: "
    return (
        f"{head}{derivative};  local × upstream = {local} × {upstream} = {contribution} "
        f"(the upstream ∂{names[stepper.root]}/∂{out} = {upstream})"
    )


def _sum_hint(stepper: Stepper, node: Value, steps: list[Step]) -> str:
    """The rule for a node used by several gates: its gradients add up."""
    fmt, names = stepper.look.fmt, stepper.names
    total = stepper.final.get(node, 0.0)
    *parts, shown = hand_checked(
        fmt, [s.contribution for s in steps], total, lambda t, r: checks(r, *((x,) for x in t))
    )
    uses = ", ".join(f"{names[s.gate]} passes {p}" for s, p in zip(steps, parts))
    return (
        f"gradients add at branches: {names[node]} is used {len(steps)} times ({uses}), so "
        f"∂{names[stepper.root]}/∂{names[node]} = {' + '.join(parts)} = {shown}"
    )


def _gradient_hint(stepper: Stepper, node: Value, steps: list[Step]) -> tuple[str, Highlight]:
    """The hint for a node's whole gradient and what to highlight: the one edge's rule, or, for
    a node used several times, the sum at the branch."""
    if len(steps) == 1:
        return _edge_hint(stepper, steps[0]), _edge_mark(steps[0])
    return _sum_hint(stepper, node, steps), Highlight(to_nodes=frozenset({node}))


def _value_hint(stepper: Stepper, node: Value) -> str:
    return forward_caption(node, stepper.names, stepper.look.fmt)


def _gate_mark(node: Value) -> Highlight:
    """What a forward frame marks: the gate, its output wire, the wires it reads."""
    edges = frozenset((node, i) for i, p in enumerate(node.parents) if not p.is_constant)
    return Highlight(node, to_nodes=frozenset({node}), from_edges=edges)


def _edge_mark(step: Step) -> Highlight:
    return Highlight(
        step.gate, to_edges=frozenset({(step.gate, step.index)}), from_nodes=frozenset({step.gate})
    )


def questions(stepper: Stepper, hide: str) -> list[Question]:
    """The blanks of a quiz on ``stepper``'s drawing, in the order backprop fills them; a
    ValueError for a graph without a gate (nothing to ask)."""
    hide = check_hide(hide)
    if any(item.kind == "neuron" for item in stepper.scene.items):
        raise ValueError(
            "a quiz asks for every number of the graph: draw it without collapse= (a collapsed "
            "neuron hides its gates)"
        )
    fmt, root, names = stepper.look.fmt, stepper.root, stepper.names
    if not any(item.kind == "gate" for item in stepper.scene.items):
        raise ValueError(
            f"a quiz asks for the numbers gates compute, and the graph of {names[root]} has no "
            "gate (it is a single input): quiz an expression with an operation, such as x * y"
        )
    into: dict[Value, list[Step]] = {}
    for step in stepper.steps:
        into.setdefault(step.input, []).append(step)
    order = {(s.gate, s.index): k for k, s in enumerate(stepper.steps)}
    found: list[tuple[tuple[int, ...], str, list[str], float, str, str, Highlight]] = []

    def ask(rank: tuple[int, ...], kind: str, keys: list[str], answer: float, prompt: str,
            hint: str, mark: Highlight) -> None:  # fmt: skip
        found.append((rank, kind, keys, answer, prompt, hint, mark))

    drawing = stepper.drawing
    gates = [item for item in stepper.scene.items if item.kind == "gate"]
    forward = {item.value: k for k, item in enumerate(gates)}
    root_name = names[root]
    if isinstance(drawing, Circuit):
        if hide in ("values", "both"):
            keys_of: dict[Value, list[str]] = {}
            for wire in drawing.wires:
                if wire.item.kind == "gate":
                    keys_of.setdefault(wire.item.value, []).append(f"{wire.id}v")
            for node, keys in keys_of.items():
                prompt = f"the value of {names[node]}"
                ask((0, forward[node]), "value", keys, node.data, prompt,
                    _value_hint(stepper, node), _gate_mark(node))  # fmt: skip
        if hide in ("grads", "both"):
            for wire in drawing.wires:
                node = wire.item.value
                key = f"{wire.id}g"
                if wire.link is not None:  # a branch: one use's contribution
                    gate, index = wire.link.edges[0]
                    step = stepper.steps[order[(gate, index)]]
                    twice = sum(1 for p in gate.parents if p is node) > 1
                    which = f" (as its {('first', 'second')[index]} input)" if twice else ""
                    prompt = (
                        f"what {names[gate]} passes back to {names[node]}{which}: "
                        f"∂{root_name}/∂{names[gate]} · {local_symbol(gate, node, names)}"
                    )
                    ask((1, order[(gate, index)], 0), "grad", [key], step.contribution, prompt,
                        _edge_hint(stepper, step), _edge_mark(step))  # fmt: skip
                elif node is not root:
                    steps = into[node]
                    prompt = f"∂{root_name}/∂{names[node]}, the gradient on {names[node]}'s wire"
                    last = order[(steps[-1].gate, steps[-1].index)]
                    hint, mark = _gradient_hint(stepper, node, steps)
                    ask((1, last, 1), "grad", [key], stepper.final[node], prompt, hint, mark)
    else:  # the record style: one box per node
        for item in stepper.scene.items:
            node = item.value
            if hide in ("values", "both") and item.kind == "gate":
                ask((0, forward[node]), "value", [f"{item.id}d"], node.data,
                    f"the value of {names[node]}", _value_hint(stepper, node),
                    _gate_mark(node))  # fmt: skip
            if hide in ("grads", "both") and node is not root:
                steps = into[node]
                last = order[(steps[-1].gate, steps[-1].index)]
                hint, mark = _gradient_hint(stepper, node, steps)
                prompt = f"∂{root_name}/∂{names[node]}, the gradient of {names[node]}"
                ask((1, last, 1), "grad", [f"{item.id}g"], stepper.final[node], prompt, hint, mark)
    found.sort(key=lambda q: q[0])
    result = []
    for k, (_, kind, keys, answer, prompt, hint, mark) in enumerate(found):
        shown = number(answer, fmt)
        _check_shown(answer, shown, fmt)
        result.append(
            Question(
                letters(k), prompt, tuple(keys), answer, shown, tolerance(answer, shown), hint,
                kind, mark,
            )
        )  # fmt: skip
    return result


def blank_picture(stepper: Stepper, asked: list[Question], answers: bool = False) -> Picture:
    """The drawing with every number known, each asked one replaced by its letter (or, with
    ``answers``, marked as the answer)."""
    done = next(k for k, frame in enumerate(stepper.frames) if frame.phase == "summary")
    picture = stepper.picture(done)
    theme = stepper.look.theme
    cells = dict(picture.cells)
    for question in asked:
        for key in question.cells:
            cell = cells[key]
            if answers:
                cells[key] = cell._replace(fill=theme.right_fill)
            else:
                cells[key] = cell._replace(text=f"({question.letter})", colour=theme.blank)
    return Picture(cells, dict(picture.gates))


__all__ = ["HIDE", "Question", "blank_picture", "check_hide", "letters", "questions", "tolerance"]
