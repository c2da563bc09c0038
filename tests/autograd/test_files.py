"""write_atomic: the new file appears whole, or the old one stays."""

from __future__ import annotations

import os
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
