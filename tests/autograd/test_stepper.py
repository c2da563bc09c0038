"""autograd.Stepper: frames built on backward_steps, stable layout, captions, HTML, GIF, widget."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from autograd import Stepper, Value, draw
from autograd.drawing.look import ACTIVE_GATE
from autograd.graph import backward_steps, topological_order
from tests.autograd.test_draw_support import chain_rule, needs_dot, sigmoid_circuit, wire_id, wires


def _structure(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """The node ids and the edges of a DOT text."""
    nodes = frozenset(re.findall(r"^\s*(\w+) \[label=", source, re.M))
    edges = frozenset(re.findall(r"^\s*(\S+ -> \S+)", source, re.M))
    return nodes, edges


def test_one_frame_per_step_plus_the_seed_frame() -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    drawn_steps = [s for s in backward_steps(f) if not s.input.is_constant]
    assert len(stepper) == len(drawn_steps) + 1 == 13
    assert [(s.gate, s.index) for s in stepper.steps] == [(s.gate, s.index) for s in drawn_steps]


def test_captions_show_upstream_times_local_with_the_slide_numbers() -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    assert stepper.caption(0) == "step 0 of 12: backward starts with gradient 1.00 at the output"
    assert stepper.caption(1) == "step 1 of 12: 1/x → +1: upstream 1.00 x local -0.53 = -0.53"
    assert stepper.caption(3) == "step 3 of 12: exp → *-1: upstream -0.53 x local 0.37 = -0.20"
    assert stepper.caption(4) == "step 4 of 12: *-1 → +: upstream -0.20 x local -1.00 = 0.20"
    assert stepper.caption(-1) == "step 12 of 12: * → x0: upstream 0.20 x local 2.00 = 0.39"
    assert stepper.caption(5) in stepper.frame(5).source


def test_frames_reveal_gradients_step_by_step_and_end_as_backward_does() -> None:
    f, v = chain_rule()
    stepper = Stepper(f, fmt="g")
    first = wires(stepper.frame(0).source)
    assert first[wire_id(f, f)] == ("-12", "1")
    assert [g for w, (_, g) in first.items() if w != wire_id(f, f)] == ["?"] * 4
    after_one = wires(stepper.frame(1).source)
    assert after_one[wire_id(f, v["q"])] == ("3", "-4") and after_one[wire_id(f, v["z"])][1] == "?"
    f.backward()
    assert wires(stepper.frame(len(stepper) - 1).source) == wires(draw(f, fmt="g").source)


def test_every_frame_has_the_same_nodes_edges_and_cell_sizes() -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    shapes = set()
    for k in range(len(stepper)):
        source = stepper.frame(k).source
        shapes.add((_structure(source), tuple(re.findall(r'WIDTH="\d+" HEIGHT="\d+"', source))))
    assert len(shapes) == 1


@needs_dot
@pytest.mark.parametrize("style", ["circuit", "record"])
def test_every_frame_has_the_same_layout_when_rendered(
    style: str, capfd: pytest.CaptureFixture[str]
) -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f, style=style)
    geometry = set()
    for svg in stepper.svgs:  # where every line of text, gate and wire is (highlights add fills)
        texts = re.findall(r'<text[^>]* y="([^"]*)"', svg)
        shapes = re.findall(r'<(?:ellipse|path)[^>]*?(?: d| cx)="([^"]*)"', svg)
        size = re.search(r'<svg width="([^"]*)" height="([^"]*)"', svg)
        assert size is not None and len(texts) > 20 and len(shapes) > 10
        geometry.add((tuple(texts), tuple(shapes), size.groups()))
    assert len(geometry) == 1
    assert "Warning" not in capfd.readouterr().err


def test_the_active_gate_is_highlighted() -> None:
    f, v = chain_rule()
    stepper = Stepper(f)
    order = topological_order(f)
    for k in range(1, len(stepper)):
        gate = stepper.steps[k - 1].gate
        filled = re.findall(
            rf'^\s*(n\d+) \[[^\n]*fillcolor="{ACTIVE_GATE}"', stepper.frame(k).source, re.M
        )
        assert filled == [f"n{order.index(gate)}"]
    assert ACTIVE_GATE not in stepper.frame(0).source


def test_the_graphs_gradients_are_left_as_they_were() -> None:
    f, v = sigmoid_circuit()
    Stepper(f)
    assert all(node.grad == 0.0 for node in topological_order(f))
    f.backward()
    before = [node.grad for node in topological_order(f)]
    stepper = Stepper(f)
    assert [node.grad for node in topological_order(f)] == before
    assert stepper.steps[-1].input_grad == pytest.approx(v["x0"].grad)


def test_frame_numbers_are_checked() -> None:
    f, _ = chain_rule()
    stepper = Stepper(f)
    with pytest.raises(IndexError, match=r"0\.\.4"):
        stepper.frame(5)
    with pytest.raises(ValueError, match="style"):
        Stepper(f, style="fancy")


@needs_dot
def test_to_html_writes_one_self_contained_page(tmp_path: Path) -> None:
    f, _ = chain_rule()
    path = Stepper(f).to_html(tmp_path / "steps.html")
    page = path.read_text(encoding="utf-8")
    assert page.count('<figure class="frame"') == 5 and page.count("<svg") == 5
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids are unique across frames"


@needs_dot
def test_html_escapes_labels(tmp_path: Path) -> None:
    x = Value(2.0, "<script>alert(1)</script>")
    page = Stepper(x * 3).to_html(tmp_path / "steps.html", title="<b>t</b>").read_text()
    assert "alert(1)" in page
    assert page.count("<script") == 1, "only the player's own script"
    assert "&lt;b&gt;t&lt;/b&gt;" in page


@needs_dot
def test_to_gif_has_one_frame_per_step(tmp_path: Path) -> None:
    from PIL import Image

    f, _ = chain_rule()
    stepper = Stepper(f)
    path = stepper.to_gif(tmp_path / "steps.gif", delay_ms=500)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == len(stepper)
        assert gif.info["duration"] == 500


def test_gif_without_pillow_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    f, _ = chain_rule()
    stepper = Stepper(f)
    monkeypatch.setattr(
        stepper, "frame", lambda k: type("F", (), {"pipe": lambda self, **_: b""})()
    )
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pip install pillow .*pip install -e '\.\[gif\]'"):
        stepper.gif()


@needs_dot
def test_widget_slider_changes_the_frame() -> None:
    pytest.importorskip("ipywidgets")
    f, _ = chain_rule()
    stepper = Stepper(f)
    widget = stepper.widget()
    controls, view = widget.children
    play, previous, slider, following = controls.children
    assert (slider.min, slider.max, play.max) == (0, 4, 4)
    assert view.value == stepper.svgs[0]
    slider.value = 3
    assert view.value == stepper.svgs[3] != stepper.svgs[0]
    following.click()
    assert slider.value == 4 and view.value == stepper.svgs[4]
    following.click()
    assert slider.value == 4
    previous.click()
    assert slider.value == 3


def test_widget_without_ipywidgets_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    f, _ = chain_rule()
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r"needs ipywidgets: pip install ipywidgets\b"):
        Stepper(f).widget()


def test_importing_autograd_does_not_import_widgets_or_pillow() -> None:
    import subprocess

    code = "import sys, autograd; print([m for m in ('ipywidgets', 'PIL') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
