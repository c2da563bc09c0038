"""Expressions typed by a person (the command line), parsed with a whitelist and never evaluated.

Allowed: numbers, names, ``+ - * / **``, unary minus, parentheses, and calls of the gates of
the op table that are functions (``exp``, ``log``, ``max``, ``relu``, ``tanh``, ...:
:data:`FUNCTIONS`, read from :data:`autograd.ops.OPS`). A call may leave out the inputs its Value
method has defaults for, as in Python: ``leaky_relu(x)`` is ``x.leaky_relu()``, slope 0.01
(:data:`DEFAULTS`). The text is parsed by :func:`ast.parse`
and every node of the tree is checked against that list; anything else (attribute access,
other calls, lambdas, subscripts, comprehensions, comparisons, strings, ...) raises
:class:`ExpressionError`. The checked tree is then computed node by node on Values: nothing is
passed to ``eval``, ``exec`` or ``compile``.

Limits: an expression has at most :data:`MAX_LENGTH` (10,000) characters and nests at most about
2,900 levels (Python's parser); parsing, computing and every error message work without
recursion, and a message quotes at most :data:`SHOWN_LENGTH` (60) characters of the expression.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import math
import operator
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.checks import as_float
from autograd.ops import OPS, Op
from autograd.value import Value, apply

MAX_LENGTH = 10_000
SHOWN_LENGTH = 60  # an error message quotes at most this much of the expression
FUNCTIONS: dict[str, Op] = {name: op for name, op in OPS.items() if op.operator is None}
"""The gates an expression may call by name, with their arity (``max(x, y)``, ``tanh(x)``)."""


def _defaults(op: Op) -> tuple[float, ...]:
    """The values the gate's Value method gives its last inputs when a call leaves them out."""
    method = getattr(Value, op.name, None)
    if method is None:
        return ()
    parameters = list(inspect.signature(method).parameters.values())[1:]  # after self
    return tuple(float(p.default) for p in parameters if p.default is not inspect.Parameter.empty)


DEFAULTS: dict[str, tuple[float, ...]] = {name: _defaults(op) for name, op in FUNCTIONS.items()}
"""The inputs a call may leave out, by function, read from the Value methods (``leaky_relu``:
``(0.01,)``, the slope of ``x.leaky_relu()``)."""
ALLOWED = "numbers, names, + - * / **, unary minus, parentheses and calls of " + ", ".join(
    FUNCTIONS
)
BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
REJECTED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "conditional expressions",
    ast.JoinedStr: "strings",
    ast.NamedExpr: "assignments",
    ast.Starred: "starred arguments",
    ast.Tuple: "tuples",
    ast.List: "lists",
    ast.Dict: "dicts",
    ast.Set: "sets",
}
BINDING = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9]*)\s*=\s*(\S+)\s*$")


class ExpressionError(ValueError):
    """An expression or a binding that is not allowed or cannot be computed (one-line message)."""


