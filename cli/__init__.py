"""The `archiver` command line: a thin click layer over the `archiver` library."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import platformdirs

from archiver import __version__
from archiver.config import Settings, load_settings
from archiver.errors import ArchiverError, StoreError
from archiver.store import Store
from cli.exit import EPILOG, ExitCode, exit_code_for
from cli.output import echo_err


@dataclass
class App:
    """What every command gets: the settings, the archive path and how chatty to be."""

    settings: Settings
    archive: Path
    verbosity: int
    traceback: bool

    def open_store(self, *, write: bool) -> Store:
        """Open the archive (writers take the lock: a second writer exits 75)."""
        return Store.open(self.archive, write=write, fsync=self.settings.archive.fsync)

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0


class ArchiverGroup(click.Group):
    """A group that turns library errors into one stderr line and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiverError as exc:
            if _wants_traceback(ctx):
                raise
            echo_err(f"Error: {exc}")
            ctx.exit(int(exit_code_for(exc)))
        except sqlite3.Error as exc:  # the index failing mid-read (busy, I/O): the store's error
            if _wants_traceback(ctx):
                raise
            error = StoreError(f"archive index {ctx.obj.archive / 'index.sqlite'}: {exc}")
            echo_err(f"Error: {error}")
            ctx.exit(int(exit_code_for(error)))
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(int(ExitCode.FATAL))
        except Exception as exc:  # noqa: BLE001 - the boundary: one line, not a traceback
            if _wants_traceback(ctx):
                raise
            echo_err(f"Error: unexpected {type(exc).__name__}: {exc} (rerun with --traceback)")
            ctx.exit(int(ExitCode.FATAL))


def _wants_traceback(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, App) and ctx.obj.traceback


def _silence_stdout() -> None:
    # After EPIPE, point stdout at /dev/null so the interpreter's final flush cannot fail.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _config_path(given: Path | None) -> Path | None:
    if given is not None:
        return given
    default = Path(platformdirs.user_config_dir("archiver")) / "config.toml"
    return default if default.exists() else None


def _archive_path(given: Path | None, settings: Settings) -> Path:
    if given is not None:
        return given
    if settings.archive.path:
        path = Path(settings.archive.path).expanduser()
        # Relative to the config file, so cron jobs do not depend on their working directory.
        if not path.is_absolute() and settings.source is not None:
            path = settings.source.parent / path
        return path
    if home := os.environ.get("ARCHIVER_HOME"):
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir("archiver"))


def _setup_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("archiver")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(
    cls=ArchiverGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="ARCHIVER_CONFIG",
    help="Config file (default: $ARCHIVER_CONFIG, else the "
    "user config dir's archiver/config.toml if it exists, else built-in defaults).",
)
@click.option(
    "--archive",
    "archive_path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Archive directory (default: [archive] path, else $ARCHIVER_HOME, else the "
    "user data dir).",
)
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("--traceback", is_flag=True, hidden=True, help="Show tracebacks of errors.")
@click.version_option(__version__, "--version", prog_name="archiver")
@click.pass_context
def main(
    ctx: click.Context,
    config_path: Path | None,
    archive_path: Path | None,
    verbose: int,
    quiet: bool,
    traceback: bool,
) -> None:
    """Archive and deduplicate news from Syrian outlets.

    Records go to stdout as JSON Lines; logs and summaries go to stderr.
    """
    verbosity = -1 if quiet else verbose
    _setup_logging(verbosity)
    # A ConfigError raised here is reported by ArchiverGroup.invoke like any other (exit 2).
    settings = load_settings(_config_path(config_path))
    ctx.obj = App(settings, _archive_path(archive_path, settings), verbosity, traceback)


def _register() -> None:
    from cli import clusters, crawl, dedup, export, extract, fetch, import_warc, ls, show, stats

    for module in (fetch, crawl, extract, import_warc, ls, show, export, stats, clusters, dedup):
        main.add_command(module.command)


_register()
