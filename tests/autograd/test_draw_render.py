"""Rendering with Graphviz's dot: SVG, save by suffix, and a clear error when dot is missing."""

from __future__ import annotations

from pathlib import Path

import graphviz
import pytest

from autograd import Value, draw
from autograd.drawing import DotNotFoundError
from tests.autograd.test_draw_support import chain_rule, needs_dot, sigmoid_circuit


@needs_dot
def test_sigmoid_circuit_renders_to_svg_with_the_slide_numbers(
    capfd: pytest.CaptureFixture[str],
) -> None:
    f, _ = sigmoid_circuit()
    f.backward()
    svg = draw(f).pipe(format="svg", encoding="utf-8").replace("&#45;", "-")  # dot's minus sign
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for number in ("0.73", "1.37", "0.37", "-0.53", "-0.20", "0.39", "-0.39", "-0.59", "6.00"):
        assert f">{number}<" in svg, number
    for gate in ("*-1", "exp", "+1", "1/x"):
        assert f">{gate}<" in svg, gate
    assert 'fill="#2e7d32"' in svg and 'fill="#c62828"' in svg
    assert "Warning" not in capfd.readouterr().err


@needs_dot
def test_escaped_labels_stay_text_in_svg() -> None:
    x = Value(1.0, "<script>alert(1)</script>")
    svg = draw(x * 2).pipe(format="svg", encoding="utf-8")
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


@needs_dot
@pytest.mark.parametrize(
    ("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")]
)
def test_save_picks_the_format_from_the_suffix(tmp_path: Path, suffix: str, magic: bytes) -> None:
    f, _ = chain_rule()
    path = tmp_path / f"graph{suffix}"
    assert draw(f).save(path) == str(path)
    assert path.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_save_dot_writes_the_source_and_odd_suffixes_are_refused(tmp_path: Path) -> None:
    f, _ = chain_rule()
    diagram = draw(f)
    diagram.save(tmp_path / "graph.dot")
    assert (tmp_path / "graph.dot").read_text().strip() == diagram.source.strip()
    with pytest.raises(ValueError, match=r"\.svg"):
        diagram.save(tmp_path / "graph.jpeg")


@needs_dot
def test_graphviz_render_still_works(tmp_path: Path) -> None:
    f, _ = chain_rule()
    out = draw(f).render(tmp_path / "graph", format="svg")
    assert Path(out).read_text().startswith("<?xml")


def test_without_dot_rendering_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    f, _ = chain_rule()
    f.backward()
    diagram = draw(f)
    assert "-12.00" in diagram.source  # the DOT text needs no program
    with pytest.raises(DotNotFoundError) as error:
        diagram.save(tmp_path / "graph.svg")
    message = str(error.value)
    for hint in (
        "apt-get install graphviz",
        "brew install graphviz",
        "winget install graphviz",
        "choco",
    ):
        assert hint in message
    assert isinstance(error.value, graphviz.ExecutableNotFound)
    assert not (tmp_path / "graph.svg").exists()
    with pytest.raises(DotNotFoundError):
        diagram.pipe(format="png")
    assert diagram._repr_mimebundle_() == {"text/plain": message}


@needs_dot
def test_svg_has_no_tooltips_of_internal_ids() -> None:
    f, _ = sigmoid_circuit()
    f.backward()
    diagram = draw(f)
    for svg in (diagram.pipe(format="svg", encoding="utf-8"), diagram._repr_image_svg_xml()):
        assert "<svg" in svg and "<title>" not in svg
    assert b"<title>" not in diagram.pipe(format="svg")


@needs_dot
def test_dpi_sets_the_resolution_of_a_png(tmp_path: Path) -> None:
    from PIL import Image

    f, _ = chain_rule()
    f.backward()
    diagram = draw(f)
    sizes = []
    for dpi in (None, 96, 192):
        path = diagram.save(tmp_path / f"graph{dpi}.png", dpi=dpi)
        with Image.open(path) as image:
            sizes.append(image.size)
    assert sizes[0] == sizes[1]
    assert sizes[2][0] == pytest.approx(2 * sizes[1][0], rel=0.02)
    for bad in (0, 5, 5000, "high", True):
        with pytest.raises(ValueError, match="dpi must be a number from 10 to 1200"):
            diagram.save(tmp_path / "bad.png", dpi=bad)  # type: ignore[arg-type]
    assert not (tmp_path / "bad.png").exists()
