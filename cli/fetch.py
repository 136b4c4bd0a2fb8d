"""`archiver fetch`: fetch, extract, dedup and store the articles behind URLs."""

from __future__ import annotations

import click

from archiver.pipeline import Pipeline
from cli import App
from cli.exit import EPILOG
from cli.options import read_inputs
from cli.output import Tally


@click.command("fetch", epilog=EPILOG)
@click.argument("urls", nargs=-1)
@click.pass_obj
def command(app: App, urls: tuple[str, ...]) -> None:
    """Fetch each URL (or each line of stdin), extract, dedup and store the article.

    One JSON line per URL on stdout, as soon as it is done: the record plus `status`
    (stored, duplicate, unchanged, skipped, failed) and `error`.

    \b
    Example:
        archiver fetch https://english.enabbaladi.net/archives/2025/01/some-story/
        cat urls.txt | archiver fetch | jq -r 'select(.status == "failed") | .input'
    """
    inputs = read_inputs(urls, "URLs")
    tally = Tally()
    with app.open_store(write=True) as store:
        tally.write(Pipeline(app.settings, store).fetch_urls(inputs))
    tally.finish("fetch", quiet=app.quiet)
