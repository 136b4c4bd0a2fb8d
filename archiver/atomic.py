"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_writer(
    path: Path, *, newline: str | None = None, fsync: bool = True
) -> Iterator[TextIO]:
    """Write text to a temp file beside `path`; on success (fsync it and) rename it over `path`.

    The rename alone makes the write atomic for readers and for a killed process; the fsync
    makes it durable across a power loss too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


def write_atomically(path: Path, text: str, *, fsync: bool = True) -> None:
    """Replace `path` with `text` atomically."""
    with atomic_writer(path, fsync=fsync) as handle:
        handle.write(text)
