"""A rule written out as a formula: the op table's rules run on symbols instead of numbers.

Every rule is ordinary code (``t = fn.tanh(x); return t, 1.0 - t * t``). Run on :class:`Expr`
symbols, the same code builds expression trees instead of numbers, and :func:`render` prints them::

    >>> from autograd import ops
    >>> derivatives(ops.TANH, ["x"], "t")
    ['1 - t * t']
    >>> derivatives(ops.MUL, ["q", "z"], "f")
    ['z', 'q']

This is how the stepper's captions show a gate's local derivative, how the docs list the gates,
and how :func:`autograd.compile` writes a graph out as code: all from the one definition of each
rule, never from a second copy of its formula. The output of the rule is recognised where a local
derivative reuses it (``t`` above, not ``tanh(x)``): where the rule uses the very object it
returns as the output, not where it computes the same thing again (softplus's derivative
``sigmoid(x)`` stays written out).

Arithmetic on constants is folded (``2 * x ** (2 - 1)`` prints as ``2 * x``), and so is a
``where`` whose condition is a constant; multiplying by 0 is not folded (``0 * inf`` is nan).
A rule may not branch on its inputs with ``if``: ``bool()`` of a symbol raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.ops import Op, format_number

ATOM, POWER, UNARY, PRODUCT, SUM, COMPARISON = 9, 7, 6, 5, 4, 3
"""Python's operator precedences, from binding tightest to loosest: they decide parentheses."""

