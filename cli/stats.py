"""`archiver stats`: counts per outlet, language and status, and the archive's size."""

from __future__ import annotations

import sys

import click

from cli import App
from cli.exit import EPILOG
from cli.output import to_json


@click.command("stats", epilog=EPILOG)
@click.pass_obj
def command(app: App) -> None:
    """Print archive statistics as one JSON object.

    \b
    Example:
        archiver stats | jq .outlets
    """
    with app.open_store(write=False) as store:
        sys.stdout.write(to_json(store.stats()) + "\n")
