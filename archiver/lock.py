"""The archive's write lock: one writer at a time, so overlapping cron runs never interleave.

An `flock` on `<archive>/lock` is released by the kernel when its holder dies, so a stale lock
(a killed run) is taken over without any clean-up; the file holds the holder's pid for the
message the second run prints.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from archiver.errors import ArchiveLocked


class ArchiveLock:
    """A non-blocking exclusive lock on an archive directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise `ArchiveLocked` naming the holder's pid."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ArchiveLocked(str(self.path.parent), self._holder_pid()) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Release the lock (the file stays, so its inode never changes under a waiter)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def _holder_pid(self) -> int | None:
        try:
            pid = int(self.path.read_text().strip() or 0) or None
        except (OSError, ValueError):
            return None
        # The file names the last writer; a reader holding the lock shared (see ReaderLock)
        # writes no pid, so a pid that is gone is not named.
        return pid if pid is None or _alive(pid) else None

    def __enter__(self) -> ArchiveLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


class ReaderLock:
    """A reader's shared lock on `<archive>/lock`: no writer can start while it is held.

    Only a reader that cannot see a writer's changes takes it (an index opened immutable, see
    store.py); writers' `LOCK_EX | LOCK_NB` fails under it, so they exit 75 and retry later.
    Taken without writing: the lock file is opened read-only.
    """

    def __init__(self, directory: Path) -> None:
        self.path = directory / "lock"
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False when the archive has no lock file (no writer ever opened it
        here); `ArchiveLocked` when a writer holds it."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = ArchiveLock(self.path.parent)._holder_pid()
            raise ArchiveLocked(str(self.path.parent), holder) from None
        self._fd = fd
        return True

    def release(self) -> None:
        """Release the lock."""
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor releases the flock
            self._fd = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
