"""`archiver ls`: metadata of stored articles (no text)."""

from __future__ import annotations

import click

from archiver.errors import UsageError
from archiver.models import ARTICLE_FIELDS
from archiver.store import ArticleFilter
from cli import App
from cli.exit import EPILOG
from cli.options import parse_date, parse_fields
from cli.output import write_rows

# What `ls` shows by default: everything but the text and the audit trail.
DEFAULT_FIELDS = tuple(f for f in ARTICLE_FIELDS if f not in ("text", "removed"))


@click.command("ls", epilog=EPILOG)
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet (repeatable).")
@click.option(
    "--since",
    callback=parse_date,
    help="Published (or fetched) on or after this day (YYYY-MM-DD) or instant (ISO 8601).",
)
@click.option(
    "--until",
    callback=parse_date,
    help="Published (or fetched) on or before this day (YYYY-MM-DD) or instant (ISO 8601).",
)
@click.option(
    "--lang", "languages", multiple=True, help="Only this language, e.g. ar (repeatable)."
)
@click.option("--originals", is_flag=True, help="Only originals (canonical or unique articles).")
@click.option("--duplicates", is_flag=True, help="Only copies of another article.")
@click.option("--fields", callback=parse_fields, help="Comma-separated fields to show.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "tsv"]),
    default="jsonl",
    show_default=True,
)
@click.pass_obj
def command(
    app: App,
    outlets: tuple[str, ...],
    since: str | None,
    until: str | None,
    languages: tuple[str, ...],
    originals: bool,
    duplicates: bool,
    fields: tuple[str, ...],
    fmt: str,
) -> None:
    """List stored articles' metadata, oldest first.

    \b
    Examples:
        archiver ls --outlet sana-en --since 2025-01-01 --fields id,title,published
        archiver ls --format csv > articles.csv
        archiver ls --fields outlet --format tsv | sort | uniq -c
        archiver ls --duplicates --fields id,url,duplicate_of,dedup_method
    """
    shown = fields or DEFAULT_FIELDS
    if originals and duplicates:
        raise UsageError("use just one of --originals and --duplicates")
    flt = ArticleFilter(
        outlets=outlets,
        since=since,
        until=until,
        languages=languages,
        originals_only=originals,
        duplicates_only=duplicates,
    )
    with app.open_store(write=False) as store:
        rows = (
            _pick(a.to_dict(with_text=False), shown)
            for a in store.iter_articles(flt, with_text=False)
        )
        write_rows(rows, shown, fmt)


def _pick(record: dict[str, object], fields: tuple[str, ...]) -> dict[str, object]:
    return {name: record.get(name) for name in fields}
