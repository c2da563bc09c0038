"""The command line: ``python -m autograd render "(x+y)*z" x=-2 y=5 z=-4 -o graph.svg``.

Also installed as ``chainrule``. The expression is parsed with a whitelist (see
:mod:`autograd.expression`), never evaluated as Python. Exit status 0 on success, 2 when the
command line is wrong (a rejected expression, a missing or malformed value, work past a limit;
nothing is written), 1 when the diagram cannot be made or written (no ``dot`` program, ``dot``
failing, a file or stdout that cannot be written), 130 when interrupted. Every error is one line
on stderr.

Limits, checked before any work starts (each can be raised with its option):

* ``--max-nodes`` (500): drawn nodes (and ten times as many nodes in the layout ``dot``
  computes, counting wires that skip ranks), as :func:`autograd.draw`'s ``max_nodes``;
* ``--max-frames`` (:data:`DEFAULT_MAX_FRAMES`, 60): frames of a ``--steps`` page or GIF. Each
  frame is a full picture of the graph, so the output grows with frames x nodes: 60 frames of a
  30-node graph make a page of about 4 MB in 2 to 4 seconds;
* ``--max-megapixels`` (:data:`DEFAULT_MAX_MEGAPIXELS`, 40): the pixels of all the frames of a
  ``--steps`` GIF together, in millions, checked on the first frame. Making a GIF takes about
  7 MB of memory and 0.2 seconds per million pixels: 40 million, about 300 MB and 7 to 9 s.

Files are written whole or not at all (:func:`autograd.files.write_atomic`): a failed write
leaves the previous file at that path as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import struct
import sys
from collections.abc import Sequence
from pathlib import Path

import graphviz

from autograd.drawing.diagram import SOURCE_SUFFIXES, DotNotFoundError
from autograd.drawing.draw import draw
from autograd.drawing.labels import check_format
from autograd.drawing.scene import DEFAULT_MAX_NODES
from autograd.expression import ExpressionError, parse, parse_bindings, shorten
from autograd.files import write_atomic
from autograd.graph import topological_order
from autograd.stepper import Stepper
from autograd.value import Value

PROGRAM = "chainrule"
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf", ".dot", ".gv")
STEPS_SUFFIXES = (".html", ".gif")
DEFAULT_MAX_FRAMES = 60
"""The most frames ``--steps`` makes unless ``--max-frames`` says otherwise."""
DEFAULT_MAX_MEGAPIXELS = 40
"""The most pixels (in millions, all frames together) a ``--steps`` GIF may hold."""


def _positive_int(text: str) -> int:
    """An argparse type: a positive int."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {shorten(text)!r}")
    return number


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
            "use numbers, names, + - * / **, unary minus, parentheses and exp log max relu "
            "sigmoid tanh softplus. An expression starting with '-' goes after '--'."
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
    render.add_argument(
        "--max-nodes",
        type=_positive_int,
        metavar="N",
        default=DEFAULT_MAX_NODES,
        help=f"refuse graphs with more drawn nodes (default {DEFAULT_MAX_NODES}): dot is slow",
    )
    render.add_argument(
        "--max-frames",
        type=_positive_int,
        metavar="N",
        default=DEFAULT_MAX_FRAMES,
        help=f"refuse --steps with more frames (default {DEFAULT_MAX_FRAMES}): each is a picture",
    )
    render.add_argument(
        "--max-megapixels",
        type=_positive_int,
        metavar="N",
        default=DEFAULT_MAX_MEGAPIXELS,
        help=f"refuse a --steps GIF with more pixels in all its frames "
        f"(default {DEFAULT_MAX_MEGAPIXELS} million)",
    )
    render.add_argument(
        "--fmt", default=".2f", help="number format, for example .2f or g (width, precision <= 30)"
    )
    render.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR")
    render.add_argument("--heat", action="store_true", help="wire width and colour by |gradient|")
    render.add_argument(
        "--forward-only", action="store_true", help="do not run backward (gradients show '?')"
    )
    return parser


def _check_suffix(path: Path | None, allowed: tuple[str, ...], option: str) -> None:
    if path is not None and path.suffix.lower() not in allowed:
        raise ExpressionError(f"{option} {str(path)!r} must end in {' '.join(allowed)}")


