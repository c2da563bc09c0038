"""examples/demo.py (``make demo``) runs as a user runs it and prints the lecture's numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("demo")
    done = subprocess.run(
        [sys.executable, str(DEMO)], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, folder


def test_the_lecture_numbers(demo: tuple[str, Path]) -> None:
    lines = demo[0].splitlines()
    for row in (  # node, computed as, data, grad: the slides' digits
        "x     input         -2.00  -4.00",
        "q     +(x, y)        3.00  -4.00",
        "z     input         -4.00   3.00",
        "f     *(q, z)      -12.00   1.00",
        "w0    input         2.00  -0.20",
        "x0    input        -1.00   0.39",
        "w1    input        -3.00  -0.39",
        "x1    input        -2.00  -0.59",
        "w2    input        -3.00   0.20",
        "n6    exp(n5)       0.37  -0.53",
        "f     1/x(n7)       0.73   1.00",
    ):
        assert row in lines


def test_the_pictures_are_written(demo: tuple[str, Path]) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (make dot)")
    out, folder = demo
    for name in ("chain_rule.svg", "sigmoid_circuit.svg", "sigmoid_circuit_steps.html"):
        assert f"wrote out/{name}: " in out
        assert (folder / "out" / name).stat().st_size > 1000


def test_training_reaches_the_demos_accuracy(demo: tuple[str, Path]) -> None:
    found = re.search(r"after 30 steps: loss (\S+), accuracy (\d+)%", demo[0])
    assert found is not None, demo[0]
    assert float(found[1]) < 0.1 and int(found[2]) >= 95