_SYMBOLS = {"+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT, "**": POWER}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


@dataclass(frozen=True, eq=False)
class Expr:
    """A node of an expression tree: a name, a number, an operator or a function call.

    ``kind`` is ``"name"`` (``value`` holds it), ``"number"`` (``value``), ``"neg"``, an operator
    (``"+"``, ``"*"``, ``">"``, ...) or a function name (``"exp"``, ``"where"``, ...); ``args``
    are the operands.
    """

    kind: str
    args: tuple[Expr, ...] = ()
    value: Any = None

    # -- building: what the rules' arithmetic does to symbols ---------------------------------

    def __add__(self, other: Any) -> Expr:
        return _binary("+", self, other)

    def __radd__(self, other: Any) -> Expr:
        return _binary("+", other, self)

    def __sub__(self, other: Any) -> Expr:
        return _binary("-", self, other)

    def __rsub__(self, other: Any) -> Expr:
        return _binary("-", other, self)

    def __mul__(self, other: Any) -> Expr:
        return _binary("*", self, other)

    def __rmul__(self, other: Any) -> Expr:
        return _binary("*", other, self)

    def __truediv__(self, other: Any) -> Expr:
        return _binary("/", self, other)

    def __rtruediv__(self, other: Any) -> Expr:
        return _binary("/", other, self)

    def __pow__(self, other: Any) -> Expr:
        return _binary("**", self, other)

    def __rpow__(self, other: Any) -> Expr:
        return _binary("**", other, self)

    def __neg__(self) -> Expr:
        if self.kind == "number":
            return number(-self.value)
        if self.kind == "neg":
            return self.args[0]
        return Expr("neg", (self,))

    def __abs__(self) -> Expr:
        return number(abs(self.value)) if self.kind == "number" else Expr("abs", (self,))

    def __lt__(self, other: Any) -> Expr:
        return _binary("<", self, other)

    def __le__(self, other: Any) -> Expr:
        return _binary("<=", self, other)

    def __gt__(self, other: Any) -> Expr:
        return _binary(">", self, other)

    def __ge__(self, other: Any) -> Expr:
        return _binary(">=", self, other)

    def __bool__(self) -> bool:
        raise TypeError(
            "a rule may not branch on its inputs (an if, and, or on a symbol); use where(...)"
        )

    def where(self, a: Any, b: Any) -> Expr:
        """``a`` where this condition holds, else ``b``."""
        if self.kind == "number":
            return _expr(a) if self.value else _expr(b)
        return Expr("where", (self, _expr(a), _expr(b)))

    def _call(self, name: str) -> Expr:
        return Expr(name, (self,))

    def exp(self) -> Expr:
        return self._call("exp")

    def log(self) -> Expr:
        return self._call("log")

    def sqrt(self) -> Expr:
        return self._call("sqrt")

    def tanh(self) -> Expr:
        return self._call("tanh")

    def sigmoid(self) -> Expr:
        return self._call("sigmoid")

    def softplus(self) -> Expr:
        return self._call("softplus")

    def sin(self) -> Expr:
        return self._call("sin")

    def cos(self) -> Expr:
        return self._call("cos")

    @property
    def precedence(self) -> int:
        if self.kind in _SYMBOLS:
            return _SYMBOLS[self.kind]
        if self.kind in _COMPARE:
            return COMPARISON
        if self.kind == "neg" or (self.kind == "number" and self.value < 0):
            return UNARY
        return ATOM

    def __repr__(self) -> str:
        return f"Expr({render(self)!r})"


def name(text: str) -> Expr:
    """A symbol standing for a named value: an input, a gate's output, a gradient."""
    return Expr("name", value=text)


def number(value: float) -> Expr:
    """A number in a formula."""
    return Expr("number", value=value)


def _expr(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, (bool, int, float)):
        return number(x)
    raise TypeError(f"a formula can hold symbols and numbers, not {type(x).__name__} {x!r}")


def _binary(operator: str, left: Any, right: Any) -> Expr:
    """``left operator right``, with arithmetic on numbers done and the identities x + 0, x - 0,
    x * 1, 1 * x, x / 1 and x ** 1 applied."""
    a, b = _expr(left), _expr(right)
    if a.kind == "number" and b.kind == "number":
        if operator in _COMPARE:
            return number(_COMPARE[operator](a.value, b.value))
        try:
            return number(_ARITHMETIC[operator](a.value, b.value))
        except (ArithmeticError, ValueError):
            pass  # 1 / 0: leave it written out
    one, zero = (
        (lambda e: e.kind == "number" and e.value == 1),
        (lambda e: e.kind == "number" and e.value == 0),
    )
    if operator == "+" and zero(b) or operator == "-" and zero(b):
        return a
    if operator == "+" and zero(a):
        return b
    if operator == "-" and zero(a):
        return -b
    if operator in ("*", "/", "**") and one(b):
        return a
    if operator == "*" and one(a):
        return b
    return Expr(operator, (a, b))


def render(expr: Expr, names: dict[Expr, str] | None = None, code: bool = False) -> str:
    """The expression as Python text, with the parentheses it needs. ``names`` renders some
    subexpressions by a name instead (a gate's output where a derivative reuses it). ``code``
    writes code on floats: numbers as float literals (``0.0``, not ``0``) and ``where(c, a, b)``
    as ``(a if c else b)``."""
    names = names or {}
    if expr in names:
        return names[expr]
    if code and expr.kind == "where":
        c, a, b = (render(e, names, code) for e in expr.args)
        return f"({a} if {c} else {b})"
    kind, args = expr.kind, expr.args
    if kind == "name":
        return str(expr.value)
    if kind == "number":
        value = expr.value
        if isinstance(value, bool):
            return str(value)
        return repr(float(value)) if code else format_number(float(value))
    if kind == "neg":
        return "-" + _operand(args[0], UNARY, names, code, right=True)
    if kind in _SYMBOLS or kind in _COMPARE:
        precedence = expr.precedence
        power = kind == "**"
        left = _operand(args[0], precedence, names, code, right=False, power=power)
        right = _operand(args[1], precedence, names, code, right=True, power=power)
        return f"{left} {kind} {right}"
    return f"{kind}({', '.join(render(a, names, code) for a in args)})"


def _operand(
    expr: Expr,
    parent: int,
    names: dict[Expr, str],
    code: bool,
    right: bool,
    power: bool = False,
) -> str:
    """An operand, in parentheses where the operator around it binds tighter (or as tight, on
    the side where Python would group differently: a - (b - c), a / (b * c), (a ** b) ** c)."""
    text = render(expr, names, code)
    atom = expr in names or (code and expr.kind == "where")
    precedence = ATOM if atom else expr.precedence
    tight = precedence < parent or (precedence == parent and (right != power))
    if power and precedence == UNARY:  # -x ** 2 is -(x ** 2): (-x) ** 2 needs them
        tight = not right
    return f"({text})" if tight else text


_LATEX_FUNCTIONS = {
    "exp": r"\exp",
    "log": r"\log",
    "tanh": r"\tanh",
    "sin": r"\sin",
    "cos": r"\cos",
    "sigmoid": r"\sigma",
    "softplus": r"\operatorname{softplus}",
}
_LATEX_COMPARE = {"<": "<", "<=": r"\le", ">": ">", ">=": r"\ge"}


def latex(
    expr: Expr, names: dict[Expr, str] | None = None, symbol: Callable[[str], str] = str
) -> str:
    r"""The expression as LaTeX math: ``1 - t \cdot t``, ``\frac{1}{y}``, ``x^{-0.5}``, a
    ``where`` as cases. ``names`` renders some subexpressions by a name (as :func:`render`), and
    ``symbol`` turns a name into LaTeX (``w0`` into ``w_{0}``)."""
    names = names or {}
    if expr in names:
        return symbol(names[expr])
    kind, args = expr.kind, expr.args
    if kind == "name":
        return symbol(str(expr.value))
    if kind == "number":
        value = expr.value
        return str(value).lower() if isinstance(value, bool) else format_number(float(value))
    parts = [latex(a, names, symbol) for a in args]
    if kind == "neg":
        return "-" + _latex_operand(args[0], parts[0], UNARY, names, right=True)
    if kind == "/":
        return rf"\frac{{{parts[0]}}}{{{parts[1]}}}"
    if kind == "**":
        base = _latex_operand(args[0], parts[0], POWER, names, right=False, power=True)
        return f"{base}^{{{parts[1]}}}"
    if kind in ("+", "-", "*") or kind in _LATEX_COMPARE:
        operator = {"+": "+", "-": "-", "*": r"\cdot"}.get(kind) or _LATEX_COMPARE[kind]
        precedence = expr.precedence
        left = _latex_operand(args[0], parts[0], precedence, names, right=False)
        right = _latex_operand(args[1], parts[1], precedence, names, right=True)
        return f"{left} {operator} {right}"
    if kind == "where":
        rows = []
        while expr.kind == "where":  # where(c, a, where(d, b, e)): the cases a, b, e
            condition, chosen, expr = expr.args
            rows.append(f"{latex(chosen, names, symbol)} & {latex(condition, names, symbol)}")
        rows.append(f"{latex(expr, names, symbol)} & \\text{{else}}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"
    if kind == "abs":
        return rf"\left|{parts[0]}\right|"
    if kind == "sqrt":
        return rf"\sqrt{{{parts[0]}}}"
    function = _LATEX_FUNCTIONS.get(kind, rf"\operatorname{{{kind}}}")
    return rf"{function}\left({', '.join(parts)}\right)"


def _latex_operand(
    expr: Expr, text: str, parent: int, names: dict[Expr, str], right: bool, power: bool = False
) -> str:
    """An operand in LaTeX, in parentheses where :func:`_operand` would put them (a fraction, a
    function call and a named subexpression need none)."""
    if expr in names or expr.kind in ("/", "where", "abs", "sqrt") or expr.precedence == ATOM:
        return f"{{{text}}}" if power and expr.kind not in ("name", "number") else text
    tight = expr.precedence < parent or (expr.precedence == parent and (right != power))
    if power and expr.precedence == UNARY:
        tight = not right
    return rf"\left({text}\right)" if tight else text


@dataclass(frozen=True)
class Formulas:
    """A rule run on symbols: its output and its local derivatives, as expression trees."""

    output: Expr
    locals: tuple[Expr, ...]
    names: dict[Expr, str]

    def text(self) -> list[str]:
        """Each local derivative as text, the rule's output written by its name."""
        return [render(local, self.names) for local in self.locals]


def symbolic(op: Op, inputs: Sequence[Expr | float], output: str = "out") -> Formulas:
    """Run ``op``'s rule on ``inputs`` (symbols, or numbers for constant inputs)."""
    if len(inputs) != op.arity:
        raise ValueError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
    result = op.rule(*[_expr(x) for x in inputs])
    out, *locals_ = (_expr(r) for r in result)
    names = {} if out.kind in ("name", "number") else {out: output}
    return Formulas(out, tuple(locals_), names)


def derivatives(op: Op, inputs: Sequence[str | float], output: str = "out") -> list[str]:
    """The local derivatives of ``op`` as text, with its inputs called ``inputs`` (a number
    stands for a constant input) and its output ``output``::

        derivatives(ops.POW, ["x", 2.0])  ->  ['2 * x', ...]
    """
    symbols = [name(x) if isinstance(x, str) else float(x) for x in inputs]
    return symbolic(op, symbols, output).text()


def output_formula(op: Op, inputs: Sequence[str | float]) -> str:
    """What the gate computes, as text: ``output_formula(ops.MUL, ['q', 'z'])`` is ``q * z``."""
    symbols = [name(x) if isinstance(x, str) else float(x) for x in inputs]
    return render(symbolic(op, symbols).output)


__all__ = [
    "Expr",
    "Formulas",
    "derivatives",
    "latex",
    "name",
    "number",
    "output_formula",
    "render",
    "symbolic",
]
