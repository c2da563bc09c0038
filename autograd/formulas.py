"""From formulas to functions: how the op table's formulas become the code that runs.

Each op in :mod:`autograd.ops` is written as formulas: Python expressions such as ``x * y`` for
its output and ``y``, ``x`` for its local derivatives. :func:`check` parses a formula (it is
never run to be checked) and makes sure it uses only the names it may. :func:`define` then
compiles a function from generated source, the way :mod:`dataclasses` writes ``__init__``: the
op's rule (:mod:`autograd.ops`) and the ``Value`` method that builds its gate
(:mod:`autograd.value`). The formulas are written straight into that source, so building a gate
costs no call to a separate rule. The source is registered with :mod:`linecache`, so
``inspect.getsource`` and tracebacks show the generated lines.
"""

from __future__ import annotations

import ast
import linecache
from collections.abc import Callable, Collection, Mapping
from textwrap import indent
from typing import Any


def check(formula: str, allowed: Collection[str], what: str) -> set[str]:
    """The names ``formula`` uses, after checking that it is one Python expression that uses
    only names in ``allowed``; else a ValueError that names ``what`` it is."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        raise ValueError(f"{what} {formula!r} is not a Python expression") from None
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    unknown = sorted(names - set(allowed))
    if unknown:
        raise ValueError(
            f"{what} {formula!r} uses {', '.join(unknown)}; a formula may use only "
            f"{', '.join(sorted(allowed))}"
        )
    if any(isinstance(node, ast.Attribute | ast.Lambda | ast.NamedExpr) for node in ast.walk(tree)):
        raise ValueError(f"{what} {formula!r}: write arithmetic and function calls only")
    return names


def is_plain(formula: str, inputs: Collection[str]) -> bool:
    """True for a formula that is an input's name or a number: finite whenever the inputs are."""
    if formula in inputs:
        return True
    try:
        float(formula)
    except ValueError:
        return False
    return True


def define(
    source: str,
    function: str,
    filename: str,
    module_globals: dict[str, Any],
    free: Mapping[str, Any],
) -> Callable[..., Any]:
    """Compile ``source``, the ``def`` of ``function``, with the names in ``free`` bound to their
    values (as a closure) and every other name looked up in ``module_globals`` when it runs."""
    if function in free:
        raise ValueError(f"{function!r} is both the function's name and a name it uses")
    factory = f"def _make({', '.join(free)}):\n{indent(source, '    ')}    return {function}\n"
    # What tracebacks and inspect.getsource show: the source as written (line 1 stands for the
    # factory's first line, so the line numbers agree).
    shown = [f"# {filename}, compiled by autograd.formulas.define\n", *source.splitlines(True)]
    linecache.cache[filename] = (len(factory), None, shown, filename)
    scope: dict[str, Any] = {}
    exec(compile(factory, filename, "exec"), module_globals, scope)  # our own template, not input
    made: Callable[..., Any] = scope["_make"](**free)
    return made