def step_frames(root: Value) -> int:
    """How many frames a :class:`autograd.Stepper` of ``root`` has, counted without making it:
    frame 0 and one per backward step, a step being a wire into a gate from a non-constant."""
    wires = sum(
        1 for node in topological_order(root) for parent in node.parents if not parent.is_constant
    )
    return 1 + wires


def check_steps(root: Value, max_frames: int = DEFAULT_MAX_FRAMES) -> int:
    """The number of stepper frames of ``root``, or an :class:`ExpressionError` past
    ``max_frames`` (every frame is a full picture: the output grows with frames x nodes)."""
    frames = step_frames(root)
    if frames > max_frames:
        raise ExpressionError(
            f"--steps would make {frames} frames, more than --max-frames {max_frames}; each frame "
            f"is a whole picture of the graph: use a smaller expression, leave out --steps, "
            f"or pass --max-frames {frames}"
        )
    return frames


def check_gif(stepper: Stepper, max_megapixels: int = DEFAULT_MAX_MEGAPIXELS) -> None:
    """An :class:`ExpressionError` if the stepper's GIF would hold more than ``max_megapixels``
    million pixels in all; checked on frame 0 alone (every frame has the same layout)."""
    png = stepper.frame(0).pipe(format="png")
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
    megapixels = width * height * len(stepper) / 1e6
    if megapixels > max_megapixels:
        raise ExpressionError(
            f"the GIF would hold {len(stepper)} frames of {width}x{height} pixels, "
            f"{megapixels:.0f} million in all, more than --max-megapixels {max_megapixels} (it "
            f"would take about {megapixels * 7:,.0f} MB of memory to make): write the steps "
            f"as .html, or pass --max-megapixels {math.ceil(megapixels)}"
        )


def _render(args: argparse.Namespace) -> dict[Path | None, bytes]:
    """Everything to write, by path (None: stdout), computed before anything is written."""
    _check_suffix(args.output, DIAGRAM_SUFFIXES, "-o")
    _check_suffix(args.steps, STEPS_SUFFIXES, "--steps")
    try:
        check_format(args.fmt)
    except ValueError as error:
        raise ExpressionError(str(error)) from None
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
    if args.steps:
        check_steps(root, args.max_frames)
    options = {"style": args.style, "fmt": args.fmt, "rankdir": args.rankdir}
    options["max_nodes"] = args.max_nodes
    try:
        stepper = Stepper(root, **options) if args.steps else None
        if not args.forward_only:
            root.backward()
        diagram = draw(root, heat=args.heat, **options)
    except (ValueError, OverflowError) as error:
        # the library's advice in the command line's words (it has no collapse option)
        advice = str(error).replace("pass collapse='neuron' (one node per neuron) or ", "")
        raise ExpressionError(advice.replace("pass max_nodes=", "pass --max-nodes ")) from None

    outputs: dict[Path | None, bytes] = {}
    if args.output is None or args.output.suffix.lower() in SOURCE_SUFFIXES:
        outputs[args.output] = diagram.source.encode("utf-8")
    else:
        outputs[args.output] = diagram.pipe(format=args.output.suffix.lower()[1:])
    if stepper is not None:
        if args.steps.suffix.lower() == ".gif":
            check_gif(stepper, args.max_megapixels)
            outputs[args.steps] = stepper.gif()
        else:
            outputs[args.steps] = stepper.html(shorten(args.expression, 200)).encode("utf-8")
    return outputs


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
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


def _write(outputs: dict[Path | None, bytes]) -> int:
    """Write every output (None: stdout); on the first failure, one line and status 1."""
    for path, data in outputs.items():
        try:
            if path is None:
                _print(data)
                continue
            write_atomic(path, data)
        except OSError as error:
            if path is not None:
                return _fail(f"error: {error}", 1)  # WriteError: it names the path
            return _fail(f"error: cannot write to stdout: {error.strerror or error}", 1)
        try:
            _print(f"wrote {path}\n".encode())
        except OSError as error:
            return _fail(f"error: cannot write to stdout: {error.strerror or error}", 1)
    return 0
