"""The documents run as printed: README.md, docs/*.md and bench/README.md.

The convention a document follows (and these tests check):

* Fences start at the beginning of a line, with three backticks and a language.
* Every ```python block runs. The blocks of one document run in order, in one namespace, as one
  session would, in a fresh temporary working directory: files they save land there.
* What a ```python block prints is the ```text block right after it (nothing but blank lines in
  between). The printed lines must equal that block's lines one by one, in order (trailing spaces
  and trailing blank lines aside). A block that prints has such a ```text block; a block that
  prints nothing has none.
* A ```console block is a shell session, run with bash in the same directory and with this
  Python's environment first on PATH (so ``python`` and ``chainrule`` are this checkout's). A line
  starting with ``$ `` is a command; the lines up to the next command are what it prints, standard
  output and standard error together.
* Every other block (```sh, a ```text block that does not follow a ```python block, ...) is shown,
  never run.
* No block opens a browser: ``webbrowser.open`` is replaced by a stub that checks that the file it
  is given exists. Matplotlib draws with its Agg backend (no display needed).

A failure names the document, the block (by the line of its opening fence) and the first line
that differs.

Every relative link and image in these documents must point to a file that exists and, when it
names a heading (``guide.md#heading``), to a heading that exists.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import webbrowser
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "bench" / "README.md",
]
FENCE = re.compile(r"^```([\w-]*)\s*$")
COMMAND = "$ "
LANGUAGES = ("python", "text", "console", "sh")
SEPARATOR = "\x1e"  # printed by the shell between two commands' outputs


@dataclass
class Block:
    """A fenced block: its language, the line of its opening fence (from 1) and its text."""

    language: str
    line: int
    text: str
    output: Block | None = None  # for a python block: the ```text block right after it


def name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_blocks(path: Path) -> list[Block]:
    """The document's fenced blocks, each ```text block that follows a python block attached."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    end = 0  # the line after the previous block's closing fence
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        close = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
        if close is None:
            raise AssertionError(f"{name(path)}, line {i + 1}: this ``` block is never closed")
        block = Block(match.group(1), i + 1, "".join(f"{line}\n" for line in lines[i + 1 : close]))
        follows_python = bool(blocks) and blocks[-1].language == "python"
        only_blank_between = all(not line.strip() for line in lines[end:i])
        if block.language == "text" and follows_python and only_blank_between:
            blocks[-1].output = block
        else:
            blocks.append(block)
        end = i = close + 1
    return blocks


def compare(where: str, expected: str, printed: str) -> None:
    """Line by line, in order; an AssertionError names the first line that differs."""
    want = [line.rstrip() for line in expected.splitlines()]
    got = [line.rstrip() for line in printed.splitlines()]
    while want and not want[-1]:
        want.pop()
    while got and not got[-1]:
        got.pop()
    for k, (w, g) in enumerate(zip_longest(want, got)):
        if w != g:
            raise AssertionError(
                f"{where}: output line {k + 1} differs\n"
                f"  the document says: {'(no more lines)' if w is None else repr(w)}\n"
                f"  the code printed:  {'(no more lines)' if g is None else repr(g)}"
            )


def run_python(path: Path, block: Block, namespace: dict[str, object]) -> None:
    where = f"{name(path)}, python block at line {block.line}"
    # padded so that a traceback points at the document's own line numbers
    code = compile("\n" * block.line + block.text, str(path), "exec")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    except Exception as error:
        raise AssertionError(f"{where} raised {type(error).__name__}: {error}") from error
    printed = out.getvalue()
    if block.output is None:
        if printed.strip():
            first = printed.strip().splitlines()[0]
            raise AssertionError(
                f"{where} prints {first!r} (and maybe more), but no ```text block after it "
                "says what it prints"
            )
        return
    compare(where, block.output.text, printed)


def run_console(path: Path, block: Block) -> None:
    """Run the block's commands in one bash session; compare each command's output."""
    where = f"{name(path)}, console block at line {block.line}"
    commands: list[str] = []
    expected: list[str] = []
    for line in block.text.splitlines():
        if line.startswith(COMMAND):
            commands.append(line[len(COMMAND) :])
            expected.append("")
        elif not commands:
            raise AssertionError(f"{where}: the first line must be a command starting with '$ '")
        else:
            expected[-1] += line + "\n"
    # the separator is printed between commands, keeping the exit status for `echo $?`
    script = "exec 2>&1\n" + "".join(
        f"status=$?; printf '\\n{SEPARATOR}\\n'; (exit $status)\n{command}\n"
        for command in commands
    )
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=Path.cwd(),
        env=env,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=300,
    )
    outputs = result.stdout.split(f"\n{SEPARATOR}\n")[1:]
    if len(outputs) != len(commands):
        raise AssertionError(f"{where}: the shell stopped after command {len(outputs)}")
    for command, want, got in zip(commands, expected, outputs):
        compare(f"{where}, command `{command}`", want, got)