def shorten(text: str, length: int = SHOWN_LENGTH) -> str:
    """``text`` on one line, its middle cut out if it is longer than ``length``."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    tail = length // 3
    return f"{text[: length - tail - 5]} ... {text[-tail:]}"


def _describe(node: ast.AST) -> str:
    """Why ``node`` is rejected, in words."""
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r} (only int and float numbers are allowed)"
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.UnaryOp):
        return f"the unary operator {type(node.op).__name__}"
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return f"calling {node.func.id!r}"
        return "calls of anything but the allowed functions"
    return REJECTED.get(type(node), type(node).__name__)


def _check(node: ast.AST) -> str | None:
    """None if ``node`` (by itself) is allowed, else the reason it is not."""
    if isinstance(node, ast.Constant):
        ok = type(node.value) in (int, float)
        return None if ok else _describe(node)
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            return f"{node.id!r} used without a call (write {node.id}(...))"
        return None
    if isinstance(node, ast.BinOp):
        return None if type(node.op) in BINARY else _describe(node)
    if isinstance(node, ast.UnaryOp):
        return None if isinstance(node.op, ast.USub) else _describe(node)
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            return _describe(node)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return f"keyword or starred arguments in {name}(...)"
        return None
    return _describe(node)


def _arguments(count: int) -> str:
    return f"{count} argument" if count == 1 else f"{count} arguments"


def _check_arity(node: ast.Call, source: str) -> None:
    """An ExpressionError unless the call has as many arguments as its function takes (its
    Value method's defaults may be left out), saying the form to use."""
    assert isinstance(node.func, ast.Name)
    name = node.func.id
    most = FUNCTIONS[name].arity
    fewest = most - len(DEFAULTS[name])
    if fewest <= len(node.args) <= most:
        return
    forms = [
        f"{name}({', '.join([*'xyz'[:fewest], *map(repr, DEFAULTS[name][: k - fewest])])})"
        for k in range(fewest, most + 1)
    ]
    takes = f"{fewest} or {_arguments(most)}" if fewest < most else _arguments(most)
    raise ExpressionError(
        f"{_shown(node, source)} has {_arguments(len(node.args))}: {name} takes {takes}, as in "
        f"{' or '.join(forms)}"
    )


def _children(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its nodes (each before its operands), its variables."""

    text: str
    nodes: tuple[ast.expr, ...]
    names: tuple[str, ...]

    def check_values(self, values: Mapping[str, float]) -> None:
        """An ExpressionError unless ``values`` gives a value to each name and to nothing else:
        first a name without a value (the real mistake when ``X*y`` is given ``x=1 y=2``), then
        a value that no name uses."""
        self._check_given(values)
        unused = [name for name in values if name not in self.names]
        if unused:
            raise ExpressionError(
                f"{unused[0]}={values[unused[0]]:g} is not used by the expression"
            )

    def _check_given(self, values: Mapping[str, object]) -> None:
        """An ExpressionError for the first name without a value, with the given name it may be
        a slip for (another case, or a close spelling)."""
        missing = [name for name in self.names if name not in values]
        if not missing:
            return
        name = missing[0]
        message = f"{name!r} has no value: pass it as {name}=<number>"
        unused = [given for given in values if given not in self.names]
        same = [given for given in unused if given.casefold() == name.casefold()]
        close = difflib.get_close_matches(name, unused, n=1, cutoff=0.75)
        if same:
            message += f" (names are case-sensitive: {same[0]} is given, {name} is not)"
        elif close:
            message += f" ({close[0]} is given but not used: is one of them misspelt?)"
        raise ExpressionError(message)

    def evaluate(self, values: Mapping[str, Value | float]) -> Value | float:
        """Compute the expression with Values (or floats) for its names, operands first."""
        self._check_given(values)
        source = self.text.strip()  # the text ast.parse read: node positions refer to it
        results: dict[int, Any] = {}
        for node in reversed(self.nodes):  # every operand comes after its operator in self.nodes
            args = [results[id(child)] for child in _children(node)]
            results[id(node)] = _compute(node, args, values, source)
        return results[id(self.nodes[0])]


def _shown(node: ast.expr, source: str) -> str:
    """The text the user typed for ``node``, shortened (never ``ast.unparse``: it recurses)."""
    return shorten(ast.get_source_segment(source, node) or type(node).__name__)


def _compute(
    node: ast.expr, args: list[Any], values: Mapping[str, Value | float], source: str
) -> Any:
    """One checked node's result from its operands' results (numbers stay floats)."""
    try:
        if isinstance(node, ast.Constant):
            return float(node.value)  # type: ignore[arg-type]  # checked: int or float
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            return -args[0]
        if isinstance(node, ast.BinOp):
            result = BINARY[type(node.op)](*args)
        else:
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            name = node.func.id
            left_out = FUNCTIONS[name].arity - len(args)  # given by the Value method's defaults
            result = _call(
                FUNCTIONS[name], [*args, *DEFAULTS[name][len(DEFAULTS[name]) - left_out :]]
            )
    except (ArithmeticError, ValueError, TypeError) as error:
        if isinstance(node, ast.Constant):
            shown = _shown(node, source)
            raise ExpressionError(f"the number {shown} is too large for a float") from None
        reason = shorten(str(error), 5 * SHOWN_LENGTH)
        if isinstance(error, OverflowError) and error.args and isinstance(error.args[0], int):
            reason = "the result overflows a float"  # float ** float reports (errno, text)
        raise ExpressionError(f"cannot compute {_shown(node, source)}: {reason}") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise ExpressionError(f"{_shown(node, source)} is not a finite number ({result!r})")
    return result


def _call(op: Op, args: list[Any]) -> Any:
    """A gate called by name: on Values its Value method; on plain numbers its output alone."""
    if any(isinstance(a, Value) for a in args):
        return apply(op, *args)
    return op.function(*args)


def parse(text: str) -> Expression:
    """Parse and check ``text`` against the whitelist; :class:`ExpressionError` if not allowed."""
    if not isinstance(text, str):
        raise TypeError(f"an expression must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        problem = error.msg
        if "integer string conversion" in problem:  # Python's limit on digits in an int literal
            problem = f"a number has more than {sys.get_int_max_str_digits()} digits"
        raise ExpressionError(f"not a valid expression: {shorten(problem)}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(
            "not a valid expression: it nests too deeply for Python's parser (about 2,900 "
            "operators or calls inside one another at most)"
        ) from None
    except ValueError:  # a null character, on older Pythons
        raise ExpressionError("not a valid expression: it contains a null character") from None
    nodes: list[ast.expr] = []
    names: list[str] = []
    stack = [tree.body]
    while stack:
        node = stack.pop()
        reason = _check(node)
        if reason is not None:
            raise ExpressionError(f"not allowed: {reason}; an expression may use {ALLOWED}")
        if isinstance(node, ast.Call):
            _check_arity(node, text.strip())
        nodes.append(node)
        if isinstance(node, ast.Name) and node.id not in names:
            names.append(node.id)
        stack.extend(reversed(_children(node)))
    return Expression(text, tuple(nodes), tuple(names))


def parse_bindings(arguments: Sequence[str]) -> dict[str, float]:
    """``['x=-2', 'y=5']`` -> ``{'x': -2.0, 'y': 5.0}``, with a clear error for anything else."""
    bound: dict[str, float] = {}
    for argument in arguments:
        match = BINDING.match(argument)
        if match is None:
            raise ExpressionError(
                f"expected NAME=NUMBER (for example x=-2), got {shorten(argument)!r}"
            )
        name, text = match.groups()
        if name in FUNCTIONS:
            raise ExpressionError(f"{name!r} is a function name and cannot be a variable")
        if name in bound:
            raise ExpressionError(f"{name!r} is given twice")
        try:
            bound[name] = as_float(float(text), f"the value of {name}")
        except ValueError:
            raise ExpressionError(
                f"the value of {name} must be a finite number, got {shorten(text)!r}"
            ) from None
        if bound[name] == 0.0 and re.search(r"[1-9]", re.split(r"[eE]", text)[0]):
            raise ExpressionError(
                f"the value of {name}, {shorten(text)}, is too small for a float: it would be 0.0 "
                "(the smallest is about 5e-324); write 0, or a larger number"
            )
    return bound
