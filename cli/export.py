"""`archiver export`: every stored article with its text."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from archiver.atomic import atomic_writer
from archiver.errors import ArchiverError, UsageError
from archiver.models import ARTICLE_FIELDS
from archiver.store import Store
from cli import App
from cli.exit import EPILOG
from cli.output import write_rows


@click.command("export", epilog=EPILOG)
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of stdout.",
)
@click.pass_obj
def command(app: App, fmt: str, output: Path | None) -> None:
    """Export every stored article, duplicates included, with its text.

    \b
    Example:
        archiver export --format csv -o corpus.csv
    """
    if output is not None and not output.parent.is_dir():
        # A typo'd path is bad input: say so rather than create directories nobody asked for.
        raise UsageError(f"cannot write {output}: no directory {output.parent}")
    with app.open_store(write=False) as store:
        if output is None:
            _write(store, fmt, sys.stdout)
            return
        try:
            with atomic_writer(output, newline="", make_parents=False) as handle:
                _write(store, fmt, handle)
        except OSError as exc:  # unwritable directory, full disk: one line, exit 1
            raise ArchiverError(f"cannot write {output}: {exc.strerror or exc}") from None


def _write(store: Store, fmt: str, out: TextIO) -> None:
    write_rows((a.to_dict() for a in store.iter_articles()), ARTICLE_FIELDS, fmt, out)
