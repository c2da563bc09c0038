"""``Diagram``: a ``graphviz.Digraph`` that saves by file suffix and explains a missing ``dot``.

It is still a Digraph: ``.source`` gives the DOT text (no program needed), Jupyter shows it inline
(through graphviz's ``_repr_mimebundle_``), and ``render``/``pipe`` work as usual. Its SVG carries
no ``<title>`` elements: browsers show those as tooltips, and dot fills them with internal node
ids (``n3``, ``w5``) that mean nothing to a reader.
"""

from __future__ import annotations

import numbers
import os
import re
from pathlib import Path
from typing import Any

import graphviz

from autograd.drawing.tikz import tikz_picture
from autograd.files import write_atomic

RENDERED_SUFFIXES = (".svg", ".png", ".pdf")
SOURCE_SUFFIXES = (".dot", ".gv")
TIKZ_SUFFIXES = (".tikz", ".tex")
DPI_RANGE = (10, 1200)
TITLE = re.compile(r"<title>.*?</title>\n?", re.S)

INSTALL_DOT = (
    "Graphviz's `dot` program is not installed (or not on PATH), so the diagram cannot be "
    "rendered; its DOT text is still available as diagram.source. Install Graphviz: "
    "Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz (or choco install graphviz); "
    "conda: conda install -c conda-forge graphviz."
)


class DotNotFoundError(graphviz.ExecutableNotFound):
    """Rendering needs Graphviz's ``dot`` program; the message says how to install it."""

    def __init__(self) -> None:
        RuntimeError.__init__(self, INSTALL_DOT)


def check_dpi(dpi: object) -> float | None:
    """``dpi`` as a float in a sensible range (None: dot's default, 96 for PNG), else ValueError."""
    if dpi is None:
        return None
    low, high = DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not low <= float(dpi) <= high:
        raise ValueError(
            f"dpi must be a number from {low} to {high} (96 is dot's default, 192 twice as "
            f"sharp), got {dpi!r}"
        )
    return float(dpi)


def without_titles(svg: Any) -> Any:
    """dot's SVG (str or bytes) without its ``<title>`` elements (tooltips of internal ids)."""
    if isinstance(svg, bytes):
        return TITLE.sub("", svg.decode("utf-8")).encode("utf-8")
    return TITLE.sub("", svg)


class Diagram(graphviz.Digraph):
    """A graphviz.Digraph of a computation graph (see :func:`autograd.draw`)."""

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """Render with ``dot`` and return the output; :class:`DotNotFoundError` without ``dot``.

        ``dot`` runs quietly (``quiet=True`` unless given): when it fails, what it said is in the
        ``graphviz.CalledProcessError`` raised, rather than printed on stderr as well.
        """
        if len(args) < 5:  # quiet is graphviz's fifth positional parameter
            kwargs.setdefault("quiet", True)
        try:
            out = super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise DotNotFoundError() from error
        chosen = kwargs.get("format", args[0] if args else self.format)
        return without_titles(out) if chosen == "svg" else out

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """graphviz's ``render``; :class:`DotNotFoundError` without ``dot``."""
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise DotNotFoundError() from error

    def rendered(self, fmt: str, dpi: float | None = None) -> bytes:
        """The diagram rendered by ``dot`` as ``fmt`` ('svg', 'png', 'pdf'), at ``dpi`` if given."""
        dpi = check_dpi(dpi)
        if dpi is None:
            return bytes(self.pipe(format=fmt))
        sharp = self.copy()
        sharp.attr(dpi=f"{dpi:g}")
        return bytes(sharp.pipe(format=fmt))

    def save(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        skip_existing: bool | None = False,
        dpi: float | None = None,
    ) -> str:
        """Write the diagram to ``filename``, in the format its suffix names.

        ``.svg``, ``.png`` and ``.pdf`` are rendered with ``dot`` (``dpi``: the resolution, for
        example 192 for a PNG twice as sharp as dot's 96); ``.dot`` and ``.gv`` get the DOT
        text; ``.tikz`` the ``tikzpicture`` (:meth:`to_tikz`) and ``.tex`` a whole LaTeX
        document around it. The file is written whole or not at all
        (:func:`autograd.files.write_atomic`): on an error (``dot`` failing, a full disk) a previous
        file at that path is left as it was. Returns the path written.
        """
        # graphviz's own render() saves its DOT file through this method with skip_existing=None
        if filename is None or skip_existing is None:
            return str(super().save(filename, directory=directory, skip_existing=skip_existing))
        path = Path(directory or ".") / filename
        suffix = path.suffix.lower()
        if suffix in SOURCE_SUFFIXES:
            check_dpi(dpi)
            path.parent.mkdir(parents=True, exist_ok=True)
            return str(write_atomic(path, self.source))
        if suffix in TIKZ_SUFFIXES:
            check_dpi(dpi)
            text = self.to_tikz(standalone=suffix == ".tex")
            path.parent.mkdir(parents=True, exist_ok=True)
            return str(write_atomic(path, text))
        if suffix not in RENDERED_SUFFIXES:
            raise ValueError(
                f"cannot save a diagram as {str(path)!r}: use a file name ending in "
                f"{', '.join(RENDERED_SUFFIXES + SOURCE_SUFFIXES + TIKZ_SUFFIXES)}"
            )
        data = self.rendered(suffix[1:], dpi)
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(write_atomic(path, data))

    def to_tikz(self, standalone: bool = False) -> str:
        """The diagram as a TikZ ``tikzpicture`` with dot's layout and the same colours (needs
        ``dot``); ``standalone=True``: a whole document that pdflatex compiles. In a LaTeX
        document: ``\\input{diagram.tikz}`` (with ``\\usepackage{tikz}``), scaled with
        ``\\resizebox{\\linewidth}{!}{...}``."""
        return tikz_picture(self.pipe(format="json", encoding="utf-8"), standalone)

    def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Inline display in Jupyter; without ``dot``, the install instructions as text."""
        try:
            return dict(super()._repr_mimebundle_(*args, **kwargs))
        except DotNotFoundError as error:
            return {"text/plain": str(error)}
