"""The command line: ``python -m autograd render "(x+y)*z" x=-2 y=5 z=-4 -o graph.svg``.

Also installed as ``chainrule``. The expression is parsed with a whitelist (see
:mod:`autograd.expression`), never evaluated as Python. Exit status 0 on success, 2 when the
command line is wrong (a rejected expression, a missing or malformed value; nothing is written),
1 when the diagram cannot be made (no ``dot`` program, a file that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from autograd.drawing.diagram import SOURCE_SUFFIXES, DotNotFoundError
from autograd.drawing.draw import draw
from autograd.expression import ALLOWED, ExpressionError, parse, parse_bindings
from autograd.stepper import Stepper
from autograd.value import Value

PROGRAM = "chainrule"
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf", ".dot", ".gv")
STEPS_SUFFIXES = (".html", ".gif")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: one command, ``render``."""
    parser = argparse.ArgumentParser(
        prog=PROGRAM, description="Draw backprop through an expression, as in the cs231n figures."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser(
        "render",
        help="draw an expression's graph with its values and gradients",
        description=(
            "Compute EXPRESSION at the given values, run backward, and draw it. EXPRESSION may "
            f"use {ALLOWED}. An expression starting with '-' goes after '--'."
        ),
        epilog='example: chainrule render "(x+y)*z" x=-2 y=5 z=-4 -o graph.svg --steps steps.html',
    )
    render.add_argument("expression", help='for example "(x+y)*z"')
    render.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="for example x=-2")
    render.add_argument(
        "-o",
        "--output",
        type=Path,
        help="diagram file: .svg .png .pdf or .dot (default: DOT text on stdout)",
    )
    render.add_argument(
        "--steps", type=Path, help="also write the backprop stepper: .html (player) or .gif"
    )
    render.add_argument("--style", choices=("circuit", "record"), default="circuit")
    render.add_argument("--fmt", default=".2f", help="number format, for example .2f or g")
    render.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR")
    render.add_argument("--heat", action="store_true", help="wire width and colour by |gradient|")
    render.add_argument(
        "--forward-only", action="store_true", help="do not run backward (gradients show '?')"
    )
    return parser


def _check_suffix(path: Path | None, allowed: tuple[str, ...], option: str) -> None:
    if path is not None and path.suffix.lower() not in allowed:
        raise ExpressionError(f"{option} {str(path)!r} must end in {' '.join(allowed)}")


def _render(args: argparse.Namespace) -> dict[Path | None, bytes]:
    """Everything to write, by path (None: stdout), computed before anything is written."""
    _check_suffix(args.output, DIAGRAM_SUFFIXES, "-o")
    _check_suffix(args.steps, STEPS_SUFFIXES, "--steps")
    expression = parse(args.expression)
    bound = parse_bindings(args.values)
    unused = [name for name in bound if name not in expression.names]
    if unused:
        raise ExpressionError(f"{unused[0]}={bound[unused[0]]:g} is not used by the expression")
    if not expression.names:
        raise ExpressionError(
            "the expression has no variables, so there is nothing to differentiate"
        )
    root = expression.evaluate({name: Value(number, name) for name, number in bound.items()})
    assert isinstance(root, Value), "an expression with a variable computes a Value"
    if root.label is None:
        root.label = "f"
    options = {"style": args.style, "fmt": args.fmt, "rankdir": args.rankdir}
    try:
        stepper = Stepper(root, **options) if args.steps else None
        if not args.forward_only:
            root.backward()
        diagram = draw(root, heat=args.heat, **options)
    except (ValueError, OverflowError) as error:
        raise ExpressionError(str(error)) from None

    outputs: dict[Path | None, bytes] = {}
    if args.output is None or args.output.suffix.lower() in SOURCE_SUFFIXES:
        outputs[args.output] = diagram.source.encode("utf-8")
    else:
        outputs[args.output] = diagram.pipe(format=args.output.suffix.lower()[1:])
    if stepper is not None:
        if args.steps.suffix.lower() == ".gif":
            outputs[args.steps] = stepper.gif()
        else:
            outputs[args.steps] = stepper.html(f"{args.expression}").encode("utf-8")
    return outputs


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        outputs = _render(args)
    except ExpressionError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except (DotNotFoundError, ImportError) as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 1
    for path, data in outputs.items():
        if path is None:
            sys.stdout.write(data.decode("utf-8"))
            continue
        try:
            path.write_bytes(data)
        except OSError as error:
            print(
                f"{PROGRAM}: error: cannot write {str(path)!r}: {error.strerror}", file=sys.stderr
            )
            return 1
        print(f"wrote {path}")
    return 0
