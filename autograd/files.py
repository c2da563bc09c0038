"""Writing files without ever losing the previous one, and reading files of bounded size.

:func:`write_atomic` writes to a temporary file in the same folder, flushes it to disk, then
renames it over the target. A rename within one folder is atomic, so a reader sees either the old
file or the new one, never half of one; a write that fails (a full disk, a quota, ``ulimit -f``)
leaves the previous file as it was, removes the temporary file and raises an error naming the path.
Every file chainrule writes (models, diagrams, stepper pages, GIFs) goes through it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from os import PathLike
from pathlib import Path
from typing import Union

PathLikeStr = Union[str, "PathLike[str]"]


class WriteError(OSError):
    """A file could not be written; the previous file at that path, if any, is unchanged."""


def write_atomic(path: PathLikeStr, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text encoded with ``encoding``) to ``path`` atomically.

    Returns the path. On failure raises :class:`WriteError` (an ``OSError``) whose message names
    the path and the reason, and leaves any existing file at ``path`` untouched.
    """
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 less the umask, as open() would make it; an existing file's mode is kept
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as error:
        raise WriteError(f"cannot write {str(target)!r}: {_reason(error)}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise WriteError(f"cannot write {str(target)!r}: {_reason(error)}") from None
        raise
    return target


def _reason(error: OSError) -> str:
    """The operating system's reason in words ('No space left on device')."""
    return error.strerror or str(error)


def read_at_most(path: PathLikeStr, max_bytes: int, advice: str) -> bytes:
    """The bytes of the file at ``path``, or a ValueError naming it (and ending in ``advice``) if
    it holds more than ``max_bytes``. A regular file's size is checked before anything is read;
    anything else (a device such as ``/dev/zero``, a pipe) is read up to ``max_bytes + 1``."""
    source = str(path)
    try:
        with open(Path(path), "rb") as file:
            info = os.fstat(file.fileno())
            size = info.st_size if stat.S_ISREG(info.st_mode) else 0  # a device: read to see
            data = b"" if size > max_bytes else file.read(max_bytes + 1)
    except ValueError as error:  # a null character in the path
        raise ValueError(f"{source!r:.80} is not a valid path: {error}") from None
    if size > max_bytes or len(data) > max_bytes:
        found = f" ({size:,} bytes)" if size > max_bytes else ""
        raise ValueError(f"{source} is larger than max_bytes={max_bytes:,} bytes{found}: {advice}")
    return data


__all__ = ["WriteError", "read_at_most", "write_atomic"]
