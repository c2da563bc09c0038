"""The command line: ``python -m autograd render "(x+y)*z" x=-2 y=5 z=-4 -o graph.svg``.

Also installed as ``chainrule``. The expression is parsed with a whitelist (see
:mod:`autograd.expression`), never evaluated as Python; common slips get a hint in plain words
(``x^2``: use ** for powers; ``2x``: write 2*x). Options may come before or after the
``name=value`` list. Exit status 0 on success, 2 when the command line is wrong (a rejected
expression, a missing or malformed value, work past a limit; nothing is written), 1 when the
diagram cannot be made or written (no ``dot`` program, ``dot`` failing, a file or stdout that
cannot be written), 130 when interrupted. Every error is one line on stderr that says what to
do, argparse's too (an expression that starts with '-' is shown after ``--``, where it goes);
without arguments the command prints its help.

Limits, checked before the work they bound (each can be raised with its option):

* ``--max-nodes`` (500): drawn nodes, and 16 times as many nodes in the layout ``dot``
  computes, as :func:`autograd.draw`'s ``max_nodes``;
* ``--max-megapixels`` (40): the pixels of all the frames of a ``--steps`` GIF or PDF together,
  in millions, checked on the first frame's layout (:meth:`autograd.Stepper.gif`). Making a GIF
  takes about 7 MB of memory and 0.2 seconds per million pixels.

Files are written whole or not at all (:func:`autograd.files.write_atomic`): a failed write
leaves the previous file at that path as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Any, NoReturn

import graphviz

from autograd.drawing.diagram import SOURCE_SUFFIXES, TIKZ_SUFFIXES, DotNotFoundError, check_dpi
from autograd.drawing.draw import draw
from autograd.drawing.labels import check_format
from autograd.drawing.scene import DEFAULT_MAX_NODES
from autograd.expression import (
    ALLOWED,
    BINDING,
    Expression,
    ExpressionError,
    parse,
    parse_bindings,
    shorten,
)
from autograd.files import write_atomic
from autograd.stepper import DEFAULT_MAX_MEGAPIXELS, Stepper
from autograd.value import Value

PROGRAM = "chainrule"
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf", ".dot", ".gv", ".tikz", ".tex")
STEPS_SUFFIXES = (".html", ".gif", ".pdf")
QUIZ_SUFFIXES = (".html", ".svg", ".png", ".pdf")
NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?)([A-Za-z_(])")
RENDER = {
    "help": "draw an expression's graph with its values and gradients",
    "description": (
        "Compute EXPRESSION at the given values, run backward, and draw it. EXPRESSION may "
        f"use {ALLOWED}. Options may come before or after the NAME=NUMBER values. An "
        "expression starting with '-' goes after '--', the options before it."
    ),
    "epilog": (
        'example: chainrule render "(x+y)*z" x=-2 y=5 z=-4 -o graph.svg --steps steps.html '
        "--quiz quiz.html"
    ),
}


def _positive_int(text: str) -> int:
    """An argparse type: a positive int."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {shorten(text)!r}")
    return number


def _number(text: str) -> float:
    """An argparse type: a float (its range is checked where it is used)."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number, for example 192, got {shorten(text)!r}"
        ) from None


def _choice(*choices: str) -> Callable[[str], str]:
    """An argparse type: one of ``choices``, refused in the same words on every Python."""

    def choose(text: str) -> str:
        if text not in choices:
            raise argparse.ArgumentTypeError(
                f"invalid choice {shorten(text)!r} (choose from {', '.join(choices)})"
            )
        return text

    return choose


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, with what to do, and status 2."""

    def __init__(self, *args: Any, tokens: Sequence[str] = (), **kwargs: Any) -> None:
        self.tokens = list(tokens)  # the command line after the command, for hints
        self.takes_value: dict[str, bool] = {}  # each option string: does it take a value?
        super().__init__(*args, **kwargs)  # adds -h

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        for option in action.option_strings:
            self.takes_value[option] = action.nargs != 0
        return action

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROGRAM}: error: {self._advice(message)}\n")

    def _advice(self, message: str) -> str:
        """argparse's message in plain words, on one line, with what to do."""
        if message.startswith(UNRECOGNIZED) or message.startswith(REQUIRED):
            moved = _after_separator(self.tokens, self.takes_value)
            if moved is not None:
                return (
                    "an expression that starts with '-' goes after --, the options before it: "
                    + moved
                )
        if message.startswith(UNRECOGNIZED):
            unknown = message[len(UNRECOGNIZED) :].split()[0]
            if unknown.startswith("-"):
                message = f"unknown option {shorten(unknown)}"
                near = get_close_matches(unknown, list(self.takes_value), n=1, cutoff=0.6)
                if near:
                    message += f" (did you mean {near[0]}?)"
        elif message.startswith(REQUIRED) and "expression" in message:
            message = f"no expression: give one and its values, as in {EXAMPLE}"
        elif message.startswith(REQUIRED):  # the command
            message = f"no command: the command is render, as in {EXAMPLE}"
        return f"{shorten(message, 300)}; see {self.prog} --help"


