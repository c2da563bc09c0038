"""The README's Python examples run as printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(BLOCKS[index], f"README block {index}", "exec"), {"__name__": "readme"})
    # A line `print(...)  # -> text` must print exactly `text`.
    printed = out.getvalue().splitlines()
    for line in BLOCKS[index].splitlines():
        if line.lstrip().startswith("print(") and "# -> " in line:
            expected = line.split("# -> ", 1)[1].strip()
            assert expected in printed, f"README block {index}: expected {expected!r} printed"
