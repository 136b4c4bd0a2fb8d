"""`archiver crawl`: discover and archive new articles of every configured outlet (for cron)."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime

import click

from archiver.crawl import Crawler, CrawlOptions, Record, make_pool, parse_since
from archiver.errors import StoreError, UsageError
from archiver.store import Store
from cli import App
from cli.exit import EPILOG, ExitCode
from cli.output import echo_err, write_jsonl


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_since(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


class _Progress:
    """One bar per outlet on stderr, redrawn in place (only used when stderr is a terminal)."""

    def __init__(self) -> None:
        self.state: dict[str, tuple[int, int]] = {}

    def __call__(self, outlet: str, done: int, found: int) -> None:
        self.state[outlet] = (done, found)
        parts = []
        for name, (d, f) in self.state.items():
            filled = int(10 * d / f) if f else 10
            parts.append(f"{name} [{'#' * filled}{'.' * (10 - filled)}] {d}/{f}")
        sys.stderr.write("\r\033[K" + "  ".join(parts)[-200:])
        sys.stderr.flush()

    def close(self) -> None:
        if self.state:
            sys.stderr.write("\n")


@click.command("crawl", epilog=EPILOG)
@click.option("--outlet", "outlets", multiple=True, help="Crawl only this outlet (repeatable).")
@click.option(
    "--max-articles",
    type=click.IntRange(min=0),
    help="Fetch at most N articles per outlet in this run (newest first).",
)
@click.option(
    "--since",
    callback=_since,
    metavar="DATE",
    help="Skip links whose feed or sitemap date is older (YYYY-MM-DD or ISO 8601).",
)
@click.option("--dry-run", is_flag=True, help="List the article URLs that would be fetched.")
@click.option("--refresh", is_flag=True, help="Fetch archived articles again (unless unchanged).")
@click.pass_obj
def command(
    app: App,
    outlets: tuple[str, ...],
    max_articles: int | None,
    since: datetime | None,
    dry_run: bool,
    refresh: bool,
) -> None:
    """Find new articles of every configured outlet and archive them.

    Feeds, sitemaps and listing pages are read (conditionally: an unchanged one costs a 304),
    new article URLs are fetched politely and go through extract, dedup and store like
    `archiver fetch`. A killed run resumes where it stopped. One JSON line per article (and
    per feed, sitemap or outlet that failed) on stdout; one summary line on stderr.

    \b
    Example (crontab):
        17 * * * *  archiver crawl >> ~/crawl.jsonl 2>> ~/crawl.log
        archiver crawl --outlet sana-en --since 2025-01-01 --dry-run | jq -r .url
    """
    settings = app.settings
    if not settings.outlets:
        raise UsageError("no outlets configured", "add [[outlets]] tables to the config file")
    unknown = [name for name in outlets if settings.outlet_named(name) is None]
    if unknown:
        known = ", ".join(o.name for o in settings.outlets)
        raise UsageError(f"unknown outlet {unknown[0]!r}", f"configured: {known}")
    options = CrawlOptions(outlets, max_articles, since, dry_run, refresh)
    workers = settings.crawl.workers or os.cpu_count() or 1
    # Fork the extraction workers first: before any thread exists, and before the archive lock
    # and index are open, so no worker holds the lock's descriptor after this process dies.
    pool = None if dry_run else make_pool(workers)
    try:
        store = _open_store(app, dry_run)
    except BaseException:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        raise
    progress = _Progress() if sys.stderr.isatty() and not app.quiet and not dry_run else None

    def emit(record: Record) -> None:
        write_jsonl([record.to_dict()])

    try:
        crawler = Crawler(settings, store, options, emit, progress, pool, workers)
        summary = asyncio.run(crawler.run())
    finally:
        if progress:
            progress.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if store is not None:
            store.close()
    code = ExitCode.OK
    if summary.nothing_done:
        code = ExitCode.FATAL
    elif summary.counts["failed"] or summary.failed_outlets:
        code = ExitCode.PARTIAL
    if not app.quiet or code != ExitCode.OK:  # -q: quiet unless something failed
        echo_err(summary.line())
    click.get_current_context().exit(int(code))


def _open_store(app: App, dry_run: bool) -> Store | None:
    """The archive: locked for writing, or read-only (maybe absent) for a dry run."""
    if not dry_run:
        return app.open_store(write=True)
    try:
        return app.open_store(write=False)
    except StoreError:
        return None  # no archive yet: nothing is archived, every URL would be fetched
