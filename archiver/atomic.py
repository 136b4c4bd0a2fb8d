"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_writer(
    path: Path, *, newline: str | None = None, fsync: bool = True, make_parents: bool = True
) -> Iterator[TextIO]:
    """Write text to a temp file beside `path`; on success (fsync it and) rename it over `path`.

    The rename alone makes the write atomic for readers and for a killed process; the fsync
    makes it durable across a power loss too. The file gets the permissions a plain `open(path,
    "w")` would give it: an existing file's mode, else 0o666 less the umask. `make_parents`
    creates missing directories; without it a missing directory is a FileNotFoundError.
    """
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _create_temp(path: Path) -> tuple[int, str]:
    """Create a new, empty temp file beside `path`; return its descriptor and name.

    Not `tempfile.mkstemp`, which always creates mode 0600 (texts a research group shares would
    be unreadable to it): the kernel applies the umask (and a directory's default ACL) to
    0o666 here, as it does for any new file, without reading the process-wide umask, which
    cannot be read without setting it (a race with other threads). A file being replaced
    keeps its own mode, as `open(path, "w")` would keep it.
    """
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        break
    if mode is not None:
        try:
            os.fchmod(fd, mode)
        except BaseException:
            os.close(fd)
            Path(tmp).unlink(missing_ok=True)
            raise
    return fd, tmp


def write_atomically(path: Path, text: str, *, fsync: bool = True) -> None:
    """Replace `path` with `text` atomically."""
    with atomic_writer(path, fsync=fsync) as handle:
        handle.write(text)
