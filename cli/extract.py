"""`archiver extract`: saved HTML to JSON records, offline, nothing stored."""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from archiver.decode import decode_body
from archiver.errors import ArchiverError
from archiver.extract import ExtractOptions, extract_html
from archiver.learned import learned_options
from archiver.models import Page
from archiver.pipeline import build_article, outlet_key
from archiver.store import Store
from archiver.titles import TitleAffixes
from cli import App
from cli.exit import EPILOG, ExitCode
from cli.output import echo_err, to_json


@click.command("extract", epilog=EPILOG)
@click.argument("files", nargs=-1)
@click.option("--url", help="The URL the page was saved from (for canonical URL, outlet, id).")
@click.option(
    "--explain",
    is_flag=True,
    help="Also list on stderr, per page, each line removed from the text and why "
    "(cue:read-also, cue:related-block, outlet-phrase, credit:source, selector:..., ...) and "
    "where the title, date and language came from. stdout is unchanged.",
)
@click.pass_obj
def command(app: App, files: tuple[str, ...], url: str | None, explain: bool) -> None:
    """Extract each saved HTML FILE ('-' or none: stdin) to one JSON record on stdout.

    Works with no network; nothing is stored. When the archive exists, the boilerplate it
    learned for the page's outlet is removed too (read-only). Every removal is also in the
    record's `removed` list ({text, reason}); --explain prints it readably on stderr.

    \b
    Example:
        archiver extract page.html --url https://www.enabbaladi.net/archives/123 | jq .title
    """
    if not files:
        if sys.stdin.isatty():
            raise click.UsageError("no files given (pass paths, or '-' to read stdin)")
        files = ("-",)
    failed = 0
    with _Learned(app) as learned:
        for name in files:
            try:
                body = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as exc:
                echo_err(f"Error: {name}: {exc.strerror}")
                sys.stdout.write(
                    to_json({"input": name, "status": "failed", "error": exc.strerror}) + "\n"
                )
                failed += 1
                continue
            record = _extract(app, learned, body, url or _file_url(name))
            record["input"] = name
            if explain:
                for line in explain_lines(name, record):
                    echo_err(line)
            sys.stdout.write(to_json(record) + "\n")
            sys.stdout.flush()
    click.get_current_context().exit(int(ExitCode.PARTIAL if failed else ExitCode.OK))


def _extract(app: App, learned: _Learned, body: bytes, url: str) -> dict[str, object]:
    html, codec = decode_body(body, None)
    outlet = app.settings.outlet_for_url(url)
    lines, affixes = learned.options(outlet_key(outlet, url))
    options = ExtractOptions(
        outlet=outlet, encoding=codec, learned_lines=lines, learned_affixes=affixes
    )
    extracted = extract_html(html, url, options)
    if extracted is None:
        return {"url": url, "status": "skipped", "error": "no article text found"}
    page = Page(
        url=url, final_url=url, status=200, headers=(), body=body, fetched_at=datetime.now(UTC)
    )
    data = build_article(page, extracted, outlet).to_dict()
    for name in ("fetched_at", "http_status", "warc_file", "warc_record_id"):
        data.pop(name, None)
    data["cluster"] = data["id"]
    data["status"] = "extracted"
    data["error"] = None
    return data


def _file_url(name: str) -> str:
    return "stdin:" if name == "-" else Path(name).resolve().as_uri()


def explain_lines(name: str, record: dict[str, Any]) -> list[str]:
    """Human-readable account of what extraction removed from one page, and why."""
    if record.get("status") != "extracted":
        return [f"{name}: {record.get('status')}: {record.get('error')}"]
    removed = record.get("removed") or []
    lines = [f"{name}: {len(removed)} line(s) removed"]
    lines.extend(f"  [{r['reason']}] {_short(r['text'])}" for r in removed)
    lines.append(f"  title: {record.get('title')!r}")
    lines.append(
        f"  published: {record.get('published')} (source {record.get('date_source')}, "
        f"precision {record.get('date_precision')})"
    )
    lines.append(f"  language: {record.get('language')}")
    if record.get("authors"):
        lines.append(f"  authors: {', '.join(record['authors'])}")
    if record.get("source_credit"):
        lines.append(f"  source credit: {record['source_credit']}")
    return lines


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Learned:
    """What an existing archive learned, per outlet key (`pipeline.outlet_key`: a configured
    outlet's name, else the site's host, as the pipeline learns them). The store is opened
    read-only at most once per command, only when the archive exists, and each key is read
    once; nothing is created."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.store: Store | None = None
        self.unavailable = False
        self.cache: dict[str, tuple[frozenset[str], TitleAffixes]] = {}

    def __enter__(self) -> _Learned:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def options(self, key: str) -> tuple[frozenset[str], TitleAffixes]:
        """The learned lines and title affixes for `key` (nothing without a usable archive)."""
        if key not in self.cache:
            self.cache[key] = self._read(key)
        return self.cache[key]

    def _read(self, key: str) -> tuple[frozenset[str], TitleAffixes]:
        nothing: tuple[frozenset[str], TitleAffixes] = (frozenset(), TitleAffixes())
        if self.unavailable:
            return nothing
        try:
            if self.store is None:
                if not (self.app.archive / "index.sqlite").exists():
                    self.unavailable = True
                    return nothing
                self.store = self.app.open_store(write=False)
            return learned_options(self.store.conn, key)
        except (ArchiverError, sqlite3.Error):
            self.unavailable = True  # an older or damaged archive
            return nothing
