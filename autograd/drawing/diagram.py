"""``Diagram``: a ``graphviz.Digraph`` that saves by file suffix and explains a missing ``dot``.

It is still a Digraph: ``.source`` gives the DOT text (no program needed), Jupyter shows it inline
(through graphviz's ``_repr_mimebundle_``), and ``render``/``pipe`` work as usual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from autograd.files import write_atomic

RENDERED_SUFFIXES = (".svg", ".png", ".pdf")
SOURCE_SUFFIXES = (".dot", ".gv")

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
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise DotNotFoundError() from error

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """graphviz's ``render``; :class:`DotNotFoundError` without ``dot``."""
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise DotNotFoundError() from error

    def save(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        skip_existing: bool | None = False,
    ) -> str:
        """Write the diagram to ``filename``, in the format its suffix names.

        ``.svg``, ``.png`` and ``.pdf`` are rendered with ``dot``; ``.dot`` and ``.gv`` get the DOT
        text. The file is written whole or not at all (:func:`autograd.files.write_atomic`): on an
        error (``dot`` failing, a full disk) a previous file at that path is left as it was.
        Returns the path written.
        """
        # graphviz's own render() saves its DOT file through this method with skip_existing=None
        if filename is None or skip_existing is None:
            return str(super().save(filename, directory=directory, skip_existing=skip_existing))
        path = Path(directory or ".") / filename
        suffix = path.suffix.lower()
        if suffix not in SOURCE_SUFFIXES + RENDERED_SUFFIXES:
            raise ValueError(
                f"cannot save a diagram as {str(path)!r}: use a file name ending in "
                f"{', '.join(RENDERED_SUFFIXES + SOURCE_SUFFIXES)}"
            )
        if skip_existing and path.exists():
            return str(path)
        if suffix in SOURCE_SUFFIXES:  # as graphviz's save: render() then uses this file
            self.filename = os.fspath(filename)
            if directory is not None:
                self.directory = os.fspath(directory)
            data = "".join(self).encode(self.encoding)
        else:
            data = self.pipe(format=suffix[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(write_atomic(path, data))

    def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Inline display in Jupyter; without ``dot``, the install instructions as text."""
        try:
            return dict(super()._repr_mimebundle_(*args, **kwargs))
        except DotNotFoundError as error:
            return {"text/plain": str(error)}
