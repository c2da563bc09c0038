"""``explain(root, node)``: one gradient worked out as the sum over paths of products of local
gradients, with the formulas and the numbers.

The chain rule over a whole graph: d root / d node is the sum, over every path from ``node`` up to
``root``, of the product of the local gradients along the path::

    ∂f/∂x = ∂f/∂q · ∂q/∂x        (f = q z, q = x + y: one path)
          = z · 1
          = -4.00 · 1.00
          = -4.00

Each local gradient's formula is its op's rule run on the graph's names (:mod:`autograd.formula`),
the numbers are those the forward pass stored, shown with as many digits as it takes for the
arithmetic to check by hand. The number of paths can grow exponentially with the depth of a graph
(``y = y * y`` ten times has 1,024), so beyond ``max_paths`` (or a long path) the paths are
grouped by their first edge, as backprop groups them: ``∂f/∂x = Σ ∂f/∂u · ∂u/∂x`` over the gates
u that use x, each upstream gradient ∂f/∂u taken from the backward pass (it already sums the
paths above u). Nothing is written to ``.grad``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from autograd import formula
from autograd.captions import listed, reaches_twice
from autograd.checks import brief
from autograd.derivatives import gradients
from autograd.drawing.labels import DEFAULT_FMT, check_format, checks, hand_checked
from autograd.graph import node_names, topological_order
from autograd.value import Value

MAX_PATHS = 12
MAX_FACTORS = 60
"""Most factors (local gradients, over all paths) written out before the paths are grouped."""
LISTED = 8
"""Grouped terms written out before the rest is summed into one number."""
SIMPLE_NAME = re.compile(r"([A-Za-z]+)(?:_([A-Za-z0-9]+)|(\d+))?")
LATEX_SPECIAL = {
    "\\": r"\backslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "^": r"\hat{}",
    "~": r"\sim{}",
}


def latex_name(name: str) -> str:
    """A node's name as LaTeX math: ``x``, ``w_{0}``, ``\\mathrm{loss}``, ``E_{\\mathrm{total}}``;
    any other text in ``\\mathrm`` with LaTeX's special characters escaped (``?`` for
    characters outside ASCII)."""
    try:
        float(name)
    except ValueError:
        pass
    else:
        return name
    match = SIMPLE_NAME.fullmatch(name)
    if match:
        base, sub = match.group(1), match.group(2) or match.group(3)
        text = base if len(base) == 1 else rf"\mathrm{{{base}}}"
        if sub:
            text += f"_{{{sub}}}" if sub.isdigit() or len(sub) == 1 else rf"_{{\mathrm{{{sub}}}}}"
        return text
    escaped = "".join(
        LATEX_SPECIAL.get(c, c if c.isascii() and c.isprintable() else "?") for c in name
    )
    return rf"\mathrm{{{escaped}}}"


@dataclass(frozen=True)
class Factor:
    """One factor of a term: d ``out`` / d ``of`` (node names), its value, and its formula as
    text and LaTeX (None for an upstream gradient taken from the backward pass). ``local`` marks
    a local gradient whose symbol alone would read as the whole derivative (``∂f/∂x (local)``,
    see :func:`autograd.captions.local_symbol`)."""

    out: str
    of: str
    value: float
    formula: str | None
    formula_latex: str | None
    local: bool = False

    @property
    def symbol(self) -> str:
        return f"∂{self.out}/∂{self.of}" + (" (local)" if self.local else "")

    @property
    def symbol_latex(self) -> str:
        fraction = rf"\frac{{\partial {latex_name(self.out)}}}{{\partial {latex_name(self.of)}}}"
        return rf"\left.{fraction}\right|_{{\mathrm{{local}}}}" if self.local else fraction


@dataclass(frozen=True)
class Term:
    """A product of factors: one path (from the output down), or, grouped, one first edge with
    its upstream gradient. ``rest`` > 0 marks the one number standing for that many more
    grouped terms."""

    factors: tuple[Factor, ...]
    rest: int = 0

    @property
    def value(self) -> float:
        product = 1.0
        for factor in self.factors:
            product *= factor.value
        return product


def _users(order: list[Value]) -> dict[Value, list[tuple[Value, int]]]:
    """For each node, the (gate, input position) edges by which gates use it, in graph order."""
    users: dict[Value, list[tuple[Value, int]]] = {node: [] for node in order}
    for gate in order:
        for index, parent in enumerate(gate.parents):
            users[parent].append((gate, index))
    return users


def _counts(order: list[Value], users: dict[Value, list[tuple[Value, int]]]) -> tuple[dict, dict]:
    """For each node: how many paths lead from it to the root, and how many edges they have in
    all (both exact integers, however large)."""
    paths: dict[Value, int] = {order[-1]: 1}
    edges: dict[Value, int] = {order[-1]: 0}
    for node in reversed(order[:-1]):
        paths[node] = sum(paths[gate] for gate, _ in users[node])
        edges[node] = sum(edges[gate] + paths[gate] for gate, _ in users[node])
    return paths, edges


def _paths(node: Value, root: Value, users: dict[Value, list[tuple[Value, int]]]) -> list[list]:
    """Every path from ``node`` up to ``root``, as its edges (gate, input position) from the
    node up (a walk with an explicit stack; only called when the paths are few)."""
    found: list[list[tuple[Value, int]]] = []
    stack: list[tuple[Value, list[tuple[Value, int]]]] = [(node, [])]
    while stack:
        at, path = stack.pop()
        if at is root:
            found.append(path)
            continue
        for gate, index in reversed(users[at]):
            stack.append((gate, [*path, (gate, index)]))
    return found


def _sum(terms: list[Term]) -> float:
    """The terms added up exactly (``math.fsum``, then rounded once), so the order of the paths
    leaves no rounding noise: paths that cancel add up to 0, not ``-4.16e-17``."""
    return math.fsum(term.value for term in terms)


class Explanation:
    """A gradient worked out: prints as text, shows as LaTeX in Jupyter, ``.latex`` for a paper.

    ``paths`` is how many paths lead from the node to the output; ``terms`` the products added
    up (one per path, or one per first edge when ``grouped``); ``total`` their sum, and
    ``gradient`` the engine's gradient (the same number, up to rounding in the last bits).
    """

    def __init__(
        self,
        root_name: str,
        node_name: str,
        terms: list[Term],
        paths: int,
        grouped: bool,
        gradient: float,
        fmt: str,
        max_paths: int,
    ) -> None:
        self.root_name, self.node_name = root_name, node_name
        self.terms, self.paths, self.grouped = terms, paths, grouped
        self.gradient, self.fmt, self.max_paths = gradient, fmt, max_paths
        self.total = _sum(terms)
        self._numbers = self._shown_numbers()

    def _shown_numbers(self) -> tuple[list[list[str]], str]:
        """Each factor's number and the total, with digits enough for the sum of products to
        check by hand."""
        values = [f.value for term in self.terms for f in term.factors]
        sizes = [len(term.factors) for term in self.terms]

        def check(texts: tuple[str, ...], result: str) -> bool:
            grouped, k = [], 0
            for size in sizes:
                grouped.append(texts[k : k + size])
                k += size
            return checks(result, *grouped)

        *texts, total = hand_checked(self.fmt, values, self.total, check)
        shown, k = [], 0
        for size in sizes:
            shown.append(texts[k : k + size])
            k += size
        return shown, total

    @property
    def lhs(self) -> str:
        """The gradient worked out, ``∂f/∂x``."""
        return f"∂{self.root_name}/∂{self.node_name}"

    @property
    def header(self) -> str:
        """The sentence before the equations (empty for a single path)."""
        lhs, node, root = self.lhs, self.node_name, self.root_name
        if self.grouped:
            return (
                f"{lhs} sums {_how_many(self.paths)} paths from {node} to {root}, too many to "
                f"write out (max_paths={self.max_paths}): grouped by their first edge, as "
                f"backprop does; each upstream gradient ∂{root}/∂u, from the backward pass, sums "
                "the paths above u."
            )
        if self.paths > 1:
            return (
                f"{lhs} sums {self.paths} paths from {node} to {root}, each the product of the "
                "local gradients along it."
            )
        return ""

    def _rows(self, latex: bool) -> list[str]:
        """The right-hand sides: symbols, formulas, numbers, the total."""
        shown, total = self._numbers
        times = r" \cdot " if latex else " · "
        symbols: list[str] = []
        formulas: list[str] = []
        numbers: list[str] = []
        for term, texts in zip(self.terms, shown):
            if term.rest:
                rest = f"(the other {term.rest} terms)"
                symbols.append(rf"\text{{{rest}}}" if latex else rest)
                formulas.append(symbols[-1])
                numbers.append(_signed(texts[0], first=not numbers))
                continue
            many = len(term.factors) > 1
            symbols.append(times.join(f.symbol_latex if latex else f.symbol for f in term.factors))
            parts = []
            for k, f in enumerate(term.factors):
                text = f.formula_latex if latex else f.formula
                if text is None:
                    text = f.symbol_latex if latex else f.symbol
                elif many and (_compound(text) or (k and text.startswith("-"))):
                    text = rf"\left({text}\right)" if latex else f"({text})"
                parts.append(text)
            formulas.append(times.join(parts))
            numbers.append(times.join(_signed(t, first=k == 0) for k, t in enumerate(texts)))
        lhs = Factor(self.root_name, self.node_name, 0.0, None, None)
        rows = [lhs.symbol_latex if latex else lhs.symbol]
        for row in (" + ".join(symbols), " + ".join(formulas), " + ".join(numbers), total):
            if row != rows[-1]:
                rows.append(row)
        return rows[1:]

    def __str__(self) -> str:
        rows = self._rows(latex=False)
        indent = " " * len(self.lhs)
        lines = [f"{self.lhs} = {rows[0]}"] + [f"{indent} = {row}" for row in rows[1:]]
        return "\n".join(([self.header] if self.header else []) + lines)

    def __repr__(self) -> str:
        return f"<explain {self.lhs} = {self._numbers[1]}: {_how_many(self.paths)} path(s)>"

    @property
    def latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block (amsmath)."""
        rows = self._rows(latex=True)
        lhs = Factor(self.root_name, self.node_name, 0.0, None, None).symbol_latex
        body = [f"{lhs} &= {rows[0]}"] + [f"&= {row}" for row in rows[1:]]
        return "\\begin{aligned}\n" + " \\\\\n".join(body) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        header = self.header  # text before the display math: shown as it is, no escapes
        return (header + "\n" if header else "") + "$$\n" + self.latex + "\n$$"


