"""`archiver import`: ingest existing WARC captures, offline."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.pipeline import Pipeline
from archiver.warc import WarcFormatError
from cli import App
from cli.exit import EPILOG
from cli.output import Tally, echo_err


@click.command("import", epilog=EPILOG)
@click.argument(
    "warcs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.pass_obj
def command(app: App, warcs: tuple[Path, ...]) -> None:
    """Run every HTML response in WARC or ARC files, plain or gzipped (wget, Browsertrix,
    Wayback, ours) through the pipeline, with the capture's date as `fetched_at` and its WARC
    record id kept. A damaged file fails itself (exit 3), after the records before the damage.

    \b
    Example:
        archiver import crawl.warc.gz && archiver ls --fields id,title
    """
    tally = Tally()
    with app.open_store(write=True) as store:
        pipeline = Pipeline(app.settings, store)
        for path in warcs:
            # A damaged or unreadable file fails itself, not the batch; anything else (the
            # archive's disk, a bug) stops the run as usual.
            try:
                with open(path, "rb") as stream:
                    tally.write(pipeline.import_warc(stream))
            except WarcFormatError as exc:
                tally.counts["failed"] += 1
                echo_err(f"Error: {path}: not a readable WARC file ({exc})")
            except OSError as exc:
                if exc.filename != str(path):
                    raise  # not the input file's fault
                tally.counts["failed"] += 1
                echo_err(f"Error: {path}: {exc.strerror}")
    tally.finish("import", quiet=app.quiet)