UNRECOGNIZED = "unrecognized arguments: "
REQUIRED = "the following arguments are required: "
EXAMPLE = 'chainrule render "(x+y)*z" x=-2 y=5 z=-4 -o graph.svg'
NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")  # argparse reads these as values


def _after_separator(tokens: list[str], takes_value: dict[str, bool]) -> str | None:
    """The command line with the expression that starts with '-' (which argparse takes for an
    option) after '--' and the options before it, or None if there is no such expression."""
    if "--" in tokens:
        return None
    options: list[str] = []
    values: list[str] = []
    expression = None
    rest = iter(tokens)
    for token in rest:
        if not token.startswith("-") or NEGATIVE_NUMBER.match(token) or " " in token:
            values.append(token)
        elif token[1:2] not in ("-", "o", "h") and expression is None:  # not -o, -h or --name
            expression = token
        else:
            options.append(token)
            if _takes_value(token, takes_value):
                options.extend(list(itertools.islice(rest, 1)))  # its value, if there is one
    if expression is None:
        return None
    return shlex.join([PROGRAM, "render", *options, "--", expression, *values])


def _takes_value(token: str, takes_value: dict[str, bool]) -> bool:
    """Is the next token the value of option ``token`` (``--fmt``, ``--fm``, ``-o``)?"""
    if "=" in token or (token.startswith("-o") and token != "-o"):  # the value is attached
        return False
    named = [
        o for o in takes_value if o == token or (token.startswith("--") and o.startswith(token))
    ]
    return len(named) == 1 and takes_value[named[0]]


