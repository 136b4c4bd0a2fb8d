"""`archiver dedup --rebuild`: recompute fingerprints, the candidate index and all clusters."""

from __future__ import annotations

import logging
import sys

import click

from archiver.dedup_rebuild import rebuild
from archiver.errors import UsageError
from cli import App
from cli.exit import EPILOG
from cli.output import to_json

log = logging.getLogger("archiver.dedup")


@click.command("dedup", epilog=EPILOG)
@click.option(
    "--rebuild",
    "do_rebuild",
    is_flag=True,
    help="Recompute every fingerprint and cluster from the stored texts.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Processes to use (default: [dedup] workers; 0: all cores).",
)
@click.pass_obj
def command(app: App, do_rebuild: bool, workers: int | None) -> None:
    """Rebuild near-duplicate detection over the whole archive.

    Prints one JSON object with counts (articles, candidate pairs, clusters, records changed).
    Needed after changing the fingerprint keys of [dedup]; safe to run at any time.

    \b
    Example:
        archiver dedup --rebuild
    """
    if not do_rebuild:
        raise UsageError("nothing to do", "use `archiver dedup --rebuild`")
    settings = app.settings
    if workers is not None:
        from dataclasses import replace

        settings = replace(settings, dedup=replace(settings.dedup, workers=workers))
    with app.open_store(write=True) as store:
        stats = rebuild(store, settings, progress=log.info)
    sys.stdout.write(to_json(stats.to_dict()) + "\n")
