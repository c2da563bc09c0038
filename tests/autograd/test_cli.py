"""The command line: python -m autograd render ..., exit codes, and nothing written on rejection."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import autograd.stepper as stepper_module
from autograd.cli import main
from tests.autograd.test_draw_support import needs_dot


def _run(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autograd", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_dot
def test_render_writes_the_diagram_and_the_stepper(tmp_path: Path) -> None:
    done = _run(
        "render",
        "(x+y)*z",
        "x=-2",
        "y=5",
        "z=-4",
        "-o",
        "graph.svg",
        "--steps",
        "steps.html",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "graph.svg").read_text().replace("&#45;", "-")
    for number in ("-12.00", "-4.00", "3.00", "1.00"):
        assert f">{number}<" in svg
    page = (tmp_path / "steps.html").read_text()
    assert page.count('<figure class="diagram"') == 1 and "step 4 of 4: + → y" in page
    assert "wrote graph.svg" in done.stdout and "wrote steps.html" in done.stdout


def test_without_output_the_dot_text_goes_to_stdout(tmp_path: Path) -> None:
    done = _run("render", "x*y", "x=3", "y=-2", "--fmt", "g", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("digraph {") and ">-6<" in done.stdout and ">-2<" in done.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('touch pwned')",
        "x.__class__",
        "(lambda: x)()",
        "open('graph.svg', 'w')",
        "x[0]",
        "[x for x in y]",
    ],
)
def test_rejected_expressions_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, expression: str
) -> None:
    done = _run(
        "render", expression, "x=1", "y=2", "-o", "graph.svg", "--steps", "s.html", cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("chainrule: error: not allowed")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x*w", "x=1"], "'w' has no value: pass it as w=<number>"),
        (
            ["X*y", "x=1", "y=2"],
            "'X' has no value: pass it as X=<number> (names are case-sensitive: x is given, X is "
            "not)",
        ),
        (["max(x)", "x=1"], "max(x) has 1 argument: max takes 2 arguments, as in max(x, y)"),
        (["x*y", "x=1", "y"], "expected NAME=NUMBER"),
        (["x*y", "x=1", "y=two"], "the value of y must be a finite number"),
        (["x", "x=1", "y=2"], "y=2 is not used"),
        (["2*3"], "no variables"),
        (["log(x)", "x=-1"], "log needs x > 0"),
        (["x", "x=1", "-o", "graph.jpeg"], "must end in .svg"),
        (["x", "x=1", "--steps", "steps.txt"], "must end in .html .gif"),
        (["x", "x=1", "--fmt", "d"], "fmt='d' is not a number format"),
        (["x^2", "x=3"], "use ** for powers (x**2)"),
        (["2x + 1", "x=3"], "write 2*x for a number times something, not 2x"),
        (["3.5(x+1)", "x=3"], "write 3.5*( for a number times something"),
        (["x*y", "x=1", "y=2", "--dpi", "5"], "dpi must be a number from 10 to 1200"),
    ],
)
def test_input_errors_exit_2_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        main(
            ["render", *arguments, "-o", "graph.svg"]
            if "-o" not in arguments
            else ["render", *arguments]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


HELP = "see chainrule render --help"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["render", "-x*y", "x=2", "y=3", "-o", "neg.svg"],
            "an expression that starts with '-' goes after --, the options before it: chainrule "
            "render -o neg.svg -- '-x*y' x=2 y=3",
        ),
        (
            ["render", "--fmt", "g", "-x", "x=2", "--heat", "--dpi=150", "-oa.svg"],
            "an expression that starts with '-' goes after --, the options before it: chainrule "
            "render --fmt g --heat --dpi=150 -oa.svg -- -x x=2",
        ),
        (
            ["render", "--", "-x*y", "x=2", "-o", "g.svg"],
            "-o comes after --, where everything is the expression or a value: options go before "
            f"the --, as in chainrule render -o neg.svg -- '-x*y' x=2 y=3; {HELP}",
        ),
        (
            ["render", "x*y", "x=2", "y=3", "--hide", "grad"],
            "argument --hide: invalid choice 'grad' (choose from grads, values, both); " + HELP,
        ),
        (
            ["render", "x", "x=1", "--theme", "Dark"],
            "argument --theme: invalid choice 'Dark' (choose from light, colorblind, dark); "
            + HELP,
        ),
        (
            ["render", "x", "x=1", "--dpi", "high"],
            f"argument --dpi: must be a number, for example 192, got 'high'; {HELP}",
        ),
        (["render", "x", "x=1", "--steps"], f"argument --steps: expected one argument; {HELP}"),
        (["render", "x", "x=1", "--bogus"], f"unknown option --bogus; {HELP}"),
        (
            ["render", "x", "x=1", "--stpes", "s.html"],
            f"unknown option --stpes (did you mean --steps?); {HELP}",
        ),
        (
            ["render"],
            'no expression: give one and its values, as in chainrule render "(x+y)*z" x=-2 y=5 '
            f"z=-4 -o graph.svg; {HELP}",
        ),
        (
            ["rendr", "x", "x=1"],
            "unknown command 'rendr' (did you mean render?); see chainrule --help",
        ),
        (
            ["x*y", "x=1"],
            "unknown command 'x*y': the command is render, as in chainrule render 'x*y' x=1; see "
            "chainrule --help",
        ),
        (
            ["x", "x=1"],  # an expression that is a name
            "unknown command 'x': the command is render, as in chainrule render x x=1; see "
            "chainrule --help",
        ),
        (
            ["explain", "(x+y)*z", "x=1"],  # a word in the command's place: replaced
            "unknown command 'explain': the command is render, as in chainrule render "
            "'(x+y)*z' x=1; see chainrule --help",
        ),
    ],
)
def test_command_line_errors_are_one_line_that_says_what_to_do(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    done = _run(*arguments, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"chainrule: error: {message}\n" and done.stdout == ""
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_the_hint_for_an_expression_that_starts_with_a_minus_works_as_printed(
    tmp_path: Path,
) -> None:
    done = _run("render", "-x*y", "x=2", "y=3", "--fmt", "g", "-o", "neg.svg", cwd=tmp_path)
    command = shlex.split(done.stderr.split("the options before it: ")[1])
    assert command[:2] == ["chainrule", "render"]
    again = _run(*command[1:], cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert ">-6<" in (tmp_path / "neg.svg").read_text().replace("&#45;", "-")


def test_bare_chainrule_prints_the_help(tmp_path: Path) -> None:
    done = _run(cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: chainrule") and "render" in done.stdout
    assert done.stdout == _run("--help", cwd=tmp_path).stdout


@needs_dot
def test_leaky_relu_takes_the_default_slope_as_in_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render", "leaky_relu(x)", "x=-2", "--fmt", "g", "-o", "a.dot"]) == 0
    assert main(["render", "leaky_relu(x, 0.01)", "x=-2", "--fmt", "g", "-o", "b.dot"]) == 0
    drawn = (tmp_path / "a.dot").read_text()
    assert drawn == (tmp_path / "b.dot").read_text() and ">-0.02<" in drawn
    capsys.readouterr()
    assert main(["render", "leaky_relu(x, 1, 2)", "x=-2"]) == 2
    assert capsys.readouterr().err == (
        "chainrule: error: leaky_relu(x, 1, 2) has 3 arguments: leaky_relu takes 1 or 2 "
        "arguments, as in leaky_relu(x) or leaky_relu(x, 0.01)\n"
    )


@pytest.mark.parametrize("hide", ["grads", "values", "both"])
@pytest.mark.parametrize("quiz", ["leafq.html", "leafq.svg"])
def test_a_quiz_of_a_graph_without_a_gate_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    hide: str,
    quiz: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    arguments = ["render", "x", "x=2", "-o", "leaf.svg", "--steps", "s.html", "--quiz", quiz]
    assert main([*arguments, "--hide", hide]) == 2
    assert capsys.readouterr().err == (
        "chainrule: error: a quiz asks for the numbers gates compute, and the graph of x has no "
        "gate (it is a single input): quiz an expression with an operation, such as x * y\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_missing_dot_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["render", "x*y", "x=1", "y=2", "-o", "graph.svg"]) == 1
    assert "apt-get install graphviz" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["render", "x*y", "x=1", "y=2", "-o", "graph.dot"]) == 0
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")


@needs_dot
def test_gif_steps_and_the_console_script(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    script = Path(sys.executable).with_name("chainrule")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "autograd"]
    done = subprocess.run(
        [*command, "render", "sigmoid(w*x)", "w=2", "x=-1", "--steps", "s.gif", "-o", "g.png"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "s.gif").read_bytes()[:6] == b"GIF89a"
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


@needs_dot
def test_options_go_before_or_after_the_values(tmp_path: Path) -> None:
    for n, arguments in enumerate(
        [
            ["(x+y)*z", "x=-2", "y=5", "z=-4", "-o", "a.svg", "--fmt", "g"],
            ["-o", "b.svg", "(x+y)*z", "x=-2", "--fmt", "g", "y=5", "z=-4"],
            ["--fmt", "g", "(x+y)*z", "x=-2", "y=5", "-o", "c.svg", "z=-4"],
        ]
    ):
        done = _run("render", *arguments, cwd=tmp_path)
        assert done.returncode == 0, (n, done.stderr)
    pictures = [
        (tmp_path / n).read_text().replace("&#45;", "-") for n in ("a.svg", "b.svg", "c.svg")
    ]
    assert pictures[0] == pictures[1] == pictures[2] and ">-12<" in pictures[0]
    done = _run("render", "--fmt", "g", "--", "-x*y", "x=2", "y=3", cwd=tmp_path)
    assert done.returncode == 0 and ">-6<" in done.stdout


@needs_dot
def test_dpi_sets_the_png_resolution(tmp_path: Path) -> None:
    from PIL import Image

    for dpi in ("96", "192"):
        done = _run("render", "x*y", "x=2", "y=3", "-o", f"g{dpi}.png", "--dpi", dpi, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    with Image.open(tmp_path / "g96.png") as small, Image.open(tmp_path / "g192.png") as large:
        assert large.size[0] == pytest.approx(2 * small.size[0], rel=0.03)


# -- bounded work: every limit is checked before the work starts, in one line --------------------


def _balanced_sum(leaves: int) -> str:
    """x + x + ... as a balanced tree: many nodes, no wire skipping ranks."""
    if leaves == 1:
        return "x"
    half = leaves // 2
    return f"({_balanced_sum(half)}+{_balanced_sum(leaves - half)})"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x" + "*1.5" * 600, "x=1"], "601 nodes to draw, more than --max-nodes 500"),
        (["x" + "*x" * 200, "x=1"], "dot would lay out 20101 nodes"),
        (["x", "x=1", "--fmt", ">1000000000"], "fmt='>1000000000' is not a number format"),
        (["x", "x=1", "--fmt", ".1000000000f"], "fmt='.1000000000f' is not a number format"),
    ],
)
def test_work_past_a_limit_is_refused_at_once_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render", *arguments, "-o", "graph.svg"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert "collapse" not in err and "max_nodes" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_node_limit_is_advised_in_the_command_line_s_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render", "x" + "*1.5" * 600, "x=1"]) == 2
    assert capsys.readouterr().err.endswith("pass --max-nodes 601 to draw it anyway\n")
    assert main(["render", "x" + "*1.5" * 600, "x=1", "--max-nodes", "601", "-o", "g.dot"]) == 0
    assert (tmp_path / "g.dot").read_text().count("shape=circle") == 600


@pytest.mark.parametrize("value", ["0", "-3", "many", "1e3"])
def test_limits_must_be_positive_whole_numbers(tmp_path: Path, value: str) -> None:
    done = _run("render", "x", "x=1", "--max-megapixels", value, cwd=tmp_path)
    assert done.returncode == 2 and "must be a positive whole number" in done.stderr


@needs_dot
def test_a_gif_past_the_pixel_limit_is_refused_after_one_frame(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expression = "tanh(w0*x0 + w1*x1 + w2*x2 + b)"
    values = ["w0=1", "x0=2", "w1=-1", "x1=0.5", "w2=3", "x2=-1", "b=0.1"]
    assert main(["render", expression, *values, "--steps", "s.gif", "--max-megapixels", "1"]) == 2
    err = capsys.readouterr().err
    assert re.search(
        r"the GIF would hold 15 frames of about \d+x\d+ pixels, \d million in all", err
    )
    assert "more than --max-megapixels 1" in err and "write the steps as .html" in err
    assert list(tmp_path.iterdir()) == []


# -- output errors: one line, a non-zero status, the previous file kept -------------------------


def test_a_full_stdout_is_one_line_and_status_1(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "autograd", "render", "x*y", "x=1", "y=2"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr == "chainrule: error: cannot write to stdout: No space left on device\n"


def test_a_closed_pipe_is_one_line_and_status_1(tmp_path: Path) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # nobody will read: the first write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "autograd", "render", _balanced_sum(40), "x=1"],
            cwd=tmp_path,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert done.returncode == 1
    assert done.stderr == "chainrule: error: cannot write to stdout: Broken pipe\n"


@needs_dot
@pytest.mark.parametrize("option", ["-o", "--steps"])
def test_a_failed_write_keeps_the_previous_file_and_names_it(tmp_path: Path, option: str) -> None:
    name = "graph.svg" if option == "-o" else "steps.html"
    (tmp_path / name).write_text("previous")
    command = [sys.executable, "-m", "autograd", "render", _balanced_sum(16), "x=1", option, name]
    done = subprocess.run(
        ["bash", "-c", 'ulimit -f 8; exec "$@"', "bash", *command],  # files of at most 8 KiB
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr == f"chainrule: error: cannot write '{name}': File too large\n"
    assert (tmp_path / name).read_text() == "previous"
    assert sorted(os.listdir(tmp_path)) == [name]


def test_a_failing_dot_is_one_line_and_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\necho 'more detail' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.chdir(tmp_path)
    assert main(["render", "x*y", "x=1", "y=2", "-o", "graph.svg"]) == 1
    err = capsys.readouterr().err
    assert err == "chainrule: error: Graphviz's dot failed: Error: out of memory\n"
    assert sorted(os.listdir(tmp_path)) == ["bin"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--steps", "same.html", "--quiz", "same.html"],
        ["-o", "s.pdf", "--steps", "s.pdf"],
        ["-o", "sub/../g.svg", "--quiz", "g.svg"],
    ],
)
def test_two_outputs_in_one_file_are_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    assert main(["render", "x*y", "x=1", "y=2", *arguments]) == 2
    assert "-o, --steps and --quiz must name different files" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [tmp_path / "sub"]


def test_a_gif_too_long_to_render_is_refused_in_the_command_lines_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(stepper_module, "MAX_GIF_WORK", 10)
    assert main(["render", "x*y + x", "x=2", "y=3", "--steps", "s.gif"]) == 2
    err = capsys.readouterr().err
    assert "more than 10, about a minute): write the steps as .html instead" in err
    assert "MAX_GIF_WORK" not in err and list(tmp_path.iterdir()) == []