def _how_many(n: int) -> str:
    """``n`` with thousands separators, or its size when it has more digits than anyone reads
    (paths multiply: a graph of 15,000 gates can have 10^4000 of them)."""
    if n < 10**15:
        return f"{n:,}"
    digits = math.floor((n.bit_length() - 1) * math.log10(2))  # 2^(bits-1) <= n
    return f"more than 10^{digits}"


def _signed(text: str, first: bool) -> str:
    """A negative number in brackets where it follows an operator: ``2.00 · (-4.00)``."""
    return f"({text})" if text.startswith("-") and not first else text


def _compound(text: str) -> bool:
    """Is a formula more than one name or number, so that it needs brackets as a factor
    (``2 · (2 · n14)``, ``w5 · (1 - t · t)``)?"""
    return " " in text


def _factor(gate: Value, index: int, names: dict[Value, str]) -> Factor:
    """The local gradient of ``gate`` with respect to its input ``index``, from the op's rule."""
    inputs = [
        p.data if p.is_constant else formula.name(names[p]) for p in gate.parents
    ]  # constants go in as numbers, so the formula folds them (2 * x for x ** 2)
    traced = formula.symbolic(gate.gate, inputs, names[gate])
    derivative = traced.locals[index]
    text = formula.render(derivative, traced.names).replace(" ** ", "^").replace(" * ", " · ")
    tex = formula.latex(derivative, traced.names, latex_name)
    node = gate.parents[index]
    marked = reaches_twice(gate, node)
    return Factor(names[gate], names[node], gate.local_grads[index], text, tex, marked)


