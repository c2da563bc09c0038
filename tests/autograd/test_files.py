"""write_atomic: the new file appears whole, or the old one stays."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.files import WriteError, write_atomic


def test_writes_text_and_bytes_and_keeps_no_temporary_file(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "héllo")
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.txt").read_text("utf-8") == "héllo"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.bin"]


def test_mode_follows_the_umask_and_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    write_atomic(path, "{}")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o600)
    write_atomic(path, "{ }")
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_previous_file_and_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text("previous")
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from autograd.files import write_atomic\n"
        "try:\n"
        f"    write_atomic({str(path)!r}, b'x' * 100_000)\n"
        "except OSError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        ["bash", "-c", f'ulimit -f 8; "{sys.executable}" -c "$0"', script],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "cannot write" in result.stdout and str(path) in result.stdout
    assert path.read_text() == "previous"
    assert os.listdir(tmp_path) == ["model.json"]


def test_a_missing_folder_is_a_write_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match=r"cannot write .*nowhere.*No such file"):
        write_atomic(tmp_path / "nowhere" / "x.txt", "x")


WRITERS = {  # name: (suffix, code writing more than 8 KiB to PATH)
    "nn.save": (".json", "import nn\nnn.save(nn.MLP(2, [16, 16, 1], seed=0), PATH)"),
    "Diagram.save .svg": (".svg", "from autograd import draw\ndraw(neuron(4)).save(PATH)"),
    "Diagram.save .dot": (".dot", "from autograd import draw\ndraw(neuron(40)).save(PATH)"),
    "Stepper.to_html": (".html", "from autograd import Stepper\nStepper(neuron(4)).to_html(PATH)"),
    "Stepper.to_gif": (".gif", "from autograd import Stepper\nStepper(neuron(4)).to_gif(PATH)"),
}
NEURON = (
    "from autograd import Value, weighted_sum\n"
    "def neuron(n):\n"
    "    w = [Value(0.1 * i, f'w{i}') for i in range(n)]\n"
    "    x = [Value(1.0 - 0.02 * i, f'x{i}') for i in range(n)]\n"
    "    return weighted_sum(Value(0.5, 'b'), w, x).tanh()\n"
)


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_writer_keeps_the_previous_file_when_a_write_fails(
    tmp_path: Path, writer: str
) -> None:
    """Under ``ulimit -f 8`` (files of at most 8 KiB) each writer fails on its larger output: the
    error names the path, the previous file is intact and no temporary file is left."""
    suffix, code = WRITERS[writer]
    if suffix == ".gif":
        pytest.importorskip("PIL")
    if suffix in (".svg", ".gif") and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    path = tmp_path / f"out{suffix}"
    path.write_text("previous")
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        f"PATH = {str(path)!r}\n"
        f"{NEURON}"
        "from autograd.files import WriteError\n"
        "try:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "except WriteError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        ["bash", "-c", f'ulimit -f 8; "{sys.executable}" -c "$0"', script],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"cannot write {str(path)!r}: File too large\n"
    assert path.read_text() == "previous"
    assert os.listdir(tmp_path) == [path.name]
