"""Every ``pip install`` hint that users read works as printed from a chainrule checkout.

chainrule is not on a package index, so ``pip install 'chainrule[gif]'`` fails; from a checkout the
extras are installed with ``pip install -e '.[gif]'``. This scans the documents, the notebooks and
the sources of the error messages for ``pip install`` and checks that no hint names chainrule as a
package and that every extra a hint names exists.
"""

from __future__ import annotations

import importlib
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "bench").glob("*.md")),
    *sorted((ROOT / "notebooks").glob("*.ipynb")),
    *sorted(p for folder in ("autograd", "nn", "bench", "examples", "scripts")
            for p in (ROOT / folder).rglob("*.py")),
]  # fmt: skip
HINT = re.compile(r"pip install((?:[ \t]+[^\s\"`]+)+)")  # to the end of the line or string
ARGUMENT = re.compile(r"^(-\w|--[\w-]+|['\"]?[\w.-]+(\[[\w,-]*\])?([<>=!~]=?[\w.*]+)?['\"]?)$")


def extras() -> set[str]:
    return set(metadata.metadata("chainrule").get_all("Provides-Extra") or [])


def hints(text: str) -> list[list[str]]:
    """The arguments of each ``pip install`` in the text (options and requirements, up to the
    first word that is neither)."""
    found = []
    for match in HINT.finditer(text):
        arguments = []
        for word in match.group(1).split():
            bare = word.rstrip("),;")  # a parenthesis or a clause may end with the command
            if not ARGUMENT.match(bare):
                break
            arguments.append(bare.strip("'\""))
            if bare != word:
                break
        found.append(arguments)
    return found


def problems(text: str, known: set[str]) -> list[str]:
    """What is wrong with the hints in ``text``: chainrule named as a package, unknown extras."""
    found = []
    for arguments in hints(text):
        shown = " ".join(["pip install", *arguments])
        for argument in arguments:
            name, _, rest = argument.partition("[")
            if name == "chainrule":
                found.append(
                    f"{shown!r} names chainrule, which is on no package index: "
                    "use pip install -e '.[extra]' in a checkout"
                )
            elif name == "." and rest:
                for extra in rest.rstrip("]").split(","):
                    if extra not in known:
                        found.append(f"{shown!r}: chainrule has no extra {extra!r}")
    return found  # fmt: skip


def test_the_scan_finds_what_is_wrong() -> None:
    known = {"gif", "train"}
    assert hints("run pip install -e '.[gif]' (then)") == [["-e", ".[gif]"]]
    assert hints("(checkout: pip install -e '.[gif]'), or") == [["-e", ".[gif]"]]
    assert hints("pip install 'numpy>=1.24' torch --index-url https://x") == [
        ["numpy>=1.24", "torch", "--index-url"]
    ]
    assert hints("pip install -e .   # a\npip install -e '.[gif]'") == [
        ["-e", "."],
        ["-e", ".[gif]"],
    ]
    assert problems("pip install 'chainrule[gif]'", known)
    assert problems("pip install chainrule", known)
    assert problems("pip install -e '.[train,nope]'", known) == [
        "'pip install -e .[train,nope]': chainrule has no extra 'nope'"
    ]
    good = "needs Pillow: pip install pillow (from a chainrule checkout: pip install -e '.[gif]')"
    assert problems(good, known) == []


def test_the_extras_are_known_and_the_hints_found() -> None:
    assert {"gif", "widgets", "train", "data", "testing"} <= extras()
    assert len([p for p in SCANNED if "pip install" in p.read_text(encoding="utf-8")]) >= 8


@pytest.mark.parametrize("path", SCANNED, ids=[str(p.relative_to(ROOT)) for p in SCANNED])
def test_install_hints_work_from_a_checkout(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8"), extras()) == []


def test_autograd_testing_without_hypothesis_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "autograd.testing", raising=False)
    with pytest.raises(ImportError, match=r"needs hypothesis: pip install hypothesis "):
        importlib.import_module("autograd.testing")
