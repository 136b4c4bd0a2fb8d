"""The exceptions the library raises; the CLI maps each to a one-line message and an exit code.

ArchiverError            anything the user should see as a one-line message
 +-- ConfigError         a bad config file, key, type or regex           (exit 2)
 +-- UsageError          a bad argument the library detected             (exit 2)
 +-- ArchiveLocked       another run holds the archive's lock            (exit 75)
 +-- StoreError          the archive cannot be opened or written         (exit 1)
 +-- FetchError          one URL could not be fetched (reported per item, not fatal)
 +-- ExtractError        one document could not be turned into an article (per item)
"""

from __future__ import annotations


class ArchiverError(Exception):
    """An error with a message meant for the user, and an optional hint on how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(ArchiverError):
    """The configuration file or a value in it is invalid."""


class UsageError(ArchiverError):
    """An argument given to the library is invalid."""


class ArchiveLocked(ArchiverError):
    """Another process holds the archive's write lock."""

    def __init__(self, path: str, pid: int | None) -> None:
        holder = f"pid {pid}" if pid else "another process"
        super().__init__(f"archive {path} is locked by {holder}", "retry when that run ends")
        self.pid = pid


class StoreError(ArchiverError):
    """The archive cannot be opened, read or written."""


class FetchError(ArchiverError):
    """A URL could not be fetched; `permanent` errors are not retried on later runs.

    `skip`: not fetched by policy (robots.txt refuses it, or it redirects off the outlet's
    hosts), so it was skipped by choice rather than failed.
    """

    def __init__(self, message: str, *, permanent: bool = False, skip: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.skip = skip


class ExtractError(ArchiverError):
    """A document could not be turned into an article."""
