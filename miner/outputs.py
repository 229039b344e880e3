"""Where results go: check an output folder or file before hours of work are spent on it.

Every command that writes calls :func:`output_folder` (or :func:`output_file`) first, so a path
that cannot be written ends in one :class:`~miner.errors.OutputError` line that says what to do,
not in a traceback after the analysis.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from miner.errors import OutputError

_HINT = "choose another output path (-o) that you can write to"


def output_folder(path: str | Path) -> Path:
    """Create the folder ``path`` if needed and check that files can be written into it.

    Raises:
        OutputError: a file is in the way, the place is read-only, or the folder cannot exist.

    Example:
        >>> output_folder("out")  # doctest: +SKIP
        PosixPath('out')
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write into '{folder}': it is a file, not a folder; {_HINT}, "
                          "or move the file away")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write into the folder '{folder}': {describe(exc)}; {_HINT}") from exc
    return folder


def output_file(path: str | Path) -> Path:
    """Check that the file ``path`` can be written: its folder exists or can be made, and it is not a folder.

    Raises:
        OutputError: the path is a folder, or its folder cannot be written.
    """
    file = Path(path)
    if file.is_dir():
        raise OutputError(f"cannot write '{file}': it is a folder; give a file name such as {file / 'log.parquet'}")
    output_folder(file.parent if str(file.parent) else Path("."))
    if file.exists() and not os.access(file, os.W_OK):
        raise OutputError(f"cannot overwrite '{file}': it is read-only; {_HINT}")
    return file


def describe(exc: OSError) -> str:
    """Return the reason of an OS error in plain words (``a file is in the way``)."""
    reasons = {errno.ENOTDIR: "a file is in the way on that path", errno.EEXIST: "a file is in the way",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.EROFS: "the file system is read-only", errno.ENOSPC: "the disk is full",
               errno.ENOENT: "that place does not exist", errno.EISDIR: "it is a folder"}
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))