def run_document(path: Path) -> None:
    """Every runnable block of ``path``, in order, in the current working directory."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    for block in read_blocks(path):
        if block.language == "python":
            run_python(path, block, namespace)
        elif block.language == "console":
            run_console(path, block)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A temporary working directory, no display, and a webbrowser that records what it opens."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    opened: list[str] = []

    def open_page(url: str, new: int = 0, autoraise: bool = True) -> bool:
        parsed = urlparse(url)
        if parsed.scheme in ("", "file"):
            page = Path(url2pathname(unquote(parsed.path)))
            assert page.is_file(), f"webbrowser.open({url!r}): no such file"
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", open_page)
    monkeypatch.setattr(webbrowser, "open_new", lambda url: open_page(url, 1))
    monkeypatch.setattr(webbrowser, "open_new_tab", lambda url: open_page(url, 2))
    return opened


@pytest.mark.parametrize("path", DOCUMENTS, ids=[name(p) for p in DOCUMENTS])
def test_document_runs_as_printed(path: Path, sandbox: list[str]) -> None:
    run_document(path)


def test_blocks_use_known_languages() -> None:
    """A typo such as ```py or ```bash would silently leave a block unchecked."""
    for path in DOCUMENTS:
        for block in read_blocks(path):
            assert block.language in LANGUAGES, (
                f"{name(path)}, line {block.line}: ```{block.language} is not one of "
                f"{', '.join(LANGUAGES)} (see this test's docstring)"
            )


# -- links --------------------------------------------------------------------------------------

LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_SOURCE = re.compile(r"<(?:img|a)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.I)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def prose(path: Path, code: bool = False) -> list[tuple[int, str]]:
    """The document's lines outside fenced blocks, (number, line); inline code removed unless
    ``code`` (a heading's anchor keeps the text of its inline code)."""
    lines, inside = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            inside = not inside
            continue
        if not inside:
            lines.append((number, line if code else re.sub(r"`[^`]*`", "", line)))
    return lines


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for the document's headings: lower case, punctuation dropped,
    spaces as hyphens, a repeated heading numbered -1, -2, ..."""
    found: set[str] = set()
    for _, line in prose(path, code=True):
        match = HEADING.match(line)
        if match:
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1))
            slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
            k, candidate = 0, slug
            while candidate in found:
                k += 1
                candidate = f"{slug}-{k}"
            found.add(candidate)
    return found


def broken_links(path: Path) -> list[str]:
    problems = []
    for number, line in prose(path):
        for target in LINK.findall(line) + HTML_SOURCE.findall(line):
            if SCHEME.match(target):
                continue
            file_part, _, fragment = target.partition("#")
            linked = (path.parent / unquote(file_part)).resolve() if file_part else path
            if not linked.exists():
                problems.append(f"{name(path)}, line {number}: {target} does not exist")
            elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
                problems.append(f"{name(path)}, line {number}: {target}: no such heading")
    return problems


@pytest.mark.parametrize("path", DOCUMENTS, ids=[name(p) for p in DOCUMENTS])
def test_links_and_images_resolve(path: Path) -> None:
    assert broken_links(path) == []


# -- the checker itself -------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_output_is_compared_line_by_line_in_order(tmp_path: Path, sandbox: list[str]) -> None:
    doc = "Intro\n\n```python\nx = 2\nprint(x)\nprint(x + 1)\n```\n\n```text\n2\n3\n```\n"
    run_document(write(tmp_path, doc))
    swapped = doc.replace("2\n3\n```", "3\n2\n```")
    with pytest.raises(AssertionError, match=r"block at line 3: output line 1 differs"):
        run_document(write(tmp_path, swapped))


def test_blocks_share_one_namespace_and_a_missing_line_is_named(
    tmp_path: Path, sandbox: list[str]
) -> None:
    doc = "```python\nx = 2\n```\n\n```python\nprint(x)\nprint(x)\n```\n```text\n2\n```\n"
    with pytest.raises(AssertionError, match=r"line 5: output line 2 differs(.|\n)*'2'"):
        run_document(write(tmp_path, doc))


def test_a_block_that_prints_needs_its_output(tmp_path: Path, sandbox: list[str]) -> None:
    with pytest.raises(AssertionError, match="no ```text block after it"):
        run_document(write(tmp_path, "```python\nprint('hi')\n```\n\nText.\n\n```text\nhi\n```\n"))


def test_an_error_names_the_block(tmp_path: Path, sandbox: list[str]) -> None:
    with pytest.raises(AssertionError, match=r"python block at line 3 raised ZeroDivisionError"):
        run_document(write(tmp_path, "Text\n\n```python\nx = 1\n1 / 0\n```\n"))


def test_console_blocks_run_in_a_shell(tmp_path: Path, sandbox: list[str]) -> None:
    doc = "```console\n$ echo one\none\n$ false\n$ echo $?\n1\n```\n"
    run_document(write(tmp_path, doc))
    with pytest.raises(AssertionError, match=r"command `echo \$\?`: output line 1 differs"):
        run_document(write(tmp_path, doc.replace("\n1\n", "\n0\n")))


def test_the_browser_is_never_opened(tmp_path: Path, sandbox: list[str]) -> None:
    doc = (
        "```python\nimport webbrowser\nfrom pathlib import Path\n"
        "Path('page.html').write_text('<p>hi</p>')\n"
        "webbrowser.open(Path('page.html').resolve().as_uri())\n```\n"
    )
    run_document(write(tmp_path, doc))
    assert sandbox == [(tmp_path / "page.html").resolve().as_uri()]


def test_broken_links_are_found(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# A heading\n", encoding="utf-8")
    path = write(
        tmp_path,
        "# Title\n[ok](there.md#a-heading) [self](#title) ![img](missing.png)\n"
        "[web](https://example.com) `[code](nowhere.md)` [bad](there.md#no-heading)\n",
    )
    assert broken_links(path) == [
        f"{name(path)}, line 2: missing.png does not exist",
        f"{name(path)}, line 3: there.md#no-heading: no such heading",
    ]
