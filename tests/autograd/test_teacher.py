"""The teacher's tools without a browser: quiz questions and their hints, worksheets, themes,
forward tangents drawn, TikZ compiled with pdflatex, the stepper as a PDF and in a notebook."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Stepper, Value, draw, tangents
from autograd.cli import main
from autograd.drawing.labels import checks
from autograd.drawing.theme import COLORBLIND, DARK, LIGHT, find_theme
from autograd.quiz import letters, tolerance
from autograd.testing import cases
from tests.autograd.test_draw_support import chain_rule, needs_dot, sigmoid_circuit, wires

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex is not installed (Debian: apt-get install texlive-latex-base "
    "texlive-latex-recommended texlive-pictures texlive-fonts-recommended)",
)


# -- quizzes ----------------------------------------------------------------------------------


def test_questions_follow_backprop_with_the_rule_as_hint() -> None:
    f, _ = chain_rule()
    asked = Stepper(f).questions("both")
    assert [(q.letter, q.prompt, q.shown) for q in asked] == [
        ("a", "the value of q", "3.00"),
        ("b", "the value of f", "-12.00"),
        ("c", "∂f/∂q, the gradient on q's wire", "-4.00"),
        ("d", "∂f/∂z, the gradient on z's wire", "3.00"),
        ("e", "∂f/∂x, the gradient on x's wire", "-4.00"),
        ("f", "∂f/∂y, the gradient on y's wire", "-4.00"),
    ]
    assert asked[0].hint == "q = x + y = -2.00 + 5.00 = 3.00"
    assert asked[3].hint == (
        "mul switches the inputs: ∂f/∂z = q = 3.00;  local × upstream = 3.00 × 1.00 = 3.00 "
        "(the upstream ∂f/∂f = 1.00)"
    )
    assert [q.kind for q in Stepper(f).questions("values")] == ["value", "value"]
    assert len(Stepper(f).questions("grads")) == 4


def test_a_branch_asks_for_each_use_and_the_sum() -> None:
    x, y = Value(3.0, "x"), Value(2.0, "y")
    g = x * x + x * y
    g.label = "g"
    asked = Stepper(g).questions()
    prompts = [q.prompt for q in asked]
    assert "what n1 passes back to x (as its first input): ∂g/∂n1 · ∂n1/∂x (local)" in prompts
    total = asked[-1]
    assert total.prompt == "∂g/∂x, the gradient on x's wire" and total.answer == 8.0
    assert total.hint.startswith("gradients add at branches: x is used 3 times")
    assert total.hint.endswith("∂g/∂x = 2.00 + 3.00 + 3.00 = 8.00")


def test_tolerance_is_the_last_digit_shown() -> None:
    assert tolerance(0.3932, "0.39") == pytest.approx(0.01)
    assert tolerance(-4.0, "-4") == pytest.approx(0.01), "never looser than 'auto' shows"
    assert tolerance(-0.0042, "-0.0042") == pytest.approx(0.0001)
    assert [letters(k) for k in (0, 25, 26, 27, 701, 702)] == ["a", "z", "aa", "ab", "zz", "aaa"]
    f, _ = sigmoid_circuit()
    question = Stepper(f).questions()[-1]  # ∂f/∂x0 = 0.3932
    assert question.is_right(0.39) and question.is_right(0.4) and not question.is_right(0.38)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_steps=6))
def test_every_hint_checks_by_hand_and_ends_with_its_answer(case) -> None:
    out = case.expression.build(*case.values())
    stepper = Stepper(out, names="all")
    for question in stepper.questions("both"):
        assert question.is_right(question.answer)
        shown = question.hint.rsplit(" = ", 1)[-1].split(" ")[0]
        if question.kind == "value" or "add at branches" in question.hint:
            assert question.hint.endswith(f"= {shown}")
        product = re.search(r"local × upstream = (\S+) × (\S+) = (\S+)", question.hint)
        if product:
            assert checks(product[3], (product[1], product[2])), question.hint


def test_quiz_refuses_a_collapsed_network_and_bad_options() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [2, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    with pytest.raises(ValueError, match="without collapse="):
        Stepper(loss, collapse="neuron").questions()
    f, _ = chain_rule()
    with pytest.raises(ValueError, match="hide='all' is not one of 'grads', 'values', 'both'"):
        Stepper(f).questions("all")
    with pytest.raises(ValueError, match="quiz must be True or False"):
        Stepper(f).html(quiz="yes")  # type: ignore[arg-type]


QUIZZES: dict[str, Callable[[Stepper, str, Path], object]] = {
    "questions": lambda s, hide, folder: s.questions(hide),
    "quiz_html": lambda s, hide, folder: s.quiz_html(hide),
    "quiz": lambda s, hide, folder: s.quiz(hide),
    "html": lambda s, hide, folder: s.html(quiz=True, hide=hide),
    "worksheet": lambda s, hide, folder: s.worksheet(hide),
    "answer key": lambda s, hide, folder: s.worksheet(hide, answers=True),
    "to_html": lambda s, hide, folder: s.to_html(folder / "quiz.html", quiz=True, hide=hide),
    "to_worksheet": lambda s, hide, folder: s.to_worksheet(folder / "sheet.svg", hide=hide),
}


@needs_dot
@pytest.mark.parametrize("hide", ["grads", "values", "both"])
@pytest.mark.parametrize("make", sorted(QUIZZES))
def test_a_graph_without_a_gate_has_no_quiz(tmp_path: Path, hide: str, make: str) -> None:
    x = Value(2.0, "x")
    x.backward()
    stepper = Stepper(x)
    refused = "the graph of x has no gate (it is a single input): quiz an expression with an"
    with pytest.raises(ValueError, match=re.escape(refused)):
        QUIZZES[make](stepper, hide, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert stepper.html().startswith("<!DOCTYPE html>"), "the player still works"


@needs_dot
@pytest.mark.parametrize("hide", ["grads", "values", "both"])
def test_the_quiz_intro_names_its_blanks(hide: str) -> None:
    x = Value(2.0, "x")
    one = x.tanh()  # one gate: one value, one gradient
    one.backward()
    f, _ = chain_rule()
    for root, count in ((one, {"grads": 1, "values": 1, "both": 2}[hide]), (f, None)):
        stepper = Stepper(root)
        asked = stepper.questions(hide)
        assert count is None or len(asked) == count
        intro = html.unescape(re.search(r'<p class="intro">(.*?)</p>', stepper.quiz_html(hide),
                                        re.S)[1])  # fmt: skip
        intro = " ".join(intro.split())
        assert "blank, :" not in intro and "()" not in intro
        last = asked[-1].letter
        if len(asked) == 1:
            assert intro.startswith("Fill in the blank (a): type the number and press Enter. ")
        else:
            assert intro.startswith(f"Fill in each blank, (a) to ({last}): type the number")
        sheet = stepper.worksheet(hide).source
        head = "Fill in the blank (a):" if len(asked) == 1 else "Fill in the blanks (a), (b), ...:"
        assert f">{head}<" in sheet


@needs_dot
def test_the_quiz_page_holds_its_blanks_and_answers(tmp_path: Path) -> None:
    f, _ = chain_rule()
    stepper = Stepper(f)
    page = stepper.to_html(tmp_path / "quiz.html", quiz=True, hide="both").read_text("utf-8")
    assert "default-src 'none'" in page and "script-src 'sha256-" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    data = json.loads(re.search(r'id="data">(.*?)</script>', page, re.S)[1])
    assert [q["letter"] for q in data["questions"]] == list("abcdef")
    assert data["questions"][0]["answer"] == 3.0 and data["questions"][0]["shown"] == "3.00"
    drawing = page.split('<figure class="diagram" id="diagram">')[1].split("</figure>")[0]
    for letter in "abcdef":
        assert f">({letter})</tspan>" in drawing
        assert f'<input id="answer-{letter}"' in page
    assert "-12.00" not in drawing and "3.00</tspan>" not in drawing.split("q = ")[1][:200]


@needs_dot
def test_worksheet_and_answer_key(tmp_path: Path) -> None:
    f, _ = chain_rule()
    stepper = Stepper(f)
    sheet = stepper.worksheet("grads").source
    assert "(a) ∂f/∂q, the gradient on q&#x27;s wire:  ______________" in sheet
    assert "(a)" in sheet and "-4.00" not in sheet.split("label=<<TABLE BORDER=")[0]
    key = stepper.worksheet("grads", answers=True).source
    assert "= -4.00:  mul switches the inputs" in key
    for suffix in (".svg", ".pdf", ".png"):
        path = stepper.to_worksheet(tmp_path / f"sheet{suffix}", hide="values")
        assert path.stat().st_size > 1000
    assert "(a)" in (tmp_path / "sheet.svg").read_text("utf-8")


# -- themes and tangents --------------------------------------------------------------------------


def test_themes_colour_the_drawing() -> None:
    f, _ = chain_rule()
    f.backward()
    for theme in (LIGHT, COLORBLIND, DARK):
        source = draw(f, theme=theme.name).source
        assert re.search(rf'bgcolor="?{theme.background}"?[ \]]', source)
        assert f'<FONT COLOR="{theme.value}">3.00</FONT>' in source
        assert f'<FONT COLOR="{theme.grad}">-4.00</FONT>' in source
    assert find_theme("dark") is DARK and find_theme(DARK) is DARK
    with pytest.raises(ValueError, match="theme='neon' is not one of 'light', 'colorblind'"):
        draw(f, theme="neon")
    stepper = Stepper(f, theme="dark")
    assert f"background: {DARK.background}" in stepper.html()
    assert DARK.gate_fill in stepper.frame(0).source


def test_tangents_are_drawn_beside_the_values() -> None:
    f, v = chain_rule()
    f.backward()
    source = draw(f, tangents={v["x"]: 1.0}).source
    expected = tangents(f, {v["x"]: 1.0})
    found = re.findall(rf'<FONT COLOR="{LIGHT.tangent}">∂/∂x </FONT><FONT COLOR="{LIGHT.tangent}">'
                       r"([^<]+)</FONT>", source)  # fmt: skip
    assert sorted(found) == sorted(["1.00", "0.00", "1.00", "0.00", "-4.00"])
    assert expected[f] == -4.0 == v["x"].grad, "forward mode's d f/dx is reverse mode's x.grad"
    assert wires(source)  # values and gradients still read as before
    both = draw(f, tangents={v["x"]: 1.0, v["y"]: 1.0}, style="record").source
    assert "ṫ </FONT>" in both and "ṫ </FONT><FONT" in both
    with pytest.raises(ValueError, match=r"the seed Value\(data=1.0, grad=0.0\) is not a node"):
        draw(f, tangents={Value(1.0): 1.0})  # the error of autograd.tangents
    with pytest.raises(ValueError, match="tangents must be a dict"):
        draw(f, tangents={})


# -- slides ------------------------------------------------------------------------------------


@needs_dot
def test_tikz_has_dots_layout_and_colours() -> None:
    f, _ = chain_rule()
    f.backward()
    tikz = draw(f).to_tikz()
    assert tikz.startswith("\\begin{tikzpicture}[x=1bp, y=1bp]")
    assert "\\definecolor{" in tikz and "{HTML}{2E7D32}" in tikz and "{HTML}{C62828}" in tikz
    assert tikz.count("ellipse [x radius=") == 2, "the + and * gates"
    assert "{-12.00}" in tikz and "{q =}" not in tikz and "{q = }" in tikz
    evil = Value(1.0, "<b>_{&}%$#\\")
    text = draw(evil * 2.0).to_tikz()
    assert "\\textless{}b\\textgreater{}\\_\\{\\&\\}\\%\\$\\#\\textbackslash{}" in text


@needs_dot
@needs_pdflatex
def test_tikz_compiles_with_pdflatex(tmp_path: Path) -> None:
    nn = pytest.importorskip("nn")
    f, v = chain_rule()
    f.backward()
    model = nn.MLP(2, [3, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    documents = {
        "chain": draw(f, tangents={v["x"]: 1.0}),
        "dark": draw(f, theme="dark", heat=True),
        "net": draw(loss, collapse="neuron", heat=True),
        "frame": Stepper(f).frame(2),
        "evil": draw(Value(2.0, "<x>_{&}%$#\\~^") * 3.0),
    }
    for name, diagram in documents.items():
        path = Path(diagram.save(tmp_path / f"{name}.tex"))
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, (name, result.stdout[-2000:])
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000
    snippet = draw(f).save(tmp_path / "picture.tikz")
    assert Path(snippet).read_text("utf-8").startswith("\\begin{tikzpicture}")


@needs_dot
def test_to_pdf_has_a_page_per_frame(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    f, _ = chain_rule()
    stepper = Stepper(f, forward=True)
    data = stepper.to_pdf(tmp_path / "steps.pdf", dpi=72).read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(
        b"/Type /Page\r"
    ) + len(re.findall(rb"/Type\s*/Page[^s]", data)) >= len(stepper)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "steps.pdf")], capture_output=True)
        assert f"Pages:           {len(stepper)}" in info.stdout.decode()


# -- in a notebook -------------------------------------------------------------------------------


@needs_dot
def test_repr_html_is_the_player_in_an_iframe() -> None:
    f, _ = chain_rule()
    stepper = Stepper(f)
    shown = stepper._repr_html_()
    assert shown.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in shown
    page = html.unescape(shown.split('srcdoc="')[1].split('" sandbox=')[0])
    assert page == stepper.html()


# -- the command line ------------------------------------------------------------------------------


@needs_dot
def test_cli_quiz_worksheet_tikz_and_pdf(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("PIL")
    quiz, sheet, tex, steps = (tmp_path / n for n in ("q.html", "q.pdf", "g.tex", "s.pdf"))
    options = ["--quiz", str(quiz), "-o", str(tex), "--hide", "values", "--steps", str(steps)]
    status = main(["render", "(x+y)*z", "x=-2", "y=5", "z=-4", *options, "--theme", "dark"])
    assert status == 0
    assert quiz.read_text("utf-8").count('<li class="question"') == 2
    assert tex.read_text("utf-8").startswith("\\documentclass{article}")
    assert steps.read_bytes().startswith(b"%PDF")
    assert main(["render", "x*y", "x=1", "y=2", "--quiz", str(sheet)]) == 0
    assert sheet.read_bytes().startswith(b"%PDF")
    assert main(["render", "x*y", "x=1", "y=2", "--quiz", str(tmp_path / "q.gif")]) == 2
    assert "--quiz" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", [".0f", ".1%", ".0e"])
def test_a_format_that_shows_answers_the_quiz_would_mark_wrong_is_refused(fmt: str) -> None:
    f, _ = sigmoid_circuit()
    f.backward()
    with pytest.raises(ValueError, match=f"fmt={fmt!r} shows .* which the quiz would mark wrong"):
        Stepper(f, fmt=fmt).questions()


@pytest.mark.parametrize("fmt", ["auto", ".2f", ".3g", "g", ".4f"])
def test_every_answer_as_shown_is_marked_right(fmt: str) -> None:
    f, _ = sigmoid_circuit()
    f.backward()
    for question in Stepper(f, fmt=fmt).questions("both"):
        assert question.is_right(float(question.shown)), (fmt, question)
