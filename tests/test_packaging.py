"""pyproject.toml ships every package and every data file: a non-editable install has them all."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        tomllib = pytest.importorskip("tomli")
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)


def _packages_on_disk() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("autograd", "nn")
        for init in (ROOT / top).rglob("__init__.py")
    }


def test_every_package_is_listed() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    assert listed == _packages_on_disk()


def test_every_data_file_is_listed() -> None:
    data = _pyproject()["tool"]["setuptools"]["package-data"]
    for package in _packages_on_disk():
        folder = ROOT.joinpath(*package.split("."))
        files = {
            path.name
            for path in folder.iterdir()
            if path.is_file() and path.suffix not in {".py", ".pyc"}
        }
        assert files == set(data.get(package, [])), package
