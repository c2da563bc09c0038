"""The words of a backward step, shared by the stepper's captions and the quiz's hints.

A step's local derivative is written as a formula in the graph's names by running the op's rule on
symbols (:mod:`autograd.formula`), and the numbers of ``local × upstream = contribution`` get as
many digits as it takes for the shown arithmetic to check by hand
(:func:`autograd.drawing.labels.hand_checked`).
"""

from __future__ import annotations

from autograd import formula
from autograd.drawing.labels import checks, hand_checked, number
from autograd.graph import Step, topological_order
from autograd.ops import format_number
from autograd.value import Value

LISTED = 8  # names listed in a caption before "... and N more"


def local_formula(step: Step, names: dict[Value, str]) -> str | None:
    """The local derivative of ``step`` as a formula in the graph's names: the op's rule run on
    symbols (:mod:`autograd.formula`), so ``q`` for d(q z)/dz and ``1 - t * t`` for a tanh gate
    t. None where the formula is a plain number (the 1 of ``+``): the caption's number says it."""
    gate = step.gate
    inputs = [parent.data if parent.is_constant else names[parent] for parent in gate.parents]
    text = formula.derivatives(gate.gate, inputs, names[gate])[step.index]
    try:
        float(text)
    except ValueError:
        return text
    return None


def reaches_twice(gate: Value, node: Value) -> bool:
    """Does ``node`` reach ``gate`` by another path besides one direct edge: as both inputs
    (``x * x``), or through another input too (``f = n1 + x`` with ``n1 = x * y``)?"""
    others = list(gate.parents)
    others.remove(node)  # one direct edge (Values compare by identity)
    return any(node in set(topological_order(parent)) for parent in others)


def local_symbol(gate: Value, node: Value, names: dict[Value, str]) -> str:
    """``∂q/∂x``: the local derivative of ``gate`` with respect to its input ``node``. Where
    ``node`` reaches ``gate`` by another path too, the whole derivative differs from the local
    one (``f = x*y + x``: ∂f/∂x is y + 1, the + gate's local derivative 1), so the symbol says
    which it is: ``∂f/∂x (local)``."""
    symbol = f"∂{names[gate]}/∂{names[node]}"
    return f"{symbol} (local)" if reaches_twice(gate, node) else symbol


def gate_note(gate: Value) -> str | None:
    """The gate's pattern in words, from the op table (``mul switches the inputs``), where it
    shows: not for a gate with a constant folded in (``*-1`` passes -1 times, it switches
    nothing one can see)."""
    if any(parent.is_constant for parent in gate.parents):
        return None
    note = getattr(getattr(gate, "gate", None), "note", None)
    return note if isinstance(note, str) and note else None


def product_texts(fmt: str, local: float, upstream: float, result: float) -> tuple[str, ...]:
    """local, upstream and their product, shown so that ``local × upstream = result`` checks."""
    return hand_checked(fmt, (local, upstream), result, lambda t, r: checks(r, (t[0], t[1])))


def listed(parts: list[str]) -> str:
    """The first few of ``parts``, comma-separated, and how many more there are."""
    shown = ", ".join(parts[:LISTED])
    return shown + (f" and {len(parts) - LISTED} more" if len(parts) > LISTED else "")


def forward_caption(node: Value, names: dict[Value, str], fmt: str) -> str:
    """How a gate got its value, in names and then in numbers: ``n1 = x * y = 1.604 * 1.604 =
    2.57``. A sum or a product shows its inputs with digits enough that it checks by hand (as
    :func:`product_texts` does for backward); other gates show them as on their wires."""
    return (
        f"{names[node]} = {forward_expression(node, names, fmt, False)} = "
        f"{_forward_numbers(node, names, fmt)}"
    )


def _forward_numbers(node: Value, names: dict[Value, str], fmt: str) -> str:
    symbol, parents = node.op, node.parents
    if symbol not in ("+", "*") or len(parents) != 2:
        return f"{forward_expression(node, names, fmt, True)} = {number(node.data, fmt)}"
    variables = [p.data for p in parents if not p.is_constant]

    def operands(texts: tuple[str, ...]) -> list[str]:
        """Both inputs' texts: a constant as written, the others from ``texts`` in order."""
        given = iter(texts)
        return [format_number(p.data) if p.is_constant else next(given) for p in parents]

    def check(texts: tuple[str, ...], result: str) -> bool:
        a, b = operands(texts)
        return checks(result, (a,), (b,)) if symbol == "+" else checks(result, (a, b))

    *texts, result = hand_checked(fmt, variables, node.data, check)
    a, b = operands(tuple(texts))
    return f"{a} {symbol} {b} = {result}"


def _operand(node: Value, names: dict[Value, str], fmt: str, values: bool) -> str:
    if node.is_constant:
        return format_number(node.data)
    return number(node.data, fmt) if values else names[node]


def _grouped(operand: str) -> str:
    """A negative number in brackets, where a sign would be misread: ``(-0.51)**2``."""
    return f"({operand})" if operand.startswith("-") else operand


def forward_expression(node: Value, names: dict[Value, str], fmt: str, values: bool) -> str:
    """How a gate computes its value, in names or in numbers: ``w1 * x1``, ``exp(n5)``,
    ``1/n7``, ``n4**2``, ``max(a, b)``."""
    symbol = node.op
    args = [_operand(p, names, fmt, values) for p in node.parents]
    if len(args) == 2 and not symbol[-1:].isalnum():
        return f"{args[0]} {symbol} {args[1]}"
    if len(args) == 1 and symbol.startswith("*"):
        return f"{_grouped(args[0])}{symbol}"
    if len(args) == 1 and "x" in symbol and not symbol.isalpha():
        return symbol.replace("x", _grouped(args[0]))
    return f"{symbol}({', '.join(args)})"
