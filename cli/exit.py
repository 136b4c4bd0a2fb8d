"""Exit codes and the mapping from library errors to them."""

from __future__ import annotations

from enum import IntEnum

from archiver.errors import ArchiveLocked, ArchiverError, ConfigError, UsageError


class ExitCode(IntEnum):
    """What `archiver` exits with (documented in the README and `archiver --help`)."""

    OK = 0  # everything done
    FATAL = 1  # nothing could be done: unusable archive, unexpected error
    USAGE = 2  # bad arguments or configuration
    PARTIAL = 3  # finished, but some items failed (stdout is still valid)
    LOCKED = 75  # another run holds the archive's lock (EX_TEMPFAIL: retry later)


EPILOG = """\b
Exit codes:
  0   all done
  1   fatal error (archive unusable, nothing could be done)
  2   usage or configuration error
  3   finished, but some items failed (stdout is still valid)
  75  another run holds the archive's lock (retry later)
"""


def exit_code_for(error: ArchiverError) -> ExitCode:
    """The exit code that reports `error`."""
    if isinstance(error, ConfigError | UsageError):
        return ExitCode.USAGE
    if isinstance(error, ArchiveLocked):
        return ExitCode.LOCKED
    return ExitCode.FATAL


def exit_code_for_statuses(counts: dict[str, int]) -> ExitCode:
    """PARTIAL when any item failed, else OK."""
    return ExitCode.PARTIAL if counts.get("failed", 0) else ExitCode.OK