def build_parser(arguments: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser: one command, ``render``."""
    parser = _Parser(
        prog=PROGRAM,
        description="Draw backprop through an expression, as in the cs231n figures.",
        epilog=f"example: {EXAMPLE}",
        tokens=arguments,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser(
        "render", help=RENDER["help"], description=RENDER["description"], epilog=RENDER["epilog"]
    )
    _add_render_arguments(render)
    return parser


def _add_render_arguments(render: argparse.ArgumentParser) -> None:
    render.add_argument("expression", help='for example "(x+y)*z"')
    render.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="for example x=-2")
    render.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="diagram file: .svg .png .pdf .dot, or .tikz/.tex for LaTeX (default: DOT text on "
        "stdout)",
    )
    render.add_argument(
        "--steps",
        type=Path,
        metavar="FILE",
        help="also write the backprop stepper: .html (player), .gif, or .pdf (a frame a page)",
    )
    render.add_argument(
        "--quiz",
        type=Path,
        metavar="FILE",
        help="also write a quiz: .html (a page that marks the answers) or .svg .png .pdf (a "
        "printable worksheet)",
    )
    choices = {
        "hide": ("grads", "values", "both"),
        "theme": ("light", "colorblind", "dark"),
        "style": ("circuit", "record"),
        "rankdir": ("LR", "TB", "RL", "BT"),
    }
    shown = {name: "{" + ",".join(options) + "}" for name, options in choices.items()}
    render.add_argument(
        "--hide",
        type=_choice(*choices["hide"]),
        metavar=shown["hide"],
        default="grads",
        help="what the quiz asks for (default: grads)",
    )
    render.add_argument(
        "--theme",
        type=_choice(*choices["theme"]),
        metavar=shown["theme"],
        default="light",
        help="the colours",
    )
    render.add_argument(
        "--style", type=_choice(*choices["style"]), metavar=shown["style"], default="circuit"
    )
    render.add_argument(
        "--max-nodes",
        type=_positive_int,
        metavar="N",
        default=DEFAULT_MAX_NODES,
        help=f"refuse graphs with more drawn nodes (default {DEFAULT_MAX_NODES}): dot is slow",
    )
    render.add_argument(
        "--max-megapixels",
        type=_positive_int,
        metavar="N",
        default=DEFAULT_MAX_MEGAPIXELS,
        help="refuse a --steps GIF or PDF with more pixels in all its frames "
        f"(default {DEFAULT_MAX_MEGAPIXELS} million)",
    )
    render.add_argument(
        "--fmt", default="auto", help="number format: auto (0.73, -0.0042), or for example .2f or g"
    )
    render.add_argument(
        "--rankdir", type=_choice(*choices["rankdir"]), metavar=shown["rankdir"], default="LR"
    )
    render.add_argument("--heat", action="store_true", help="wire width and colour by |gradient|")
    render.add_argument(
        "--forward-only", action="store_true", help="do not run backward (gradients show '?')"
    )
    render.add_argument(
        "--dpi",
        type=_number,
        help="resolution of a .png diagram or worksheet (96 by default) and of a .gif (96) or .pdf "
        "(150) stepper",
    )


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, read with options allowed before or after the NAME=NUMBER values.
    Without arguments: the help, on stdout (SystemExit 0); a wrong command line: one line on
    stderr (SystemExit 2)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        build_parser().print_help()
        raise SystemExit(0)
    if arguments[0] != "render":
        parser = build_parser(arguments)
        command = arguments[0]
        if not command.startswith("-"):
            if get_close_matches(command, ["render"], n=1, cutoff=0.6):
                parser.error(f"unknown command {shorten(command)!r} (did you mean render?)")
            rest = arguments[1:]
            if command.isidentifier() and rest and not BINDING.match(rest[0]):
                arguments = rest  # a word in the command's place (explain, drwa): replace it
            parser.error(
                f"unknown command {shorten(command)!r}: the command is render, as in "
                f"{shorten(shlex.join([PROGRAM, 'render', *arguments]), 200)}"
            )
        return parser.parse_args(arguments)  # --help, or an error
    render = _Parser(
        prog=f"{PROGRAM} render",
        description=RENDER["description"],
        epilog=RENDER["epilog"],
        tokens=arguments[1:],
    )
    _add_render_arguments(render)
    if "--" in arguments:  # an expression starting with '-': options go before the '--'
        args = render.parse_args(arguments[1:])
        option = next((v for v in args.values if v.startswith("-")), None)
        if option is not None:  # read as a value, as everything after the '--'
            render.error(
                f"{shorten(option)} comes after --, where everything is the expression or a "
                "value: options go before the --, as in chainrule render -o neg.svg -- '-x*y' "
                "x=2 y=3"
            )
    else:
        args = render.parse_intermixed_args(arguments[1:])
    args.command = "render"
    return args


def _parse(text: str) -> Expression:
    """The checked expression; the usual slips explained in plain words."""
    try:
        return parse(text)
    except ExpressionError:
        if "^" in text:
            raise ExpressionError(
                "use ** for powers (x**2): ^ is not a power in Python expressions"
            ) from None
        slip = NUMBER_THEN_NAME.search(text)
        if slip:
            number, name = slip.groups()
            raise ExpressionError(
                f"write {number}*{name} for a number times something, not {number}{name}"
            ) from None
        raise


def _check_suffix(path: Path | None, allowed: tuple[str, ...], option: str) -> None:
    if path is not None and path.suffix.lower() not in allowed:
        raise ExpressionError(f"{option} {str(path)!r} must end in {' '.join(allowed)}")


def _render(args: argparse.Namespace) -> dict[Path | None, bytes]:
    """Everything to write, by path (None: stdout), computed before anything is written."""
    _check_suffix(args.output, DIAGRAM_SUFFIXES, "-o")
    _check_suffix(args.steps, STEPS_SUFFIXES, "--steps")
    _check_suffix(args.quiz, QUIZ_SUFFIXES, "--quiz")
    given = [path.resolve() for path in (args.output, args.steps, args.quiz) if path is not None]
    if len(set(given)) < len(given):
        raise ExpressionError("-o, --steps and --quiz must name different files")
    try:
        check_format(args.fmt)
        check_dpi(args.dpi)
    except ValueError as error:
        raise ExpressionError(str(error)) from None
    expression = _parse(args.expression)
    bound = parse_bindings(args.values)
    expression.check_values(bound)
    if not expression.names:
        raise ExpressionError(
            "the expression has no variables, so there is nothing to differentiate"
        )
    root = expression.evaluate({name: Value(number, name) for name, number in bound.items()})
    assert isinstance(root, Value), "an expression with a variable computes a Value"
    if root.label is None:
        root.label = "f"
    options = {
        "style": args.style,
        "fmt": args.fmt,
        "rankdir": args.rankdir,
        "theme": args.theme,
        "max_nodes": args.max_nodes,
    }
    try:
        stepper = Stepper(root, **options) if args.steps or args.quiz else None
        if not args.forward_only:
            root.backward()
        diagram = draw(root, heat=args.heat, **options)
    except (ValueError, OverflowError) as error:
        raise ExpressionError(_in_our_words(error)) from None

    outputs: dict[Path | None, bytes] = {}
    if stepper is not None and args.steps:  # first: a GIF too long is refused before rendering
        suffix = args.steps.suffix.lower()
        try:
            if suffix == ".gif":
                outputs[args.steps] = stepper.gif(dpi=args.dpi, max_megapixels=args.max_megapixels)
            elif suffix == ".pdf":
                pdf = stepper.pdf(dpi=args.dpi or 150, max_megapixels=args.max_megapixels)
                outputs[args.steps] = pdf
            else:
                outputs[args.steps] = stepper.html(shorten(args.expression, 200)).encode("utf-8")
        except ValueError as error:
            raise ExpressionError(_in_our_words(error)) from None
    if stepper is not None and args.quiz:
        suffix = args.quiz.suffix.lower()
        try:
            if suffix == ".html":
                title = f"{shorten(args.expression, 200)}: backprop quiz"
                page = stepper.quiz_html(args.hide, title)
                outputs[args.quiz] = page.encode("utf-8")
            else:
                sheet = stepper.worksheet(args.hide)
                outputs[args.quiz] = sheet.rendered(suffix[1:], args.dpi)
        except ValueError as error:
            raise ExpressionError(_in_our_words(error)) from None
    suffix = args.output.suffix.lower() if args.output is not None else ".dot"
    if suffix in SOURCE_SUFFIXES:
        outputs[args.output] = diagram.source.encode("utf-8")
    elif suffix in TIKZ_SUFFIXES:
        outputs[args.output] = diagram.to_tikz(standalone=suffix == ".tex").encode("utf-8")
    else:
        outputs[args.output] = diagram.rendered(suffix[1:], args.dpi)
    # made stepper first (a GIF too long is refused before dot runs), written diagram first
    return {path: outputs[path] for path in (args.output, args.steps, args.quiz) if path in outputs}


def _in_our_words(error: Exception) -> str:
    """The library's advice in the command line's words: its options for the functions'
    arguments (``max_nodes=500`` is ``--max-nodes 500``)."""
    advice = str(error).replace("max_nodes=", "--max-nodes ")
    advice = advice.replace("write the HTML page instead", "write the steps as .html instead")
    advice = advice.replace(", or raise autograd.stepper.MAX_GIF_WORK", "")  # not an option
    return advice.replace("max_megapixels=", "--max-megapixels ")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parse_arguments(argv)
    try:
        return _write(_render(args))
    except ExpressionError as error:
        return _fail(f"error: {error}", 2)
    except (DotNotFoundError, ImportError) as error:
        return _fail(f"error: {error}", 1)
    except graphviz.CalledProcessError as error:
        detail = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        reason = shorten(detail[0], 200) if detail else f"exit status {error.returncode}"
        return _fail(f"error: Graphviz's dot failed: {reason}", 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _fail(message: str, status: int) -> int:
    print(f"{PROGRAM}: {message}", file=sys.stderr)
    return status


def _print(data: bytes) -> None:
    """Write ``data`` to stdout now, so a full disk or a closed pipe is an error here."""
    try:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)  # None: a text stream (Jupyter, StringIO)
        if buffer is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            buffer.write(data)
        sys.stdout.flush()
    except OSError:
        # what is still buffered would fail again when Python exits: send it nowhere instead
        with contextlib.suppress(OSError, ValueError):  # ValueError: stdout is not a file
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise


def _write(outputs: dict[Path | None, bytes]) -> int:
    """Write every output (None: stdout); on the first failure, one line and status 1."""
    for path, data in outputs.items():
        try:
            if path is None:
                _print(data)
                continue
            write_atomic(path, data)  # its WriteError names the file and the reason
        except OSError as error:
            if path is not None:
                return _fail(f"error: {error}", 1)
            return _fail(f"error: cannot write to stdout: {error.strerror or error}", 1)
        try:
            _print(f"wrote {path}\n".encode())
        except OSError as error:
            return _fail(f"error: cannot write to stdout: {error.strerror or error}", 1)
    return 0