def _node(root: Value, node: Value | str, order: list[Value], names: dict[Value, str]) -> Value:
    """The node asked about: a Value of root's graph, or its name."""
    if isinstance(node, str):
        found = [n for n in order if names[n] == node and not n.is_constant]
        if not found:
            known = listed([names[n] for n in order if not n.is_constant])
            raise ValueError(f"no node of the graph is called {brief(node)}; its nodes: {known}")
        if len(found) > 1:
            raise ValueError(
                f"{len(found)} nodes of the graph are called {node!r}: pass the Value itself"
            )
        return found[0]
    if not isinstance(node, Value):
        raise TypeError(f"node must be a Value of the graph or its name, got {brief(node)}")
    if node not in set(order):
        raise ValueError(
            f"{node!r} is not in the graph of {names[root]}: the output was not computed from it"
        )
    if node.is_constant:
        raise ValueError(f"{node!r} is a constant (a plain number): it has no gradient")
    return node


def explain(
    root: Value, node: Value | str, *, fmt: str = DEFAULT_FMT, max_paths: int = MAX_PATHS
) -> Explanation:
    """∂root/∂node worked out as the sum over paths of products of local gradients.

    >>> from autograd import Value
    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> q = x + y; q.label = "q"
    >>> f = q * z; f.label = "f"
    >>> print(explain(f, x, fmt="g"))
    ∂f/∂x = ∂f/∂q · ∂q/∂x
          = z · 1
          = -4 · 1
          = -4

    ``node`` is a Value of root's graph or its name (as :func:`autograd.summary` names it).
    ``fmt`` is the number format (as for :func:`autograd.draw`). More than ``max_paths`` paths,
    or more than 60 local gradients along them, are grouped by their first edge (see the module
    docstring).
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__} {root!r}")
    check_format(fmt)
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"max_paths must be a positive int, got {max_paths!r}")
    order = topological_order(root)
    names = node_names(root)
    target = _node(root, node, order, names)
    users = _users(order)
    paths, edges = _counts(order, users)
    [gradient] = gradients(root, [target])
    grouped = paths[target] > max_paths or edges[target] > MAX_FACTORS
    terms: list[Term] = []
    if not grouped:
        for path in _paths(target, root, users):
            factors = [_factor(gate, index, names) for gate, index in reversed(path)]
            if not factors:  # the node is the output: d f / d f
                factors = [Factor(names[root], names[root], 1.0, None, None)]
            terms.append(Term(tuple(factors)))
    else:
        uses = users[target]
        upstream = gradients(root, [gate for gate, _ in uses])
        for (gate, index), up in zip(uses[:LISTED], upstream):
            above = Factor(names[root], names[gate], up, None, None)
            terms.append(Term((above, _factor(gate, index, names))))
        if len(uses) > LISTED:
            rest = sum(
                gate.local_grads[index] * up
                for (gate, index), up in zip(uses[LISTED:], upstream[LISTED:])
            )
            terms.append(Term((Factor("", "", rest, None, None),), rest=len(uses) - LISTED))
    return Explanation(
        names[root], names[target], terms, paths[target], grouped, gradient, fmt, max_paths
    )


__all__ = ["Explanation", "Factor", "Term", "explain", "latex_name"]
